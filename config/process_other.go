//go:build !unix

package config

import "os/exec"

// ownGroup leaves cmd as it is where process groups are not available.
func ownGroup(*exec.Cmd) {}
