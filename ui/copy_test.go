package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/internal/s3test"
)

func TestCopyURIAndURL(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "dir/a b+c.txt", []byte("x"), "")
	m, env := startShare(t, testClient(t, srv), Location{Bucket: bucket, Prefix: "dir/"}, 100, 24, Options{})

	m = press(t, m, "y")
	if got := env.clip.last(t); got != "s3://"+bucket+"/dir/a b+c.txt" {
		t.Errorf("y copied %q", got)
	}
	if v := m.View(); !strings.Contains(v, "s3:// URI copied · clipboard") {
		t.Errorf("status after y:\n%s", v)
	}
	m = press(t, m, "Y")
	// Path-style, with the key encoded the way S3 expects (space %20, + %2B).
	if got, want := env.clip.last(t), srv.Endpoint+"/"+bucket+"/dir/a%20b%2Bc.txt"; got != want {
		t.Errorf("Y copied %q, want %q", got, want)
	}
}

func TestCopyFailureShowsTheText(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "k.txt", []byte("x"), "")
	failing := &recordingClipboard{res: clip.Result{Methods: []clip.Method{clip.MethodNone},
		Message: "clipboard unavailable — link shown below", Err: errors.New("no terminal")}}
	m, _ := startShare(t, testClient(t, srv), Location{Bucket: bucket}, 100, 24, Options{Clipboard: failing})
	m = press(t, m, "y")
	v := m.View()
	if !strings.Contains(v, "clipboard unavailable") || !strings.Contains(v, "s3://"+bucket+"/k.txt") || strings.Contains(v, "copied (") {
		t.Fatalf("a failed copy must say so and show the text:\n%s", v)
	}
}
