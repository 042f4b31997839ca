package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/presign/ledger"
)

// TestHostileSharePanelAndLedger shares hostile keys from a real store
// (one by one as GET and PUT, as a batch, and a prefix of them), then
// opens the share ledger that recorded them, with hostile records and
// corrupt lines added. Every frame is checked for raw control bytes and
// for fitting the terminal.
func TestHostileSharePanelAndLedger(t *testing.T) {
	checkTimerNames(t)
	st := startRobustStore(t)
	bucket := st.buckets[0]
	for _, s := range hostile {
		if utf8.ValidString(s) && len(s) <= 255 && !strings.ContainsRune(s, 0) {
			st.srv.Put(t, bucket, "h/"+s, []byte("x"), "")
		}
	}
	t.Chdir(t.TempDir())

	for _, size := range [][2]int{{200, 50}, {100, 30}, {80, 24}, {40, 10}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			ledgerDir := t.TempDir()
			d := newDriver(t, st, ledgerDir)
			d.resize(w, h)
			share := func(targets ...ShareTarget) {
				t.Helper()
				d.run(shareCmd(d.m, targets...))
				if _, ok := topPanel(d.m).(*sharePanel); !ok {
					t.Fatalf("the share panel did not open for %q:\n%s", targets[0].Key, d.m.View())
				}
			}
			var all []ShareTarget
			for i, s := range hostile {
				tg := ShareTarget{Bucket: bucket, Key: "h/" + s, Size: int64(i)}
				all = append(all, tg)

				share(tg) // GET
				d.key(keyFor("enter"))
				// A link, or (for a key S3 cannot have: not UTF-8, longer
				// than 1024 bytes) why there is none.
				v := d.m.View()
				flat := strings.ReplaceAll(strings.ReplaceAll(v, " ", ""), "\n", "")
				invalid := !utf8.ValidString(tg.Key) || len(tg.Key) > 1024
				if w >= 80 && !strings.Contains(flat, "X-Amz-Signature") && !strings.Contains(v, "link made") && !(invalid && strings.Contains(v, "not signed:")) {
					t.Fatalf("key %d: no link shown after signing:\n%s", i, v)
				}
				d.key(keyFor("c"))
				d.key(keyFor("down"))
				d.key(keyFor("esc"))

				share(tg) // PUT, with a curl line that names the key
				d.key(keyFor("right"))
				d.key(keyFor("enter"))
				d.key(keyFor("pgdown"))
				d.key(keyFor("esc"))
			}
			share(all...) // a batch
			d.key(keyFor("enter"))
			for range hostile {
				d.key(keyFor("down"))
			}
			d.key(keyFor("esc"))
			share(ShareTarget{Bucket: bucket, Key: "h/", IsPrefix: true}) // a prefix, listed from the store
			d.key(keyFor("enter"))
			d.key(keyFor("G"))
			d.key(keyFor("esc"))

			// Hostile records and lines no reader can parse.
			path := filepath.Join(ledgerDir, "shares.jsonl")
			l, err := ledger.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t0 := time.Now()
			for i, s := range hostile {
				err := l.Append(ledger.Record{
					Time: t0, Store: s, Method: s, Bucket: s, Key: s, Prefix: i%2 == 0,
					Options: map[string]string{s: s, "expires": s}, ExpiresAt: t0.Add(time.Duration(i-3) * time.Hour),
					EffectiveExpiresAt: t0.Add(time.Duration(i-4) * time.Hour), URL: "https://h/" + s,
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range hostile {
				fmt.Fprintf(f, "%s{\"bucket\":\"%s\n", s, s)
			}
			f.WriteString(`{"bucket":"\u001b]0;t\u0007","url":"u","expires_at":"2026-01-01T00:00:00Z`)
			f.Close()

			d.key(keyFor("H"))
			if _, ok := topPanel(d.m).(*ledgerPanel); !ok {
				t.Fatalf("the ledger view did not open:\n%s", d.m.View())
			}
			for i := 0; i < 3*len(hostile)+5; i++ {
				d.key(keyFor("down"))
			}
			d.key(keyFor("/"))
			for _, s := range hostile[:4] {
				d.run(func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true} })
			}
			d.key(keyFor("esc"))
			d.key(keyFor("esc"))
			d.unstuck()
			if d.seen["*ui.sharePanel"] == 0 || d.seen["*ui.ledgerPanel"] == 0 {
				t.Fatalf("frames drawn: %v", d.seen)
			}
		})
	}
}
