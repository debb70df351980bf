package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/hostile"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// testNow is the clock of the golden files.
func testNow() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) }

// run runs the command as main does, on the given input and output, with
// the clock fixed (syslog times without a year depend on it) and no signals.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, now func() time.Time) int {
	c := &command{stdin: stdin, stdout: stdout, stderr: stderr, now: now, after: time.After}
	return c.run(args)
}

// The command prints exactly the golden records of every testdata log, in
// every schema (.ndjson, .ecs.ndjson, .ocsf.ndjson): the records the
// processor and the plugin are compared with too.
func TestParseGolden(t *testing.T) {
	for _, f := range testutil.GoldenLogs(t, "../../testdata") {
		for _, schema := range []string{"otel", "ecs", "ocsf"} {
			var out, errb bytes.Buffer
			if code := run([]string{"parse", "--schema", schema, f}, nil, &out, &errb, testNow); code != 0 {
				t.Fatalf("%s: exit %d: %s", f, code, errb.String())
			}
			golden := testutil.GoldenFile(f, schema)
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("%s: output differs from %s", f, golden)
			}
		}
	}
}

func TestParseStdinAndFlags(t *testing.T) {
	in := "2026-03-05T10:00:00 pm-node1 passman: passman-audit(1): type = Logout, user_upn = a@b\n" +
		"garbage\n"
	var out, errb bytes.Buffer
	code := run([]string{"parse", "--format", "passman", "--timezone", "Europe/Berlin", "--no-original"}, strings.NewReader(in), &out, &errb, testNow)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d records, want 2: %s", len(lines), out.String())
	}
	if !strings.Contains(lines[0], `"time":"2026-03-05T09:00:00Z"`) || !strings.Contains(lines[0], `"event_name":"passman.logout"`) {
		t.Errorf("time zone or event not honoured: %s", lines[0])
	}
	if !strings.Contains(lines[1], `"error.type":"malformed_record"`) || !strings.Contains(lines[1], `"body":"garbage"`) {
		t.Errorf("bad record not kept: %s", lines[1])
	}
}

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"parse", "--format", "csv"}, 2, "--format"},
		{[]string{"parse", "--timezone", "Mars/Olympus"}, 2, "--timezone"},
		{[]string{"parse", "--schema", "xml"}, 2, "--schema"},
		{[]string{"parse", "--bogus"}, 2, "bogus"},
		{[]string{"parse", "/nonexistent/file.log"}, 1, "/nonexistent/file.log"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"--help"}, 0, ""},
		{[]string{"parse", "--help"}, 0, ""},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, strings.NewReader(""), &out, &errb, testNow)
		if code != tc.code || !strings.Contains(errb.String()+out.String(), tc.msg) {
			t.Errorf("%v: exit %d (%q), want %d mentioning %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}

// A JSON object no framing unwraps and no product recognises (here a
// metrics line) is unknown_format with its text, counted as unknown: not a
// made-up Netwrix record.
func TestUnknownJSON(t *testing.T) {
	const in = `{"metric":"cpu","value":0.93,"message":"load high","host":"web-1"}` + "\n"
	var out, errOut strings.Builder
	if code := run([]string{"parse"}, strings.NewReader(in), &out, &errOut, testNow); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rec struct {
		EventName  string         `json:"event_name"`
		Body       string         `json:"body"`
		Attributes map[string]any `json:"attributes"`
	}
	if err := json.Unmarshal([]byte(out.String()), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.EventName != "" || rec.Body != strings.TrimSuffix(in, "\n") || rec.Attributes["error.type"] != "unknown_format" {
		t.Errorf("record: %s", out.String())
	}
	if !strings.Contains(errOut.String(), "unknown: 1 record, 1 failed") || strings.Contains(errOut.String(), "netwrix") {
		t.Errorf("summary: %q", errOut.String())
	}
}

// Every input, hostile ones included: as many records out as the splitter
// finds, each valid JSON, no secret in clear.
func TestHostileCommand(t *testing.T) {
	for _, in := range hostile.Inputs(t, filepath.Join("..", "..")) {
		t.Run(in.Name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "input.log")
			if err := os.WriteFile(file, in.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			if code := run([]string{"parse", file}, nil, &out, &errb, testNow); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			want := 0
			sp := core.NewSplitter(bytes.NewReader(in.Data), 0)
			for {
				if _, err := sp.Next(); err == io.EOF {
					break
				}
				want++
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if out.Len() == 0 {
				lines = nil
			}
			if len(lines) != want {
				t.Fatalf("%d records out, %d in", len(lines), want)
			}
			for i, l := range lines {
				if !json.Valid([]byte(l)) {
					t.Fatalf("record %d is not JSON", i)
				}
			}
			hostile.CheckNoSecret(t, in.Name, out.Bytes())
		})
	}
}
