// Package testutil holds what the tests of several packages share: a
// process run until the test ends (proc.go), a buffer a child process
// writes while the test reads it, loopback
// listeners and addresses, a certificate authority for TLS tests (ca.go),
// a record of nested maps (record.go), the example logs and their golden
// files (golden.go), and the record counts of the example logs. Only tests
// import it.
package testutil

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
)

// SyncBuffer is a buffer a process writes to (its stdout or stderr) while
// the test reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Listen listens on a free loopback TCP port until the test ends.
func Listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return ln
}

// Serve hands each connection ln accepts to handle, in its own goroutine,
// until ln is closed.
func Serve(ln net.Listener, handle func(net.Conn)) {
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
}

// FreeAddr returns a loopback address ("127.0.0.1:port") whose port was
// free a moment ago: nothing listens there now.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// ExampleRecords counts the records of the example logs in dir
// (examples/logs), by product, as the example configurations read them:
// PassMan a line each, seaudit a record per dated line, Netwrix a line each
// or a pretty-printed object. (A file that cannot be read counts none: the
// test that compares finds the difference.)
func ExampleRecords(dir string) map[string]int {
	count := func(glob, re string) int {
		files, _ := filepath.Glob(filepath.Join(dir, glob))
		n := 0
		for _, f := range files {
			b, _ := os.ReadFile(f)
			n += len(regexp.MustCompile(re).FindAll(b, -1))
		}
		return n
	}
	return map[string]int{
		"passman": count("passman*.log", `(?m)^\S.*$`),
		"capam":   count("capam*.log", `(?m)^\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} `),
		"netwrix": count("netwrix*.log", `(?m)^\{.*$`),
	}
}
