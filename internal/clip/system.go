package clip

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/atotto/clipboard"
)

// Time limits for the outside programs Copy runs. Copy runs in a UI
// command, off the UI loop, but must still end.
const (
	tmuxTimeout   = 5 * time.Second
	nativeTimeout = 5 * time.Second
)

// System returns the Clipboard of this process for mode: the process
// environment, the controlling terminal (/dev/tty, CONOUT$ on Windows;
// opened for each OSC 52 write, so when it cannot be opened that route
// fails and says so), tmux through ExecTmux, and the native clipboard
// through github.com/atotto/clipboard.
func System(mode Mode) Clipboard {
	return New(mode, Env{
		Getenv:  os.Getenv,
		TTY:     ttyWriter{path: ttyPath()},
		RunTmux: ExecTmux(os.Getenv),
		Native:  Native(),
		GOOS:    runtime.GOOS,
	})
}

func ttyPath() string {
	if runtime.GOOS == "windows" {
		return "CONOUT$"
	}
	return "/dev/tty"
}

// ttyWriter opens the terminal for each Write, writes once and closes it.
type ttyWriter struct{ path string }

func (w ttyWriter) Write(p []byte) (int, error) {
	f, err := os.OpenFile(w.path, os.O_WRONLY, 0)
	if err != nil {
		return 0, fmt.Errorf("no terminal: %w", err)
	}
	n, err := f.Write(p)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// ExecTmux returns a runner for Env.RunTmux that runs the tmux program.
// It talks to the server named in getenv("TMUX") ("socket,pid,index",
// as tmux sets it inside its panes): the socket goes to tmux -S and TMUX
// is passed on, so the command acts for the pane it runs in. stdin is fed
// to tmux; a failure carries tmux's first line of error output.
func ExecTmux(getenv func(string) string) func(stdin []byte, args ...string) error {
	return func(stdin []byte, args ...string) error {
		tmuxVar := getenv("TMUX")
		full := args
		if sock, _, ok := strings.Cut(tmuxVar, ","); ok && sock != "" {
			full = append([]string{"-S", sock}, args...)
		}
		ctx, cancel := context.WithTimeout(context.Background(), tmuxTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, "tmux", full...)
		if tmuxVar != "" {
			cmd.Env = append(os.Environ(), "TMUX="+tmuxVar)
		}
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("tmux gave no answer within %s", tmuxTimeout)
			}
			if msg := firstLine(stderr.String()); msg != "" {
				return fmt.Errorf("%w: %s", err, msg)
			}
			return err
		}
		return nil
	}
}

// firstLine is the first non-empty line of s without control characters.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, line)
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}

// Native returns the system clipboard (github.com/atotto/clipboard). It
// is unsupported when no clipboard program was found at start; on Linux
// it needs xclip, xsel or wl-clipboard and a running X11 or Wayland
// display. A write that takes longer than a few seconds is reported as
// failed.
func Native() NativeClipboard { return atottoNative{} }

type atottoNative struct{}

func (atottoNative) Unsupported() bool { return clipboard.Unsupported }

func (atottoNative) WriteAll(text string) error {
	done := make(chan error, 1)
	go func() { done <- clipboard.WriteAll(text) }()
	timer := time.NewTimer(nativeTimeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return fmt.Errorf("no answer within %s", nativeTimeout)
	}
}
