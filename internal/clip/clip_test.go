package clip

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/s3share/s3share/internal/sanitize"
)

const testURL = "https://s3.example.test/bucket/report%202026.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=86400&X-Amz-Signature=0123abcd"

// fakeNative is an injected system clipboard.
type fakeNative struct {
	mu          sync.Mutex
	unsupported bool
	err         error
	got         []string
}

func (f *fakeNative) Unsupported() bool { return f.unsupported }

func (f *fakeNative) WriteAll(text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.got = append(f.got, text)
	return nil
}

// nativeCfg describes a fakeNative in a table.
type nativeCfg struct {
	unsupported bool
	err         error
}

// fakeTmux records tmux invocations; failW makes `load-buffer -w` fail as
// on tmux before 3.2, err makes every call fail.
type fakeTmux struct {
	calls  [][]string
	stdin  []string
	failW  bool
	err    error
	called bool
}

func (f *fakeTmux) run(stdin []byte, args ...string) error {
	f.called = true
	f.calls = append(f.calls, args)
	f.stdin = append(f.stdin, string(stdin))
	if f.err != nil {
		return f.err
	}
	if f.failW && len(args) > 1 && args[1] == "-w" {
		return errors.New("exit status 1: unknown flag -w")
	}
	return nil
}

// failingWriter is a terminal that refuses writes.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("input/output error") }

func getenv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// decodeOSC52 parses what was written to the terminal: one OSC 52
// sequence, raw, wrapped for tmux passthrough or split into GNU screen DCS
// chunks. It returns the shape and the decoded text, and fails the test
// on any other bytes.
func decodeOSC52(t *testing.T, written string) (shape, text string) {
	t.Helper()
	const (
		osc = "\x1b]52;c;"
		bel = "\x07"
		st  = "\x1b\\"
	)
	var inner string
	switch {
	case strings.HasPrefix(written, "\x1bPtmux;"):
		shape = "tmux"
		body, ok := strings.CutPrefix(written, "\x1bPtmux;")
		if !ok || !strings.HasSuffix(body, st) {
			t.Fatalf("tmux passthrough %q: want ESC P tmux; … ESC \\", written)
		}
		body = strings.TrimSuffix(body, st)
		// Inside tmux passthrough every ESC is doubled.
		if strings.Contains(strings.ReplaceAll(body, "\x1b\x1b", ""), "\x1b") {
			t.Fatalf("tmux passthrough %q holds an undoubled ESC", written)
		}
		inner = strings.ReplaceAll(body, "\x1b\x1b", "\x1b")
	case strings.HasPrefix(written, "\x1bP"):
		shape = "screen"
		body := strings.TrimPrefix(written, "\x1bP")
		if !strings.HasSuffix(body, st) {
			t.Fatalf("screen DCS %q: want it to end with ESC \\", written)
		}
		chunks := strings.Split(strings.TrimSuffix(body, st), st+"\x1bP")
		for i, c := range chunks {
			data := strings.TrimSuffix(strings.TrimPrefix(c, osc), bel)
			if len(data) > 76 {
				t.Errorf("screen DCS chunk %d carries %d base64 bytes, want at most 76", i, len(data))
			}
		}
		inner = strings.Join(chunks, "")
	default:
		shape = "raw"
		inner = written
	}
	if !strings.HasPrefix(inner, osc) || !strings.HasSuffix(inner, bel) {
		t.Fatalf("%s sequence %q: want ESC ] 52 ; c ; <base64> BEL", shape, inner)
	}
	data := strings.TrimSuffix(strings.TrimPrefix(inner, osc), bel)
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatalf("%s sequence payload %q is not base64: %v", shape, data, err)
	}
	return shape, string(raw)
}

func TestCopyRoutes(t *testing.T) {
	const (
		viaOSC52   = "sent to the terminal via OSC 52 — your terminal must allow it"
		viaTmux    = "copied to tmux buffer and asked tmux to pass it to your terminal via OSC 52 — your terminal must allow it"
		viaScreen  = "sent to the terminal via OSC 52 through screen — your terminal must allow it"
		nativeOnly = "copied (native)"
	)
	tmuxVar := "/tmp/tmux-1000/default,4242,0"
	cases := []struct {
		name       string
		mode       Mode
		goos       string
		vars       map[string]string
		native     nativeCfg
		noTTY      bool
		tmux       fakeTmux
		methods    []Method
		message    string
		shape      string     // what reached the terminal: "", raw, tmux, screen
		tmuxCalls  [][]string // nil: tmux not run
		nativeUsed bool
		warning    string // substring of Result.Warning; "" means empty
	}{
		{
			name: "auto local X11", mode: ModeAuto, goos: "linux",
			vars:    map[string]string{"DISPLAY": ":0"},
			methods: []Method{MethodNative}, message: nativeOnly, nativeUsed: true,
		},
		{
			name: "auto local Wayland", mode: ModeAuto, goos: "linux",
			vars:    map[string]string{"WAYLAND_DISPLAY": "wayland-0"},
			methods: []Method{MethodNative}, message: nativeOnly, nativeUsed: true,
		},
		{
			name: "auto over SSH without display", mode: ModeAuto, goos: "linux",
			vars:    map[string]string{"SSH_TTY": "/dev/pts/3", "SSH_CONNECTION": "10.0.0.1 5000 10.0.0.2 22"},
			methods: []Method{MethodOSC52}, message: viaOSC52, shape: "raw",
		},
		{
			name: "auto over SSH with X11 forwarding", mode: ModeAuto, goos: "linux",
			vars:    map[string]string{"SSH_CLIENT": "10.0.0.1 5000 22", "DISPLAY": "localhost:10.0"},
			methods: []Method{MethodNative, MethodOSC52}, nativeUsed: true, shape: "raw",
			message: "copied (native) and sent to the terminal via OSC 52 — your terminal must allow it",
		},
		{
			name: "auto macOS local", mode: ModeAuto, goos: "darwin", vars: map[string]string{},
			methods: []Method{MethodNative}, message: nativeOnly, nativeUsed: true,
		},
		{
			name: "auto macOS over SSH skips the server's pasteboard", mode: ModeAuto, goos: "darwin",
			vars:    map[string]string{"SSH_TTY": "/dev/ttys001"},
			methods: []Method{MethodOSC52}, message: viaOSC52, shape: "raw",
		},
		{
			name: "auto Windows local", mode: ModeAuto, goos: "windows", vars: map[string]string{},
			methods: []Method{MethodNative}, message: nativeOnly, nativeUsed: true,
		},
		{
			name: "auto WSL without display", mode: ModeAuto, goos: "linux",
			vars:    map[string]string{"WSL_DISTRO_NAME": "Ubuntu"},
			methods: []Method{MethodNative}, message: nativeOnly, nativeUsed: true,
		},
		{
			name: "auto Linux console without display", mode: ModeAuto, goos: "linux", vars: map[string]string{},
			methods: []Method{MethodOSC52}, message: viaOSC52, shape: "raw",
		},
		{
			name: "auto display but no clipboard program", mode: ModeAuto, goos: "linux",
			vars: map[string]string{"DISPLAY": ":0"}, native: nativeCfg{unsupported: true},
			methods: []Method{MethodOSC52}, message: viaOSC52, shape: "raw",
		},
		{
			name: "auto native fails, falls through to OSC 52", mode: ModeAuto, goos: "linux",
			vars: map[string]string{"DISPLAY": ":0"}, native: nativeCfg{err: errors.New("exit status 1")},
			methods: []Method{MethodOSC52}, message: viaOSC52, shape: "raw",
			warning: "native clipboard: exit status 1",
		},
		{
			name: "auto over SSH inside tmux", mode: ModeAuto, goos: "linux",
			vars:    map[string]string{"SSH_TTY": "/dev/pts/3", "TMUX": tmuxVar, "TERM": "tmux-256color"},
			methods: []Method{MethodTmux, MethodOSC52}, message: viaTmux, shape: "tmux",
			tmuxCalls: [][]string{{"load-buffer", "-w", "-"}},
		},
		{
			name: "auto local tmux with a desktop", mode: ModeAuto, goos: "linux",
			vars:    map[string]string{"DISPLAY": ":0", "TMUX": tmuxVar, "TERM": "screen-256color"},
			methods: []Method{MethodNative, MethodTmux}, nativeUsed: true,
			message:   "copied (native) and to tmux buffer",
			tmuxCalls: [][]string{{"load-buffer", "-"}},
		},
		{
			name: "auto tmux before 3.2 has no -w", mode: ModeAuto, goos: "linux",
			vars: map[string]string{"SSH_TTY": "/dev/pts/3", "TMUX": tmuxVar}, tmux: fakeTmux{failW: true},
			methods:   []Method{MethodTmux, MethodOSC52},
			message:   "copied to tmux buffer and sent to the terminal via OSC 52 through tmux passthrough — needs tmux allow-passthrough on, and your terminal must allow it",
			shape:     "tmux",
			tmuxCalls: [][]string{{"load-buffer", "-w", "-"}, {"load-buffer", "-"}},
			warning:   "unknown flag -w",
		},
		{
			name: "auto tmux without a terminal still forwards through tmux", mode: ModeAuto, goos: "linux",
			vars: map[string]string{"SSH_TTY": "/dev/pts/3", "TMUX": tmuxVar}, noTTY: true,
			methods: []Method{MethodTmux}, message: viaTmux,
			tmuxCalls: [][]string{{"load-buffer", "-w", "-"}},
			warning:   "OSC 52: no terminal to write to",
		},
		{
			name: "auto over SSH in GNU screen", mode: ModeAuto, goos: "linux",
			vars:    map[string]string{"SSH_TTY": "/dev/pts/3", "STY": "1234.pts-3.host", "TERM": "screen"},
			methods: []Method{MethodScreen}, message: viaScreen, shape: "screen",
		},
		{
			name: "auto screen known by TERM only", mode: ModeAuto, goos: "linux",
			vars:    map[string]string{"SSH_TTY": "/dev/pts/3", "TERM": "screen.xterm-256color"},
			methods: []Method{MethodScreen}, message: viaScreen, shape: "screen",
		},
		{
			name: "native mode ignores SSH", mode: ModeNative, goos: "linux",
			vars:    map[string]string{"SSH_TTY": "/dev/pts/3", "TMUX": tmuxVar},
			methods: []Method{MethodNative}, message: nativeOnly, nativeUsed: true,
		},
		{
			name: "native mode without a clipboard program", mode: ModeNative, goos: "linux",
			vars: map[string]string{"DISPLAY": ":0"}, native: nativeCfg{unsupported: true},
			methods: []Method{MethodNone}, message: msgUnavailable,
		},
		{
			name: "native mode does not fall through", mode: ModeNative, goos: "linux",
			vars: map[string]string{"DISPLAY": ":0"}, native: nativeCfg{err: errors.New("Error: Can't open display")},
			methods: []Method{MethodNone}, message: msgUnavailable,
		},
		{
			name: "osc52 mode skips a working native clipboard", mode: ModeOSC52, goos: "linux",
			vars:    map[string]string{"DISPLAY": ":0"},
			methods: []Method{MethodOSC52}, message: viaOSC52, shape: "raw",
		},
		{
			name: "osc52 mode in tmux", mode: ModeOSC52, goos: "darwin",
			vars:    map[string]string{"TMUX": tmuxVar},
			methods: []Method{MethodTmux, MethodOSC52}, message: viaTmux, shape: "tmux",
			tmuxCalls: [][]string{{"load-buffer", "-w", "-"}},
		},
		{
			name: "empty mode is auto", mode: "", goos: "linux",
			vars:    map[string]string{"DISPLAY": ":0"},
			methods: []Method{MethodNative}, message: nativeOnly, nativeUsed: true,
		},
		{
			name: "off", mode: ModeOff, goos: "linux",
			vars:    map[string]string{"DISPLAY": ":0", "SSH_TTY": "/dev/pts/3", "TMUX": tmuxVar},
			methods: []Method{MethodNone}, message: "clipboard off — link shown below",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var tty bytes.Buffer
			native := &fakeNative{unsupported: tc.native.unsupported, err: tc.native.err}
			env := Env{
				Getenv:  getenv(tc.vars),
				TTY:     &tty,
				RunTmux: tc.tmux.run,
				Native:  native,
				GOOS:    tc.goos,
			}
			if tc.noTTY {
				env.TTY = nil
			}
			r := New(tc.mode, env).Copy(testURL)

			if !reflect.DeepEqual(r.Methods, tc.methods) {
				t.Errorf("Methods = %v, want %v", r.Methods, tc.methods)
			}
			if r.Message != tc.message {
				t.Errorf("Message = %q\nwant      %q", r.Message, tc.message)
			}
			if got, want := r.Copied(), tc.methods[0] != MethodNone; got != want {
				t.Errorf("Copied() = %v, want %v", got, want)
			}
			wantErr := tc.methods[0] == MethodNone && tc.mode != ModeOff
			if (r.Err != nil) != wantErr {
				t.Errorf("Err = %v, want an error: %v", r.Err, wantErr)
			}
			if tc.warning == "" && r.Warning != "" {
				t.Errorf("Warning = %q, want none", r.Warning)
			}
			if tc.warning != "" && !strings.Contains(r.Warning, tc.warning) {
				t.Errorf("Warning = %q, want it to mention %q", r.Warning, tc.warning)
			}

			if tc.shape == "" {
				if tty.Len() > 0 {
					t.Errorf("terminal received %q, want nothing", tty.String())
				}
			} else {
				shape, text := decodeOSC52(t, tty.String())
				if shape != tc.shape {
					t.Errorf("terminal got a %s sequence, want %s", shape, tc.shape)
				}
				if text != testURL {
					t.Errorf("OSC 52 decodes to %q, want %q", text, testURL)
				}
			}

			if !reflect.DeepEqual(tc.tmux.calls, tc.tmuxCalls) {
				t.Errorf("tmux calls = %q, want %q", tc.tmux.calls, tc.tmuxCalls)
			}
			for i, in := range tc.tmux.stdin {
				if in != testURL {
					t.Errorf("tmux call %d got stdin %q, want the link", i, in)
				}
			}
			if tc.nativeUsed != (len(native.got) > 0) {
				t.Errorf("native clipboard got %q; want it used: %v", native.got, tc.nativeUsed)
			}
			if tc.nativeUsed && native.got[0] != testURL {
				t.Errorf("native clipboard got %q, want the link", native.got[0])
			}
		})
	}
}

func TestCopyFailureReportsUnavailable(t *testing.T) {
	cases := []struct {
		name    string
		env     Env
		wantErr []string
	}{
		{
			name: "native error and no terminal",
			env: Env{
				Getenv: getenv(map[string]string{"DISPLAY": ":0"}),
				Native: &fakeNative{err: errors.New("exit status 1")},
				GOOS:   "linux",
			},
			wantErr: []string{"native clipboard: exit status 1", "OSC 52: no terminal"},
		},
		{
			name: "native error and the terminal cannot be opened",
			env: Env{
				Getenv: getenv(map[string]string{"DISPLAY": ":0"}),
				Native: &fakeNative{err: errors.New("exit status 1")},
				TTY:    ttyWriter{path: filepath.Join(t.TempDir(), "missing", "tty")},
				GOOS:   "linux",
			},
			wantErr: []string{"native clipboard: exit status 1", "OSC 52: no terminal:"},
		},
		{
			name: "terminal write fails over SSH",
			env: Env{
				Getenv: getenv(map[string]string{"SSH_TTY": "/dev/pts/1"}),
				TTY:    failingWriter{},
				GOOS:   "linux",
			},
			wantErr: []string{"OSC 52: input/output error"},
		},
		{
			name: "tmux and terminal both fail",
			env: Env{
				Getenv:  getenv(map[string]string{"SSH_TTY": "/dev/pts/1", "TMUX": "/tmp/gone,1,0"}),
				RunTmux: (&fakeTmux{err: errors.New("no server running")}).run,
				GOOS:    "linux",
			},
			wantErr: []string{"tmux load-buffer -w: no server running", "tmux load-buffer: no server running", "OSC 52: no terminal"},
		},
		{
			name:    "nothing at all",
			env:     Env{GOOS: "linux"},
			wantErr: []string{"OSC 52: no terminal"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := New(ModeAuto, tc.env).Copy(testURL)
			if r.Copied() || !reflect.DeepEqual(r.Methods, []Method{MethodNone}) {
				t.Errorf("Methods = %v, want [none]", r.Methods)
			}
			if r.Message != "clipboard unavailable — link shown below" {
				t.Errorf("Message = %q, want the unavailable report", r.Message)
			}
			if r.Err == nil {
				t.Fatal("Err = nil, want the reasons")
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(r.Err.Error(), s) {
					t.Errorf("Err = %q, want it to mention %q", r.Err, s)
				}
			}
		})
	}
}

func TestUnknownMode(t *testing.T) {
	r := New("clipboard", Env{}).Copy(testURL)
	if r.Copied() || r.Err == nil || !strings.Contains(r.Err.Error(), `"clipboard"`) {
		t.Errorf("Copy with an unknown mode = %+v, want an error naming the mode", r)
	}
}

func TestOSC52PayloadWarning(t *testing.T) {
	// 3072 bytes encode to exactly OSC52WarnBytes base64 bytes.
	atLimit := strings.Repeat("a", OSC52WarnBytes/4*3)
	over := atLimit + "b"
	if n := base64.StdEncoding.EncodedLen(len(atLimit)); n != OSC52WarnBytes {
		t.Fatalf("test text encodes to %d bytes, want %d", n, OSC52WarnBytes)
	}
	ssh := map[string]string{"SSH_TTY": "/dev/pts/1"}
	cases := []struct {
		name    string
		mode    Mode
		vars    map[string]string
		text    string
		warning string
	}{
		{"at the limit", ModeOSC52, ssh, atLimit, ""},
		{"one byte over", ModeOSC52, ssh, over, "4.0 KB of OSC 52 data: some terminals drop copies over 4.0 KB"},
		{"over, through tmux", ModeOSC52, map[string]string{"TMUX": "/tmp/t,1,0"}, over, "some terminals drop copies over 4.0 KB"},
		{"over, native only", ModeNative, map[string]string{"DISPLAY": ":0"}, over, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var tty bytes.Buffer
			tm := &fakeTmux{}
			r := New(tc.mode, Env{Getenv: getenv(tc.vars), TTY: &tty, RunTmux: tm.run, Native: &fakeNative{}, GOOS: "linux"}).Copy(tc.text)
			if !r.Copied() {
				t.Fatalf("not copied: %+v", r)
			}
			if tc.warning == "" && r.Warning != "" {
				t.Errorf("Warning = %q, want none", r.Warning)
			}
			if tc.warning != "" && !strings.Contains(r.Warning, tc.warning) {
				t.Errorf("Warning = %q, want it to mention %q", r.Warning, tc.warning)
			}
			if tty.Len() > 0 {
				if _, text := decodeOSC52(t, tty.String()); text != tc.text {
					t.Errorf("OSC 52 decodes to %d bytes, want the %d sent", len(text), len(tc.text))
				}
			}
		})
	}
}

func TestScreenSplitsLongPayloads(t *testing.T) {
	values := []string{testURL, testURL, testURL, testURL, testURL}
	text := strings.Join(values, "\n")
	var tty bytes.Buffer
	r := New(ModeOSC52, Env{Getenv: getenv(map[string]string{"STY": "1.pts-0.h"}), TTY: &tty, GOOS: "linux"}).Copy(values...)
	if !r.Used(MethodScreen) {
		t.Fatalf("Methods = %v, want screen", r.Methods)
	}
	if n := strings.Count(tty.String(), "\x1bP"); n < 2 {
		t.Errorf("screen sequence has %d DCS chunks, want several for %d bytes", n, len(text))
	}
	if shape, got := decodeOSC52(t, tty.String()); shape != "screen" || got != text {
		t.Errorf("decoded %s sequence %q, want screen %q", shape, got, text)
	}
}

func TestCopyRefusesControlCharacters(t *testing.T) {
	for _, text := range []string{
		"https://x.test/\x1b]52;c;AAAA\x07", "a\rb", "a\x00b", "bell\x07", "del\x7f", "c1\u009bx", "bad\xffutf8",
		"s3://evil/paste\nrm -rf ~\n.txt", "tab\tkey.txt", "evil\u202etxt.exe", "zero\u200bwidth", "line\u2028sep",
	} {
		var tty bytes.Buffer
		native := &fakeNative{}
		tm := &fakeTmux{}
		env := Env{Getenv: getenv(map[string]string{"DISPLAY": ":0", "SSH_TTY": "x", "TMUX": "/t,1,0"}),
			TTY: &tty, RunTmux: tm.run, Native: native, GOOS: "linux"}
		r := New(ModeAuto, env).Copy(text)
		if r.Copied() || r.Err == nil {
			t.Errorf("Copy(%q) = %+v, want a refusal", text, r)
		}
		if !strings.HasSuffix(r.Message, "link shown below") {
			t.Errorf("Copy(%q).Message = %q, want it to point at the link on screen", text, r.Message)
		}
		if tty.Len() > 0 || len(native.got) > 0 || tm.called {
			t.Errorf("Copy(%q) reached a clipboard", text)
		}
	}

	// A batch is one value per line, newlines only between them.
	batch := testURL + "\n" + testURL + "?x=2"
	var tty bytes.Buffer
	r := New(ModeOSC52, Env{Getenv: getenv(nil), TTY: &tty}).Copy(testURL, testURL+"?x=2")
	if !r.Copied() {
		t.Fatalf("batch not copied: %+v", r)
	}
	if _, got := decodeOSC52(t, tty.String()); got != batch {
		t.Errorf("batch decodes to %q, want %q", got, batch)
	}
}

func TestCopyNothing(t *testing.T) {
	var tty bytes.Buffer
	r := New(ModeOSC52, Env{TTY: &tty}).Copy("")
	if r.Copied() || r.Err == nil || r.Message != "nothing to copy" || tty.Len() > 0 {
		t.Errorf("Copy(\"\") = %+v, want nothing copied and said so", r)
	}
}

func TestCopyConcurrently(t *testing.T) {
	native := &fakeNative{}
	c := New(ModeAuto, Env{Getenv: getenv(map[string]string{"DISPLAY": ":0"}), Native: native, GOOS: "linux"})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := c.Copy(testURL); !r.Used(MethodNative) {
				t.Errorf("Methods = %v, want native", r.Methods)
			}
		}()
	}
	wg.Wait()
	if len(native.got) != 8 {
		t.Errorf("native clipboard got %d copies, want 8", len(native.got))
	}
}

func TestTTYWriterWritesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tty")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r := New(ModeOSC52, Env{Getenv: getenv(nil), TTY: ttyWriter{path: path}}).Copy(testURL)
	if !r.Used(MethodOSC52) {
		t.Fatalf("Methods = %v, want osc52 (%v)", r.Methods, r.Err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, got := decodeOSC52(t, string(b)); got != testURL {
		t.Errorf("file holds OSC 52 for %q, want the link", got)
	}
}

func TestFirstLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                                      "",
		"\n  no server running on /tmp/x\nmore": "no server running on /tmp/x",
		"bad\x1b[31m colour\r\n":                "bad[31m colour",
	} {
		if got := firstLine(in); got != want {
			t.Errorf("firstLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzJoin: whatever the values, a join that succeeds splits back into
// them at its newlines and holds nothing a terminal or shell acts on.
func FuzzJoin(f *testing.F) {
	f.Add("s3://b/k.txt", "https://h/b/k?X-Amz-Signature=ab")
	f.Add("s3://evil/paste\nrm -rf ~\n.txt", "x")
	f.Add("tab\tkey", "c1\u009b31m")
	f.Fuzz(func(t *testing.T, a, b string) {
		text, err := Join([]string{a, b})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "refusing to copy: ") {
				t.Fatalf("error %q", err)
			}
			return
		}
		if parts := strings.Split(text, "\n"); len(parts) != 2 || parts[0] != a || parts[1] != b {
			t.Fatalf("%q does not split back into %q, %q", text, a, b)
		}
		for _, v := range []string{a, b} {
			if sanitize.Text(v) != v {
				t.Fatalf("%q passed, but a terminal would act on it", v)
			}
		}
	})
}

func TestCheckValueSaysWhat(t *testing.T) {
	for v, want := range map[string]string{
		"s3://evil/paste\nrm -rf ~\n.txt": "a line break (U+000A at byte 15)",
		"tab\tkey.txt":                    "a tab",
		"evil\u202etxt.exe":               "an invisible or bidirectional character",
		"esc\x1b[2J":                      "a control character",
	} {
		if err := CheckValue(v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckValue(%q) = %v, want %q", v, err, want)
		}
	}
}
