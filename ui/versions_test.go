package ui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/internal/s3test"
)

func TestVersionsPanel(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	if err := srv.Client.EnableVersioning(context.Background(), bucket); err != nil {
		t.Fatal(err)
	}
	srv.Put(t, bucket, "doc.txt", []byte("first"), "text/plain")
	srv.Put(t, bucket, "doc.txt", []byte("second!"), "text/plain")
	m := start(t, testClient(t, srv), Location{Bucket: bucket}, 100, 24)
	m = press(t, m, "v")
	v := m.View()
	if !strings.Contains(v, "versions of s3://"+bucket+"/doc.txt") || strings.Count(v, "  7 B") != 1 || strings.Count(v, "  5 B") != 1 || !strings.Contains(v, "latest") {
		t.Fatalf("versions panel:\n%s", v)
	}
	if strings.Contains(v, "listing the versions") || !strings.Contains(v, "2 versions of s3://"+bucket+"/doc.txt") {
		t.Fatalf("the status line still says it lists, or does not count the versions:\n%s", v)
	}
	m = send(t, m, tea.KeyMsg{Type: tea.KeyEsc})
	if v := m.View(); strings.Contains(v, "versions of") || !strings.Contains(v, "doc.txt") {
		t.Fatalf("esc does not close the versions panel:\n%s", v)
	}
}

func TestMouse(t *testing.T) {
	m := offline(t, Location{Bucket: "bkt", Prefix: "data/"}, 80, 24, fixedEntries())
	// Row 4 of the list is on screen line 5 (the context header is line
	// 0, the headings line 1).
	m, _ = m.Update(tea.MouseMsg{X: 10, Y: 5, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if got := selectedRow(m.View()); !strings.HasPrefix(got, "notes.txt") {
		t.Fatalf("click selected %q", got)
	}
	m, _ = m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	if got := selectedRow(m.View()); !strings.HasPrefix(got, "archive/") {
		t.Fatalf("wheel up (3 rows) selected %q", got)
	}
	// A second click on the selected prefix opens it.
	_, cmd := m.Update(tea.MouseMsg{X: 10, Y: 2, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if cmd == nil {
		t.Fatal("clicking the selected prefix did not open it")
	}
}
