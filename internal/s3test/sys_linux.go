package s3test

import (
	"errors"
	"syscall"
)

// sysProcAttr makes the server die with the test process, so a crashed or
// timed-out test run leaves no gateway behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// userXattrs reports whether dir's filesystem stores user extended
// attributes, which versitygw's posix backend keeps object metadata in.
func userXattrs(dir string) (bool, error) {
	const name = "user.s3share.probe"
	err := syscall.Setxattr(dir, name, []byte("1"), 0)
	if errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EOPNOTSUPP) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, syscall.Removexattr(dir, name)
}
