package ui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/internal/clip"
)

func TestCopiedLineIsShort(t *testing.T) {
	for _, c := range []struct {
		r    clip.Result
		want string
	}{
		{clip.Result{Methods: []clip.Method{clip.MethodNative}, Message: "copied (native)"}, "copied · clipboard"},
		{clip.Result{Methods: []clip.Method{clip.MethodTmux}, Message: "copied to tmux buffer and asked tmux to pass it to your terminal via OSC 52 — your terminal must allow it"}, "copied · tmux + OSC 52 (if the terminal allows it)"},
		{clip.Result{Methods: []clip.Method{clip.MethodOSC52}, Message: "sent to the terminal via OSC 52", Warning: "12 KB of OSC 52 data: some terminals drop copies over 4 KB — if pasting gives nothing, select the link below"},
			"copied · OSC 52 · check: 12 KB of OSC 52 data"},
	} {
		got := "s3:// URI " + copiedLine(c.r)
		if got != "s3:// URI "+c.want || ansi.StringWidth(got) > 80 {
			t.Errorf("copiedLine = %q, want %q within 80 cells", got, "s3:// URI "+c.want)
		}
	}
}
