// Package userfile opens and writes the files s3share keeps for its user —
// the share ledger, its lock, exported links, the debug log — never through
// a symbolic link, and where they are rewritten, atomically.
package userfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Replace puts data in place of path, mode 0600: written to a temporary
// file in the same directory, synced, and renamed over path (a symbolic
// link at path is replaced, not followed); the directory is synced after.
func Replace(path string, data []byte) error {
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// ErrExists is returned by Create when path exists.
var ErrExists = fs.ErrExist

// Create writes data to a new file at path, mode 0600, and fails with an
// error matching ErrExists when anything (a symbolic link included) is
// there already. A failed write leaves no file behind.
func Create(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// IsExist reports whether err says the file exists.
func IsExist(err error) bool { return errors.Is(err, fs.ErrExist) }
