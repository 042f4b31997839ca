//go:build unix

package config

import (
	"os/exec"
	"syscall"
)

// ownGroup runs cmd in a new process group and makes cancelling it kill
// the whole group: the shell and whatever it started.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
