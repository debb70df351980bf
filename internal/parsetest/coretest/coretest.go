// Package coretest runs the whole parser (core) over texts of many records,
// for the tests that read every record core makes: core's own hostile-input
// test and the schema mappings' tests. The product tests use parsetest,
// which does not import core.
package coretest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/hostile"
	"github.com/pamaudit/pamaudit/internal/parsetest"
	"github.com/pamaudit/pamaudit/record"
)

// Split parses data with p record by record, as the splitter cuts them,
// and calls f with each record's number, the record and, when the splitter
// cut it at the limit, why.
func Split(t testing.TB, p *core.Parser, data []byte, f func(n int, rec *record.Record, cut *core.CutError)) {
	t.Helper()
	sp := core.NewSplitter(bytes.NewReader(data), 0)
	for n := 0; ; n++ {
		text, err := sp.Next()
		if err == io.EOF {
			return
		}
		var cut *core.CutError
		if err != nil && !errors.As(err, &cut) {
			t.Fatal(err)
		}
		rec, _ := p.ParseCut(text, cut) // Parse when not cut
		f(n, rec, cut)
	}
}

// EachRecord parses every input of hostile.Inputs (root is the repository
// root relative to the test) with opts on the test clock, and calls f with
// each record and its NDJSON line decoded.
func EachRecord(t *testing.T, root string, opts core.Options, f func(in string, n int, rec *record.Record, doc map[string]any)) {
	t.Helper()
	opts.Now = func() time.Time { return parsetest.Now }
	p, err := core.NewParser(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range hostile.Inputs(t, root) {
		Split(t, p, in.Data, func(n int, rec *record.Record, _ *core.CutError) {
			var doc map[string]any
			if err := json.Unmarshal(rec.AppendJSON(nil), &doc); err != nil {
				t.Fatalf("%s record %d: %v", in.Name, n, err)
			}
			f(in.Name, n, rec, doc)
		})
	}
}

// StreamUIDs are the identities the faces give texts read with no record
// offset: each text's, with the secrets it held redacted
// (core.Parser.IdentityText), under the default settings.
func StreamUIDs(t testing.TB, texts []string) []string {
	t.Helper()
	p, err := core.NewParser(core.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var u core.UIDer
	ids := make([]string, len(texts))
	for i, text := range texts {
		p.ParseString(text)
		ids[i] = u.Stream(nil, p.IdentityText(text))
	}
	return ids
}
