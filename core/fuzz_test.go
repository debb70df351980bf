package core

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// seedRecords adds every testdata record to the fuzzer's corpus.
func seedRecords(f *testing.F, dir string) {
	files, _ := os.ReadDir("../testdata/" + dir)
	for _, e := range files {
		if !strings.HasSuffix(e.Name(), ".log") {
			continue
		}
		in, err := os.ReadFile("../testdata/" + dir + "/" + e.Name())
		if err != nil {
			f.Fatal(err)
		}
		sp := NewSplitter(bytes.NewReader(in), 0)
		for {
			r, err := sp.Next()
			if err != nil {
				break
			}
			f.Add(append([]byte(nil), r...))
		}
	}
}

// checkRecord holds the invariants every parsed record keeps.
func checkRecord(t *testing.T, p *Parser, in []byte) {
	t.Helper()
	r, err := p.Parse(in)
	if r == nil {
		t.Fatal("no record")
	}
	if err != nil {
		if a, ok := r.Get(attrErrorType); !ok || a.Str == "" {
			t.Fatalf("error %v without error.type", err)
		}
	}
	if trimRecord(string(in)) != "" && r.Body == "" && r.Format == FormatAuto {
		t.Fatalf("text lost: %q", in)
	}
	for _, a := range r.Attrs {
		if !documentedKey(a.Key) {
			t.Fatalf("undocumented attribute %q", a.Key)
		}
		last := a.Key[strings.LastIndexByte(a.Key, '.')+1:]
		derived := a.Key == attrCAPAMPasswordQuality // the product's own code text, not a source field
		if p.redact.IsSecret(last) && !derived && a.Kind == KindString && a.Str != record.Redacted {
			t.Fatalf("secret %s in clear: %q", a.Key, a.Str)
		}
	}
	out := string(r.AppendJSON(nil))
	if !json.Valid([]byte(out)) {
		t.Fatalf("output is not JSON: %s", out)
	}
	r2, _ := p.Parse(in)
	if out2 := string(r2.AppendJSON(nil)); out2 != out {
		t.Fatalf("not deterministic:\n%s\n%s", out, out2)
	}
}

func fuzzFormat(f *testing.F, dir string, format Format) {
	seedRecords(f, dir)
	f.Fuzz(func(t *testing.T, in []byte) {
		checkRecord(t, testParser(t, Options{Format: format}), in)
		checkRecord(t, testParser(t, Options{}), in)
	})
}

func FuzzParsePassMan(f *testing.F) { fuzzFormat(f, "passman", FormatPassMan) }
func FuzzParseCAPAM(f *testing.F)   { fuzzFormat(f, "capam", FormatCAPAM) }
func FuzzParseNetwrix(f *testing.F) { fuzzFormat(f, "netwrix", FormatNetwrix) }

// FuzzSplitter: no byte of text is lost or invented; only line endings,
// blank lines and a leading BOM go.
func FuzzSplitter(f *testing.F) {
	for _, dir := range []string{"passman", "capam", "netwrix"} {
		files, _ := os.ReadDir("../testdata/" + dir)
		for _, e := range files {
			if strings.HasSuffix(e.Name(), ".log") {
				in, _ := os.ReadFile("../testdata/" + dir + "/" + e.Name())
				f.Add(in)
			}
		}
	}
	f.Add([]byte("\ufeffa\r\nb\rc\n{\n\"x\":\n1}\n  indented\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		sp := NewSplitter(bytes.NewReader(in), 64)
		var got []byte
		for n := 0; ; n++ {
			r, err := sp.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(r) > 64 {
				t.Fatalf("record of %d bytes, limit 64", len(r))
			}
			got = append(got, r...)
			if n > len(in)+1 {
				t.Fatal("more records than bytes")
			}
		}
		strip := func(b []byte) string {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
			var s []byte
			for _, c := range b {
				if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
					s = append(s, c)
				}
			}
			return string(s)
		}
		if strip(got) != strip(in) {
			t.Fatalf("text changed:\n in %q\nout %q", in, got)
		}
	})
}

// FuzzJSONWalker: on valid JSON objects the forgiving walker finds every
// leaf encoding/json finds, with the same value; on anything it terminates.
func FuzzJSONWalker(f *testing.F) {
	seedRecords(f, "netwrix")
	f.Add([]byte(`{"a":[1,"x",{"b":null}],"c":{"d":"\u00e9\ud83d\ude00"},"e":-1.5e3}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		p := testParser(t, Options{})
		s := string(in)
		end := p.json.Walk(s, 0)
		// The walker's verdict on strictness is encoding/json's, for texts
		// within the limits (a cut subtree is not examined).
		first := scan.SkipWS(s, 0)
		strict := !p.json.Loose && scan.SkipWS(s, end) == len(s) && first < len(s) && s[first] == '{'
		if p.json.Cut == 0 && utf8.Valid(in) && !bytes.Contains(in, []byte("\u00a0")) {
			if valid := json.Valid(in) && bytes.HasPrefix(bytes.TrimLeft(in, " \t\r\n"), []byte("{")); strict != valid {
				t.Fatalf("walker says strict=%v, encoding/json says valid=%v", strict, valid)
			}
		}
		var v map[string]any
		d := json.NewDecoder(bytes.NewReader(in))
		d.UseNumber()
		if !utf8.Valid(in) || d.Decode(&v) != nil || d.More() || depth(v) >= p.opts.MaxDepth {
			return
		}
		got := map[string]string{}
		for _, l := range p.json.Leaves {
			if !l.Null {
				got[l.Info.path] = leafText(s, l)
			}
		}
		want := map[string]string{}
		flatten("", true, v, want)
		for k, w := range want {
			if got[k] != w {
				t.Fatalf("%s: walker %q, encoding/json %q", k, got[k], w)
			}
		}
	})
}

func leafText(s string, l leaf) string {
	switch l.A.Kind {
	case KindInt:
		return strconv.FormatInt(l.A.Int, 10)
	case KindBool:
		return strconv.FormatBool(l.A.Bool)
	case KindStrings:
		return "[" + strings.Join(l.A.Strs, "|") + "]"
	}
	return l.A.Str
}

func depth(v any) int {
	switch x := v.(type) {
	case map[string]any:
		d := 0
		for _, e := range x {
			d = max(d, depth(e))
		}
		return d + 1
	case []any:
		d := 0
		for _, e := range x {
			d = max(d, depth(e))
		}
		return d + 1
	}
	return 0
}

func join(prefix string, root bool, k string) string {
	if root {
		return k
	}
	return prefix + "." + k
}

// flatten is the reference flattening: objects by dotted keys, arrays of
// scalars as one list, objects and arrays inside arrays by index.
func flatten(prefix string, root bool, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			flatten(join(prefix, root, k), false, e, out)
		}
	case []any:
		var strs []string
		nested := false
		for i, e := range x {
			switch e.(type) {
			case map[string]any, []any:
				nested = true
				flatten(join(prefix, root, strconv.Itoa(i)), false, e, out)
			case nil:
			default:
				strs = append(strs, scalar(e))
			}
		}
		if strs != nil || !nested {
			out[prefix] = "[" + strings.Join(strs, "|") + "]"
		}
	case nil:
	default:
		out[prefix] = scalar(x)
	}
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return strconv.FormatInt(n, 10) // "-0" is the integer 0
		}
		return x.String()
	}
	return ""
}
