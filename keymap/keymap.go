// Package keymap holds every key binding of s3share, grouped by what the
// keys do, with the help text the footer and the help screen show.
package keymap

import "github.com/charmbracelet/bubbles/key"

// Navigation moves the cursor through a list.
type Navigation struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// Browse acts on the listing.
type Browse struct {
	Open, Back, Refresh key.Binding
}

// App is global.
type App struct {
	Help, Quit key.Binding
}

// KeyMap is all bindings.
type KeyMap struct {
	Nav    Navigation
	Browse Browse
	App    App
}

// Default returns the default bindings.
func Default() KeyMap {
	return KeyMap{
		Nav: Navigation{
			Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
			Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
			PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
			PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
			Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
			Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		},
		Browse: Browse{
			Open:    key.NewBinding(key.WithKeys("enter", "right", "l"), key.WithHelp("enter/→", "open")),
			Back:    key.NewBinding(key.WithKeys("backspace", "left", "h"), key.WithHelp("⌫/←", "up a level")),
			Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh/retry")),
		},
		App: App{
			Help: key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
			Quit: key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		},
	}
}
