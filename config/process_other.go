//go:build !linux

package config

import "os/exec"

// killTreeOnCancel leaves cmd as it is where the processes it started
// cannot be listed: cancelling it kills the shell only.
func killTreeOnCancel(*exec.Cmd) {}
