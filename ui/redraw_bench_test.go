package ui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
)

// BenchmarkKeyToRedraw measures a key press at 120×40 up to its frame
// (Update, then View), in colour, on the screens a user moves through:
// the browser over a million rows, a panel over it (the share form, a
// result of 5,000 links, the ledger with a 5,000-link batch and 1,000
// links). Each must stay under 20 ms; the keys alternate so the cursor
// stays in the middle.
func BenchmarkKeyToRedraw(b *testing.B) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	b.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
	now := time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
	keys := []tea.KeyMsg{{Type: tea.KeyDown}, {Type: tea.KeyUp}}
	run := func(b *testing.B, m tea.Model, keys []tea.KeyMsg) {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
		i := 0
		for b.Loop() {
			m, _ = m.Update(keys[i%len(keys)])
			_ = m.View()
			i++
		}
	}
	withPanel := func(b *testing.B, p func(s *session) panel) tea.Model {
		m := listingModel(b, 1_000_000)
		pn := p(m.(Model).s)
		m, _ = m.Update(pushPanelMsg{panel: pn})
		return m
	}
	b.Run("browser", func(b *testing.B) {
		m := listingModel(b, 1_000_000)
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
		run(b, m, keys)
	})
	b.Run("share-form", func(b *testing.B) {
		m := withPanel(b, func(s *session) panel {
			return newSharePanel(s, []ShareTarget{{Bucket: "bkt", Key: "p/logs/app.log.gz", Size: 1234}})
		})
		run(b, m, []tea.KeyMsg{{Type: tea.KeyRight}, {Type: tea.KeyLeft}})
	})
	b.Run("share-result-5000", func(b *testing.B) {
		var p *sharePanel
		m := withPanel(b, func(s *session) panel {
			p = newSharePanel(s, []ShareTarget{{Bucket: "bkt", Key: "p/", IsPrefix: true}})
			return p
		})
		results := make([]presign.Result, 5000)
		for i := range results {
			k := fmt.Sprintf("p/logs/app-%05d.log.gz", i)
			results[i] = presign.Result{Method: presign.GET, Bucket: "bkt", Key: k, SignedAt: now, ExpiresAt: now.Add(time.Hour), EffectiveExpiresAt: now.Add(time.Hour),
				URL: "http://127.0.0.1:9/bkt/" + k + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261127%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Date=20261127T140000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
		}
		m, _ = m.Update(linksSignedMsg{id: p.ID(), results: results})
		run(b, m, []tea.KeyMsg{{Type: tea.KeyPgDown}, {Type: tea.KeyPgUp}})
	})
	b.Run("ledger-6000", func(b *testing.B) {
		var p *ledgerPanel
		m := withPanel(b, func(s *session) panel {
			p = newLedgerPanel(s)
			return p
		})
		var recs []ledger.Record
		for i := range 6000 {
			made := now.Add(-time.Duration(i) * time.Minute)
			r := ledger.Record{Time: made, Store: "127.0.0.1:9", StoreName: "demo", Method: "GET", Bucket: "bkt", Key: fmt.Sprintf("p/logs/app-%05d.log.gz", i),
				ExpiresAt: made.Add(24 * time.Hour), EffectiveExpiresAt: made.Add(24 * time.Hour), URL: "http://127.0.0.1:9/bkt/x?X-Amz-Signature=0"}
			if i < 5000 {
				r.Batch, r.Time, r.ExpiresAt, r.EffectiveExpiresAt = "b1", now, now.Add(time.Hour), now.Add(time.Hour)
			}
			recs = append(recs, r)
		}
		m, _ = m.Update(ledgerLoadedMsg{id: p.ID(), recs: recs})
		run(b, m, keys)
	})
}
