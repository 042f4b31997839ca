package ui

import (
	"io"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Styles is every style the UI draws with, built once and passed down.
type Styles struct {
	Title    lipgloss.Style
	Crumb    lipgloss.Style
	Prefix   lipgloss.Style
	Selected lipgloss.Style
	Dim      lipgloss.Style
	Status   lipgloss.Style
	Error    lipgloss.Style
	Warn     lipgloss.Style
	// Label is the store's name in the context header, Heading a list's
	// column headings and Marked a marked row.
	Label   lipgloss.Style
	Heading lipgloss.Style
	Marked  lipgloss.Style
	// Border is a panel's frame.
	Border lipgloss.Style
	// QR draws a QR code's half blocks white on black, so that it scans
	// on light and dark terminals alike.
	QR lipgloss.Style
}

// ansiNames are the colour names a store's color may be, as ANSI numbers.
var ansiNames = map[string]string{
	"black": "0", "red": "1", "green": "2", "yellow": "3", "blue": "4", "magenta": "5", "cyan": "6", "white": "7",
}

// StoreLabel is the Label style in a store's colour (a name, an ANSI
// number or #RRGGBB, as the config file allows); "" keeps the default.
func (s Styles) StoreLabel(color string) lipgloss.Style {
	if color == "" {
		return s.Label
	}
	if n, ok := ansiNames[color]; ok {
		color = n
	}
	fg := lipgloss.Color("15")
	if color == "7" || color == "3" || color == "6" || color == "2" {
		fg = lipgloss.Color("0")
	}
	return s.Label.UnsetReverse().Background(lipgloss.Color(color)).Foreground(fg)
}

// Themes are the names [ui] theme may have; "" is auto.
var Themes = []string{"auto", "dark", "light"}

// validTheme reports whether theme is one of Themes (or "").
func validTheme(theme string) bool {
	return theme == "" || slices.Contains(Themes, strings.ToLower(theme))
}

// NewStyles builds the styles for a theme: "auto" (or "") picks the
// palette from the terminal's background, "dark" and "light" pick it
// whatever the terminal says. With NO_COLOR or a terminal without colour,
// lipgloss renders them as plain text.
func NewStyles(theme string) Styles {
	return stylesFor(lipgloss.DefaultRenderer(), theme)
}

// stylesFor builds the styles on base's colour profile.
func stylesFor(base *lipgloss.Renderer, theme string) Styles {
	r := base
	switch t := strings.ToLower(theme); t {
	case "dark", "light":
		r = lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(base.ColorProfile()) // NO_COLOR and the terminal's colours still rule
		r.SetHasDarkBackground(t == "dark")
	}
	return newStyles(r)
}

func newStyles(r *lipgloss.Renderer) Styles {
	accent := lipgloss.AdaptiveColor{Light: "#005FAF", Dark: "#5FAFFF"}
	dim := lipgloss.AdaptiveColor{Light: "#767676", Dark: "#8A8A8A"}
	return Styles{
		Title:    r.NewStyle().Bold(true).Foreground(accent),
		Crumb:    r.NewStyle().Bold(true),
		Prefix:   r.NewStyle().Foreground(accent),
		Selected: r.NewStyle().Reverse(true),
		Dim:      r.NewStyle().Foreground(dim),
		Status:   r.NewStyle().Foreground(dim),
		Error:    r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#AF0000", Dark: "#FF5F5F"}),
		Warn:     r.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#875F00", Dark: "#FFD75F"}),
		Label:    r.NewStyle().Bold(true).Reverse(true),
		Heading:  r.NewStyle().Bold(true).Underline(true),
		Marked:   r.NewStyle().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "#AF5F00", Dark: "#FFAF5F"}),
		Border:   r.NewStyle().Foreground(accent),
		QR:       r.NewStyle().Foreground(lipgloss.Color("15")).Background(lipgloss.Color("0")),
	}
}
