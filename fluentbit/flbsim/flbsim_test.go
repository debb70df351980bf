package flbsim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/internal/testutil"
)

func TestExpand(t *testing.T) {
	env := map[string]string{"A": "a", "EMPTY": ""}
	get := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for in, want := range map[string]string{
		"${A}":                  "a",
		"${UNSET}":              "",
		"${UNSET:-x}":           "x",
		"${EMPTY:-x}":           "x",
		"${A:-x}/y":             "a/y",
		"http://${A}:4318/${A}": "http://a:4318/a",
		"${UNSET:-http://127.0.0.1:4318/v1/logs}": "http://127.0.0.1:4318/v1/logs",
	} {
		if got := Expand(in, get); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// A plugins or parsers file is found from the working directory, else
// beside the configuration.
func TestResolve(t *testing.T) {
	wd := t.TempDir()
	if err := os.MkdirAll(filepath.Join(wd, "conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"conf/plugins.conf", "top.conf"} {
		if err := os.WriteFile(filepath.Join(wd, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if p, err := resolve(wd, "conf/", "plugins.conf"); err != nil || p != filepath.Join(wd, "conf/plugins.conf") {
		t.Errorf("beside the configuration: %q %v", p, err)
	}
	if p, err := resolve(wd, "conf/", "top.conf"); err != nil || p != filepath.Join(wd, "top.conf") {
		t.Errorf("from the working directory: %q %v", p, err)
	}
	if _, err := resolve(wd, "conf/", "/no/such.conf"); err == nil {
		t.Error("an absolute path that does not exist was found")
	}
}

// The RFC 5424 time format of Fluent Bit's stock parser needs a fraction
// of a second.
func TestStrptime(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	f := "%Y-%m-%dT%H:%M:%S.%L%z"
	got, err := strptime(f, "2026-03-05T10:15:30.123456+01:00", now)
	if err != nil || !got.Equal(time.Date(2026, 3, 5, 9, 15, 30, 123456000, time.UTC)) {
		t.Errorf("%v %v", got, err)
	}
	if got, err = strptime(f, "2026-03-05T10:16:02.000Z", now); err != nil || !got.Equal(time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC)) {
		t.Errorf("%v %v", got, err)
	}
	if _, err = strptime(f, "2026-03-05T10:16:02Z", now); err == nil {
		t.Error("a time without a fraction was read")
	}
	if got, err = strptime("%b %d %H:%M:%S", "Mar  5 10:20:00", now); err != nil || !got.Equal(time.Date(2026, 3, 5, 10, 20, 0, 0, time.UTC)) {
		t.Errorf("%v %v", got, err)
	}
}

// tail reads a file from its start only with read_from_head, joins lines
// with a multiline parser, and prints with the stdout output.
func TestTailStdout(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.log", "start 1\n  more\nalone\nstart 2\n")
	write("ml.conf", "[MULTILINE_PARSER]\n    name ml\n    type regex\n    flush_timeout 200\n    rule \"start_state\" \"/^start/\" \"cont\"\n    rule \"cont\" \"/^\\s+/\" \"cont\"\n")
	conf := `[SERVICE]
    flush 0.2
    parsers_file ml.conf
[INPUT]
    name tail
    path ${DIR}/*.log
    read_from_head ${HEAD}
    multiline.parser ml
    tag t
[OUTPUT]
    name stdout
    match t
    format json_lines
`
	write("t.conf", conf)
	for _, head := range []string{"true", "false"} {
		var out, log testutil.SyncBuffer
		e, err := Start(Options{Args: []string{"-c", "t.conf"}, Dir: dir, Stdout: &out, Stderr: &log,
			Getenv: func(k string) (string, bool) { return map[string]string{"DIR": dir, "HEAD": head}[k], true }})
		if err != nil {
			t.Fatalf("%v\n%s", err, log.String())
		}
		time.Sleep(time.Second)
		if err := e.Stop(); err != nil {
			t.Fatal(err)
		}
		got := strings.Count(out.String(), "\n")
		want := map[string]int{"true": 3, "false": 0}[head]
		if got != want || (head == "true" && !strings.Contains(out.String(), `"log":"start 1\n  more"`)) {
			t.Errorf("read_from_head %s: %d records, want %d:\n%s", head, got, want, out.String())
		}
	}
}

// What the simulator cannot run fails at start, naming it.
func TestUnknownFails(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "t.conf")
	if err := os.WriteFile(conf, []byte("[INPUT]\n    name systemd\n[OUTPUT]\n    name stdout\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var log testutil.SyncBuffer
	_, err := Start(Options{Args: []string{"-c", conf}, Dir: dir, Stdout: &testutil.SyncBuffer{}, Stderr: &log, Getenv: os.LookupEnv})
	if err == nil || !strings.Contains(log.String(), "systemd") {
		t.Errorf("%v\n%s", err, log.String())
	}
}
