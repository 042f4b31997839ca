package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLoadPrefsReadsOnlyTheFile(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".config", "s3share")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	toml := "[ui]\ndefault_expiry = \"2h\"\nclipboard = \"osc52\"\n"
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	// A credential_process that would leave a mark if it ran.
	mark := filepath.Join(home, "ran")
	aws := filepath.Join(home, ".aws")
	if err := os.MkdirAll(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := "[default]\ncredential_process = touch " + mark + "\n"
	if err := os.WriteFile(filepath.Join(aws, "config"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	p, err := LoadPrefs(Flags{}, env)
	if err != nil {
		t.Fatal(err)
	}
	if p.DefaultExpiry != 2*time.Hour || p.Clipboard != ClipboardOSC52 {
		t.Errorf("prefs = %+v", p)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Error("LoadPrefs ran the profile's credential_process")
	}
}
