//go:build unix

package ledger

import (
	"errors"
	"os"
	"syscall"

	"github.com/s3share/s3share/internal/userfile"
)

// lock takes an flock on the ledger's lock file (shared or exclusive) and
// returns the function that releases it. The lock file, not the ledger,
// carries the lock because Prune replaces the ledger file by rename.
func lock(path string, exclusive bool) (func(), error) {
	f, err := userfile.Open(path, os.O_CREATE|os.O_RDWR)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
