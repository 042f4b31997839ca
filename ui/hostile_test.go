package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// hostile is text a store (or a config file, or an error body) may hold
// that must never reach the terminal as it is.
var hostile = []string{
	"clear\x1b[2Jscreen",
	"\x1b]0;pwned title\x07",
	"\x1b]52;c;ZXZpbA==\x07clip",
	"bell\x07ring",
	"carriage\rreturn\nnewline",
	"del\x7fete",
	"c1\u009b31mred",
	"lone\xffbyte",
	"evil\u202etxt.exe",
	"zero\u200bwidth\ufeffbom",
	"\u2066isolate\u2069 and line\u2028sep",
	"nul\x00byte and tab\there",
	strings.Repeat("k", 1024),
	strings.Repeat("漢字", 40) + ".txt",
	strings.Repeat("😀", 40) + ".png",
	"e\u0301\u0301\u0301 combining and 🇯🇵 flags and 👩\u200d👩\u200d👧",
}

// hostileSizes are the terminal sizes every view is drawn at: wide enough
// for details beside the list, the common ones, and the smallest drawn.
var hostileSizes = [][2]int{{200, 50}, {120, 40}, {80, 24}, {60, 14}, {40, 10}}

// terminalUnsafe names the first rune of a view that the sanitiser would
// have escaped (anything but newline), or invalid UTF-8. The tests force
// the ASCII colour profile, so the renderer adds no escapes of its own:
// any ESC in a view came from the data.
func terminalUnsafe(v string) string {
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return fmt.Sprintf("invalid UTF-8 byte %#x at %d", v[i], i)
		case r == '\n':
		case sanitize.Text(string(r)) != string(r):
			return fmt.Sprintf("raw %U at %d", r, i)
		}
		i += size
	}
	return ""
}

// checkView fails the test when a view holds a byte that could drive the
// terminal or does not fit the screen.
func checkView(t *testing.T, what string, m tea.Model, w, h int) {
	t.Helper()
	v := m.View()
	if bad := terminalUnsafe(v); bad != "" {
		t.Errorf("%s at %dx%d: %s in the view:\n%q", what, w, h, bad, v)
	}
	checkFits(t, v, w, h)
}

func hostileDetails(s string) s3model.Details {
	return s3model.Details{
		Key: s, Size: 1, ETag: s, ContentType: s, StorageClass: s, VersionID: s,
		Metadata: map[string]string{"note": s, s: "value", "x-" + s: s},
	}
}

func TestHostileListBreadcrumbsAndDetails(t *testing.T) {
	var entries []s3model.Entry
	for _, s := range hostile {
		entries = append(entries, s3model.Entry{Name: s + "/", IsPrefix: true})
	}
	for i, s := range hostile {
		entries = append(entries, s3model.Entry{Name: s, Size: int64(i), Modified: 1767225600000})
	}
	for _, size := range hostileSizes {
		w, h := size[0], size[1]
		for pi, prefix := range hostile {
			loc := Location{Bucket: "bkt", Prefix: prefix + "/"}
			m := offline(t, loc, w, h, entries)
			for i, e := range entries {
				if !e.IsPrefix {
					msg := detailMsg{bucket: loc.Bucket, key: loc.Prefix + e.Name, details: hostileDetails(hostile[i%len(hostile)])}
					if i%3 == 0 {
						msg = detailMsg{bucket: loc.Bucket, key: loc.Prefix + e.Name, err: errors.New("HEAD failed: " + hostile[i%len(hostile)])}
					}
					m, _ = m.Update(msg)
				}
				checkView(t, fmt.Sprintf("prefix %d, row %d", pi, i), m, w, h)
				m, _ = m.Update(keyMsg("down"))
				if pi > 2 && i > 2 {
					break // every prefix in the breadcrumb; every row under the first three
				}
			}
		}
	}
}

func TestHostileTypedFilterAndGoTo(t *testing.T) {
	for _, size := range hostileSizes {
		w, h := size[0], size[1]
		for i, s := range hostile {
			m := offline(t, Location{Bucket: "bkt", Prefix: "d/"}, w, h, fixedEntries())
			// Update alone: the field's focus starts a cursor blink that
			// need not run.
			m, _ = m.Update(keyMsg("/"))
			m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
			checkView(t, fmt.Sprintf("filter %d typed", i), m, w, h)
			m, _ = m.Update(keyMsg("enter"))
			checkView(t, fmt.Sprintf("filter %d kept", i), m, w, h)

			m, _ = m.Update(keyMsg(":"))
			m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
			checkView(t, fmt.Sprintf("go to %d typed", i), m, w, h)
			// Go to opens the location (or says why not) without a store:
			// only the view matters here, so no command is run.
			m, cmd := m.Update(keyMsg("enter"))
			if cmd != nil {
				if msg, ok := runCmd(cmd).(statusMsg); ok {
					m, _ = m.Update(msg)
				}
			}
			checkView(t, fmt.Sprintf("go to %d done", i), m, w, h)
		}
	}
}

func TestHostileStatusBannerAndHelp(t *testing.T) {
	for _, size := range hostileSizes {
		w, h := size[0], size[1]
		for i, s := range hostile {
			var m tea.Model = New(Options{Start: Location{Bucket: "bkt"}, Keys: keymap.Default(), Banner: "warning: " + s})
			m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			m, _ = m.Update(pageMsg{reqID: 1, loc: Location{Bucket: "bkt"}, page: s3model.Page{Entries: fixedEntries(), Done: true}})
			checkView(t, fmt.Sprintf("banner %d", i), m, w, h)
			m, _ = m.Update(keyMsg("?"))
			checkView(t, fmt.Sprintf("help with banner %d", i), m, w, h)
			m, _ = m.Update(keyMsg("?"))
			for _, isErr := range []bool{true, false} {
				m, _ = m.Update(statusMsg{text: s, err: isErr})
				checkView(t, fmt.Sprintf("status %d (error %t)", i, isErr), m, w, h)
			}
		}
	}
}

func TestHostileListingErrors(t *testing.T) {
	for _, size := range hostileSizes {
		w, h := size[0], size[1]
		for i, s := range hostile {
			err := fmt.Errorf("list s3://bkt/%s: NoSuchKey: %s", s, s)

			// A listing cut after its first page: rows kept, error in the status line.
			loc := Location{Bucket: "bkt", Prefix: s + "/"}
			var m tea.Model = New(Options{Start: loc, Keys: keymap.Default()})
			m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			m, _ = m.Update(pageMsg{reqID: 1, loc: loc, page: s3model.Page{Entries: fixedEntries(), Next: "t"}})
			m, _ = m.Update(pageMsg{reqID: 1, loc: loc, token: "t", err: err})
			checkView(t, fmt.Sprintf("incomplete listing %d", i), m, w, h)

			// The bucket list failed: the error fills the pane.
			m = New(Options{Keys: keymap.Default()})
			m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			m, _ = m.Update(bucketsMsg{reqID: 1, err: err})
			checkView(t, fmt.Sprintf("bucket list failed %d", i), m, w, h)

			// Versions and store switching report their errors.
			m, _ = m.Update(versionsMsg{bucket: "bkt", key: s, err: err})
			checkView(t, fmt.Sprintf("versions failed %d", i), m, w, h)
			m, _ = m.Update(connectedMsg{choice: config.Choice{Kind: config.KindProfile, Name: s}, err: err})
			checkView(t, fmt.Sprintf("switch failed %d", i), m, w, h)
		}
	}
}

func TestHostileVersionsAndStorePicker(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var versions []s3model.Version
	var choices []config.Choice
	for i, s := range hostile {
		versions = append(versions, s3model.Version{VersionID: s, Size: int64(i), LastModified: t0, IsLatest: i == 0, DeleteMarker: i%4 == 3})
		choices = append(choices, config.Choice{Kind: config.KindProfile, Name: s, Endpoint: "http://" + s, Source: "~/.aws/" + s})
	}
	for _, size := range hostileSizes {
		w, h := size[0], size[1]
		for i, s := range hostile {
			m := offline(t, Location{Bucket: "bkt", Prefix: "d/"}, w, h, fixedEntries())
			m = settle(t, m, versionsMsg{bucket: "bkt", key: s, versions: versions})
			if _, ok := topPanel(m).(*versionsPanel); !ok {
				t.Fatalf("the versions panel did not open")
			}
			for range versions {
				checkView(t, fmt.Sprintf("versions of key %d", i), m, w, h)
				m, _ = m.Update(keyMsg("down"))
			}
			m = settle(t, m, tea.KeyMsg{Type: tea.KeyEsc})

			m, _ = m.Update(pushPanelMsg{panel: newStorePicker(m.(Model).s, 1000+i, choices, errors.New("~/.mc/config.json: "+s))})
			for range choices {
				checkView(t, fmt.Sprintf("store picker, error %d", i), m, w, h)
				m, _ = m.Update(keyMsg("down"))
			}
		}
	}
}

// TestHostileKeysFromTheStore puts hostile keys into a real store and
// browses them: the listing, the details (a real HEAD), the versions and
// the errors the store sends back for keys that are not there, which
// echo the key.
func TestHostileKeysFromTheStore(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	stored := 0
	for _, s := range hostile {
		// The posix backend refuses invalid UTF-8 and names longer than a
		// file name may be; those are covered by the offline tests.
		if !utf8.ValidString(s) || len(s) > 255 || strings.ContainsRune(s, 0) {
			continue
		}
		srv.Put(t, bucket, "h/"+s, []byte("x"), "text/plain")
		stored++
	}
	if stored < 10 {
		t.Fatalf("only %d hostile keys stored", stored)
	}
	c := testClient(t, srv)
	ctx := context.Background()

	var realErrs []error
	for _, s := range hostile {
		if _, err := c.Stat(ctx, bucket, "missing/"+s, ""); err != nil {
			realErrs = append(realErrs, err)
		}
		if _, err := c.ListPage(ctx, "no-such-bucket-s3share", s+"/", ""); err != nil {
			realErrs = append(realErrs, err)
		}
	}
	if len(realErrs) < len(hostile) {
		t.Fatalf("only %d errors from the store for %d missing keys", len(realErrs), len(hostile))
	}
	echoed := 0
	for _, err := range realErrs {
		if strings.Contains(err.Error(), "\x1b") {
			echoed++
		}
	}
	if echoed == 0 {
		t.Fatalf("no store error echoes a key with ESC; the test would prove nothing: %v", realErrs)
	}

	for _, size := range hostileSizes {
		w, h := size[0], size[1]
		m := start(t, c, Location{Bucket: bucket, Prefix: "h/"}, w, h)
		b := m.(Model).browser
		n := b.rowCount()
		if n != stored {
			t.Fatalf("%dx%d: %d rows listed, want %d", w, h, n, stored)
		}
		for i := 0; i < n; i++ {
			checkView(t, fmt.Sprintf("stored key row %d", i), m, w, h)
			if i%5 == 0 {
				m = press(t, m, "v")
				checkView(t, fmt.Sprintf("versions of stored key row %d", i), m, w, h)
				m = send(t, m, tea.KeyMsg{Type: tea.KeyEsc})
			}
			m = press(t, m, "down")
		}
		for i, err := range realErrs {
			m, _ = m.Update(statusMsg{text: err.Error(), err: true})
			checkView(t, fmt.Sprintf("store error %d in the status line", i), m, w, h)
			b := m.(Model).browser
			e, _ := b.selected()
			m, _ = m.Update(detailMsg{bucket: bucket, key: "h/" + e.Name, err: err})
			checkView(t, fmt.Sprintf("store error %d in the details", i), m, w, h)
		}
	}
}

// settle delivers msg and then the messages of the commands it starts,
// but no timer's (see isTimer): for models without a store, where no
// command waits on the network.
func settle(t *testing.T, m tea.Model, msg tea.Msg) tea.Model {
	t.Helper()
	queue := []tea.Msg{msg}
	for n := 0; len(queue) > 0; n++ {
		if n > 1000 {
			t.Fatal("the model did not settle after 1000 messages")
		}
		var cmd tea.Cmd
		m, cmd = m.Update(queue[0])
		queue = queue[1:]
		cmds := []tea.Cmd{cmd}
		for len(cmds) > 0 {
			c := cmds[0]
			cmds = cmds[1:]
			if c == nil || isTimer(c) {
				continue
			}
			switch out := c().(type) {
			case nil:
			case tea.BatchMsg:
				cmds = append(cmds, out...)
			default:
				queue = append(queue, out)
			}
		}
	}
	return m
}
