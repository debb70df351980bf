package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/internal/schema"
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

// secretName decides, as the default parser does, which names are secrets.
var secretName = redact.New(nil, nil, true)

// checkRecord holds the invariants every parsed record keeps.
func checkRecord(t *testing.T, p *Parser, in []byte) {
	t.Helper()
	r, err := p.Parse(in)
	if r == nil {
		t.Fatal("no record")
	}
	if err != nil {
		if a, ok := r.Get(record.AttrErrorType); !ok || a.Str == "" {
			t.Fatalf("error %v without error.type", err)
		}
	}
	if trimRecord(string(in)) != "" && r.Body == "" && r.Format == FormatAuto {
		t.Fatalf("text lost: %q", in)
	}
	for _, a := range r.Attrs {
		if !schema.Documented(DefaultProducts(), a.Key) {
			t.Fatalf("undocumented attribute %q", a.Key)
		}
		last := a.Key[strings.LastIndexByte(a.Key, '.')+1:]
		derived := a.Key == "capam.password_quality" // the product's own code text, not a source field
		if secretName.IsSecret(last) && !derived && a.Kind == KindString && a.Str != record.Redacted {
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

func FuzzParsePassMan(f *testing.F) {
	// Backslashes: literal, escaping the value's own quote, or last before
	// the closing quote; under a secret key too.
	f.Add([]byte(`2026-03-05T12:00:00Z pm-node1 passman: passman-audit(1): type = UpdateTarget, share = 'D:\Shares\Finance', root = 'C:\', next = x dir = "C:\Program Files\App\" note = 'it\'s \"x\"', new_password = 'p\'w\', bare = a\'b\`))
	fuzzFormat(f, "passman", FormatPassMan)
}

func FuzzParseCAPAM(f *testing.F)   { fuzzFormat(f, "capam", FormatCAPAM) }
func FuzzParseNetwrix(f *testing.F) { fuzzFormat(f, "netwrix", FormatNetwrix) }

// FuzzSplitter: no byte of text is invented, none is lost uncounted, no
// record is over the limit. Only line endings, blank lines, a leading BOM
// and the CRI headers of continuation lines go; and the rest of a record
// over the limit, which comes with a *CutError that counts it.
func FuzzSplitter(f *testing.F) {
	for _, dir := range DefaultProducts().Names() {
		files, _ := os.ReadDir("../testdata/" + dir)
		for _, e := range files {
			if strings.HasSuffix(e.Name(), ".log") {
				in, _ := os.ReadFile("../testdata/" + dir + "/" + e.Name())
				f.Add(in)
			}
		}
	}
	f.Add([]byte("\ufeffa\r\nb\rc\n{\n\"x\":\n1}\n  indented\n"))
	f.Add([]byte("\xef\n\xbb\xbf")) // a BOM's bytes split by a newline are text, not a BOM
	f.Add([]byte("2026-03-05T10:16:02.1Z stdout P {\"a\":\n2026-03-05T10:16:02.2Z stdout F 1}\n"))
	// Records over the limit: a line, pretty JSON, seaudit detail, CRI pieces.
	f.Add([]byte("type = Login, note = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, password = hunter22\n{\"a\":1}\n"))
	f.Add([]byte("{\n  \"msg\": \"token validate\",\n  \"req\": {\n    \"x-access-token\": \"tok123\"\n  }\n}\n{\n}\n"))
	f.Add([]byte("28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login\n    Status: Permitted\n    Password: hunter22\n"))
	f.Add([]byte("2026-03-05T10:16:02.1Z stdout P id = 1, type = Login, pass\n2026-03-05T10:16:02.2Z stdout P word = hunter22\n2026-03-05T10:16:02.3Z stdout F x\n"))
	const max = 64
	f.Fuzz(func(t *testing.T, in []byte) {
		var got, raw []byte
		var dropped int64
		n := 0
		eachText(t, bytes.NewReader(in), max, func(r []byte, cut *CutError) {
			msg := r
			if h, ok := criHeader(r); ok {
				msg = r[h.Msg:] // a CRI record: the limit holds for its messages
			}
			if len(msg) > max {
				t.Fatalf("record of %d bytes, limit %d", len(msg), max)
			}
			if cut != nil {
				if cut.Kept != len(msg) || cut.Dropped <= 0 || !errors.Is(cut, ErrTooLarge) {
					t.Fatalf("cut record of %d bytes: %+v", len(msg), cut)
				}
				dropped += cut.Dropped
			}
			got = append(got, withoutCRI(r, max)...)
			raw = append(raw, r...)
			if n > len(in)+1 {
				t.Fatal("more records than bytes")
			}
			n++
		})
		in = bytes.TrimPrefix(in, []byte("\ufeff"))
		if dropped == 0 {
			if want := withoutCRI(in, max); strip(got) != strip(want) {
				t.Fatalf("text changed:\n in %q\nout %q", in, got)
			}
			return
		}
		// Cut records: what comes out is the input's bytes, in order, and
		// what does not is counted.
		if !subsequence(strip(raw), strip(in)) {
			t.Fatalf("text invented or reordered:\n in %q\nout %q", in, raw)
		}
		if n, want := int64(len(strip(got)))+dropped, len(strip(withoutCRI(in, len(in)))); n < int64(want) {
			t.Fatalf("%d bytes out or counted as dropped, %d in:\n in %q\nout %q", n, want, in, got)
		}
	})
}

// subsequence reports whether a's bytes stand in b, in order.
func subsequence(a, b string) bool {
	for i := 0; i < len(a); i++ {
		j := strings.IndexByte(b, a[i])
		if j < 0 {
			return false
		}
		b = b[j+1:]
	}
	return true
}

// withoutCRI drops the CRI headers from the pieces the splitter reads: the
// lines, cut at lone CRs and at max bytes as readLine cuts them.
func withoutCRI(b []byte, max int) []byte {
	var out []byte
	for _, line := range bytes.Split(b, []byte("\n")) {
		for len(line) > 0 {
			piece := line
			if i := bytes.IndexByte(line, '\r'); i >= 0 && i <= max {
				piece, line = line[:i], line[i+1:]
			} else if len(line) > max {
				piece, line = line[:max], line[max:]
			} else {
				line = nil
			}
			for {
				h, ok := criHeader(piece)
				if !ok {
					break
				}
				piece = piece[h.Msg:]
			}
			out = append(append(out, piece...), '\n')
		}
	}
	return out
}

// strip drops line endings and blanks, which the splitter may drop or add.
func strip(b []byte) string {
	var s []byte
	for _, c := range b {
		if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			s = append(s, c)
		}
	}
	return string(s)
}
