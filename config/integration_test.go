package config_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

// write writes files (path relative to dir → content) with mode 0600.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o600)
		if filepath.Ext(name) == ".sh" {
			mode = 0o700
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
}

func envOf(vars map[string]string) config.Env {
	return func(k string) string { return vars[k] }
}

// TestConnectThroughEachSource resolves a store from each kind of
// source, with nothing else configured, and lists a bucket through it.
func TestConnectThroughEachSource(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "docs/readme.txt", []byte("hello"), "text/plain")

	tests := []struct {
		name  string
		files map[string]string
		env   map[string]string
		flags config.Flags
		creds string // the credentials' source
	}{
		{
			name:  "environment only",
			env:   map[string]string{"AWS_ENDPOINT_URL": srv.Endpoint, "AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": srv.SecretKey},
			creds: "env AWS_ACCESS_KEY_ID",
		},
		{
			name: "a profile in ~/.aws",
			files: map[string]string{
				".aws/config":      "[profile local]\nregion = " + srv.Region + "\nendpoint_url = " + srv.Endpoint + "\n",
				".aws/credentials": "[local]\naws_access_key_id = " + srv.AccessKey + "\naws_secret_access_key = " + srv.SecretKey + "\n",
			},
			flags: config.Flags{Profile: "local"},
			creds: "~/.aws/credentials [local]",
		},
		{
			name: "a profile with a [services] section and credential_process",
			files: map[string]string{
				".aws/config": "[profile proc]\nservices = gw\ncredential_process = sh ~/creds.sh\n" +
					"[services gw]\ns3 =\n  endpoint_url = " + srv.Endpoint + "\n  addressing_style = path\n",
				"creds.sh": fmt.Sprintf("echo '{\"Version\": 1, \"AccessKeyId\": %q, \"SecretAccessKey\": %q}'\n", srv.AccessKey, srv.SecretKey),
			},
			env:   map[string]string{"AWS_PROFILE": "proc"},
			creds: "credential_process of ~/.aws/config [profile proc]",
		},
		{
			name: "an mc alias",
			files: map[string]string{".mc/config.json": fmt.Sprintf(`{"version": "10", "aliases": {"gw": {"url": %q, "accessKey": %q, "secretKey": %q, "api": "S3v4", "path": "auto"}}}`,
				srv.Endpoint, srv.AccessKey, srv.SecretKey)},
			flags: config.Flags{Alias: "gw"},
			creds: "~/.mc/config.json alias gw",
		},
		{
			name: "a store of config.toml naming a profile",
			files: map[string]string{
				".config/s3share/config.toml": "default_store = \"gw\"\n[stores.gw]\nendpoint = \"" + srv.Endpoint + "\"\naddressing = \"path\"\nprofile = \"keys\"\n",
				".aws/credentials":            "[keys]\naws_access_key_id = " + srv.AccessKey + "\naws_secret_access_key = " + srv.SecretKey + "\n",
			},
			creds: "~/.aws/credentials [keys]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			write(t, home, tt.files)
			env := map[string]string{"HOME": home}
			for k, v := range tt.env {
				env[k] = v
			}
			c, err := config.Load(tt.flags, envOf(env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Store.Endpoint.String() != srv.Endpoint || c.Store.Creds.Source != tt.creds {
				t.Fatalf("store %s with credentials from %q, want %s from %q", c.Store.Endpoint, c.Store.Creds.Source, srv.Endpoint, tt.creds)
			}
			client, err := s3model.New(c.Store)
			if err != nil {
				t.Fatal(err)
			}
			page, err := client.ListPage(context.Background(), bucket, "docs/", "")
			if err != nil {
				t.Fatalf("list s3://%s/docs/: %v", bucket, err)
			}
			if len(page.Entries) != 1 || page.Entries[0].Name != "readme.txt" || page.Entries[0].Size != 5 {
				t.Errorf("list s3://%s/docs/ = %+v, want readme.txt (5 bytes)", bucket, page.Entries)
			}
		})
	}
}
