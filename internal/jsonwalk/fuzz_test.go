package jsonwalk

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// maxDepth is the parser's default depth limit.
const maxDepth = 32

// seedLines adds every line of the testdata logs in dir, and each whole
// file, to the fuzzer's corpus.
func seedLines(f *testing.F, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	for _, name := range files {
		in, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(in)
		for _, line := range bytes.Split(in, []byte("\n")) {
			f.Add(line)
		}
	}
}

// FuzzJSONWalker: on valid JSON objects the forgiving walker finds every
// leaf encoding/json finds, with the same value; on anything it terminates.
func FuzzJSONWalker(f *testing.F) {
	seedLines(f, "../../testdata/netwrix")
	f.Add([]byte(`{"a":[1,"x",{"b":null}],"c":{"d":"\u00e9\ud83d\ude00"},"e":-1.5e3}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		w := Walker[string]{Info: func(path []byte) string { return string(path) }, MaxDepth: maxDepth, MaxLeaves: 1 << 20}
		s := string(in)
		end := w.Walk(s, 0)
		// The walker's verdict on strictness is encoding/json's, for texts
		// within the limits (a cut subtree is not examined).
		first := scan.SkipWS(s, 0)
		strict := !w.Loose && scan.SkipWS(s, end) == len(s) && first < len(s) && s[first] == '{'
		if w.Cut == 0 && utf8.Valid(in) && !bytes.Contains(in, []byte("\u00a0")) {
			if valid := json.Valid(in) && bytes.HasPrefix(bytes.TrimLeft(in, " \t\r\n"), []byte("{")); strict != valid {
				t.Fatalf("walker says strict=%v, encoding/json says valid=%v", strict, valid)
			}
		}
		var v map[string]any
		d := json.NewDecoder(bytes.NewReader(in))
		d.UseNumber()
		if !utf8.Valid(in) || d.Decode(&v) != nil || d.More() || depth(v) >= maxDepth {
			return
		}
		got := map[string]string{}
		for _, l := range w.Leaves {
			if !l.Null {
				got[l.Info] = leafText(s, l)
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

func leafText(s string, l Leaf[string]) string {
	switch l.A.Kind {
	case record.KindInt:
		return strconv.FormatInt(l.A.Int, 10)
	case record.KindBool:
		return strconv.FormatBool(l.A.Bool)
	case record.KindStrings:
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
