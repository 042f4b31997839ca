package config

import (
	"strings"
	"testing"
)

// A store's list_workers and [ui] cache_mb are read, and checked with
// the line they are on.
func TestListWorkersAndCacheMB(t *testing.T) {
	dir := home(t, map[string]string{".config/s3share/config.toml": `
[stores.par]
endpoint = "http://127.0.0.1:9100"
list_workers = 3

[stores.plain]
endpoint = "http://127.0.0.1:9200"

[ui]
cache_mb = 0
`})
	c, err := Load(Flags{Store: "par"}, envFor(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.ListWorkers != 3 || !c.Prefs.CacheSet || c.Prefs.CacheMB != 0 {
		t.Errorf("list_workers %d, cache_mb %d (set %v); want 3, 0 (set)", c.Store.ListWorkers, c.Prefs.CacheMB, c.Prefs.CacheSet)
	}
	if c, err = Load(Flags{Store: "plain"}, envFor(dir, nil)); err != nil || c.Store.ListWorkers != 0 {
		t.Errorf("no list_workers: %d, %v; want 0 (the default)", c.Store.ListWorkers, err)
	}

	for _, tt := range []struct{ line, want string }{
		{"list_workers = 0", "list_workers: want a whole number from 1"},
		{"list_workers = 65", "list_workers: want a whole number from 1"},
		{`list_workers = "8"`, "list_workers: want a whole number from 1"},
	} {
		dir := home(t, map[string]string{".config/s3share/config.toml": "[stores.x]\nendpoint = \"http://127.0.0.1:9100\"\n" + tt.line + "\n"})
		_, err := Load(Flags{Store: "x"}, envFor(dir, nil))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "config.toml:3") {
			t.Errorf("%s: %v, want %q at line 3", tt.line, err, tt.want)
		}
	}
	dir = home(t, map[string]string{".config/s3share/config.toml": "[ui]\ncache_mb = -1\n"})
	if _, err := Load(Flags{Endpoint: "http://127.0.0.1:9000"}, envFor(dir, nil)); err == nil || !strings.Contains(err.Error(), "cache_mb: want a whole number of MiB") {
		t.Errorf("cache_mb = -1: %v", err)
	}
}
