package redact

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// findRef is Find written plainly, the oracle for its one pass per anchor
// and case: every mention of every name is collected, then, per anchor and
// case in order of position, a mention whose name lies inside the value
// of the one kept before it is dropped (Find reads on past a value),
// unless that value is a header's (names inside it are searched, up to
// maxNested times per pass).
func (r *Redactor) findRef(s string) []Span {
	type mention struct {
		at, next int
		span     Span
		ok       bool
		header   bool
	}
	var dst []Span
	for _, a := range r.anchors {
		cases := []byte{a.c}
		if up := scan.Lower(a.c) - 'a' + 'A'; a.c >= 'a' && a.c <= 'z' {
			cases = append(cases, up)
		}
		for _, c := range cases {
			var ms []mention
			for i := 0; i < len(s); i++ {
				if s[i] != c {
					continue
				}
				for _, n := range a.names {
					j := i - n.at
					if j < 0 || j+len(n.name) > len(s) || scan.IndexFoldDash(s[j:j+len(n.name)], n.name) != 0 {
						continue
					}
					v0, v1, next, _, ok := secretValue(s, j+len(n.name), n.header)
					if !ok {
						if o0, o1, onext, _, isOpt := optionValue(s, j, j+len(n.name)); isOpt {
							v0, v1, next, ok = o0, o1, onext, true
						}
					}
					ms = append(ms, mention{at: i, next: next, span: Span{Start: v0, End: v1}, ok: ok, header: n.header})
					break
				}
			}
			from, nested := 0, 0
			for _, m := range ms {
				if m.at < from {
					continue
				}
				if m.ok {
					dst = append(dst, m.span)
					if m.header && nested < maxNested {
						nested++
						from = max(from, m.span.Start)
						continue
					}
				}
				from = max(from, m.next)
			}
		}
	}
	return dst
}

// findWordsSpans is findWords's spans, without the bearer look.
func (r *Redactor) findWordsSpans(s string) []Span {
	sp, _ := r.findWords(s, 0, nil, false)
	return sp
}

// bearerRef is every bearer token of s, one Bearer call after another.
func bearerRef(s string) []Span {
	var sp []Span
	for from := 0; from < len(s); {
		b0, b1, ok := Bearer(s[from:])
		if !ok {
			break
		}
		sp = append(sp, Span{Start: from + b0, End: from + b1})
		from += b1
	}
	return sp
}

// TestFindMatchesOracle: every line of testdata, every form of TestFindForms
// and each of them with its letters' case flipped and cut at every eighth
// byte redact to the same text through Find and through findRef, with the
// default names and with extra ones whose anchors share a folded byte.
func TestFindMatchesOracle(t *testing.T) {
	texts := []string{
		`{"cookie":"s3cr3t-v4lue","a":1}`, `x_access_token=s3cr3t-v4lue`, `Cookie: sid=s3cr3t-v4lue; theme=dark`,
		`AUTHORIZATION: Basic s3cr3t`, `%7B%22password%22%3A%22s3cr3t%22%7D`, `a@b=1 a` + "`" + `b=2 pin[2]=3 pin{2}=4`,
		// More header values than a pass searches inside, in both cases.
		strings.Repeat("cookie:Cookie:", 20) + "x", strings.Repeat("x-access-token: cookie=", 20) + "v",
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
	// The third has many anchors, some at a name's end (no byte after them).
	many := []string{"a@b", "k!", "k#", "k$", "k^", "k&", "k*", "k+", "k;", "k<", "k>", "k?", "k~", "k|"}
	for d := '0'; d <= '9'; d++ {
		many = append(many, "pin"+string(d))
	}
	if r := New(nil, many, true); len(r.anchors) <= 16 {
		t.Fatalf("only %d anchors", len(r.anchors))
	}
	for _, r := range []Redactor{New(nil, nil, true), New([]string{"x-pin"}, []string{"a@b", "a`b", "pin[2]", "pin{2}", "q7"}, true), New(nil, many, true)} {
		n := 0
		for _, s := range all {
			want := string(r.Replace(nil, s, r.findRef(s)))
			got := string(r.Replace(nil, s, r.Find(s, 0, nil, false)))
			// Both ways of reading, whatever the text's length.
			words := string(r.Replace(nil, s, r.findWordsSpans(s)))
			bytes := string(r.Replace(nil, s, r.findBytes(s, 0, nil)))
			if got != want || words != want || bytes != want {
				t.Fatalf("%q:\n Find       %s\n findWords  %s\n findBytes  %s\n oracle     %s", s, got, words, bytes, want)
			}
			// With bearer tokens: the word pass's own look for "bearer ".
			if _, at := r.findWords(s, 0, nil, true); (at >= 0) != MayHoldBearer(s) {
				t.Fatalf("%q: findWords saw a bearer at %d, MayHoldBearer %v", s, at, MayHoldBearer(s))
			}
			wantB := string(r.Replace(nil, s, append(r.findRef(s), bearerRef(s)...)))
			if gotB := string(r.Replace(nil, s, r.Find(s, 0, nil, true))); gotB != wantB {
				t.Fatalf("%q with bearer tokens:\n Find    %s\n oracle  %s", s, gotB, wantB)
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

// MayMention never rules out a text Find finds a secret in: it is only a
// pre-check. Every testdata line, and every name in every form of
// TestFindMatchesOracle's cases, is checked.
func TestMayMentionPrecedesFind(t *testing.T) {
	r := New(nil, nil, true)
	texts := []string{
		"password: x", "cookie=sid", "x%3Dy", "Authorization Bearer abc", "bearer tok",
		`{"cookie":"a"}`, "Resource UACC check", "User audit mode requires logging", "secret", "",
		"mysql --password x", "run -db-secret 'y' now", `cmd="--client-secret z"`,
	}
	texts = append(texts, testutil.GoldenLogLines(t, "../../testdata")...)
	for _, s := range texts {
		for cut := 0; cut <= len(s); cut += max(1, len(s)/16) {
			v := s[cut:]
			if len(r.Find(v, 0, nil, true)) > 0 && !MayMention(v) {
				t.Errorf("Find finds a secret MayMention rules out: %q", v)
			}
		}
	}
	if MayMention("Resource UACC check") {
		t.Error("a plain text may mention")
	}
}

// MayMention's word-at-a-time scan agrees with a byte loop at every length
// and position of each separator and bearer token.
func TestMayMentionWords(t *testing.T) {
	slow := func(s string) bool {
		if strings.ContainsAny(s, ":=%") || MayHoldBearer(s) {
			return true
		}
		for i := 0; i < len(s); i++ { // an option: a word's '-', a space after it
			if s[i] == '-' && (i == 0 || optionBefore(s[i-1])) && strings.Contains(s[i:], " ") {
				return true
			}
		}
		return false
	}
	for n := 0; n < 40; n++ {
		base := strings.Repeat("a", n)
		if MayMention(base) != slow(base) {
			t.Errorf("%q", base)
		}
		for i := 0; i < n; i++ {
			for _, c := range []string{":", "=", "%", "b", "B", "-", " -", "- "} {
				v := base[:i] + c + base[i+1:]
				if MayMention(v) != slow(v) {
					t.Errorf("%q: %v", v, MayMention(v))
				}
			}
			if i+7 <= n {
				v := base[:i] + "Bearer " + base[i+7:]
				if !MayMention(v) {
					t.Errorf("%q", v)
				}
			}
		}
	}
}
