package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/presign"
)

// signed shows the links and copies them.
func (p *sharePanel) signed(msg linksSignedMsg) tea.Cmd {
	p.cancel = nil
	if msg.err != nil {
		p.stage = stageForm
		p.formErr = "not signed: " + msg.err.Error()
		return nil
	}
	if msg.short != nil {
		p.stage, p.asked = stageAskShort, &msg
		return nil
	}
	if msg.ask {
		p.stage, p.asked = stageAskBatch, &msg
		return nil
	}
	p.stage = stageResult
	p.results, p.capped, p.ledgerErr = msg.results, msg.capped, msg.ledgerErr
	p.signedAt = p.s.now()
	p.offset = 0
	p.layoutResult()
	urls := make([]string, len(p.results))
	for i, r := range p.results {
		urls[i] = r.URL
	}
	p.s.links = append(p.s.links, urls...)
	return tea.Batch(p.copyLinks(), p.startChecks(false)) // the copy never waits for the check
}

// copyLinks copies what the links are used by: the URLs, or for a POST,
// whose URL alone uploads nothing, the ready curl command with every
// form field.
func (p *sharePanel) copyLinks() tea.Cmd {
	if len(p.results) > 0 && p.results[0].Method == presign.POST {
		return p.copy("curl command", p.curlLines())
	}
	urls := make([]string, len(p.results))
	for i, r := range p.results {
		urls[i] = r.URL
	}
	return p.copy(p.linkWord(), urls)
}

// linkWord is "link" or "3 links".
func (p *sharePanel) linkWord() string {
	if len(p.results) == 1 {
		return "link"
	}
	return plural(len(p.results), "link", "links")
}

// maxCopyBytes is the most a share panel copies at once: a batch of
// 100,000 links (tens of megabytes through OSC 52 or tmux) can freeze a
// terminal; beyond this, export them instead.
const maxCopyBytes = 64 << 10

// copy puts values on the clipboard, one per line, off the update loop.
func (p *sharePanel) copy(what string, values []string) tea.Cmd {
	p.clip = nil
	n := 0
	for _, v := range values {
		n += len(v) + 1
	}
	if n > maxCopyBytes {
		id := p.id
		res := clip.Result{Methods: []clip.Method{clip.MethodNone},
			Message: fmt.Sprintf("not copied: %s are %d KB, too much for a clipboard — e exports them to a file", what, n>>10)}
		return func() tea.Msg { return clipboardResultMsg{id: id, what: what, res: res} }
	}
	return copyToClipboard(p.s.clipboard, p.id, what, values...)
}

// copyToClipboard copies values (one per line) and reports what happened;
// a nil clipboard is the clipboard turned off.
func copyToClipboard(c clip.Clipboard, id int, what string, values ...string) tea.Cmd {
	return func() tea.Msg {
		if c == nil {
			return clipboardResultMsg{id: id, what: what, res: clip.Result{
				Methods: []clip.Method{clip.MethodNone}, Message: "clipboard off — link shown below"}}
		}
		return clipboardResultMsg{id: id, what: what, res: c.Copy(values...)}
	}
}

// clipReport words a copy's result for the panel, and whether it failed.
func clipReport(what string, r clip.Result) (line string, failed bool) {
	if !r.Copied() {
		msg := r.Message
		if msg == "" {
			msg = "clipboard unavailable — link shown below"
		}
		if r.Err != nil {
			msg += " (" + r.Err.Error() + ")"
		}
		return msg, true
	}
	r.Warning = "" // the panel shows it on a line of its own
	return what + " " + copiedLine(r), false
}

// curlLines are the curl commands of the results.
func (p *sharePanel) curlLines() []string {
	lines := make([]string, len(p.results))
	for i, r := range p.results {
		lines[i] = r.Curl(presign.CurlFile(r))
	}
	return lines
}

// resultKey handles a key while the links are shown.
func (p *sharePanel) resultKey(msg tea.KeyMsg) tea.Cmd {
	k := p.keys
	if p.up.made != nil && !p.uploadKeyOK(msg) {
		return status("a drop link is opened in a browser: enter copies it, Q shows its QR code, w prints it", true)
	}
	switch {
	case key.Matches(msg, k.Form.Submit):
		return p.copyLinks()
	case key.Matches(msg, k.Share.CopyCurl):
		what := "curl line"
		if len(p.results) > 1 {
			what = plural(len(p.results), "curl line", "curl lines")
		}
		return p.copy(what, p.curlLines())
	case key.Matches(msg, k.Share.Export):
		p.startExport()
	case key.Matches(msg, k.Share.FormFile):
		if p.results[0].Method != presign.POST {
			p.exportMsg, p.exportErr = "an HTML upload form is for POST links: e exports these", true
			return nil
		}
		p.startFormFile()
	case key.Matches(msg, k.Share.QR):
		return p.showQR()
	case key.Matches(msg, k.Share.Recheck):
		return p.startChecks(true)
	case key.Matches(msg, k.Share.Watch):
		return p.startWatch()
	case key.Matches(msg, k.Share.Print):
		urls := make([]string, len(p.results))
		for i, r := range p.results {
			urls[i] = r.URL
			if r.Method == presign.POST {
				urls[i] = r.Curl(presign.CurlFile(r))
			}
		}
		return printCmd(urls)
	case key.Matches(msg, k.Nav.Up):
		p.scroll(-1)
	case key.Matches(msg, k.Nav.Down):
		p.scroll(1)
	case key.Matches(msg, k.Nav.PageUp):
		p.scroll(-max(1, p.scrollHeight()-1))
	case key.Matches(msg, k.Nav.PageDown):
		p.scroll(max(1, p.scrollHeight()-1))
	case key.Matches(msg, k.Nav.Top):
		p.offset = 0
	case key.Matches(msg, k.Nav.Bottom):
		p.scroll(p.totalLines())
	}
	return nil
}

func (p *sharePanel) scroll(d int) {
	p.offset = max(0, min(p.offset+d, p.totalLines()-p.scrollHeight()))
}

// layoutResult wraps one link (and its curl line) to the width, or for a
// batch counts the lines each link takes, so that View renders only the
// links on screen however many there are. It runs when the links arrive
// and when the size changes, not on every frame.
func (p *sharePanel) layoutResult() {
	w := max(1, p.width)
	p.lines, p.starts = nil, nil
	if p.up.made != nil {
		p.lines = p.uploadLines(w)
	} else if len(p.results) == 1 {
		r := p.results[0]
		lines := wrapPlain(r.URL, w)
		for i, l := range lines {
			lines[i] = p.s.hyperlink(r.URL, l)
		}
		if r.Method != presign.GET {
			lines = append(lines, "", p.st.Dim.Render(cut("curl (c copies it):", w)))
			lines = append(lines, wrapPlain(safe(r.Curl(presign.CurlFile(r))), w)...)
		}
		if r.Method == presign.POST {
			lines = append(lines, "")
			lines = append(lines, wrapStyled(p.st.Dim, "a POST upload needs the form fields as well as the URL: use the curl line, or f writes an HTML upload form to open in a browser", w, 3)...)
		}
		p.lines = lines
	} else {
		p.common = commonDir(p.results)
		p.starts = make([]int, len(p.results)+1)
		for i, r := range p.results {
			p.starts[i+1] = p.starts[i] + 1 + urlLines(r.URL, w)
		}
	}
	p.scroll(0)
}

// totalLines is the length of the scrolled part of the result.
func (p *sharePanel) totalLines() int {
	if p.starts != nil {
		return p.starts[len(p.starts)-1]
	}
	return len(p.lines)
}

// lineAt renders line j of the scrolled part: in a batch, each link is
// its key (dimmed) and then the URL, wrapped to the width.
func (p *sharePanel) lineAt(j int) string {
	if p.starts == nil {
		return p.lines[j]
	}
	w := max(1, p.width)
	i, _ := slices.BinarySearch(p.starts, j+1)
	i-- // starts[i] <= j < starts[i+1]
	r := p.results[i]
	if k := j - p.starts[i]; k > 0 {
		return p.s.hyperlink(r.URL, urlLine(r.URL, w, k-1))
	}
	mark := p.checkMark(i)
	return mark + p.st.Dim.Render(fit(safe(r.Key), max(0, w-ansi.StringWidth(mark))))
}

// urlLines is how many lines of w cells a URL takes.
func urlLines(u string, w int) int {
	if isASCII(u) {
		return max(1, (len(u)+w-1)/w)
	}
	return len(wrapPlain(u, w))
}

// urlLine is line k of a URL wrapped to w cells.
func urlLine(u string, w, k int) string {
	if isASCII(u) {
		return u[k*w : min(len(u), (k+1)*w)]
	}
	return wrapPlain(u, w)[k]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// wrapStyled word-wraps sanitised text to at most n lines of w cells
// (the last cut with "…"), each drawn in st.
func wrapStyled(st lipgloss.Style, s string, w, n int) []string {
	lines := strings.Split(ansi.Wrap(s, max(1, w), ""), "\n")
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ansi.Truncate(lines[n-1], max(0, w-1), "") + "…"
	}
	for i, l := range lines {
		lines[i] = st.Render(cut(l, w))
	}
	return lines
}

// wrapPlain cuts plain text into lines of at most w cells.
func wrapPlain(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	return strings.Split(ansi.Hardwrap(s, w, true), "\n")
}

// header is the fixed part of the result, above the scrolled links.
func (p *sharePanel) header() []string {
	w := p.width
	r := p.results[0]
	var out []string
	if p.up.made != nil {
		out = p.clipLines(p.uploadHeader(w), w)
		if p.uploadCompact() {
			return out
		}
		return append(out, "")
	}
	title := p.linkWord() + " made · " + resultKind(r) + " · "
	if len(p.results) == 1 {
		title += safe("s3://" + r.Bucket + "/" + r.Key)
		if r.Prefix {
			title += "*"
		}
	} else {
		title += safe(p.where())
	}
	out = append(out, p.st.Title.Render(cut(title, w)))
	out = append(out, cut(expiryText(r.EffectiveExpiresAt, p.signedAt)+signerText(r), w))
	out = append(out, p.gatewayLines(w)...)
	out = append(out, p.ruleResultLine(w)...)
	out = append(out, p.checkLines(w)...)
	out = append(out, p.watchLines(w)...)
	if r.Warning != "" {
		out = append(out, wrapStyled(p.st.Warn, "! "+safe(oneLine(r.Warning)), w, 3)...)
	}
	if r.Method == presign.PUT && len(p.results) > 1 && len(r.Headers) > 0 {
		out = append(out, wrapStyled(p.st.Warn, "! each upload must send the Content-Type signed for its key (from its extension): c copies the curl lines, which send it", w, 2)...)
	}
	if p.capped {
		out = append(out, p.st.Warn.Render(cut(fmt.Sprintf("! only the first %s objects under the prefix were signed", groupThousands(presign.MaxRecursive)), w)))
	}
	if p.ledgerErr != nil {
		out = append(out, p.st.Warn.Render(cut("! not recorded in the share ledger: "+safe(oneLine(p.ledgerErr.Error())), w)))
	}
	out = p.clipLines(out, w)
	switch p.stage {
	case stageExportPath:
		out = append(out, cut(p.st.Title.Render("export to:")+" "+p.export.View(), w))
		if p.exportMsg != "" {
			out = append(out, p.st.Error.Render(cut(safe(oneLine(p.exportMsg)), w)))
		} else {
			hint := "a .json or .csv file; enter writes it, esc cancels"
			if strings.HasSuffix(strings.ToLower(p.export.Value()), ".html") {
				hint = "an HTML upload form to open in a browser; enter writes it, esc cancels"
			}
			out = append(out, p.st.Dim.Render(cut(hint, w)))
		}
	case stageExportConfirm:
		out = append(out, wrapStyled(p.st.Warn, safe(p.exportAt)+" exists: overwrite it? y/n", w, 3)...)
	default:
		if p.exportMsg != "" {
			st := p.st.Status
			if p.exportErr {
				st = p.st.Error
			}
			out = append(out, st.Render(cut(safe(oneLine(p.exportMsg)), w)))
		}
	}
	return append(out, "")
}

// clipLines add the copy's report to out.
func (p *sharePanel) clipLines(out []string, w int) []string {
	if p.clip == nil {
		return append(out, p.st.Dim.Render(cut("copying…", w)))
	}
	line, failed := clipReport(p.clipWhat, *p.clip)
	if failed {
		return append(out, wrapStyled(p.st.Error, safe(oneLine(line)), w, 3)...)
	}
	out = append(out, wrapStyled(p.st.Status, safe(oneLine(line)), w, 2)...)
	if p.clip.Warning != "" {
		out = append(out, wrapStyled(p.st.Warn, "! "+safe(oneLine(p.clip.Warning)), w, 3)...)
	}
	return out
}

// where names the batch: its bucket and the common prefix of its keys.
func (p *sharePanel) where() string {
	if p.kind == kindPrefix {
		return "s3://" + p.targets[0].Bucket + "/" + p.targets[0].Key
	}
	return "s3://" + p.targets[0].Bucket + "/" + p.common
}

// commonDir is the longest "dir/" every result's key starts with.
func commonDir(rs []presign.Result) string {
	if len(rs) == 0 {
		return ""
	}
	pre := rs[0].Key[:strings.LastIndex(rs[0].Key, "/")+1]
	for _, r := range rs[1:] {
		for !strings.HasPrefix(r.Key, pre) {
			pre = pre[:strings.LastIndex(strings.TrimSuffix(pre, "/"), "/")+1]
		}
	}
	return pre
}

// signerText names the identity that signed r: " · signed by ****0001",
// or " · signed by profile:share-bot (****0001)" through a sign_with.
func signerText(r presign.Result) string {
	if r.Identity == "" {
		return ""
	}
	id := (config.Credentials{AccessKeyID: r.Identity}).MaskedKeyID()
	if r.SignedWith != "" {
		return " · signed by " + safe(r.SignedWith) + " (" + id + ")"
	}
	return " · signed by " + safe(id)
}

// expiryText is "expires 2026-11-28 14:05 UTC (in 23h59m)".
func expiryText(end, now time.Time) string {
	s := "expires " + end.UTC().Format("2006-01-02 15:04 UTC")
	if d := end.Sub(now); d > 0 {
		left := presign.FormatDuration(d.Truncate(time.Minute))
		if d < time.Minute {
			left = presign.FormatDuration(d)
		}
		s += " (in " + left + ")"
	} else {
		s += " (expired)"
	}
	return s
}

// scrollHeight is how many link lines fit under the header.
func (p *sharePanel) scrollHeight() int {
	if p.results == nil {
		return p.height
	}
	return max(1, p.height-len(p.header()))
}
