// Package parsetest holds what the parser tests of every product share: the
// test clock, a parser of one product built on the builder and envelope
// layers (not core, the layer above the products), and table rows named
// after real lines.
package parsetest

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/internal/envelope"
	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/record"
)

// Now is the clock of every test: year inference for syslog times depends
// on it.
var Now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// Options are the settings of a test parser: core.Options' share that a
// product sees. Zero limits take core's defaults.
type Options struct {
	Location      *time.Location
	NoRedact      bool
	MaxAttrs      int
	MaxDepth      int
	MaxValueBytes int
}

// Parser parses the records of one product as core does once it picked
// the product: the framings off, the product reading the payload, the
// builder finishing the record.
type Parser struct {
	b      *builder.Builder
	fr     envelope.Frame
	read   product.Reader
	id     record.Format
	prefix string
	loc    *time.Location
}

// NewParser returns a parser of the product of row on the test clock;
// forced: the product is the one format (product.Settings.Forced).
func NewParser(t testing.TB, row *product.Product, o Options, forced bool) *Parser {
	t.Helper()
	if row == nil {
		t.Fatal("no such product")
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	// core's defaults (core.DefaultMaxAttrs …)
	for _, l := range []struct {
		v   *int
		def int
	}{{&o.MaxAttrs, 256}, {&o.MaxDepth, 32}, {&o.MaxValueBytes, 16 << 10}} {
		if *l.v == 0 {
			*l.v = l.def
		}
	}
	b := builder.New(builder.Settings{
		Location:      o.Location,
		MaxAttrs:      o.MaxAttrs,
		MaxValueBytes: o.MaxValueBytes,
		Redact:        redact.NewKeyed(nil, nil, !o.NoRedact, nil),
	})
	read := row.New(b, product.Settings{MaxDepth: o.MaxDepth, MaxAttrs: o.MaxAttrs, Forced: forced})
	return &Parser{b: b, read: read, id: row.ID, prefix: row.Prefix(), loc: o.Location}
}

// ParseString parses one record; the Record is valid until the next call.
func (p *Parser) ParseString(s string) (*record.Record, error) {
	b, fr := p.b, &p.fr
	b.Start(s, Now, false)
	fr.Shippers = false
	for {
		fr.Unwrap(s, nil, p.loc, Now)
		fr.Into(b)
		b.SetFormat(p.id, p.prefix)
		err := p.read.Parse(fr)
		if errors.Is(err, envelope.ErrShipper) && !fr.Shippers {
			fr.Shippers = true // a shipper's member: unwrap again, reading shippers' objects
			b.Start(s, Now, false)
			continue
		}
		if errors.Is(err, record.ErrUnknownFormat) {
			b.SetFormat(record.FormatAuto, "")
		}
		b.Finish(s, err)
		return b.Record(), err
	}
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

// Run parses the row's text with the product of row and checks its
// error, event name and attributes.
func (tc Case) Run(t *testing.T, row *product.Product) *record.Record {
	t.Helper()
	p := NewParser(t, row, Options{}, false)
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
