// Package keymap holds every key binding of s3share, grouped by what the
// keys do, with the help text the footer and the help screen show, and
// applies the user's overrides from the config file.
package keymap

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// Navigation moves the cursor through a list.
type Navigation struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// Browse acts on the listing.
type Browse struct {
	Open, Back, Filter, GoTo, Sort, Reverse, Details, Versions, Refresh, Mark, MarkAll key.Binding
}

// Share makes and copies links.
type Share struct {
	Share, Upload, CopyURI, CopyURL, Ledger, CopyCurl, Export, Print, Delete key.Binding
	// Undo brings back what Delete last forgot; FormFile writes a POST
	// link's HTML upload form to a file.
	Undo, FormFile key.Binding
	// QR shows a link as a QR code, Watch waits for an upload link's
	// upload, Recheck fetches a link again to see that it works.
	QR, Watch, Recheck key.Binding
}

// Transfer moves objects between the store and local files.
type Transfer struct {
	Download, Preview, LinkInstead key.Binding
}

// App is global.
type App struct {
	Help, Quit, Close, Stores key.Binding
	// Mouse turns mouse capture off (so the terminal's own selection
	// works) and on again.
	Mouse key.Binding
}

// Form moves between the fields of a panel.
type Form struct {
	Next, Prev, Left, Right, Submit key.Binding
}

// KeyMap is all bindings.
type KeyMap struct {
	Nav      Navigation
	Browse   Browse
	Share    Share
	Transfer Transfer
	App      App
	Form     Form
}

// Default returns the default bindings.
func Default() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Nav: Navigation{
			Up:       b("↑/k", "up", "up", "k"),
			Down:     b("↓/j", "down", "down", "j"),
			PageUp:   b("pgup", "page up", "pgup", "ctrl+b"),
			PageDown: b("pgdn", "page down", "pgdown", "ctrl+f"),
			Top:      b("g", "top", "g", "home"),
			Bottom:   b("G", "bottom", "G", "end"),
		},
		Browse: Browse{
			Open:     b("enter/→", "open", "enter", "right", "l"),
			Back:     b("⌫/←", "up a level", "backspace", "left", "h"),
			Filter:   b("/", "filter", "/"),
			GoTo:     b(":", "go to path", ":"),
			Sort:     b("o", "sort by", "o"),
			Reverse:  b("O", "reverse sort", "O"),
			Details:  b("i", "details", "i"),
			Versions: b("v", "versions", "v"),
			Refresh:  b("r", "refresh/retry", "r"),
			Mark:     b("space", "mark", " "),
			MarkAll:  b("*", "mark all", "*", "ctrl+a"),
		},
		Share: Share{
			Share:    b("s", "share", "s"),
			Upload:   b("u", "upload a file here", "u"),
			CopyURI:  b("y", "copy s3:// URI", "y"),
			CopyURL:  b("Y", "copy object URL", "Y"),
			Ledger:   b("H", "share ledger", "H"),
			CopyCurl: b("c", "copy curl line", "c"),
			Export:   b("e", "export links", "e"),
			Print:    b("w", "print links whole", "w"),
			Delete:   b("d", "forget entry", "d"),
			Undo:     b("z", "undo forget", "z"),
			FormFile: b("f", "write HTML form file", "f"),
			QR:       b("Q", "QR code", "Q"),
			Watch:    b("W", "watch for the upload", "W"),
			Recheck:  b("x", "check the link again", "x"),
		},
		Transfer: Transfer{
			Download:    b("D", "download", "D"),
			Preview:     b("p", "preview", "p"),
			LinkInstead: b("ctrl+l", "upload panel: a link instead", "ctrl+l"),
		},
		App: App{
			Help:   b("?", "help", "?"),
			Quit:   b("q", "quit", "q", "ctrl+c"),
			Close:  b("esc", "close", "esc"),
			Stores: b("S", "switch store", "S"),
			Mouse:  b("m", "mouse capture on/off", "m"),
		},
		Form: Form{
			Next:   b("tab", "next field", "tab", "down"),
			Prev:   b("shift+tab", "previous field", "shift+tab", "up"),
			Left:   b("←", "previous choice", "left"),
			Right:  b("→", "next choice", "right"),
			Submit: b("enter", "sign", "enter"),
		},
	}
}

// bindings maps the action names used in the config file's [keys] table
// to the bindings they change.
func (k *KeyMap) bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &k.Nav.Up, "down": &k.Nav.Down, "page_up": &k.Nav.PageUp, "page_down": &k.Nav.PageDown,
		"top": &k.Nav.Top, "bottom": &k.Nav.Bottom,
		"open": &k.Browse.Open, "back": &k.Browse.Back, "filter": &k.Browse.Filter, "goto": &k.Browse.GoTo,
		"sort": &k.Browse.Sort, "reverse": &k.Browse.Reverse, "details": &k.Browse.Details,
		"versions": &k.Browse.Versions, "refresh": &k.Browse.Refresh, "mark": &k.Browse.Mark, "mark_all": &k.Browse.MarkAll,
		"share": &k.Share.Share, "upload": &k.Share.Upload, "copy_uri": &k.Share.CopyURI, "copy_url": &k.Share.CopyURL, "ledger": &k.Share.Ledger,
		"copy_curl": &k.Share.CopyCurl, "export": &k.Share.Export, "print_links": &k.Share.Print, "delete": &k.Share.Delete,
		"download": &k.Transfer.Download, "preview": &k.Transfer.Preview,
		"qr": &k.Share.QR, "watch": &k.Share.Watch, "recheck": &k.Share.Recheck,
		"help": &k.App.Help, "quit": &k.App.Quit, "close": &k.App.Close, "stores": &k.App.Stores,
		"undo": &k.Share.Undo, "form_file": &k.Share.FormFile, "mouse": &k.App.Mouse,
	}
}

// Actions lists the action names [keys] accepts.
func Actions() []string {
	k := Default()
	var names []string
	for name := range k.bindings() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// browseActions are the actions that share the browser's keyboard; two
// of them may not have the same key.
var browseActions = []string{
	"up", "down", "page_up", "page_down", "top", "bottom", "open", "back", "filter", "goto", "sort",
	"reverse", "details", "versions", "refresh", "mark", "mark_all", "share", "upload", "copy_uri", "copy_url",
	"ledger", "download", "preview", "help", "quit", "stores", "mouse",
}

// Apply returns the default bindings changed by overrides (action name →
// keys). An unknown action, an empty key list or two browser actions on
// one key is an error naming them.
func Apply(overrides map[string][]string) (KeyMap, error) {
	k := Default()
	bs := k.bindings()
	names := make([]string, 0, len(overrides))
	for name := range overrides {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b, ok := bs[name]
		if !ok {
			return KeyMap{}, fmt.Errorf("[keys] %s: no such action; actions are %s", name, strings.Join(Actions(), ", "))
		}
		keys := overrides[name]
		if len(keys) == 0 {
			return KeyMap{}, fmt.Errorf("[keys] %s: give at least one key", name)
		}
		for _, s := range keys {
			if strings.TrimSpace(s) == "" && s != " " {
				return KeyMap{}, fmt.Errorf("[keys] %s: empty key name", name)
			}
		}
		b.SetKeys(keys...)
		b.SetHelp(helpName(keys[0]), b.Help().Desc)
	}
	owner := map[string]string{}
	for _, name := range browseActions {
		for _, s := range bs[name].Keys() {
			if other, dup := owner[s]; dup {
				return KeyMap{}, fmt.Errorf("[keys] %q is bound to both %s and %s", s, other, name)
			}
			owner[s] = name
		}
	}
	return k, nil
}

func helpName(k string) string {
	if k == " " {
		return "space"
	}
	return k
}
