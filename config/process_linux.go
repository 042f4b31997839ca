//go:build linux

package config

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// killTreeOnCancel makes cancelling cmd kill it and every process it
// started (found through /proc), so a hanging credential_process leaves
// nothing behind. The command stays in s3share's process group, and so
// in the terminal's foreground: a prompt it reads from /dev/tty (an MFA
// code) works as it does in the AWS CLI.
func killTreeOnCancel(cmd *exec.Cmd) {
	cmd.Cancel = func() error {
		below := descendants(cmd.Process.Pid)
		err := cmd.Process.Kill() // first, so it starts nothing more
		for _, pid := range below {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		return err
	}
}

// descendants lists the processes below pid, children first.
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces and parentheses.
		fields := bytes.Fields(stat[bytes.LastIndexByte(stat, ')')+1:])
		if len(fields) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(string(fields[1])); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	for queue := children[pid]; len(queue) > 0; queue = queue[1:] {
		out = append(out, queue[0])
		queue = append(queue, children[queue[0]]...)
	}
	return out
}
