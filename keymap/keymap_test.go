package keymap

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func TestDefaultsHaveNoConflicts(t *testing.T) {
	if _, err := Apply(nil); err != nil {
		t.Fatal(err)
	}
}

func TestApplyOverride(t *testing.T) {
	k, err := Apply(map[string][]string{"quit": {"x"}, "filter": {"f", "/"}})
	if err != nil {
		t.Fatal(err)
	}
	x := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}
	q := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")}
	if !key.Matches(x, k.App.Quit) || key.Matches(q, k.App.Quit) {
		t.Error("quit override not applied")
	}
	if k.App.Quit.Help().Key != "x" || k.App.Quit.Help().Desc != "quit" {
		t.Errorf("help for quit = %+v", k.App.Quit.Help())
	}
}

func TestApplyErrors(t *testing.T) {
	cases := map[string]struct {
		in   map[string][]string
		want string
	}{
		"unknown":  {map[string][]string{"explode": {"x"}}, "explode: no such action"},
		"empty":    {map[string][]string{"quit": {}}, "at least one key"},
		"conflict": {map[string][]string{"quit": {"j"}}, `"j" is bound to both`},
	}
	for name, c := range cases {
		_, err := Apply(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
}
