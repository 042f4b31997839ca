package ui

import (
	"errors"
	"net/url"
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
		{Kind: config.KindStore, Name: "wrongkey", Endpoint: s.servers["second"].Endpoint},
	}, nil
}

func (s twoServers) Connect(c config.Choice) (*s3model.Client, []string, error) {
	if c.Name == "wrongkey" {
		// Connects (no request is made), but the store refuses the key.
		srv := s.servers["second"]
		u, _ := url.Parse(srv.Endpoint)
		client, err := s3model.New(config.Store{Name: c.Name, Endpoint: u, Region: srv.Region, Addressing: config.AddressingPath,
			Creds: config.Credentials{AccessKeyID: "AKIANOSUCHKEY0000000", SecretAccessKey: srv.SecretKey}})
		return client, nil, err
	}
	srv, ok := s.servers[c.Name]
	if !ok {
		return nil, nil, errors.New("profile broken: no credentials")
	}
	return namedClient(s.t, srv, c.Name), nil, nil
}

// namedClient is testClient with the store's name set.
func namedClient(t *testing.T, srv *s3test.Server, name string) *s3model.Client {
	st := testClient(t, srv).Store()
	st.Name = name
	c, err := s3model.New(st)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestStorePicker(t *testing.T) {
	a, b := s3test.Start(t), s3test.Start(t)
	bucketA, bucketB := a.NewBucket(t), b.NewBucket(t)
	src := twoServers{t: t, servers: map[string]*s3test.Server{"first": a, "second": b}}

	var m tea.Model = New(Options{Client: namedClient(t, a, "second"), Keys: keymap.Default(), Stores: src})
	m = send(t, m, tea.WindowSizeMsg{Width: 100, Height: 24})
	m = drain(t, m, m.Init())
	if !strings.Contains(m.View(), bucketA) {
		t.Fatalf("first store's bucket missing:\n%s", m.View())
	}

	if h := strings.Split(m.View(), "\n")[0]; !strings.HasPrefix(h, " second  s3://") || !strings.Contains(h, strings.TrimPrefix(a.Endpoint, "http://")+" · "+a.Region) {
		t.Fatalf("context header = %q, want the store's name, host and region", h)
	}

	// The picker marks the store the session is on (by name at first)
	// and opens on it.
	m = press(t, m, "S")
	v := m.View()
	if !strings.Contains(v, "store first") || !strings.Contains(v, "store second") || !strings.Contains(v, "profile broken") {
		t.Fatalf("picker does not list the stores:\n%s", v)
	}
	if got := selectedRow(v); !strings.HasPrefix(got, "● store second (current)") {
		t.Fatalf("picker opens on %q, want the current store", got)
	}
	// A store that fails to connect says why and keeps the picker open.
	m = press(t, m, "down", "enter")
	if v := m.View(); !strings.Contains(v, "no credentials") || !strings.Contains(v, "switch store") {
		t.Fatalf("failed connect:\n%s", v)
	}
	// So does one that connects but refuses the credentials: the user
	// stays on the store they were on.
	m = press(t, m, "down", "enter")
	v = m.View()
	if !strings.Contains(v, "not switched to store wrongkey") || !strings.Contains(v, "switch store") || !strings.HasPrefix(v, " second ") {
		t.Fatalf("switch to a store that refuses the key:\n%s", v)
	}
	m = press(t, m, "g", "enter")
	v = m.View()
	if !strings.Contains(v, bucketA) || strings.Contains(v, bucketB) || !strings.Contains(v, "connected to store first") || !strings.HasPrefix(v, " first ") {
		t.Fatalf("after switching:\n%s", v)
	}
	m = press(t, m, "enter")
	if v := m.View(); !strings.Contains(v, "s3://"+bucketA+"/") {
		t.Fatalf("cannot open the new store's bucket:\n%s", v)
	}
	// Now the picker goes by the choice connected to.
	m = press(t, m, "S")
	if got := selectedRow(m.View()); !strings.HasPrefix(got, "● store first (current)") {
		t.Fatalf("picker opens on %q, want store first", got)
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

func TestGoldenStorePicker(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		var m tea.Model = New(Options{Client: offlineClient(t), Keys: keymap.Default(), Start: Location{Bucket: "media"}})
		m = send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
		m, _ = m.Update(pageMsg{reqID: 1, loc: Location{Bucket: "media"}, page: s3model.Page{Done: true}})
		m = send(t, m, storesListedMsg{id: 99, choices: []config.Choice{
			{Kind: config.KindStore, Name: "dev", Endpoint: "http://127.0.0.1:9000", Source: "~/.config/s3share/config.toml"},
			{Kind: config.KindStore, Name: "prod", Endpoint: "https://s3.eu-central-1.amazonaws.com", Source: "~/.config/s3share/config.toml"},
			{Kind: config.KindProfile, Name: "default", Source: "~/.aws/config"},
		}})
		requireGolden(t, m, w, h)
	})
}
