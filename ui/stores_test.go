package ui

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// twoServers offers two real versitygw servers as stores.
type twoServers struct {
	t       *testing.T
	servers map[string]*s3test.Server
}

func (s twoServers) List() ([]config.Choice, error) {
	return []config.Choice{
		{Kind: config.KindStore, Name: "first", Endpoint: s.servers["first"].Endpoint},
		{Kind: config.KindStore, Name: "second", Endpoint: s.servers["second"].Endpoint},
		{Kind: config.KindProfile, Name: "broken"},
	}, nil
}

func (s twoServers) Connect(c config.Choice) (*s3model.Client, []string, error) {
	srv, ok := s.servers[c.Name]
	if !ok {
		return nil, nil, errors.New("profile broken: no credentials")
	}
	return testClient(s.t, srv), nil, nil
}

func TestStorePicker(t *testing.T) {
	a, b := s3test.Start(t), s3test.Start(t)
	bucketA, bucketB := a.NewBucket(t), b.NewBucket(t)
	src := twoServers{t: t, servers: map[string]*s3test.Server{"first": a, "second": b}}

	var m tea.Model = New(Options{Client: testClient(t, a), Keys: keymap.Default(), Stores: src})
	m = send(t, m, tea.WindowSizeMsg{Width: 100, Height: 24})
	m = drain(t, m, m.Init())
	if !strings.Contains(m.View(), bucketA) {
		t.Fatalf("first store's bucket missing:\n%s", m.View())
	}

	m = press(t, m, "S")
	v := m.View()
	if !strings.Contains(v, "store first") || !strings.Contains(v, "store second") || !strings.Contains(v, "profile broken") {
		t.Fatalf("picker does not list the stores:\n%s", v)
	}
	// A store that fails to connect says why and keeps the picker open.
	m = press(t, m, "down", "down", "enter")
	if v := m.View(); !strings.Contains(v, "no credentials") || !strings.Contains(v, "switch store") {
		t.Fatalf("failed connect:\n%s", v)
	}
	m = press(t, m, "up", "enter")
	v = m.View()
	if !strings.Contains(v, bucketB) || strings.Contains(v, bucketA) || !strings.Contains(v, "connected to store second") {
		t.Fatalf("after switching:\n%s", v)
	}
	m = press(t, m, "enter")
	if v := m.View(); !strings.Contains(v, "s3://"+bucketB+"/") {
		t.Fatalf("cannot open the new store's bucket:\n%s", v)
	}
}

func TestStorePickerAbsent(t *testing.T) {
	m := offline(t, Location{Bucket: "b"}, 80, 24, nil)
	_, cmd := m.Update(keyMsg("S"))
	if cmd == nil {
		t.Fatal("S without stores gave no message")
	}
	if msg, ok := cmd().(statusMsg); !ok || !strings.Contains(msg.text, "no other stores") {
		t.Fatalf("S without stores: %#v", cmd())
	}
}
