package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Secrets used by the tests; no output may contain them.
const (
	envSecret     = "ENVsecretKEYvalue0000000000000000000000001"
	credsSecret   = "CREDSsecretKEYvalue00000000000000000000002"
	configSecret  = "CONFIGsecretKEYvalue0000000000000000000003"
	processSecret = "PROCESSsecretKEYvalue000000000000000000004"
	mcSecret      = "MCsecretKEYvalue00000000000000000000000005"
	fileSecret    = "FILEsecretKEYvalue000000000000000000000006"
	tokenSecret   = "TOKENsessionTOKENvalue00000000000000000007"
)

var allSecrets = []string{envSecret, credsSecret, configSecret, processSecret, mcSecret, fileSecret, tokenSecret}

// home makes a temporary home directory holding files (path relative to
// home → content), each written with mode 0600.
func home(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// envFor returns an Env with HOME set to dir and the given variables;
// everything else is unset, whatever the test process has.
func envFor(dir string, vars map[string]string) Env {
	return func(k string) string {
		if k == "HOME" {
			return dir
		}
		return vars[k]
	}
}

// noSecrets fails the test if s holds any test secret.
func noSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range allSecrets {
		if strings.Contains(s, sec) {
			t.Errorf("%s contains a secret (%.8s…):\n%s", what, sec, s)
		}
	}
}

// shown renders everything of c a user could see.
func shown(c *Config) string {
	var b strings.Builder
	for _, s := range c.Settings {
		b.WriteString(s.Name + " " + s.Value + " " + s.Source + "\n")
	}
	for _, f := range c.Files {
		b.WriteString(f.What + " " + f.Path + " " + f.Source + " " + f.State + "\n")
	}
	for _, w := range c.Warnings {
		b.WriteString(w + "\n")
	}
	b.WriteString(c.Store.Creds.Source + "\n")
	return b.String()
}

// script writes an executable shell script into dir and returns its path.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeFile writes content to dir/name with mode 0600.
func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func chmod(t *testing.T, dir, name string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(filepath.Join(dir, name), mode); err != nil {
		t.Fatal(err)
	}
}

// certPEM returns a fresh self-signed certificate in PEM form.
func certPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "s3share test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
