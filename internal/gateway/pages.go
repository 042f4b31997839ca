package gateway

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
)

//go:embed pages/*.html
var pageFiles embed.FS

// pages are the HTML pages a visitor sees: no JavaScript, readable on a
// phone.
type pages struct {
	password, message, upload *template.Template
}

func loadPages() pages {
	return pages{
		password: template.Must(template.ParseFS(pageFiles, "pages/layout.html", "pages/password.html")),
		message:  template.Must(template.ParseFS(pageFiles, "pages/layout.html", "pages/message.html")),
		upload:   template.Must(template.ParseFS(pageFiles, "pages/layout.html", "pages/upload.html")),
	}
}

// pageData fills the templates.
type pageData struct {
	Title, Text string
	Wrong       bool // the password page after a wrong one
	Preview     bool
}

// setPageHeaders are the headers of every page: no caching, no framing,
// no referrer, nothing but inline styles and a form.
func setPageHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
}

func (g *Gateway) page(w http.ResponseWriter, r *http.Request, t *template.Template, status int, d pageData) {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", d); err != nil {
		g.log.Error("page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	setPageHeaders(w.Header())
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b.Bytes())
	}
}

// refusalPage tells a visitor why the link does not give the file.
func (g *Gateway) refusalPage(w http.ResponseWriter, r *http.Request, v Verdict) {
	d := pageData{Title: "Link not available"}
	switch v.Outcome {
	case OutExpired:
		d.Title, d.Text = "This link has expired", "The file is no longer shared through this link. Ask whoever sent it for a new one."
	case OutRevoked:
		d.Title, d.Text = "This link was revoked", "Whoever shared the file withdrew this link. Ask them for a new one."
	case OutLimitReached:
		d.Title, d.Text = "No downloads left", "This link has been used as many times as it allows. Ask whoever sent it for a new one."
	case OutRateLimited:
		secs := int(v.RetryAfter/time.Second) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		d.Title, d.Text = "Too many wrong passwords", "Wait "+waitText(v.RetryAfter)+" before trying again."
	case OutStoreUnavailable:
		d.Title, d.Text = "The file cannot be reached right now", "The storage behind this link did not answer. Try again in a little while."
	}
	g.page(w, r, g.pageTmpl.message, v.Status, d)
}

func waitText(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case d < 90*time.Second:
		return strconv.Itoa(int(d/time.Second)+1) + " seconds"
	case m == 1:
		return "a minute"
	}
	return strconv.Itoa(m) + " minutes"
}

// previewers are the user agents of link-preview fetchers (chat apps and
// social sites that unfurl a pasted link): they get a small page and use
// up no download.
var previewers = []string{
	"slackbot", "slack-imgproxy", "facebookexternalhit", "facebot", "twitterbot", "discordbot",
	"telegrambot", "whatsapp", "linkedinbot", "skypeuripreview", "microsoftpreview",
	"iframely", "embedly", "redditbot", "applebot", "googlebot", "bingbot", "mastodon",
	"pleroma", "misskey", "mattermost", "rocket.chat", "zulip", "viber", "vkshare",
	"pinterest", "snapchat", "kakaotalk-scrap", "google-pagerenderer", "bitlybot",
	"yahoo! slurp", "duckduckbot", "yandexbot", "baiduspider", "qwantify",
}

// isPreviewer reports whether r comes from a link-preview fetcher.
func isPreviewer(r *http.Request) bool {
	if r.Method == http.MethodHead {
		return true
	}
	ua := strings.ToLower(r.UserAgent())
	for _, p := range previewers {
		if strings.Contains(ua, strings.ToLower(p)) {
			return true
		}
	}
	return false
}
