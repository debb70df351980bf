package testutil

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// Proc is a process a test runs (a collector, Fluent Bit, a doc's shell
// block), waited for in the background: the test sees when it ends, and
// stops it gently first.
type Proc struct {
	Cmd    *exec.Cmd
	done   chan struct{}
	err    error
	signal func(os.Signal) error // to the process, or to its group
}

// Start starts cmd, its output set by the caller. When the test ends it
// stops it with sig, and kills it after grace (Stop).
func Start(t testing.TB, cmd *exec.Cmd, sig os.Signal, grace time.Duration) *Proc {
	t.Helper()
	return start(t, cmd, sig, grace, func(s os.Signal) error { return cmd.Process.Signal(s) })
}

func start(t testing.TB, cmd *exec.Cmd, sig os.Signal, grace time.Duration, signal func(os.Signal) error) *Proc {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &Proc{Cmd: cmd, done: make(chan struct{}), signal: signal}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.Stop(sig, grace) })
	return p
}

// Done is closed when the process has ended.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Err waits for the end and says how it ended (nil: status 0).
func (p *Proc) Err() error {
	<-p.done
	return p.err
}

// Wait waits at most timeout for the end; it reports whether it came.
func (p *Proc) Wait(timeout time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// Stop sends sig and waits at most grace for the end, then kills (with
// os.Kill, at once); it returns once the process has ended, reporting
// whether it ended without being killed.
func (p *Proc) Stop(sig os.Signal, grace time.Duration) bool {
	select {
	case <-p.done:
		return true
	default:
	}
	if sig != os.Kill {
		_ = p.signal(sig)
		if p.Wait(grace) {
			return true
		}
	}
	_ = p.signal(os.Kill)
	<-p.done
	return false
}
