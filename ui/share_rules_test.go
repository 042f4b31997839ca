package ui

import (
	"net/url"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/config"
)

func TestShareBatchRules(t *testing.T) {
	prefs := config.Prefs{Rules: []config.Rule{
		{Match: "*.{jpg,png}", Expiry: 24 * time.Hour, Disposition: "inline"},
		{Match: "*.pdf", Expiry: 7 * 24 * time.Hour, Disposition: "attachment"},
		{Match: "*.mp4", Expiry: 2 * time.Hour},
	}}
	var ts []ShareTarget
	for _, k := range []string{"trip/a.jpg", "trip/b.png", "trip/c.pdf", "trip/d.mp4", "trip/e.txt"} {
		ts = append(ts, ShareTarget{Bucket: "media", Key: k, Size: 10})
	}
	m, _ := offlineShare(t, 100, 30, prefs, ts...)
	v := m.View()
	for _, want := range []string{"rule *.{jpg,png} → 1d, inline: 2 of 5 objects", "rule *.pdf → 7d, attachment: 1 of 5 objects", "rule *.mp4 → 2h: 1 of 5 objects"} {
		if !strings.Contains(v, want) {
			t.Errorf("the form does not show %q before signing:\n%s", want, v)
		}
	}
	m = press(t, m, "enter")
	p := sharePanelOf(t, m)
	if len(p.results) != 5 {
		t.Fatalf("%d links", len(p.results))
	}
	want := map[string][2]string{"a.jpg": {"86400", "inline"}, "b.png": {"86400", "inline"}, "c.pdf": {"604800", "attachment"}, "d.mp4": {"7200", ""}, "e.txt": {"", ""}}
	for _, r := range p.results {
		u, _ := url.Parse(r.URL)
		w := want[path.Base(r.Key)]
		if w[0] != "" && u.Query().Get("X-Amz-Expires") != w[0] {
			t.Errorf("%s: X-Amz-Expires=%s, want %s", r.Key, u.Query().Get("X-Amz-Expires"), w[0])
		}
		if w[1] != "" && !strings.HasPrefix(u.Query().Get("response-content-disposition"), w[1]) {
			t.Errorf("%s: disposition %q, want %s", r.Key, u.Query().Get("response-content-disposition"), w[1])
		}
		if (r.Options["rule"] == "") != (path.Base(r.Key) == "e.txt") {
			t.Errorf("%s: options %v", r.Key, r.Options)
		}
	}
	if !strings.Contains(flat(m.View()), "rules set the expiry and disposition of 4 of 5 links") {
		t.Errorf("the result does not say rules set the links:\n%s", m.View())
	}
}
