package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/fluentbit/flbsim"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// Every example configuration runs as shipped, in flbsim (which stands in
// for Fluent Bit here: it reads the file as Fluent Bit 5.1.1 does and loads
// the plugin through the C harness), from a directory laid out as a clone
// after make fluentbit: examples/ and build/pamaudit.so. The tests set only
// what the files leave to the environment (PAMAUDIT_OTLP_ENDPOINT, the
// ports); the real engine runs the same files in engine_test.go.

// simulate runs fluent-bit -c examples/fluent-bit/NAME in flbsim from
// root, with env, until the test ends.
func simulate(t *testing.T, root, name string, env map[string]string) (stdout, stderr *testutil.SyncBuffer) {
	t.Helper()
	stdout, stderr = &testutil.SyncBuffer{}, &testutil.SyncBuffer{}
	e, err := flbsim.Start(flbsim.Options{
		Args:    []string{"-c", "examples/fluent-bit/" + name},
		Dir:     root,
		Getenv:  func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Harness: harnessBinary.get(t),
		Stdout:  stdout, Stderr: stderr,
	})
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, stderr.String())
	}
	t.Cleanup(func() {
		if err := e.Stop(); err != nil {
			t.Errorf("%s: stop: %v", name, err)
		}
		if t.Failed() {
			t.Logf("%s log:\n%s", name, stderr.String())
		}
	})
	return stdout, stderr
}

func TestExampleStdoutSimulated(t *testing.T) { checkExampleStdout(t, simulate) }

func TestExampleOTLPSimulated(t *testing.T) { checkExampleOTLP(t, simulate) }

func TestExampleForwardFilterSimulated(t *testing.T) { checkExampleForwardFilter(t, simulate) }

// simParsers stands in for Fluent Bit's stock parsers file (not part of
// this repository) with parsers of the same names that make the same keys,
// and the same time formats: the RFC 5424 one reads only times with a
// fraction of a second, as the stock one does.
const simParsers = `[PARSER]
    Name        syslog-rfc5424
    Format      regex
    Regex       ^<(?<pri>\d{1,3})>1 (?<time>\S+) (?<host>\S+) (?<ident>\S+) (?<pid>[-\d]+) (?<msgid>\S+) (?<extradata>\[.*?\]|-) (?<message>.+)$
    Time_Key    time
    Time_Format %Y-%m-%dT%H:%M:%S.%L%z
    Time_Keep   On

[PARSER]
    Name        syslog-rfc3164
    Format      regex
    Regex       ^<(?<pri>\d+)>(?<time>\S+ +\S+ \S+) (?<host>\S*) (?<ident>[\w/.-]*)(?:\[(?<pid>\d+)\])?[^:]*: *(?<message>.*)$
    Time_Key    time
    Time_Format %b %d %H:%M:%S
    Time_Keep   On
`

func TestExampleSyslogSimulated(t *testing.T) {
	parsers := filepath.Join(t.TempDir(), "parsers.conf")
	if err := os.WriteFile(parsers, []byte(simParsers), 0o644); err != nil {
		t.Fatal(err)
	}
	checkExampleSyslog(t, simulate, parsers)
}

// The plugin is loaded by plugins.conf, from where make fluentbit builds
// it: without it, Fluent Bit stops at start, naming the path.
func TestExamplePluginPathSimulated(t *testing.T) {
	root := cloneRoot(t)
	if err := os.Remove(filepath.Join(root, "build", "pamaudit.so")); err != nil {
		t.Fatal(err)
	}
	stderr := &testutil.SyncBuffer{}
	_, err := flbsim.Start(flbsim.Options{Args: []string{"-c", "examples/fluent-bit/stdout.conf"}, Dir: root,
		Getenv: func(string) (string, bool) { return "", false }, Harness: harnessBinary.get(t), Stdout: &testutil.SyncBuffer{}, Stderr: stderr})
	if err == nil || !strings.Contains(stderr.String(), "error opening plugin build/pamaudit.so") {
		t.Errorf("without the plugin: %v\n%s", err, stderr.String())
	}
}
