package ui

import (
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	time.Local = time.UTC // golden views show times
	// Timers whose messages the driver drops fire at once.
	statusTTL, ledgerTick = time.Millisecond, time.Millisecond
	os.Exit(m.Run())
}

// cmdTimeout bounds how long the driver waits for one command. Timers are
// shortened in TestMain and their messages dropped, so only a command
// that hangs ever reaches it.
const cmdTimeout = 30 * time.Second

// send delivers msg to m and runs the commands it starts, feeding their
// messages back, until nothing is left to do.
func send(t *testing.T, m tea.Model, msg tea.Msg) tea.Model {
	t.Helper()
	m, cmd := m.Update(msg)
	return drain(t, m, cmd)
}

func drain(t *testing.T, m tea.Model, cmd tea.Cmd) tea.Model {
	t.Helper()
	m, _ = drainQuit(t, m, cmd)
	return m
}

// drainQuit is drain that also reports whether a command quit.
func drainQuit(t *testing.T, m tea.Model, cmd tea.Cmd) (_ tea.Model, quit bool) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			t.Fatal("the model did not settle after 10000 commands")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := runCmd(c).(type) {
		case tea.QuitMsg:
			quit = true
		case nil, spinner.TickMsg, clearStatusMsg, ledgerTickMsg, uploadPollTickMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			if seq, ok := sequence(msg); ok {
				queue = append(seq, queue...) // in order, before the rest
				continue
			}
			var next tea.Cmd
			m, next = m.Update(msg)
			queue = append(queue, next)
		}
	}
	return m, quit
}

// sequence unpacks tea.Sequence's message (an unexported []tea.Cmd).
func sequence(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}

func runCmd(c tea.Cmd) tea.Msg {
	ch := make(chan tea.Msg, 1)
	go func() { ch <- c() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(cmdTimeout):
		return nil
	}
}

// keyMsg builds the key message for a key name (enter, esc, tab, …) or
// for typed text.
func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// press sends keys one after another.
func press(t *testing.T, m tea.Model, keys ...string) tea.Model {
	t.Helper()
	for _, k := range keys {
		m = send(t, m, keyMsg(k))
	}
	return m
}

// testClient connects to the test server as the UI would.
func testClient(t testing.TB, srv *s3test.Server) *s3model.Client {
	t.Helper()
	return testClientWith(t, srv, func(*config.Store) {})
}

// testClientWith is testClient with the store changed by edit.
func testClientWith(t testing.TB, srv *s3test.Server, edit func(*config.Store)) *s3model.Client {
	t.Helper()
	u, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	st := config.Store{
		Endpoint: u, Region: srv.Region, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey},
	}
	edit(&st)
	c, err := s3model.New(st)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// start builds the root model at a size and runs its first load.
func start(t *testing.T, c *s3model.Client, loc Location, w, h int) tea.Model {
	t.Helper()
	m := tea.Model(New(Options{Client: c, Start: loc, Keys: keymap.Default()}))
	m = send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return drain(t, m, m.Init())
}

// checkFits fails when the view has more lines or wider lines than the screen.
func checkFits(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("%dx%d: view has %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%dx%d: line %d is %d cells wide: %q", w, h, i, lw, l)
		}
	}
}

// selectedRow returns the view's line under the cursor marker.
func selectedRow(view string) string {
	// A panel's rows first: the browser's show around its frame.
	for _, framed := range []bool{true, false} {
		for _, l := range strings.Split(view, "\n") {
			if framed {
				if !strings.Contains(l, "│") {
					continue
				}
				l = unframe(ansi.Strip(l))
			}
			if strings.HasPrefix(l, "> ") {
				return strings.TrimSpace(strings.TrimPrefix(l, "> "))
			}
		}
	}
	return ""
}
