package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/pamaudit/pamaudit/fluentbit/flbsim"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// The harness tests take their plugin settings from examples/fluent-bit, so
// the examples are what is tested, not copies that can drift.

// expandVars resolves Fluent Bit's ${VAR} and ${VAR:-default} references
// from vars, as Fluent Bit does from the environment.
func expandVars(s string, vars map[string]string) string {
	return flbsim.Expand(s, func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
}

// exampleSections returns the sections of a classic-format example, each
// with its keys in lower case and "[section]" for its header.
func exampleSections(t *testing.T, name string, vars map[string]string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "examples", "fluent-bit", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sections []map[string]string
	var cur map[string]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			cur = map[string]string{"[section]": strings.ToUpper(line)}
			sections = append(sections, cur)
		case cur != nil:
			k, v, _ := strings.Cut(line, " ")
			cur[strings.ToLower(k)] = expandVars(strings.TrimSpace(v), vars)
		}
	}
	return sections
}

// exampleOutput returns the properties of the pamaudit [OUTPUT] section of a
// classic-format example.
func exampleOutput(t *testing.T, name string, vars map[string]string) map[string]string {
	t.Helper()
	for _, s := range exampleSections(t, name, vars) {
		if s["[section]"] == "[OUTPUT]" && s["name"] == "pamaudit" {
			delete(s, "[section]")
			return s
		}
	}
	t.Fatalf("%s has no pamaudit output", name)
	return nil
}

// exampleYAML returns the inputs and outputs of a YAML example, their keys
// in lower case and their values as strings.
func exampleYAML(t *testing.T, name string) (inputs, outputs []map[string]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "examples", "fluent-bit", name))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Pipeline struct {
			Inputs  []map[string]any `yaml:"inputs"`
			Outputs []map[string]any `yaml:"outputs"`
		} `yaml:"pipeline"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	conv := func(in []map[string]any) []map[string]string {
		var out []map[string]string
		for _, o := range in {
			m := map[string]string{}
			for k, v := range o {
				m[strings.ToLower(k)] = expandVars(strings.TrimSpace(strings.Trim(strings.TrimSpace(flbsim.YAMLValue(v)), `"`)), nil)
			}
			out = append(out, m)
		}
		return out
	}
	return conv(doc.Pipeline.Inputs), conv(doc.Pipeline.Outputs)
}

// The YAML examples configure the pamaudit output exactly as the classic
// ones do.
func TestExamplesYAMLMatchClassic(t *testing.T) {
	for _, name := range []string{"otlp", "forward-filter", "stdout", "syslog"} {
		classic := exampleOutput(t, name+".conf", nil)
		_, outputs := exampleYAML(t, name+".yaml")
		var out map[string]string
		for _, o := range outputs {
			if o["name"] == "pamaudit" {
				out = o
			}
		}
		if !reflect.DeepEqual(out, classic) {
			t.Errorf("%s: YAML %v, classic %v", name, out, classic)
		}
	}
}

// The syslog example listens with Fluent Bit's syslog input over TCP, one
// input per parser, the same in both formats.
func TestSyslogExampleInputs(t *testing.T) {
	var classic []map[string]string
	for _, s := range exampleSections(t, "syslog.conf", nil) {
		if s["[section]"] == "[INPUT]" {
			delete(s, "[section]")
			classic = append(classic, s)
		}
	}
	inputs, _ := exampleYAML(t, "syslog.yaml")
	if !reflect.DeepEqual(inputs, classic) {
		t.Errorf("YAML inputs %v, classic %v", inputs, classic)
	}
	parsers := map[string]bool{}
	ports := map[string]bool{}
	for _, in := range classic {
		if in["name"] != "syslog" || in["mode"] != "tcp" || in["port"] == "" || !strings.HasPrefix(in["tag"], "pam.syslog.") {
			t.Errorf("input %v", in)
		}
		parsers[in["parser"]], ports[in["port"]] = true, true
	}
	if len(classic) != 2 || !parsers["syslog-rfc5424"] || !parsers["syslog-rfc3164"] || len(ports) != 2 {
		t.Errorf("want one tcp input for each of syslog-rfc5424 and syslog-rfc3164 on two ports: %v", classic)
	}
}

// Every key the examples give the plugin is one it reads (or one of Fluent
// Bit's own output properties).
func TestExampleKeysKnown(t *testing.T) {
	known := map[string]bool{"name": true, "match": true, "workers": true, "retry_limit": true}
	for _, k := range configKeys {
		known[k] = true
	}
	for _, name := range []string{"otlp.conf", "forward-filter.conf", "stdout.conf", "syslog.conf"} {
		for k := range exampleOutput(t, name, nil) {
			if !known[k] {
				t.Errorf("%s: unknown key %q", name, k)
			}
		}
	}
}

// The examples run as shipped (simulate in examples_sim_test.go, the real
// engine in engine_test.go), each checked by one of the functions below.

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
