//go:build unix

package mdblock

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/internal/testutil"
)

// FakeBin makes a directory that holds this test binary under each of
// names, to put first on a block's PATH: the test's TestMain acts as the
// command it is called as (flbsim as fluent-bit, a fake kubectl).
func FakeBin(t testing.TB, names ...string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range names {
		if err := os.Symlink(exe, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Shell is a shell block running as written, with bash, in a process group
// of its own: stopping it stops what it started too (a collector, a Fluent
// Bit). When the test ends the group is killed.
type Shell struct {
	Out *testutil.SyncBuffer // stdout and stderr
	p   *testutil.Proc
}

// StartShell runs text with bash and opts (-e, -o pipefail) in dir, with
// env added to the test's environment; the test is skipped without bash.
func StartShell(t testing.TB, text, dir string, env []string, opts ...string) *Shell {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	cmd := exec.Command("bash", append(opts, "-c", text)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out := &testutil.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	return &Shell{Out: out, p: testutil.StartGroup(t, cmd, os.Kill, 0)}
}

// Done is closed when bash has ended.
func (s *Shell) Done() <-chan struct{} { return s.p.Done() }

// Err waits for bash to end and says how it ended (nil: status 0).
func (s *Shell) Err() error { return s.p.Err() }

// Wait waits at most timeout for bash to end; it reports whether it did.
func (s *Shell) Wait(timeout time.Duration) bool { return s.p.Wait(timeout) }

// Stop sends the group SIGTERM, then SIGKILL after grace; it returns once
// bash has ended.
func (s *Shell) Stop(grace time.Duration) { s.p.Stop(syscall.SIGTERM, grace) }
