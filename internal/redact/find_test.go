package redact

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/internal/scan"
)

// findRef is Find as a memchr per anchor and case: the oracle for the one
// folded pass.
func (r *Redactor) findRef(s string) []Span {
	var dst []Span
	for _, a := range r.anchors {
		for _, n := range a.names {
			for _, c := range []byte{n.name[n.at], scan.Lower(n.name[n.at]) - 'a' + 'A'} {
				for from := 0; from < len(s); {
					i := strings.IndexByte(s[from:], c)
					if i < 0 {
						break
					}
					i += from
					from = i + 1
					j := i - n.at
					if j < 0 || j+len(n.name) > len(s) || scan.IndexFoldDash(s[j:j+len(n.name)], n.name) != 0 {
						continue
					}
					if v0, v1, _, _, ok := secretValue(s, j+len(n.name), n.header); ok {
						dst = append(dst, Span{Start: v0, End: v1})
					}
				}
			}
		}
	}
	return dst
}

// TestFindMatchesOracle: every line of testdata, every form of TestFindForms
// and each of them with its letters' case flipped and cut at every eighth
// byte redact to the same text through Find and through findRef, with the
// default names and with extra ones whose anchors share a folded byte.
func TestFindMatchesOracle(t *testing.T) {
	texts := []string{
		`{"cookie":"s3cr3t-v4lue","a":1}`, `x_access_token=s3cr3t-v4lue`, `Cookie: sid=s3cr3t-v4lue; theme=dark`,
		`AUTHORIZATION: Basic s3cr3t`, `%7B%22password%22%3A%22s3cr3t%22%7D`, `a@b=1 a` + "`" + `b=2 pin[2]=3 pin{2}=4`,
	}
	files, _ := filepath.Glob("../../testdata/*/*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		texts = append(texts, strings.Split(string(b), "\n")...)
	}
	if len(texts) < 200 {
		t.Fatalf("only %d texts", len(texts))
	}
	var all []string
	for _, s := range texts {
		flipped := []byte(s)
		for i, c := range flipped {
			if c|0x20 >= 'a' && c|0x20 <= 'z' {
				flipped[i] = c ^ 0x20
			}
		}
		all = append(all, s, string(flipped))
		for cut := 1; cut < len(s); cut += 8 {
			all = append(all, s[cut:])
		}
	}
	for _, r := range []Redactor{New(nil, nil, true), New([]string{"x-pin"}, []string{"a@b", "a`b", "pin[2]", "pin{2}", "q7"}, true)} {
		n := 0
		for _, s := range all {
			got := string(r.Replace(nil, s, r.Find(s, 0, nil, false)))
			want := string(r.Replace(nil, s, r.findRef(s)))
			if got != want {
				t.Fatalf("%q:\n Find    %s\n oracle  %s", s, got, want)
			}
			if got != s {
				n++
			}
		}
		if n < 50 {
			t.Fatalf("only %d texts held a secret: the comparison checks little", n)
		}
	}
}
