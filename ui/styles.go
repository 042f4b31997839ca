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
	}
}
