package ui

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/s3model"
)

var goldenSizes = [][2]int{{80, 24}, {120, 40}, {40, 10}}

// goldenColors are the colour settings every golden is drawn in: the
// palette on a dark terminal of 256 colours and more, and NO_COLOR (which
// gives lipgloss the ASCII profile, as it does a terminal without colour).
var goldenColors = []struct {
	name    string
	profile termenv.Profile
}{
	{"color", termenv.TrueColor},
	{"NO_COLOR", termenv.Ascii},
}

// eachSize runs f at every golden size, in colour and with NO_COLOR:
// subtests color/80x24, NO_COLOR/80x24, …. Styles take the colour
// profile when the model is built, so f builds its model inside.
func eachSize(t *testing.T, f func(t *testing.T, w, h int)) {
	for _, c := range goldenColors {
		t.Run(c.name, func(t *testing.T) {
			lipgloss.SetColorProfile(c.profile)
			lipgloss.SetHasDarkBackground(true)
			defer lipgloss.SetColorProfile(termenv.Ascii) // as TestMain sets it
			for _, s := range goldenSizes {
				t.Run(fmt.Sprintf("%dx%d", s[0], s[1]), func(t *testing.T) { f(t, s[0], s[1]) })
			}
		})
	}
}

// sgr matches the colour and style sequences lipgloss writes.
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// requireGolden compares m's view with its golden file, after checking
// it fits w×h and holds no control character but colour and style
// sequences.
func requireGolden(t *testing.T, m tea.Model, w, h int) {
	t.Helper()
	v := m.View()
	checkFits(t, v, w, h)
	if bad := rawControl(sgr.ReplaceAllString(v, "")); bad != "" {
		t.Errorf("control character in the view: %s", bad)
	}
	if lipgloss.ColorProfile() == termenv.Ascii && v != sgr.ReplaceAllString(v, "") {
		t.Errorf("a view with NO_COLOR has colour sequences:\n%q", v)
	}
	golden.RequireEqual(t, []byte(v))
}

func TestGoldenShareFormPOST(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m, _ := offlineShare(t, w, h, config.Prefs{}, photo)
		m = press(t, m, "right", "right", "down")
		requireGolden(t, m, w, h)
	})
}

func TestGoldenShareResultPOST(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m, _ := offlineShare(t, w, h, config.Prefs{}, ShareTarget{Bucket: "media", Key: "inbox/", IsPrefix: true, Upload: true})
		m = press(t, m, "right", "enter")
		requireGolden(t, m, w, h)
	})
}

func TestGoldenVersions(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	eachSize(t, func(t *testing.T, w, h int) {
		m := offline(t, Location{Bucket: "bkt", Prefix: "data/"}, w, h, fixedEntries())
		m = drain(t, m, openVersions(m.(Model).s, versionsMsg{bucket: "bkt", key: "data/notes.txt", versions: []s3model.Version{
			{VersionID: "3HL4kqtJvjVBH40Nrjfkd", Size: 42, LastModified: t0, IsLatest: true},
			{VersionID: "2LmZ9eXk.Qx1aBcDeFgH", LastModified: t0.Add(-26 * time.Hour), DeleteMarker: true},
			{VersionID: "1AbCdEfGhIjKlMnOpQrS", Size: 40, LastModified: t0.Add(-72 * time.Hour)},
		}}))
		m = press(t, m, "down")
		requireGolden(t, m, w, h)
	})
}
