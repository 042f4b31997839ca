package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/keymap"
)

// A recursive share of 5,000 objects asks first, copies nothing (the
// links are far over what a clipboard takes) and offers export; the
// ledger view shows it as one folded row with its count, each link
// recorded with the batch's id, and enter unfolds it.
func TestBigBatchFoldsInTheLedgerView(t *testing.T) {
	const n = 5000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("big/%04d.txt", i)
	}
	cb := nativeOK()
	path := filepath.Join(t.TempDir(), "shares.jsonl")
	var m tea.Model = New(Options{Client: newMemStore(map[string][]string{"media": append(keys, "small.txt")}), Start: Location{Bucket: "media"},
		Keys: keymap.Default(), Clipboard: cb, LedgerPath: path})
	m = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = drain(t, m, m.Init())

	m = press(t, m, "s", "enter") // s on big/: a recursive GET
	if v := m.View(); !strings.Contains(v, "make 5 000 links? y makes them") {
		t.Fatalf("5,000 links were not asked for:\n%s", v)
	}
	if recs := ledgerRecords(t, path); len(recs) != 0 {
		t.Fatalf("%d links recorded before y", len(recs))
	}
	m = press(t, m, "y")
	if v := flat(m.View()); !strings.Contains(v, "5 000 links made") || !strings.Contains(v, "not copied") || !strings.Contains(v, "e exports them to a file") {
		t.Errorf("the result does not offer export:\n%s", m.View())
	}
	if got := cb.all(); len(got) != 0 {
		t.Errorf("the clipboard got %d copies, want none", len(got))
	}
	recs := ledgerRecords(t, path)
	if len(recs) != n {
		t.Fatalf("%d links recorded, want %d", len(recs), n)
	}
	for _, r := range recs {
		if r.Batch == "" || r.Batch != recs[0].Batch {
			t.Fatalf("link %s has batch %q, the first %q", r.Key, r.Batch, recs[0].Batch)
		}
	}

	// One more link, alone, then the ledger: two rows.
	m = press(t, m, "esc", "down", "s", "enter", "esc", "H")
	v := m.View()
	if got := strings.Count(v, "(batch of 5 000 links)"); got != 1 {
		t.Errorf("the batch shows on %d rows, want 1:\n%s", got, v)
	}
	if strings.Count(v, "s3://media/big/0") != 0 || !strings.Contains(v, "s3://media/small.txt") {
		t.Errorf("the batch's links are not folded, or the single link is missing:\n%s", v)
	}
	// Enter on the batch unfolds it: its links follow the row.
	for i := 0; !strings.Contains(selectedRow(m.View()), "batch of"); i++ {
		if i == 2 {
			t.Fatalf("the cursor does not reach the batch:\n%s", m.View())
		}
		m = press(t, m, "down")
	}
	m = press(t, m, "enter")
	if v := m.View(); !strings.Contains(v, "s3://media/big/0000.txt") || !strings.Contains(v, "▾ s3://media/big/ (batch of 5 000 links)") {
		t.Errorf("enter did not unfold the batch:\n%s", v)
	}
	m = press(t, m, "enter")
	if v := m.View(); strings.Contains(v, "s3://media/big/0000.txt") {
		t.Errorf("a second enter did not fold it:\n%s", v)
	}
}
