package config

import (
	"strings"
	"testing"
	"time"
)

func TestTimeout(t *testing.T) {
	files := map[string]string{".config/s3share/config.toml": `
[stores.slow]
endpoint = "http://127.0.0.1:9100"
timeout = "2m"

[stores.plain]
endpoint = "http://127.0.0.1:9200"
`}
	dir := home(t, files)
	tests := []struct {
		flags  Flags
		want   time.Duration
		source string
	}{
		{Flags{Store: "plain"}, DefaultTimeout, "default"},
		{Flags{Store: "slow"}, 2 * time.Minute, "~/.config/s3share/config.toml [stores.slow]"},
		{Flags{Store: "slow", Timeout: "5s"}, 5 * time.Second, "--timeout"},
		{Flags{Store: "plain", Timeout: " 1m30s "}, 90 * time.Second, "--timeout"},
	}
	for _, tt := range tests {
		c, err := Load(tt.flags, envFor(dir, nil))
		if err != nil {
			t.Fatalf("%+v: %v", tt.flags, err)
		}
		if c.Store.Timeout != tt.want || c.Source("timeout") != tt.source {
			t.Errorf("%+v: timeout %s from %q, want %s from %q", tt.flags, c.Store.Timeout, c.Source("timeout"), tt.want, tt.source)
		}
	}
}

func TestTimeoutErrors(t *testing.T) {
	for _, tt := range []struct{ flag, want string }{
		{"soon", `--timeout: timeout "soon": want a duration such as 30s, 2m or 1m30s`},
		{"30", `--timeout: timeout "30": want a duration such as 30s`},
		{"0s", `--timeout: timeout "0s": must be more than zero`},
		{"-5s", `must be more than zero`},
		{"2h", `--timeout: timeout "2h": must be at most 1h0m0s`},
	} {
		_, err := Load(Flags{Endpoint: "http://127.0.0.1:9000", Timeout: tt.flag}, envFor(home(t, nil), nil))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("--timeout %q: %v, want %q", tt.flag, err, tt.want)
		}
	}

	dir := home(t, map[string]string{".config/s3share/config.toml": `
[stores.x]
endpoint = "http://127.0.0.1:9100"
timeout = "forever"
`})
	_, err := Load(Flags{Store: "x"}, envFor(dir, nil))
	want := `~/.config/s3share/config.toml:4: stores.x.timeout: timeout "forever": want a duration`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("timeout = \"forever\": %v, want %q", err, want)
	}
}
