package ui

import (
	"github.com/s3share/s3share/keymap"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/presign"
)

func TestExpiryPickerPresets(t *testing.T) {
	cases := []struct {
		name  string
		prefs config.Prefs
		last  *expiryChoice
		want  string // the labels, the selected one in brackets
	}{
		{"defaults", config.Prefs{}, nil, "15m [1h] 1d 7d custom…"},
		{"default expiry among the presets", config.Prefs{DefaultExpiry: 24 * time.Hour}, nil, "15m 1h [1d] 7d custom…"},
		{"default expiry added", config.Prefs{DefaultExpiry: 3 * time.Hour}, nil, "15m 1h [3h] 1d 7d custom…"},
		{"configured presets", config.Prefs{ExpiryPresets: []time.Duration{30 * time.Minute, 2 * time.Hour}}, nil, "[30m] 2h custom…"},
		{"unusable presets dropped", config.Prefs{ExpiryPresets: []time.Duration{0, time.Hour, time.Hour, 8 * 24 * time.Hour, 1500 * time.Millisecond}}, nil, "[1h] custom…"},
		{"default expiry too long", config.Prefs{DefaultExpiry: 10 * 24 * time.Hour}, nil, "15m [1h] 1d 7d custom…"},
		{"last preset wins", config.Prefs{DefaultExpiry: 24 * time.Hour}, &expiryChoice{preset: 7 * 24 * time.Hour}, "15m 1h 1d [7d] custom…"},
		{"last preset gone", config.Prefs{}, &expiryChoice{preset: 5 * time.Minute}, "15m [1h] 1d 7d custom…"},
		{"last custom", config.Prefs{}, &expiryChoice{custom: true, text: "90m"}, "15m 1h 1d 7d [custom…]"},
	}
	for _, c := range cases {
		p := newExpiryPicker(c.prefs, c.last)
		labels := p.labels()
		labels[p.sel] = "[" + labels[p.sel] + "]"
		if got := strings.Join(labels, " "); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestExpiryPickerMoveAndPick(t *testing.T) {
	p := newExpiryPicker(config.Prefs{}, nil)
	p.move(-5)
	if p.sel != 0 {
		t.Errorf("move past the start: %d", p.sel)
	}
	p.move(10)
	if !p.isCustom() {
		t.Error("move past the end does not stop on custom…")
	}
	if !p.pick(3) || p.presets[p.sel] != 24*time.Hour {
		t.Error("pick 3 is not 1d")
	}
	if p.pick(0) || p.pick(6) || p.presets[p.sel] != 24*time.Hour {
		t.Error("picking a missing entry changed the choice")
	}
	if !p.pick(5) || !p.isCustom() {
		t.Error("pick 5 is not custom…")
	}
}

func TestExpiryPickerValidation(t *testing.T) {
	now := time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC)
	p := newExpiryPicker(config.Prefs{}, nil)
	if e, err := p.value(now); err != nil || e != presign.In(time.Hour) {
		t.Errorf("preset value %v, %v", e, err)
	}
	p.pick(5)
	for _, c := range []struct{ in, err, ends string }{
		{"", "empty expiry", ""},
		{"90", "number without a unit", ""},
		{"1h30m", "", "ends 2026-12-20 11:30 UTC"},
		{"2026-12-24T18:00", "", "ends 2026-12-24 18:00 UTC"},
		{"2026-12-19", "not in the future", ""},
		{"2027-01-01", "longer than 7 days", ""},
		{"1w", "", "ends 2026-12-27 10:00 UTC"},
	} {
		p.input.SetValue(c.in)
		p.validate(now)
		if c.err == "" && (p.err != "" || p.ends != c.ends) {
			t.Errorf("%q: error %q, hint %q; want %q", c.in, p.err, p.ends, c.ends)
		}
		if c.err != "" && !strings.Contains(p.err, c.err) {
			t.Errorf("%q: error %q, want one about %q", c.in, p.err, c.err)
		}
		if _, err := p.value(now); (err != nil) != (c.err != "") {
			t.Errorf("%q: value error %v disagrees with the shown one %q", c.in, err, p.err)
		}
	}
	if c := p.choice(); !c.custom || c.text != "1w" {
		t.Errorf("choice %+v", c)
	}
}

func TestExpiryMemoryIsPerUI(t *testing.T) {
	a, b := New(Options{Keys: keymap.Default()}), New(Options{Keys: keymap.Default()})
	a.s.lastExpiry = &expiryChoice{preset: 24 * time.Hour}
	target := []ShareTarget{{Bucket: "b", Key: "k"}}
	if p := newSharePanel(a.s, target); p.expiry.presets[p.expiry.sel] != 24*time.Hour {
		t.Errorf("a's share panel starts on %v", p.expiry.presets[p.expiry.sel])
	}
	if p := newSharePanel(b.s, target); p.expiry.presets[p.expiry.sel] != time.Hour {
		t.Errorf("b's share panel starts on %v, from a", p.expiry.presets[p.expiry.sel])
	}
}
