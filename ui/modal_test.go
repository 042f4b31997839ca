package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// beside keeps the browser's cells at their columns around the box,
// whatever the text: exact widths, wide characters cut by an edge
// replaced by spaces.
func TestBesideKeepsColumns(t *testing.T) {
	for _, c := range []struct {
		s           string
		x, x2, w    int
		left, right string
	}{
		{"abcdefghij", 2, 8, 10, "ab", "ij"},
		{"abc", 2, 8, 10, "ab", "  "},
		{"ab日本語cd", 3, 7, 9, "ab ", " c"},
		{"ab日本語cd", 4, 6, 9, "ab日", "語c"},
		{"日本語日本語", 1, 11, 12, " ", " "},
		{"日本語日本語", 1, 10, 12, " ", "語"},
		{"😀x😀", 1, 3, 5, " ", "😀"},
		{"", 2, 4, 6, "  ", "  "},
		{"abc日本", 10, 10, 10, "abc日本   ", ""},
	} {
		l, r := beside(c.s, c.x, c.x2, c.w)
		if l != c.left || r != c.right {
			t.Errorf("beside(%q, %d, %d, %d) = %q, %q; want %q, %q", c.s, c.x, c.x2, c.w, l, r, c.left, c.right)
		}
	}
	// Widths are exact for any text.
	for _, s := range []string{"漢字漢字漢字漢字漢字漢字", "a😀b😀c😀d😀e😀", "e\u0301e\u0301e\u0301e\u0301", strings.Repeat("ｗ", 30)} {
		for x := 0; x < 12; x++ {
			for x2 := x; x2 < 14; x2++ {
				l, r := beside(s, x, x2, 16)
				if ansi.StringWidth(l) != x || ansi.StringWidth(r) != 16-x2 {
					t.Fatalf("beside(%q, %d, %d, 16) = %q (%d), %q (%d)", s, x, x2, l, ansi.StringWidth(l), r, ansi.StringWidth(r))
				}
			}
		}
	}
}

// A click inside the box reaches the panel at the panel's coordinates; a
// click on the frame or on the browser around it reaches nothing.
func TestClicksOutsideTheBoxAreDropped(t *testing.T) {
	m := memModel(t)
	s := m.(Model).s
	p := &fakePanel{panelBase: panelBase{id: s.nextID(), s: s}}
	m = drain(t, m, pushPanel(p, nil))
	in := m.(Model).frame().inner()
	click := func(x, y int) tea.MouseMsg {
		return tea.MouseMsg{X: x, Y: y + headerHeight, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress}
	}
	for _, at := range [][2]int{{0, in.y + 2}, {in.x - 1, in.y + 2}, {in.x + in.w, in.y + 2}, {in.x + 3, in.y - 1}, {in.x + 3, in.y + in.h}} {
		m = send(t, m, click(at[0], at[1]))
	}
	if p.keys != 0 {
		t.Errorf("%d clicks outside the box reached the panel", p.keys)
	}
	m = send(t, m, click(in.x+3, in.y+2))
	m = send(t, m, tea.MouseMsg{X: 0, Y: 0, Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if p.keys != 2 {
		t.Errorf("a click inside and the wheel anywhere: %d reached the panel, want 2", p.keys)
	}
}
