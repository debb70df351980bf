package core

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite golden files from the current output")

// testNow is the clock of every test: year inference for syslog times
// depends on it.
var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func testParser(t testing.TB, opts Options) *Parser {
	t.Helper()
	opts.Now = func() time.Time { return testNow }
	p, err := NewParser(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// parseAll splits and parses a stream to NDJSON, as pamaudit parse does.
func parseAll(t testing.TB, p *Parser, r io.Reader) []byte {
	t.Helper()
	var out []byte
	EachRecord(t, p, r, 0, func(rec *Record, _ *CutError) {
		out = append(rec.AppendJSON(out), '\n')
	})
	return out
}

// EachRecord splits r with the limit max as pamaudit parse does and hands
// f each record, made by ParseCut (Parse when not cut), with its cut. For
// the tests of core and core_test.
func EachRecord(t testing.TB, p *Parser, r io.Reader, max int, f func(rec *Record, cut *CutError)) {
	t.Helper()
	eachText(t, r, max, func(text []byte, cut *CutError) {
		rec, _ := p.ParseCut(text, cut)
		f(rec, cut)
	})
}

// eachText splits r with the limit max as pamaudit parse does and hands f
// each record's text with its cut.
func eachText(t testing.TB, r io.Reader, max int, f func(text []byte, cut *CutError)) {
	t.Helper()
	sp := NewSplitter(r, max)
	for {
		text, err := sp.Next()
		if err == io.EOF {
			return
		}
		var cut *CutError
		if err != nil && !errors.As(err, &cut) {
			t.Fatal(err)
		}
		f(text, cut)
	}
}

// TestGolden parses every testdata log in every schema and compares with
// its golden file (go test ./core -run TestGolden -update rewrites them).
func TestGolden(t *testing.T) {
	for _, file := range testutil.GoldenLogs(t, "../testdata") {
		for _, schema := range []Schema{SchemaOTel, SchemaECS, SchemaOCSF} {
			testGolden(t, file, schema)
		}
	}
}

func testGolden(t *testing.T, file string, schema Schema) {
	name := strings.TrimPrefix(file, "../testdata/") + "/" + schema.String()
	t.Run(name, func(t *testing.T) {
		in, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got := parseAll(t, testParser(t, Options{Schema: schema}), bytes.NewReader(in))
		checkGolden(t, testutil.GoldenFile(file, schema.String()), got)
	})
}

// checkGolden fails unless the golden file holds the NDJSON got, naming the
// first record that differs; with -update it writes got there.
func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("record %d differs:\n got: %s\nwant: %s", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("got %d records, want %d", len(gl)-1, len(wl)-1)
	}
}
