// Package parsetest holds what the parser tests of every package share: the
// test clock, a parser on it, and table rows named after real lines.
package parsetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/core"
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
