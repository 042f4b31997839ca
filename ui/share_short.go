package ui

// Links cut short: when the credentials that signed the links end before
// the expiry the user chose, the panel does not just warn. It holds the
// links (nothing shown, copied or recorded) and offers the choices:
// shorten the expiry to what the credentials allow and sign again, keep
// the links as signed, or go back to the form. A store whose links
// should live their full length names a long-lived identity in its
// sign_with, which then signs every link.

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/presign"
)

// Keys of the question about links cut short.
var (
	shortenKey = key.NewBinding(key.WithKeys("s", "S"), key.WithHelp("s", "shorten and sign again"))
	keepKey    = key.NewBinding(key.WithKeys("k", "K", "y", "Y"), key.WithHelp("k", "keep them"))
	shortBack  = key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "back to the form"))
)

// cutShort is when the links stop working, when the credentials that
// signed them end before the expiry asked for.
type cutShort struct {
	ends, asked time.Time
	signedWith  string // the sign_with that signed them; "" for the store's own credentials
	identity    string // the access key id that signed them
}

// cutShortOf finds the earliest end of the results that their signing
// credentials cut short by a minute or more; nil when none was (a shorter
// cut is only shown, under the link).
func cutShortOf(results []presign.Result) *cutShort {
	var c *cutShort
	for _, r := range results {
		if r.ExpiresAt.Sub(r.EffectiveExpiresAt) < time.Minute {
			continue
		}
		if c == nil || r.EffectiveExpiresAt.Before(c.ends) {
			c = &cutShort{ends: r.EffectiveExpiresAt, asked: r.ExpiresAt, signedWith: r.SignedWith, identity: r.Identity}
		}
	}
	return c
}

// shortenTo is the longest whole-minute lifetime that ends before the
// credentials do, as of now; zero when less than a minute is left.
func (c *cutShort) shortenTo(now time.Time) time.Duration {
	return c.ends.Sub(now).Truncate(time.Minute)
}

// shortKey answers the question about links cut short.
func (p *sharePanel) shortKey(msg tea.KeyMsg) tea.Cmd {
	m := p.asked
	switch {
	case key.Matches(msg, shortenKey):
		d := m.short.shortenTo(p.s.now())
		if d < time.Minute {
			return nil // the choice is not offered
		}
		p.asked, p.stage = nil, stageForm
		p.expiry.sel = len(p.expiry.presets)
		p.expiry.input.SetValue(presign.FormatDuration(d))
		p.expiry.input.CursorEnd()
		return p.submit()
	case key.Matches(msg, keepKey):
		kept := *m
		kept.short = nil
		if kept.ask {
			p.stage, p.asked = stageAskBatch, &kept // the big batch's own question next
			return nil
		}
		return p.recordHeld(kept)
	case key.Matches(msg, shortBack):
		p.dropHeld()
	}
	return nil
}

// shortLines is the question about links cut short.
func (p *sharePanel) shortLines() []string {
	c, w, now := p.asked.short, p.width, p.s.now()
	them := "these links"
	if len(p.asked.results) == 1 {
		them = "this link"
	}
	who := "the temporary credentials that sign " + them
	if c.signedWith != "" {
		who = "the credentials of sign_with " + c.signedWith + ", which sign " + them + ","
	}
	lines := []string{p.st.Title.Render(cut(p.title(), w)), ""}
	lines = append(lines, wrapStyled(p.st.Warn, "! "+safe(them+" would stop working at "+c.ends.UTC().Format("2006-01-02 15:04 UTC")+
		", "+presign.FormatDuration(c.asked.Sub(c.ends).Truncate(time.Minute))+" before the expiry asked for: "+
		who+" (access key id "+(config.Credentials{AccessKeyID: c.identity}).MaskedKeyID()+") expire then"), w, 3)...)
	lines = append(lines, "")
	if d := c.shortenTo(now); d >= time.Minute {
		lines = append(lines, cut("  s  shorten the expiry to "+presign.FormatDuration(d)+" and sign again", w))
	}
	lines = append(lines,
		cut("  k  keep "+them+" as signed: until "+c.ends.UTC().Format("15:04 UTC")+" "+inText(c.ends, now), w),
		cut("  n  back to the form", w), "")
	if c.signedWith == "" {
		lines = append(lines, wrapStyled(p.st.Dim, "links that live their full length are signed with a long-lived key: "+
			`give the store a sign_with = "profile:NAME" in config.toml`, w, 3)...)
	}
	return lines
}

// inText is "(in 9m)", or "(now)" for a time already past.
func inText(t, now time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return "(now)"
	}
	if d >= time.Minute {
		d = d.Truncate(time.Minute)
	}
	return "(in " + presign.FormatDuration(d) + ")"
}
