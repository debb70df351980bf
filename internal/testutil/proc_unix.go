//go:build unix

package testutil

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// StartGroup is Start with cmd in a process group of its own, which the
// signals go to: stopping a shell stops what it started too.
func StartGroup(t testing.TB, cmd *exec.Cmd, sig os.Signal, grace time.Duration) *Proc {
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return start(t, cmd, sig, grace, func(s os.Signal) error { return syscall.Kill(-cmd.Process.Pid, s.(syscall.Signal)) })
}
