//go:build !linux

package s3test

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }

// userXattrs reports false so that metadata goes to a sidecar directory,
// which works on every filesystem.
func userXattrs(string) (bool, error) { return false, nil }
