package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestExportNeverOverwritesWithoutConfirmation exports links from the
// share panel into a file that exists: nothing is written until the user
// answers y; n (or esc) keeps the file as it was. New files are 0600.
func TestExportNeverOverwritesWithoutConfirmation(t *testing.T) {
	checkTimerNames(t)
	st := startRobustStore(t)
	t.Chdir(t.TempDir())
	dir := t.TempDir()
	existing := filepath.Join(dir, "links.json")
	const precious = "precious data, not links\n"
	if err := os.WriteFile(existing, []byte(precious), 0o640); err != nil {
		t.Fatal(err)
	}

	d := newDriver(t, st, t.TempDir())
	d.resize(120, 40)
	d.run(shareCmd(d.m, ShareTarget{Bucket: st.buckets[0], Key: "a.txt"}, ShareTarget{Bucket: st.buckets[0], Key: "b.csv"}))
	d.key(keyFor("enter"))
	if v := d.m.View(); !strings.Contains(v, "a.txt") || !strings.Contains(v, "b.csv") {
		t.Fatalf("no links after signing:\n%s", v)
	}
	exportTo := func(path string) {
		t.Helper()
		d.key(keyFor("e"))
		if !strings.Contains(d.m.View(), "export to:") {
			t.Fatalf("e did not ask where to export:\n%s", d.m.View())
		}
		d.key(tea.KeyMsg{Type: tea.KeyCtrlU})
		d.run(func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(path), Paste: true} })
		d.key(keyFor("enter"))
	}
	unchanged := func(when string) {
		t.Helper()
		data, err := os.ReadFile(existing)
		if err != nil || string(data) != precious {
			t.Fatalf("%s: the existing file now holds %q (%v)", when, data, err)
		}
	}

	for _, no := range []string{"n", "esc"} {
		exportTo(existing)
		if v := d.m.View(); !strings.Contains(v, "exists: overwrite it? y/n") {
			t.Fatalf("exporting onto an existing file did not ask first:\n%s", v)
		}
		unchanged("while asking")
		d.key(keyFor(no))
		unchanged("after " + no)
		if v := d.m.View(); !strings.Contains(v, "not overwritten") {
			t.Fatalf("after %s the panel does not say the file was kept:\n%s", no, v)
		}
		d.key(keyFor("esc")) // leave the path prompt
	}

	exportTo(existing)
	d.key(keyFor("y"))
	data, err := os.ReadFile(existing)
	if err != nil {
		t.Fatal(err)
	}
	var links []map[string]any
	if err := json.Unmarshal(data, &links); err != nil || len(links) != 2 {
		t.Fatalf("after y the file holds %q (%v), want the 2 links as JSON", data, err)
	}
	if fi, err := os.Stat(existing); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the overwritten export: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}

	fresh := filepath.Join(dir, "new.csv")
	exportTo(fresh)
	if v := d.m.View(); strings.Contains(v, "overwrite") || !strings.Contains(v, "exported 2 links") {
		t.Fatalf("a new file: %s", v)
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("a new export: %v; want mode 0600", err)
	}
	d.unstuck()
}
