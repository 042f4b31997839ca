package ui

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/keymap"
)

// [ui] theme picks the palette: dark and light differ on a colour
// terminal, whatever its background; without colour both are plain.
func TestThemes(t *testing.T) {
	color := lipgloss.NewRenderer(io.Discard)
	color.SetColorProfile(termenv.TrueColor)
	color.SetHasDarkBackground(true)
	dark, light := stylesFor(color, "dark").Title.Render("x"), stylesFor(color, "light").Title.Render("x")
	if dark == light || !strings.Contains(dark, "95;175;255") || !strings.Contains(light, "0;95;175") {
		t.Errorf("dark %q, light %q", dark, light)
	}
	if auto := stylesFor(color, "auto").Title.Render("x"); auto != dark {
		t.Errorf("auto on a dark terminal = %q, want the dark palette %q", auto, dark)
	}
	plain := lipgloss.NewRenderer(io.Discard)
	plain.SetColorProfile(termenv.Ascii) // NO_COLOR
	if got := stylesFor(plain, "light").Title.Render("x"); got != "x" {
		t.Errorf("light without colour = %q", got)
	}
	m := New(Options{Keys: keymap.Default(), Prefs: config.Prefs{Theme: "neon"}})
	if !strings.Contains(m.banner, `[ui] theme "neon" is not known: want auto, dark, light`) {
		t.Errorf("an unknown theme is not reported: banner %q", m.banner)
	}
}
