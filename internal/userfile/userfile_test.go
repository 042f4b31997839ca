package userfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReplaceAndCreate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "links.json")
	if err := Create(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := Create(p, []byte("two")); !IsExist(err) {
		t.Fatalf("Create over a file: %v, want it to exist", err)
	}
	if err := Replace(p, []byte("three")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "three" {
		t.Fatalf("content %q", b)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}

	// A symbolic link is replaced, never written through.
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("keep"), 0o644)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Create(link, []byte("x")); !IsExist(err) {
		t.Fatalf("Create on a symlink: %v", err)
	}
	if err := Replace(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Fatalf("symlink target written: %q", b)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o644 {
		t.Fatalf("symlink target's mode changed: %v", fi.Mode())
	}
	if err := Replace(dir, []byte("x")); err == nil {
		t.Fatal("Replace of a directory: no error")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name()[0] == '.' {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestOpenRefusesSymlinks: a link planted where s3share keeps a file is
// neither written through nor has its target's mode changed.
func TestOpenRefusesSymlinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "victim")
	os.WriteFile(target, []byte("keep"), 0o644)
	link := filepath.Join(dir, "shares.jsonl")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []int{os.O_CREATE | os.O_WRONLY | os.O_APPEND, os.O_RDONLY, os.O_CREATE | os.O_RDWR} {
		f, err := Open(link, flag)
		if err == nil {
			f.Close()
			t.Fatalf("flag %#x: opened a symbolic link", flag)
		}
		if !strings.Contains(err.Error(), "is a symbolic link") {
			t.Errorf("flag %#x: %v", flag, err)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("target written: %q", b)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o644 {
		t.Errorf("target's mode changed to %v", fi.Mode().Perm())
	}

	// A plain file is created 0600, and narrowed when found wider.
	p := filepath.Join(dir, "debug.log")
	os.WriteFile(p, nil, 0o666)
	os.Chmod(p, 0o666)
	f, err := Open(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	if f, err := Open(dir, os.O_RDONLY); err == nil {
		f.Close()
		t.Error("opened a directory")
	}
}
