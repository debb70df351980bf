package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/fluentbit/flbsim"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// Every example configuration runs as shipped, in flbsim (which stands in
// for Fluent Bit here: it reads the file as Fluent Bit 5.1.1 does and loads
// the plugin through the C harness), from a directory laid out as a clone
// after make fluentbit: examples/ and build/pamaudit.so. The tests set only
// what the files leave to the environment (PAMAUDIT_OTLP_ENDPOINT, the
// ports); the real engine runs the same files in engine_test.go.

// cloneRoot returns a directory with the repository's examples and the
// plugin where make fluentbit builds it.
func cloneRoot(t *testing.T) string {
	t.Helper()
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^PLUGIN := (\S+)$`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("the Makefile has no PLUGIN := line")
	}
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "examples"), os.DirFS("../examples")); err != nil {
		t.Fatal(err)
	}
	plugin := filepath.Join(root, string(m[1]))
	if err := os.MkdirAll(filepath.Dir(plugin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(releasePlugin.get(t), plugin); err != nil {
		t.Fatal(err)
	}
	return root
}

// runner runs fluent-bit -c examples/fluent-bit/NAME from root, with env,
// until the test ends: in flbsim (simulate) or in the real Fluent Bit
// (engine_test.go).
type runner func(t *testing.T, root, name string, env map[string]string) (stdout, stderr *testutil.SyncBuffer)

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

// waitLines waits for n lines of standard output that start with '{'.
func waitLines(b *testutil.SyncBuffer, n int, timeout time.Duration) []string {
	deadline := time.Now().Add(timeout)
	for {
		var lines []string
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(l, "{") {
				lines = append(lines, l)
			}
		}
		if len(lines) >= n || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitRecords waits for n JSON lines on stdout, fails unless they came, and
// returns them decoded with their text.
func waitRecords(t *testing.T, stdout *testutil.SyncBuffer, n int, timeout time.Duration) ([]map[string]any, []string) {
	t.Helper()
	lines := waitLines(stdout, n, timeout)
	if len(lines) != n {
		t.Fatalf("%d records, want %d:\n%s", len(lines), n, stdout.String())
	}
	recs := make([]map[string]any, len(lines))
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &recs[i]); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
	}
	return recs, lines
}

func TestExampleStdoutSimulated(t *testing.T) { checkExampleStdout(t, simulate) }

func checkExampleStdout(t *testing.T, run runner) {
	want := testutil.ExampleRecords(filepath.Join("..", "examples", "logs"))["capam"]
	for _, name := range []string{"stdout.conf", "stdout.yaml"} {
		t.Run(name, func(t *testing.T) {
			stdout, _ := run(t, cloneRoot(t), name, nil)
			recs, lines := waitRecords(t, stdout, want, 20*time.Second)
			for i, m := range recs {
				if ev, _ := m["event_name"].(string); !strings.HasPrefix(ev, "capam.") {
					t.Errorf("record %s", lines[i])
				}
			}
		})
	}
}

func TestExampleOTLPSimulated(t *testing.T) { checkExampleOTLP(t, simulate) }

func checkExampleOTLP(t *testing.T, run runner) {
	want := testutil.ExampleRecords(filepath.Join("..", "examples", "logs"))
	total := want["passman"] + want["capam"] + want["netwrix"]
	for _, name := range []string{"otlp.conf", "otlp.yaml"} {
		t.Run(name, func(t *testing.T) {
			recv := otlptest.NewReceiver(t, "127.0.0.1:0")
			run(t, cloneRoot(t), name, map[string]string{"PAMAUDIT_OTLP_ENDPOINT": recv.URL})
			if n := recv.Wait(total, 30*time.Second); n != total {
				t.Fatalf("%d records arrived, want %d", n, total)
			}
			got := map[string]int{}
			for _, lr := range recv.Records() {
				tag, _ := lr.Attributes().Get("fluentbit.tag")
				product := strings.TrimPrefix(tag.Str(), "pam.")
				got[product]++
				_, failed := lr.Attributes().Get("error.type")
				if !strings.HasPrefix(lr.EventName(), product+".") && !failed {
					t.Errorf("%s: record %q %v", tag.Str(), lr.EventName(), lr.Attributes().AsRaw())
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("records by product %v, want %v", got, want)
			}
		})
	}
}

func TestExampleForwardFilterSimulated(t *testing.T) { checkExampleForwardFilter(t, simulate) }

func checkExampleForwardFilter(t *testing.T, run runner) {
	want := testutil.ExampleRecords(filepath.Join("..", "examples", "logs"))["passman"]
	for _, name := range []string{"forward-filter.conf", "forward-filter.yaml"} {
		t.Run(name, func(t *testing.T) {
			stdout, _ := run(t, cloneRoot(t), name, map[string]string{"PAMAUDIT_FORWARD_PORT": freePort(t)})
			recs, lines := waitRecords(t, stdout, want, 30*time.Second)
			for i, m := range recs {
				if ev, _ := m["event_name"].(string); !strings.HasPrefix(ev, "passman.") || m["date"] == nil {
					t.Errorf("record %s", lines[i])
				}
			}
		})
	}
}

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

// checkExampleSyslog runs syslog.conf and syslog.yaml with parsers as the
// stock parsers file.
func checkExampleSyslog(t *testing.T, run runner, parsers string) {
	for _, name := range []string{"syslog.conf", "syslog.yaml"} {
		t.Run(name, func(t *testing.T) {
			recv := otlptest.NewReceiver(t, "127.0.0.1:0")
			p5424, p3164 := freePort(t), freePort(t)
			run(t, cloneRoot(t), name, map[string]string{
				"PAMAUDIT_OTLP_ENDPOINT": recv.URL, "PAMAUDIT_FLUENT_BIT_PARSERS": parsers,
				"PAMAUDIT_SYSLOG_RFC5424_PORT": p5424, "PAMAUDIT_SYSLOG_RFC3164_PORT": p3164,
			})
			sendSyslog(t, p5424, p3164)
			checkSyslogRecords(t, recv)
		})
	}
}

// sendSyslog sends each syslog test line over TCP to the input of its
// parser.
func sendSyslog(t *testing.T, p5424, p3164 string) {
	t.Helper()
	for _, c := range syslogCases {
		port := p5424
		if c.parser == "syslog-rfc3164" {
			port = p3164
		}
		var conn net.Conn
		var err error
		for i := 0; i < 100; i++ {
			if conn, err = net.Dial("tcp", "127.0.0.1:"+port); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("the syslog input on %s: %v", port, err)
		}
		_, _ = conn.Write([]byte(c.line + "\n"))
		conn.Close()
	}
}

// checkSyslogRecords checks that every syslog test line arrived with the
// attributes of its whole line, and no header key repeated.
func checkSyslogRecords(t *testing.T, recv *otlptest.Receiver) {
	t.Helper()
	if n := recv.Wait(len(syslogCases), 20*time.Second); n != len(syslogCases) {
		t.Fatalf("%d records arrived, want %d", n, len(syslogCases))
	}
	for _, lr := range recv.Records() {
		attrs := lr.Attributes().AsRaw()
		var c *syslogCase
		for i := range syslogCases {
			if syslogCases[i].want["passman.id"] == attrs["passman.id"] {
				c = &syslogCases[i]
			}
		}
		if c == nil {
			t.Errorf("unexpected record %v", attrs)
			continue
		}
		for k, v := range c.want {
			if attrs[k] != v {
				t.Errorf("%s: %s = %#v, want %#v (%v)", c.parser, k, attrs[k], v, attrs)
			}
		}
		for _, k := range syslogHeaderKeys {
			if _, ok := attrs[k]; ok {
				t.Errorf("%s: the header key %s is repeated: %v", c.parser, k, attrs)
			}
		}
		if !strings.HasPrefix(lr.EventName(), "passman.") || lr.Timestamp() == 0 {
			t.Errorf("%s: event %q at %v", c.parser, lr.EventName(), lr.Timestamp())
		}
	}
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
