package ui

import (
	"net/url"
	"strings"
	"testing"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/s3model"
)

// TestHostileStoreScreens walks every screen over a store whose bucket
// names, keys, prefixes, headers, version ids and errors are hostile:
// the bucket list, the listing, details (C1 and bidi headers, a header
// Go's client refuses, a 403 with a hostile message), the versions, and
// the share of a version whose id holds U+009B — signed as the store's
// bytes, which the store answers 200 for.
func TestHostileStoreScreens(t *testing.T) {
	h := s3test.StartHostile(t)
	u, _ := url.Parse(h.Endpoint)
	c, err := s3model.New(config.Store{Endpoint: u, Region: "us-east-1", RegionFromUser: true, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: "AKIDHOSTILE", SecretAccessKey: "hostile-secret-0123456789"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range hostileSizes {
		w, ht := size[0], size[1]
		check := func(m interface{ View() string }, what string) string {
			t.Helper()
			v := m.View()
			checkFits(t, v, w, ht)
			if bad := terminalUnsafe(v); bad != "" {
				t.Fatalf("%dx%d %s: %s in\n%s", w, ht, what, bad, v)
			}
			return v
		}
		m, _ := startShare(t, c, Location{}, w, ht, Options{})
		check(m, "bucket list")
		m, env := startShare(t, c, Location{Bucket: s3test.HostileBucket}, w, ht, Options{})
		check(m, "listing")
		// Every row, with its details beside or under it.
		var versionRow string
		for i := 0; i < len(s3test.HostileKeys)+4; i++ {
			m = press(t, m, "i", "i") // details off and on: fetched for this row
			root := m.(Model)
			m = drain(t, root, root.browser.fetchDetails(root.browser.detailSeq))
			v := check(m, "row "+selectedRow(m.View()))
			if strings.Contains(selectedRow(v), sanitize.Text(s3test.HostileKeys[0])) {
				versionRow = selectedRow(v)
				break
			}
			m = press(t, m, "j")
		}
		if versionRow == "" {
			t.Fatalf("%dx%d: the first hostile key was never selected", w, ht)
		}
		m = press(t, m, "v")
		check(m, "versions")
		if _, ok := topPanel(m).(*versionsPanel); !ok {
			t.Fatalf("%dx%d: v opened %T\n%s", w, ht, topPanel(m), m.View())
		}
		m = press(t, m, "enter") // share the latest version
		check(m, "share form of a version")
		m = press(t, m, "enter")
		if v := check(m, "share result of a version"); !strings.Contains(v, "link made") {
			t.Fatalf("%dx%d: no link made for the version:\n%s", w, ht, v)
		}
		code, body, _ := httpGet(t, env.clip.last(t))
		if code != 200 || !strings.HasSuffix(body, " "+s3test.HostileVersions[0]) {
			t.Fatalf("%dx%d: the version link got %d %q: the version id was not signed as the store gave it", w, ht, code, body)
		}
	}
}
