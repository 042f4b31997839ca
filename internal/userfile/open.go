package userfile

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Open opens path with flag (os.O_CREATE, os.O_APPEND, …), creating it
// mode 0600, and refuses a symbolic link at path: the file is opened
// with O_NOFOLLOW, so a link planted there is neither written through
// nor has its target's mode changed. It must be a regular file; a file
// found with permissions wider than 0600 is narrowed through the open
// descriptor, never by path.
func Open(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag|noFollow, 0o600)
	if err != nil {
		if isLoop(err) {
			return nil, fmt.Errorf("%s is a symbolic link: s3share does not follow links for its own files; remove it or choose another path", path)
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&^0o600 != 0 && flag&(os.O_WRONLY|os.O_RDWR) != 0 {
		if err := f.Chmod(perm & 0o600); err != nil {
			f.Close()
			return nil, fmt.Errorf("narrow the mode of %s: %w", path, err)
		}
	}
	return f, nil
}

// isLoop reports the error O_NOFOLLOW gives for a symbolic link.
func isLoop(err error) bool {
	return errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK)
}
