// Package parsetest holds what the parser tests of every package share: the
// test clock, a parser on it, and table rows named after real lines.
package parsetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/hostile"
	"github.com/pamaudit/pamaudit/record"
)

// Now is the clock of every test: year inference for syslog times depends
// on it.
var Now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// Parser returns a core parser on the test clock.
func Parser(t testing.TB, opts core.Options) *core.Parser {
	t.Helper()
	opts.Now = func() time.Time { return Now }
	p, err := core.NewParser(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// AttrsOf returns the record's attributes as a map of their values.
func AttrsOf(r *record.Record) map[string]any {
	m := make(map[string]any, len(r.Attrs))
	for _, a := range r.Attrs {
		switch a.Kind {
		case record.KindInt:
			m[a.Key] = a.Int
		case record.KindBool:
			m[a.Key] = a.Bool
		case record.KindStrings:
			m[a.Key] = a.Strs
		default:
			m[a.Key] = a.Str
		}
	}
	return m
}

// Case is a table row: a real line and what it must give.
type Case struct {
	Name, Text, Event string
	Want              map[string]any
	Err               error
}

// Run parses the row's text and checks its error, event name and attributes.
func (tc Case) Run(t *testing.T) *record.Record {
	t.Helper()
	p := Parser(t, core.Options{})
	r, err := p.ParseString(tc.Text)
	if !errors.Is(err, tc.Err) || (tc.Err == nil && err != nil) {
		t.Fatalf("err %v, want %v", err, tc.Err)
	}
	if r.EventName != tc.Event {
		t.Errorf("event %q, want %q", r.EventName, tc.Event)
	}
	got := AttrsOf(r)
	for k, v := range tc.Want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	return r
}

// EachRecord parses every input of hostile.Inputs (root is the repository
// root relative to the test) with opts, record by record as the splitter
// cuts them, and calls f with each record's NDJSON line decoded.
func EachRecord(t *testing.T, root string, opts core.Options, f func(in string, n int, rec *record.Record, doc map[string]any)) {
	t.Helper()
	p := Parser(t, opts)
	for _, in := range hostile.Inputs(t, root) {
		sp := core.NewSplitter(bytes.NewReader(in.Data), 0)
		for n := 0; ; n++ {
			text, err := sp.Next()
			if err == io.EOF {
				break
			}
			var cut *core.CutError
			if err != nil && !errors.As(err, &cut) {
				t.Fatal(err)
			}
			rec, _ := p.ParseCut(text, cut) // Parse when not cut
			var doc map[string]any
			if err := json.Unmarshal(rec.AppendJSON(nil), &doc); err != nil {
				t.Fatalf("%s record %d: %v", in.Name, n, err)
			}
			f(in.Name, n, rec, doc)
		}
	}
}

// GoldenDocs decodes every line of the golden files that match pattern
// and calls f with each, and where it stands.
func GoldenDocs(t *testing.T, pattern string, f func(at string, doc map[string]any)) {
	t.Helper()
	files, _ := filepath.Glob(pattern)
	if len(files) == 0 {
		t.Fatalf("no golden files %s", pattern)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var doc map[string]any
			if err := json.Unmarshal([]byte(line), &doc); err != nil {
				t.Fatalf("%s:%d: %v", file, i+1, err)
			}
			f(file+":"+strconv.Itoa(i+1), doc)
		}
	}
}
