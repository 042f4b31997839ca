package ui

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// The root model is driven here the way a terminal drives it: random keys
// (every binding, text, paste), resizes down to 0×0, and the replies of
// the commands it starts, against a real store.

// isTimer reports whether cmd is one of Bubble Tea's or bubbles' timers
// (tea.Tick, tea.Every, the cursor blink). The driver does not wait for
// them: they only clear the status line, move a countdown or blink.
func isTimer(cmd tea.Cmd) bool {
	name := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
	return strings.Contains(name, "bubbletea.Tick.") || strings.Contains(name, "bubbletea.Every.") ||
		strings.Contains(name, "cursor.(*Model).BlinkCmd.")
}

// checkTimerNames fails when the timers are no longer recognised (a new
// Bubble Tea may name them otherwise): the driver would then wait for each.
func checkTimerNames(t testing.TB) {
	t.Helper()
	var m Model
	if !isTimer(tea.Tick(time.Hour, nil)) || !isTimer(m.setStatus("x", false)) {
		t.Fatal("tea.Tick's command is not recognised as a timer: update isTimer for this Bubble Tea version")
	}
	if isTimer(func() tea.Msg { return nil }) {
		t.Fatal("isTimer takes any command for a timer")
	}
}

// cmdWait bounds how long the driver waits for a command that is not a
// timer (a request to the store); a command still running then is dropped.
const cmdWait = 10 * time.Second

// robustStore is a real store with a small tree to browse and share from.
type robustStore struct {
	srv     *s3test.Server
	buckets []string
	client  *s3model.Client
}

// startRobustStore starts a store for tb (a test, or a fuzz target's
// worker, which then runs many inputs against it) and seeds it.
func startRobustStore(tb testing.TB) *robustStore {
	tb.Helper()
	srv := s3test.Start(tb)
	st := &robustStore{srv: srv}
	for i := 0; i < 2; i++ {
		b := srv.NewBucket(tb)
		st.buckets = append(st.buckets, b)
		for _, k := range []string{"a.txt", "b.csv", "dir/c.txt", "dir/sub/d.bin", "dir/sub/e.json", "photos/2026/x.png",
			"clear\x1b[2Jscreen.txt", "evil\u202etxt.exe", "漢字.txt", strings.Repeat("n", 200) + ".txt"} {
			srv.Put(tb, b, k, []byte("data of "+k), "")
		}
		for j := 0; j < 40; j++ {
			srv.Put(tb, b, fmt.Sprintf("many/%03d.log", j), []byte("x"), "text/plain")
		}
	}
	st.client = testClient(tb, srv)
	return st
}

// storeList offers two stores (both the test server) to the store picker.
type storeList struct{ st *robustStore }

func (s storeList) List() ([]config.Choice, error) {
	return []config.Choice{
		{Kind: config.KindStore, Name: "one", Endpoint: s.st.srv.Endpoint, Source: "config.toml"},
		{Kind: config.KindProfile, Name: "two\x1b[2J", Endpoint: s.st.srv.Endpoint, Source: "~/.aws/config"},
	}, nil
}

func (s storeList) Connect(config.Choice) (*s3model.Client, []string, error) {
	return s.st.client, []string{"a warning\x07"}, nil
}

// robustKeys are the keys a random sequence draws from: every default
// binding but export and download (which write files where typed text
// says, or in the working directory), and
// text and control keys that land in fields.
func robustKeys() []tea.KeyMsg {
	km := keymap.Default()
	var names []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch b := v.Interface().(type) {
		case key.Binding:
			names = append(names, b.Keys()...)
			return
		}
		if v.Kind() == reflect.Struct {
			for i := 0; i < v.NumField(); i++ {
				walk(v.Field(i))
			}
		}
	}
	walk(reflect.ValueOf(km))
	var out []tea.KeyMsg
	seen := map[string]bool{}
	for _, n := range append(names, "a", "1", "h", "7", "d", "x", ".", "-", "é", "漢", "tab", "shift+tab", "esc", "enter",
		"backspace", "ctrl+u", "ctrl+w", "delete", "left", "right", "y", "n") {
		if seen[n] || key.Matches(keyFor(n), km.Share.Export) || key.Matches(keyFor(n), km.Transfer.Download) {
			continue
		}
		seen[n] = true
		out = append(out, keyFor(n))
	}
	return out
}

// keyFor builds the key message Bubble Tea sends for a key name.
func keyFor(name string) tea.KeyMsg {
	for kt := tea.KeyType(-200); kt < 128; kt++ {
		if kt != tea.KeyRunes && kt != tea.KeySpace && tea.Key(tea.KeyMsg{Type: kt}).String() == name {
			return tea.KeyMsg{Type: kt}
		}
	}
	if name == " " {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
}

// robustSizes are the terminal sizes a resize picks from.
var robustSizes = [][2]int{{1, 1}, {0, 0}, {40, 10}, {300, 100}, {80, 24}, {39, 9}, {120, 40}, {2, 50}, {200, 3}, {110, 14}, {41, 13}, {60, 8}}

// pastes are texts pasted in one message, as a terminal delivers them.
var pastes = []string{"1h", "report.csv", "s3://", "\x1b[2J\x1b]52;c;ZXZpbA==\x07", "evil\u202e", strings.Repeat("w", 300), "7d", "漢字😀"}

// driver runs the root model as the program would and checks every frame.
type driver struct {
	t     testing.TB
	m     tea.Model
	w, h  int
	steps int
	trace []string
	// seen counts the frames drawn of each pane and the help screen.
	seen map[string]int
}

func newDriver(t testing.TB, st *robustStore, ledgerDir string) *driver {
	t.Helper()
	opts := Options{
		Client:     st.client,
		Start:      Location{},
		Keys:       keymap.Default(),
		LedgerPath: filepath.Join(ledgerDir, "shares.jsonl"),
		Stores:     storeList{st},
		Banner:     "demo banner",
	}
	d := &driver{t: t, m: New(opts), seen: map[string]int{}}
	d.resize(80, 24)
	d.run(d.m.Init())
	return d
}

// run executes cmd and everything it leads to, feeding replies back.
func (d *driver) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 5000 {
			d.fail("the model did not settle after 5000 commands")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil || isTimer(c) {
			continue
		}
		ch := make(chan tea.Msg, 1)
		go func() { ch <- c() }()
		var msg tea.Msg
		select {
		case msg = <-ch:
		case <-time.After(cmdWait):
			continue
		}
		if msg == nil {
			continue
		}
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
			// tea.Batch and tea.Sequence: run their commands in order.
			var cmds []tea.Cmd
			for i := 0; i < v.Len(); i++ {
				cmds = append(cmds, v.Index(i).Interface().(tea.Cmd))
			}
			queue = append(cmds, queue...)
			continue
		}
		if _, ok := msg.(tea.QuitMsg); ok {
			continue
		}
		queue = append(queue, d.update(msg))
	}
}

func (d *driver) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	func() {
		defer func() {
			if r := recover(); r != nil {
				d.fail(fmt.Sprintf("panic on %T %v: %v", msg, msg, r))
			}
		}()
		d.m, cmd = d.m.Update(msg)
	}()
	d.check()
	return cmd
}

// check fails when the frame would not fit the terminal.
func (d *driver) check() {
	var v string
	func() {
		defer func() {
			if r := recover(); r != nil {
				d.fail(fmt.Sprintf("View panicked: %v", r))
			}
		}()
		v = d.m.View()
	}()
	if m, ok := d.m.(Model); ok {
		switch {
		case m.showHelp:
			d.seen["help"]++
		case topPanel(m) != nil:
			d.seen[fmt.Sprintf("%T", topPanel(m))]++
		case m.browser.loc.Bucket == "":
			d.seen["bucket list"]++
		default:
			d.seen["listing"]++
		}
	}
	if v == "" {
		return
	}
	lines := strings.Split(v, "\n")
	if len(lines) > d.h {
		d.fail(fmt.Sprintf("the view has %d lines on a %dx%d terminal:\n%s", len(lines), d.w, d.h, v))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > d.w {
			d.fail(fmt.Sprintf("line %d is %d cells wide on a %dx%d terminal: %q", i, lw, d.w, d.h, l))
		}
	}
	for i, l := range lines {
		if bad := terminalUnsafe(l); bad != "" {
			d.fail(fmt.Sprintf("%s in line %d of the view: %q\n%s", bad, i, l, v))
		}
	}
}

func (d *driver) fail(why string) {
	d.t.Helper()
	tail := d.trace
	if len(tail) > 40 {
		tail = tail[len(tail)-40:]
	}
	d.t.Fatalf("after %d steps (last: %s): %s", d.steps, strings.Join(tail, " "), why)
}

func (d *driver) resize(w, h int) {
	d.w, d.h = w, h
	d.trace = append(d.trace, fmt.Sprintf("[%dx%d]", w, h))
	d.run(func() tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} })
}

func (d *driver) key(k tea.KeyMsg) {
	d.trace = append(d.trace, fmt.Sprintf("%q", k.String()))
	d.run(func() tea.Msg { return k })
}

// tick delivers what the timers the driver skipped would have: the
// details of the row the cursor rests on, and the status line's end.
func (d *driver) tick() {
	d.trace = append(d.trace, "[tick]")
	m, ok := d.m.(Model)
	if !ok {
		d.fail(fmt.Sprintf("the root model became a %T", d.m))
	}
	seq, id := m.browser.detailSeq, m.statusID
	d.run(func() tea.Msg { return detailTickMsg{seq: seq} })
	d.run(func() tea.Msg { return clearStatusMsg{id: id} })
}

// play decodes ops into keys, pastes, mouse events, resizes and ticks.
func (d *driver) play(ops []byte) {
	keys := robustKeys()
	for i := 0; i < len(ops); i++ {
		d.steps++
		b := ops[i]
		switch {
		case b < 0xc0:
			d.key(keys[int(b)%len(keys)])
		case b < 0xd0:
			s := robustSizes[int(b-0xc0)%len(robustSizes)]
			if i+2 < len(ops) && b >= 0xcc {
				// Any size up to 320×120.
				s = [2]int{int(ops[i+1]) % 321, int(ops[i+2]) % 121}
				i += 2
			}
			d.resize(s[0], s[1])
		case b < 0xd8:
			p := pastes[int(b-0xd0)%len(pastes)]
			d.trace = append(d.trace, fmt.Sprintf("paste(%q)", p))
			d.run(func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(p), Paste: true} })
		case b < 0xe0:
			x, y := int(b-0xd8)*9, int(b-0xd8)*3
			ev := []tea.MouseMsg{
				{X: x, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress},
				{X: x, Y: y, Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress},
				{X: x, Y: y, Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress},
			}[int(b)%3]
			d.trace = append(d.trace, fmt.Sprintf("mouse(%d,%d)", x, y))
			d.run(func() tea.Msg { return ev })
		default:
			d.tick()
		}
	}
}

// unstuck checks that the user can always get back to the browser with
// esc, and out with ctrl+c.
func (d *driver) unstuck() {
	d.resize(80, 24)
	for i := 0; i < 8; i++ {
		m := d.m.(Model)
		if topPanel(m) == nil && !m.showHelp && !m.browser.Typing() {
			break
		}
		d.key(tea.KeyMsg{Type: tea.KeyEsc})
	}
	m := d.m.(Model)
	if topPanel(m) != nil || m.showHelp || m.browser.Typing() {
		d.fail(fmt.Sprintf("eight presses of esc did not return to the browser:\n%s", m.View()))
	}
	_, cmd := d.m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	if cmd == nil {
		d.fail("ctrl+c did nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		d.fail("ctrl+c did not quit")
	}
}

// TestRootModelRandomKeys drives the root model through random key,
// paste, mouse and resize sequences from a fixed seed.
func TestRootModelRandomKeys(t *testing.T) {
	checkTimerNames(t)
	st := startRobustStore(t)
	t.Chdir(t.TempDir()) // nothing a sequence does may write into the source tree
	rng := rand.New(rand.NewPCG(20261127, 7))
	const runs, steps = 40, 300
	seen := map[string]int{}
	for r := 0; r < runs; r++ {
		ops := make([]byte, steps)
		for i := range ops {
			// Mostly keys; now and then a resize, paste, click or tick.
			switch x := rng.IntN(100); {
			case x < 80:
				ops[i] = byte(rng.IntN(0xc0))
			case x < 88:
				ops[i] = byte(0xc0 + rng.IntN(16))
			case x < 92:
				ops[i] = byte(0xd0 + rng.IntN(8))
			case x < 95:
				ops[i] = byte(0xd8 + rng.IntN(8))
			default:
				ops[i] = 0xe0
			}
		}
		d := newDriver(t, st, t.TempDir())
		d.play(ops)
		d.unstuck()
		for k, n := range d.seen {
			seen[k] += n
		}
	}
	// The sequences must have reached every pane, or they prove little.
	for _, want := range []string{"bucket list", "listing", "help", "*ui.sharePanel", "*ui.ledgerPanel", "*ui.versionsPanel", "*ui.storePicker"} {
		if seen[want] == 0 {
			t.Errorf("no random sequence reached the %s (frames seen: %v)", want, seen)
		}
	}
	t.Logf("frames drawn: %v", seen)
}

// TestResizeStorm resizes the root model through every size from 0×0 to
// 130×45 with a panel open and with the help screen up.
func TestResizeStorm(t *testing.T) {
	checkTimerNames(t)
	st := startRobustStore(t)
	t.Chdir(t.TempDir())
	d := newDriver(t, st, t.TempDir())
	d.key(keyFor("enter")) // into the first bucket
	for _, mode := range []string{"browser", "share", "help", "ledger"} {
		switch mode {
		case "share":
			d.resize(80, 24)
			d.key(keyFor("s"))
		case "help":
			d.key(keyFor("esc"))
			d.key(keyFor("?"))
		case "ledger":
			d.key(keyFor("esc"))
			d.key(keyFor("H"))
		}
		for w := 0; w <= 130; w += 3 {
			for h := 0; h <= 45; h += 2 {
				d.resize(w, h)
			}
		}
	}
	d.unstuck()
}

// FuzzRootModel drives the root model through the key, paste, mouse and
// resize sequence its input encodes (see driver.play).
func FuzzRootModel(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("jjj\x00\x01\xc0\xc1\xc2\xc3"))
	f.Add([]byte{0xc4, 10, 10, 10, 0xe0, 0xc1, 0xe0})
	f.Add([]byte("\xc4s\xe0\xc0\xc2\xe0"))
	// Open the first bucket, share, sign, resize to 1×1 and back.
	var seed []byte
	keys := robustKeys()
	idx := func(name string) byte {
		for i, k := range keys {
			if k.String() == name {
				return byte(i)
			}
		}
		f.Fatalf("no key %q", name)
		return 0
	}
	seed = append(seed, idx("enter"), 0xe0, idx("j"), idx("s"), idx("enter"), 0xc0, 0xc4, idx("esc"), idx("H"), 0xc3, idx("/"), 0xd0, idx("esc"))
	f.Add(seed)
	f.Add([]byte{idx("S"), idx("j"), idx("enter"), 0xc1, idx("enter"), idx("v"), idx("?"), 0xcc, 1, 1, idx("q")})
	checkTimerNames(f)
	st := startRobustStore(f)
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 400 {
			ops = ops[:400]
		}
		t.Chdir(t.TempDir())
		d := newDriver(t, st, t.TempDir())
		d.play(ops)
		d.unstuck()
	})
}
