package config

import (
	"strings"
	"testing"
)

// TestStoreGateway: a store's gateway and where its admin token comes
// from — the store's gateway_token_file, else $S3SHARE_GATEWAY_TOKEN —
// and an unreadable token file is a warning naming the line, not an
// error; a bad URL is an error naming the line.
func TestStoreGateway(t *testing.T) {
	const fileToken, envToken = "GWFILEadminTOKENvalue00001", "GWENVadminTOKENvalue00002"
	dir := home(t, map[string]string{
		"gw-token": fileToken + "\n",
		".config/s3share/config.toml": `[stores.prod]
endpoint = "http://127.0.0.1:9400"
gateway = "https://share.example.com/"
gateway_token_file = "~/gw-token"

[stores.env]
endpoint = "http://127.0.0.1:9401"
gateway = "http://127.0.0.1:8080"

[stores.broken]
endpoint = "http://127.0.0.1:9402"
gateway = "http://127.0.0.1:8080"
gateway_token_file = "~/missing"

[stores.plain]
endpoint = "http://127.0.0.1:9403"
`})
	env := envFor(dir, map[string]string{GatewayTokenEnv: envToken})
	load := func(store string) *Config {
		t.Helper()
		c, err := Load(Flags{Store: store}, env)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if g := load("prod").Store.Gateway; g == nil || g.URL != "https://share.example.com" || g.Token != fileToken || g.Problem != "" {
		t.Errorf("prod: %+v", g)
	}
	if g := load("env").Store.Gateway; g == nil || g.URL != "http://127.0.0.1:8080" || g.Token != envToken {
		t.Errorf("env: %+v", g)
	}
	c := load("broken")
	if g := c.Store.Gateway; g == nil || g.Token != "" || !strings.Contains(g.Problem, "config.toml:13: [stores.broken] gateway_token_file: token file:") {
		t.Errorf("broken: %+v", g)
	}
	if len(c.Warnings) == 0 || !strings.Contains(strings.Join(c.Warnings, "\n"), "gateway_token_file") {
		t.Errorf("broken: no warning about the token file: %q", c.Warnings)
	}
	if g := load("plain").Store.Gateway; g != nil {
		t.Errorf("plain: %+v, want no gateway", g)
	}
	for _, s := range append(c.Warnings, c.Store.Gateway.Problem) {
		if strings.Contains(s, fileToken) || strings.Contains(s, envToken) {
			t.Errorf("a token shows: %s", s)
		}
	}
	bad := home(t, map[string]string{".config/s3share/config.toml": "[stores.prod]\nendpoint = \"http://127.0.0.1:9400\"\ngateway = \"share.example.com\"\n"})
	_, err := Load(Flags{Store: "prod"}, envFor(bad, nil))
	if err == nil || !strings.Contains(err.Error(), "config.toml:3") || !strings.Contains(err.Error(), `gateway "share.example.com"`) {
		t.Errorf("bad gateway URL: err = %v, want it named with its line", err)
	}
}
