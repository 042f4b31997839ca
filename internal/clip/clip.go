// Package clip copies links to the user's clipboard from a terminal
// program, locally and over SSH, inside tmux and GNU screen.
//
// Three routes exist, and each is reported honestly:
//
//   - native: the system clipboard through xclip, xsel, wl-copy, pbcopy,
//     clip.exe or termux-clipboard-set (github.com/atotto/clipboard). It
//     reports failure, so success is a real copy.
//   - tmux: `tmux load-buffer -w -` puts the text in a tmux paste buffer
//     (verifiable) and, with -w, asks tmux to forward it to the outer
//     terminal with its own OSC 52 (not verifiable: it depends on tmux's
//     set-clipboard option and on the terminal).
//   - osc52 / screen: the OSC 52 escape sequence written to the controlling
//     terminal, wrapped for tmux or GNU screen passthrough when inside one.
//     Nothing answers, so a sent sequence is reported as "sent", never as
//     "copied".
//
// The package has no user interface dependency: the UI calls Copy from a
// command and shows Result.Message in its status line.
package clip

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/aymanbagabas/go-osc52/v2"

	"github.com/s3share/s3share/internal/sanitize"
)

// Mode is how links are copied: the config file's `clipboard` value
// (config.ClipboardMode converts with Mode(m)).
type Mode string

// Modes. The empty Mode means ModeAuto.
const (
	// ModeAuto uses the native clipboard when it reaches the user (a
	// local desktop, or X11 forwarding), and OSC 52 when over SSH
	// or when no native clipboard works; inside tmux it also fills a tmux
	// buffer. See New for the exact rules.
	ModeAuto Mode = "auto"
	// ModeNative uses the system clipboard only.
	ModeNative Mode = "native"
	// ModeOSC52 uses the terminal only: OSC 52, and inside tmux
	// `tmux load-buffer -w`.
	ModeOSC52 Mode = "osc52"
	// ModeOff never copies.
	ModeOff Mode = "off"
)

// Method names one route a copy took.
type Method string

// Methods, as listed in Result.Methods.
const (
	// MethodNative is the system clipboard (atotto/clipboard).
	MethodNative Method = "native"
	// MethodOSC52 is an OSC 52 sequence written to the terminal, raw or
	// wrapped for tmux passthrough.
	MethodOSC52 Method = "osc52"
	// MethodTmux is `tmux load-buffer`.
	MethodTmux Method = "tmux"
	// MethodScreen is an OSC 52 sequence wrapped in GNU screen's DCS
	// passthrough.
	MethodScreen Method = "screen"
	// MethodNone means nothing was copied.
	MethodNone Method = "none"
)

// OSC52WarnBytes is the length of the base64 payload of an OSC 52
// sequence above which Copy warns. Terminals cap it differently: some
// (tabby, termux, older kitty, mosh) drop or cut sequences of a few
// kilobytes, others take 100 KB or more. 4096 base64 characters is 3072
// bytes of text: one link signed with temporary credentials fits, a long batch may not.
const OSC52WarnBytes = 4096

// Messages for the status line when nothing was copied.
const (
	msgOff         = "clipboard off — link shown below"
	msgUnavailable = "clipboard unavailable — link shown below"
	mustAllow      = " — your terminal must allow it"
)

// Result says what Copy did.
type Result struct {
	// Methods lists the routes that took the text, in the order tried;
	// [MethodNone] when nothing was copied.
	Methods []Method
	// Message is a one-line report for the status line, e.g.
	// "copied (native)" or "clipboard unavailable — link shown below".
	Message string
	// Warning is empty, or says what may have gone wrong although
	// something was copied: a payload over OSC52WarnBytes, a route that
	// failed while another worked.
	Warning string
	// Err is set when nothing was copied (and the mode was not off).
	Err error
}

// Copied reports whether any route took the text.
func (r Result) Copied() bool {
	return len(r.Methods) > 0 && r.Methods[0] != MethodNone
}

// Used reports whether m is among r.Methods.
func (r Result) Used(m Method) bool {
	for _, x := range r.Methods {
		if x == m {
			return true
		}
	}
	return false
}

// NativeClipboard is the system clipboard.
type NativeClipboard interface {
	// WriteAll puts text on the clipboard or says why it could not.
	WriteAll(text string) error
	// Unsupported is true when no clipboard program was found.
	Unsupported() bool
}

// Env is everything Copy looks at or writes to. System builds the real
// one; tests inject their own.
type Env struct {
	// Getenv reads environment variables (SSH_*, DISPLAY, TMUX, STY…).
	Getenv func(string) string
	// TTY receives OSC 52 sequences: the controlling terminal. Each
	// sequence goes out in one Write. nil means no terminal.
	TTY io.Writer
	// RunTmux runs tmux with args, feeding stdin; it must talk to the
	// server named by TMUX (see ExecTmux). nil means tmux is not used.
	RunTmux func(stdin []byte, args ...string) error
	// Native is the system clipboard; nil means none.
	Native NativeClipboard
	// GOOS is runtime.GOOS, or another value in tests.
	GOOS string
}

// Clipboard copies text.
type Clipboard interface {
	// Copy copies values, one per line, and reports what happened. It
	// never panics and never claims a copy that failed. See CheckValue
	// for what a value may hold.
	Copy(values ...string) Result
}

// New returns a Clipboard for mode in env. An unknown mode gives a
// Clipboard whose Copy reports the mode as an error.
//
// The rules, per mode:
//
//   - off: nothing is done; Message is "clipboard off — link shown below".
//   - native: the native clipboard only; an error when it is missing or
//     fails.
//   - osc52: the terminal route only. Inside tmux (TMUX set): `tmux
//     load-buffer -w -` and an OSC 52 sequence wrapped for tmux
//     passthrough. Inside GNU screen (STY set, or TERM starting with
//     "screen" outside tmux): OSC 52 in screen's DCS passthrough.
//     Elsewhere: a plain OSC 52 sequence.
//   - auto: the native clipboard when it reaches the user: on macOS and
//     Windows when not over SSH; elsewhere when DISPLAY or WAYLAND_DISPLAY
//     is set (which includes X11 forwarding over SSH), or on WSL and
//     Termux when not over SSH — always provided a clipboard program was
//     found. The terminal route (as in osc52) is added when over SSH
//     (SSH_TTY, SSH_CONNECTION or SSH_CLIENT set) or when the native
//     clipboard was not usable or failed; so X11 forwarding gets both.
//     Inside tmux a tmux buffer is always filled; -w (forwarding to the
//     outer terminal) only when the terminal route is wanted.
//
// Why tmux gets load-buffer: with tmux's defaults (set-clipboard
// external, allow-passthrough off) a program's own OSC 52 — raw or
// passthrough-wrapped — never leaves tmux, while load-buffer -w both
// fills a buffer and makes tmux send OSC 52 to the terminals of its
// attached clients. The wrapped sequence is sent as well because it is
// harmless (tmux drops it when passthrough is off) and it is the only
// route when set-clipboard is off but allow-passthrough is on. The raw
// sequence is not sent inside tmux: with set-clipboard on tmux would store
// it as a second buffer.
//
// Each value must pass CheckValue: no line break, tab, control,
// invisible or bidirectional character, valid UTF-8. Values are joined
// with newlines only between them (a batch of links is one link per
// line). Anything else is refused rather than altered, so what is pasted
// is what is shown, and a key cannot smuggle a second command into a
// shell.
func New(mode Mode, env Env) Clipboard {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	switch mode {
	case "", ModeAuto:
		mode = ModeAuto
	case ModeNative, ModeOSC52, ModeOff:
	default:
		return badMode(mode)
	}
	return &chain{mode: mode, env: env}
}

type badMode Mode

func (b badMode) Copy(...string) Result {
	return nothing(msgUnavailable,
		fmt.Errorf("clipboard mode %q: want auto, native, osc52 or off", string(b)))
}

type chain struct {
	mode Mode
	env  Env
}

// attempt gathers what one Copy call did.
type attempt struct {
	methods     []Method
	failures    []error
	notes       []string
	tmuxWrapped bool // the OSC 52 sequence went out wrapped for tmux
}

func (a *attempt) ok(m Method)        { a.methods = append(a.methods, m) }
func (a *attempt) fail(err error)     { a.failures = append(a.failures, err) }
func (a *attempt) note(s string)      { a.notes = append(a.notes, s) }
func (a *attempt) used(m Method) bool { return Result{Methods: a.methods}.Used(m) }

func nothing(msg string, err error) Result {
	return Result{Methods: []Method{MethodNone}, Message: msg, Err: err}
}

// Copy implements Clipboard.
func (c *chain) Copy(values ...string) Result {
	if c.mode == ModeOff {
		return Result{Methods: []Method{MethodNone}, Message: msgOff}
	}
	text, err := Join(values)
	if err != nil {
		return nothing(err.Error()+" — link shown below", err)
	}
	if text == "" {
		return nothing("nothing to copy", errors.New("nothing to copy"))
	}

	var a attempt
	plan := c.plan()
	nativeOK := false
	if plan.native {
		nativeOK = c.copyNative(&a, text)
	}
	terminal := plan.terminal || (plan.native && !nativeOK && c.mode == ModeAuto)
	tmuxForwarded := false
	if plan.tmux {
		tmuxForwarded = c.copyTmux(&a, text, terminal)
	}
	sent := false
	if terminal {
		sent = c.copyOSC52(&a, text)
		if sent || tmuxForwarded {
			if n := base64.StdEncoding.EncodedLen(len(text)); n > OSC52WarnBytes {
				a.note(fmt.Sprintf("%s of OSC 52 data: some terminals drop copies over %s — if pasting gives nothing, select the link below",
					kb(n), kb(OSC52WarnBytes)))
			}
		}
	}
	if len(a.methods) == 0 {
		err := errors.Join(a.failures...)
		if err == nil {
			err = errors.New("no clipboard route: no native clipboard, no terminal and no tmux")
		}
		return nothing(msgUnavailable, err)
	}
	if terminal && !sent && !tmuxForwarded {
		a.note("not sent to your terminal")
	}
	for _, err := range a.failures {
		a.note(err.Error())
	}
	return Result{
		Methods: a.methods,
		Message: message(&a, tmuxForwarded),
		Warning: strings.Join(a.notes, "; "),
	}
}

// plan is what Copy will try before any fallback.
type plan struct {
	native   bool // try the native clipboard
	tmux     bool // fill a tmux buffer
	terminal bool // send to the terminal (OSC 52; tmux -w)
}

func (c *chain) plan() plan {
	inTmux := c.env.Getenv("TMUX") != "" && c.env.RunTmux != nil
	switch c.mode {
	case ModeNative:
		return plan{native: true}
	case ModeOSC52:
		return plan{tmux: inTmux, terminal: true}
	}
	native := c.nativeReachesUser()
	return plan{native: native, tmux: inTmux, terminal: c.overSSH() || !native}
}

func (c *chain) overSSH() bool {
	for _, k := range []string{"SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT"} {
		if c.env.Getenv(k) != "" {
			return true
		}
	}
	return false
}

// nativeReachesUser says whether the native clipboard is the one the
// user pastes from: see New.
func (c *chain) nativeReachesUser() bool {
	if c.env.Native == nil || c.env.Native.Unsupported() {
		return false
	}
	ssh := c.overSSH()
	switch c.env.GOOS {
	case "darwin", "windows":
		return !ssh
	}
	if c.env.Getenv("DISPLAY") != "" || c.env.Getenv("WAYLAND_DISPLAY") != "" {
		return true
	}
	local := c.env.Getenv("WSL_DISTRO_NAME") != "" || c.env.Getenv("TERMUX_VERSION") != ""
	return local && !ssh
}

func (c *chain) copyNative(a *attempt, text string) bool {
	n := c.env.Native
	if n == nil || n.Unsupported() {
		a.fail(errors.New("native clipboard: no clipboard program found (install xclip, xsel or wl-clipboard and run under X11 or Wayland)"))
		return false
	}
	if err := n.WriteAll(text); err != nil {
		a.fail(fmt.Errorf("native clipboard: %w", err))
		return false
	}
	a.ok(MethodNative)
	return true
}

// copyTmux loads text into a tmux buffer; with forward it passes -w so
// tmux also sends it to the outer terminal. tmux before 3.2 has no -w:
// then the buffer is loaded without it. It reports whether -w was taken.
func (c *chain) copyTmux(a *attempt, text string, forward bool) bool {
	if forward {
		err := c.env.RunTmux([]byte(text), "load-buffer", "-w", "-")
		if err == nil {
			a.ok(MethodTmux)
			return true
		}
		a.fail(fmt.Errorf("tmux load-buffer -w: %w", err))
	}
	if err := c.env.RunTmux([]byte(text), "load-buffer", "-"); err != nil {
		a.fail(fmt.Errorf("tmux load-buffer: %w", err))
		return false
	}
	a.ok(MethodTmux)
	return false
}

// copyOSC52 writes the OSC 52 sequence for the current multiplexer to the
// terminal in one Write.
func (c *chain) copyOSC52(a *attempt, text string) bool {
	if c.env.TTY == nil {
		a.fail(errors.New("OSC 52: no terminal to write to"))
		return false
	}
	seq, method := osc52.New(text), MethodOSC52
	switch c.multiplexer() {
	case "tmux":
		seq = seq.Tmux()
		a.tmuxWrapped = true
	case "screen":
		seq, method = seq.Screen(), MethodScreen
	}
	if _, err := c.env.TTY.Write([]byte(seq.String())); err != nil {
		a.fail(fmt.Errorf("OSC 52: %w", err))
		return false
	}
	a.ok(method)
	return true
}

// multiplexer is "tmux", "screen" or "".
func (c *chain) multiplexer() string {
	if c.env.Getenv("TMUX") != "" {
		return "tmux"
	}
	if c.env.Getenv("STY") != "" || strings.HasPrefix(c.env.Getenv("TERM"), "screen") {
		return "screen"
	}
	return ""
}

// message words what a successful attempt did.
func message(a *attempt, tmuxForwarded bool) string {
	var done []string
	if a.used(MethodNative) {
		done = append(done, "copied (native)")
	}
	if a.used(MethodTmux) {
		if len(done) > 0 {
			done = append(done, "to tmux buffer")
		} else {
			done = append(done, "copied to tmux buffer")
		}
	}
	var via string
	switch {
	case tmuxForwarded:
		via = "asked tmux to pass it to your terminal via OSC 52" + mustAllow
	case a.used(MethodScreen):
		via = "sent to the terminal via OSC 52 through screen" + mustAllow
	case a.used(MethodOSC52) && a.tmuxWrapped:
		via = "sent to the terminal via OSC 52 through tmux passthrough — needs tmux allow-passthrough on, and your terminal must allow it"
	case a.used(MethodOSC52):
		via = "sent to the terminal via OSC 52" + mustAllow
	}
	if via != "" {
		done = append(done, via)
	}
	return strings.Join(done, " and ")
}

// CheckValue refuses a value that should never reach a clipboard: one
// holding a line break or tab (pasted into a shell without bracketed
// paste, a line break runs what came before it), any other control
// character (ESC, BEL, DEL, C1), an invisible or bidirectional
// formatting character (what is pasted would not be what is shown), or
// invalid UTF-8. The error says what and where.
func CheckValue(v string) error {
	if !utf8.ValidString(v) {
		return errors.New("refusing to copy: the text is not valid UTF-8")
	}
	for i, r := range v {
		if sanitize.Text(string(r)) == string(r) {
			continue
		}
		what := "a control character"
		switch {
		case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 || r == 0x85:
			what = "a line break"
		case r == '\t':
			what = "a tab"
		case r >= 0xa0:
			what = "an invisible or bidirectional character"
		}
		return fmt.Errorf("refusing to copy: it holds %s (%U at byte %d), which would change what a shell or browser gets when pasted", what, r, i)
	}
	return nil
}

// Join checks each value (CheckValue) and joins them with newlines.
func Join(values []string) (string, error) {
	for _, v := range values {
		if err := CheckValue(v); err != nil {
			return "", err
		}
	}
	return strings.Join(values, "\n"), nil
}

// kb writes a byte count for messages: 812 B, 4.0 KB, 12.3 KB.
func kb(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f KB", float64(n)/1024)
}
