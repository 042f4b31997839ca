package ui

import "github.com/charmbracelet/lipgloss"

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

// NewStyles builds the styles with adaptive colours; with NO_COLOR or a
// terminal without colour, lipgloss renders them as plain text.
func NewStyles() Styles {
	accent := lipgloss.AdaptiveColor{Light: "#005FAF", Dark: "#5FAFFF"}
	dim := lipgloss.AdaptiveColor{Light: "#767676", Dark: "#8A8A8A"}
	return Styles{
		Title:    lipgloss.NewStyle().Bold(true).Foreground(accent),
		Crumb:    lipgloss.NewStyle().Bold(true),
		Prefix:   lipgloss.NewStyle().Foreground(accent),
		Selected: lipgloss.NewStyle().Reverse(true),
		Dim:      lipgloss.NewStyle().Foreground(dim),
		Status:   lipgloss.NewStyle().Foreground(dim),
		Error:    lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#AF0000", Dark: "#FF5F5F"}),
		Warn:     lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#875F00", Dark: "#FFD75F"}),
		Label:    lipgloss.NewStyle().Bold(true).Reverse(true),
		Heading:  lipgloss.NewStyle().Bold(true).Underline(true),
		Marked:   lipgloss.NewStyle().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "#AF5F00", Dark: "#FFAF5F"}),
	}
}
