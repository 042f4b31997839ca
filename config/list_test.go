package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestListStores(t *testing.T) {
	dir := home(t, fullHome)
	choices, err := ListStores(Flags{}, envFor(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range choices {
		got = append(got, fmt.Sprintf("%s %s %s", c, c.Endpoint, c.Source))
	}
	want := []string{
		"store both http://127.0.0.1:9400 ~/.config/s3share/config.toml",
		"store filestore http://127.0.0.1:9400 ~/.config/s3share/config.toml",
		"store keys http://127.0.0.1:9400 ~/.config/s3share/config.toml",
		"store viaalias  ~/.config/s3share/config.toml",
		"profile default  ~/.aws/config",
		"profile prod http://127.0.0.1:9100 ~/.aws/config",
		"profile svc http://127.0.0.1:9200 ~/.aws/config",
		"alias minio http://127.0.0.1:9300 ~/.mc/config.json",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ListStores:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Every choice resolves, even with flags that named another store.
	base := Flags{Endpoint: "http://127.0.0.1:1", Region: "r", Addressing: "virtual", Profile: "prod", Insecure: true}
	for _, c := range choices {
		f := base.Select(c)
		if f.Endpoint != "" || f.Region != "" || f.Addressing != "" || !f.Insecure {
			t.Errorf("Select(%s) = %+v: want store flags dropped and --insecure kept", c, f)
		}
		cfg, err := Load(f, envFor(dir, nil))
		if err != nil {
			t.Errorf("Load(%s): %v", c, err)
			continue
		}
		if cfg.Selected.Kind != c.Kind || cfg.Selected.Name != c.Name {
			t.Errorf("Load(%s) selected %s", c, cfg.Selected)
		}
		if c.Endpoint != "" && cfg.Store.Endpoint.String() != c.Endpoint && c.Kind != KindStore {
			t.Errorf("Load(%s): endpoint %s, want %s", c, cfg.Store.Endpoint, c.Endpoint)
		}
	}
}

func TestListStoresReportsBrokenFiles(t *testing.T) {
	files := with(fullHome, ".aws/config", "[profile ok]\nthis line is broken\n")
	dir := home(t, files)
	choices, err := ListStores(Flags{}, envFor(dir, nil))
	if err == nil || !strings.Contains(err.Error(), "~/.aws/config:2: not a \"name = value\" line") {
		t.Errorf("error = %v, want the broken line of ~/.aws/config", err)
	}
	var kinds []string
	for _, c := range choices {
		kinds = append(kinds, string(c.Kind))
	}
	if got := strings.Join(kinds, " "); got != "store store store store alias" {
		t.Errorf("choices from the readable files: %s", got)
	}
}

func TestMCAliasForms(t *testing.T) {
	tests := []struct {
		name, json string
		want       string // endpoint addressing key
	}{
		{"path on", `{"version":"10","aliases":{"a":{"url":"http://127.0.0.1:9000/","accessKey":"K1","secretKey":"` + mcSecret + `","api":"S3v4","path":"on"}}}`,
			"http://127.0.0.1:9000 path K1"},
		{"path off", `{"version":"10","aliases":{"a":{"url":"https://minio.example.com","accessKey":"K2","secretKey":"` + mcSecret + `","api":"S3v4","path":"off"}}}`,
			"https://minio.example.com virtual K2"},
		{"path auto", `{"version":"10","aliases":{"a":{"url":"http://127.0.0.1:9000","accessKey":"K3","secretKey":"` + mcSecret + `","api":"s3v4","path":"auto"}}}`,
			"http://127.0.0.1:9000 auto K3"},
		{"old hosts form", `{"version":"9","hosts":{"a":{"url":"http://127.0.0.1:9001","accessKey":"K4","secretKey":"` + mcSecret + `","api":"S3v4","lookup":"dns"}}}`,
			"http://127.0.0.1:9001 virtual K4"},
		{"anonymous", `{"version":"10","aliases":{"a":{"url":"http://127.0.0.1:9002","accessKey":"","secretKey":"","api":"S3v4","path":"auto"}}}`,
			"http://127.0.0.1:9002 auto "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := home(t, map[string]string{".mc/config.json": tt.json})
			c, err := Load(Flags{Alias: "a"}, envFor(dir, nil))
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("%s %s %s", c.Store.Endpoint, c.Store.Addressing, c.Store.Creds.AccessKeyID)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	dir := home(t, map[string]string{".mc/config.json": `{"version":"10","aliases":{"a":{"url":"http://127.0.0.1:9000","accessKey":"K","secretKey":"` + mcSecret + `","api":"S3v2","path":"sometimes"}}}`})
	_, err := Load(Flags{Alias: "a"}, envFor(dir, nil))
	if err == nil || !strings.Contains(err.Error(), `~/.mc/config.json alias a path "sometimes": want auto, on or off`) {
		t.Errorf("bad path: error %v", err)
	}
	dir = home(t, map[string]string{".mc/config.json": `{"version":"10","aliases":{"a":{"url":"http://127.0.0.1:9000","accessKey":"K","secretKey":"` + mcSecret + `","api":"S3v2","path":"auto"}}}`})
	c, err := Load(Flags{Alias: "a"}, envFor(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(c.Warnings, "\n"), "has api S3v2; s3share signs with S3v4") {
		t.Errorf("warnings %q lack the S3v2 note", c.Warnings)
	}
}

func TestParseExpiry(t *testing.T) {
	for in, want := range map[string]string{"90s": "1m30s", "1h30m": "1h30m0s", "2d": "48h0m0s", "1w": "168h0m0s", " 15M ": "15m0s"} {
		d, err := ParseExpiry(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "0s", "8d", "1w1s", "h", "10", "5y", "-1h", "99999999999999999999s"} {
		if _, err := ParseExpiry(in); err == nil {
			t.Errorf("ParseExpiry(%q): no error", in)
		}
	}
}
