package ui

import (
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/keymap"
)

// allBindings walks every key.Binding field of a KeyMap, by name.
func allBindings(k keymap.KeyMap) map[string]key.Binding {
	out := map[string]key.Binding{}
	v := reflect.ValueOf(k)
	for i := 0; i < v.NumField(); i++ {
		group := v.Field(i)
		for j := 0; j < group.NumField(); j++ {
			if b, ok := group.Field(j).Interface().(key.Binding); ok {
				out[v.Type().Field(i).Name+"."+group.Type().Field(j).Name] = b
			}
		}
	}
	return out
}

// TestHelpShowsEveryBinding opens ? at 80×24, on the browser and over
// each kind of panel, and finds every binding of keymap.Default(), its
// key and what it does, whole on one line.
func TestHelpShowsEveryBinding(t *testing.T) {
	bindings := allBindings(keymap.Default())
	if len(bindings) < 30 {
		t.Fatalf("found only %d bindings", len(bindings))
	}
	screens := map[string]tea.Model{}
	screens["browser"] = offline(t, Location{Bucket: "bkt", Prefix: "data/"}, 80, 24, fixedEntries())
	share, _ := offlineShare(t, 80, 24, config.Prefs{}, photo)
	screens["share panel"] = share
	for name, m := range screens {
		m = send(t, m, keyMsg("?"))
		v := m.View()
		checkFits(t, v, 80, 24)
		if !strings.Contains(v, "s3share — keys") {
			t.Fatalf("%s: ? shows no help:\n%s", name, v)
		}
		for bn, b := range bindings {
			want := keyLabel(b) + " " + b.Help().Desc
			if bn == "App.Close" {
				want = keyLabel(b) + " close panel/clear filter"
			}
			if !strings.Contains(v, want) {
				t.Errorf("%s: the help screen lacks %s (%q):\n%s", name, bn, want, v)
			}
			for _, k := range b.Keys() {
				if !strings.Contains(v, keyName(k)) {
					t.Errorf("%s: the help screen lacks key %q of %s", name, k, bn)
				}
			}
		}
		if name == "share panel" && !strings.Contains(v, "share ") {
			t.Errorf("the share panel's own keys are not titled:\n%s", v)
		}
	}
}

func TestGoldenHelp(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m := offline(t, Location{Bucket: "bkt", Prefix: "data/"}, w, h, fixedEntries())
		requireGolden(t, send(t, m, keyMsg("?")), w, h)
	})
}
