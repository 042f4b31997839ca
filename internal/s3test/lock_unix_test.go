//go:build unix

package s3test

import (
	"path/filepath"
	"testing"
	"time"
)

func TestLockFileExcludesSecondHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".lock")
	unlock, err := lockFile(path, func() { t.Error("first lock had to wait") })
	if err != nil {
		t.Fatal(err)
	}

	waited := make(chan struct{})
	acquired := make(chan func())
	go func() {
		u, err := lockFile(path, func() { close(waited) })
		if err != nil {
			t.Error(err)
			u = func() {}
		}
		acquired <- u
	}()

	select {
	case <-waited:
	case u := <-acquired:
		u()
		t.Fatal("second lock acquired while the first was held")
	case <-time.After(10 * time.Second):
		t.Fatal("second lock neither waited nor acquired")
	}
	unlock()
	select {
	case u := <-acquired:
		u()
	case <-time.After(10 * time.Second):
		t.Fatal("second lock not acquired after the first was released")
	}
}
