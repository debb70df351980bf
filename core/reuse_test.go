package core

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseReusesNothingItKeeps: Parse's strings share a buffer the next
// Parse overwrites. Nothing the parser keeps from record to record (key
// caches, interned names, errors) may point into it: every record of every
// testdata file, in every schema, parsed with Parse must give what a second
// parser gives for the same sequence with texts it owns (ParseString), and
// an error must still read the same after later records are parsed.
func TestParseReusesNothingItKeeps(t *testing.T) {
	files, err := filepath.Glob("../testdata/*/*")
	if err != nil {
		t.Fatal(err)
	}
	var texts [][]byte
	for _, f := range files {
		in, err := os.ReadFile(f)
		if err != nil || strings.HasSuffix(f, ".ndjson") {
			continue
		}
		sp := NewSplitter(bytes.NewReader(in), 0)
		for {
			r, err := sp.Next()
			if err != nil {
				break
			}
			texts = append(texts, append([]byte(nil), r...))
		}
	}
	if len(texts) < 100 {
		t.Fatalf("only %d records in testdata", len(texts))
	}
	for _, s := range []Schema{SchemaOTel, SchemaECS, SchemaOCSF} {
		reused, owned := testParser(t, Options{Schema: s}), testParser(t, Options{Schema: s})
		type kept struct {
			err  error
			want string
		}
		var errs []kept
		for i, text := range texts {
			got, gerr := reused.Parse(text)
			g := string(got.AppendJSON(nil))
			want, werr := owned.ParseString(string(text))
			if w := string(want.AppendJSON(nil)); g != w {
				t.Fatalf("%s record %d (%.60q):\n Parse       %s\n ParseString %s", s, i, text, g, w)
			}
			if (gerr == nil) != (werr == nil) {
				t.Fatalf("%s record %d: Parse error %v, ParseString error %v", s, i, gerr, werr)
			}
			var pe *ParseError
			if errors.As(gerr, &pe) {
				errs = append(errs, kept{gerr, gerr.Error()})
			}
		}
		if len(errs) == 0 {
			t.Fatal("no record of testdata gave an error: the errors are not checked")
		}
		for _, k := range errs {
			if k.err.Error() != k.want {
				t.Fatalf("%s: an error changed after later records: %q, was %q", s, k.err.Error(), k.want)
			}
		}
	}
}
