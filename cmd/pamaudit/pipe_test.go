//go:build unix

package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The real binary in real pipelines: built here with go build, run as a
// subprocess.
func TestPipeline(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "pamaudit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// printf '<line>\n' | (cat; sleep 5) | pamaudit parse: the record comes
	// out while the input is still open.
	t.Run("record before the input ends", func(t *testing.T) {
		cmd := exec.Command("sh", "-c", `printf '%s\n' "$LINE" | (cat; sleep 5) | "$PAMAUDIT" parse`)
		cmd.Env = append(os.Environ(), "LINE="+passmanLine, "PAMAUDIT="+bin)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // to end sleep too
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			cmd.Wait()
		})
		select {
		case l := <-firstLine(stdout):
			if !strings.Contains(l, `"event_name":"passman.logout"`) {
				t.Fatalf("printed %q", l)
			}
		case <-time.After(3 * time.Second): // the input ends after 5 s
			t.Fatal("no record within 3 s: output waits for the input to end")
		}
	})

	// SIGTERM and SIGINT: what was parsed is written, the summary printed,
	// and the exit status is 128 + the signal's number.
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			in, feed, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer feed.Close()
			cmd := exec.Command(bin, "parse")
			cmd.Stdin = in
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			in.Close()
			t.Cleanup(func() { cmd.Process.Kill() })
			feed.WriteString(passmanLine + "\n")
			if l := receive(t, firstLine(stdout), "no record"); !strings.Contains(l, `"passman.logout"`) {
				t.Fatalf("printed %q", l)
			}
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			err = receive(t, done, "the command did not end on the signal")
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 128+int(sig) {
				t.Errorf("exit %v, want status %d", err, 128+int(sig))
			}
			if stderr.String() != "passman: 1 record, 0 failed\n" {
				t.Errorf("stderr %q", stderr.String())
			}
		})
	}
}

// firstLine hands over the first line r gives.
func firstLine(r io.Reader) <-chan string {
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(r).ReadString('\n')
		line <- l
	}()
	return line
}
