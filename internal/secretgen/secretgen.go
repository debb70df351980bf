// Package secretgen generates audit records of every product, in the shapes
// the seed documents and testdata show, with secret values planted in the
// forms the redaction contract names (docs/reliability.md, "What redaction
// reaches"), wrapped in the framings pipelines put around them, for the
// redaction property tests of every face. Leaks is its oracle: a plain
// search of the output for each planted value, knowing nothing of
// internal/redact.
//
// A Case is composed, not picked from a list: a product record (PassMan
// audit or system line, CA PAM seaudit summary, detailed on many lines or on
// one, Netwrix bunyan, Python-logging or pretty-printed JSON) gets 2 to 5
// secrets of mixed kinds (password and secret keys, the cookie, set-cookie,
// authorization, x-access-token and proxy-authorization headers, bare
// bearer tokens), each in a form the record can hold (a key = value pair, a
// JSON member at some depth, a "Name: value" line, a query string, URL-
// encoded text, JSON kept in a string), at a chosen position; then 0 to 3
// framings, nested in a chosen order (syslog RFC 5424, whose structured data
// may hold a secret too, RFC 3164 and rsyslog's file formats, CRI, Docker's
// json-file, Fluentd's docker driver, stdout and out_file formats and its
// parser filter's merged record, journald, GELF, Logstash, Vector, Fluent
// Bit and rsyslog JSON); sometimes the record is longer than the
// MaxRecordBytes the Case asks for.
//
// Every choice is drawn from a Chooser: a math/rand source for the seeded
// property tests, or a fuzzer's input bytes (FromBytes). The first choices
// are the shape's: product, how many secrets and framings, which framings,
// so that a fuzz seed's first bytes pick the shape.
//
// Secret values are 3 to 24 bytes of [A-Za-z0-9], sometimes with -_.~+/ and
// a trailing = (token-like), unique in the Case: no value, nor any form the
// oracle searches for, is part of the record's other text, of the word
// [REDACTED] or of another value. Values shorter than 3 bytes are out of
// scope: the contract does not search for them beyond where they are found.
package secretgen

import (
	"math/rand"
	"strings"
)

// Chooser is the source of every choice: Intn returns a number in [0, n).
type Chooser interface {
	Intn(n int) int
}

// Bytes is a Chooser that reads its choices from a byte string, a fuzzer's
// input: one byte per choice (two when n > 256), taken modulo n; once the
// bytes run out every choice is 0. Every Case it drives is finite.
type Bytes struct {
	b []byte
	i int
}

// FromBytes returns a Chooser reading b.
func FromBytes(b []byte) *Bytes { return &Bytes{b: b} }

func (c *Bytes) Intn(n int) int {
	if n <= 1 {
		return 0
	}
	v := 0
	for k := 0; k == 0 || (k == 1 && n > 256); k++ {
		v <<= 8
		if c.i < len(c.b) {
			v |= int(c.b[c.i])
			c.i++
		}
	}
	return v % n
}

// Case is one generated record.
type Case struct {
	// Name describes the shape: product and style, each secret's form,
	// the framings from the inside out, and whether it is too large.
	Name string
	// Text is the record as a face receives it (one record: the faces'
	// splitters are given it as a stream of its own).
	Text string
	// Secrets are the planted values, each unique in Text.
	Secrets []string
	// Forms says, per secret, how it was planted.
	Forms []string
	// MaxRecordBytes is the limit to parse Text with: 0 for the default,
	// else less than len(Text) (the "too large" path).
	MaxRecordBytes int
	// Control is Text with other values, of the same lengths and kinds,
	// in place of Secrets: ControlSecrets. A value of Secrets that a
	// face emits for Control came from the face's own vocabulary (an
	// attribute name, a formatted time), not from the input, and is no
	// leak.
	Control        string
	ControlSecrets []string

	p *plan
}

// Gen generates a Case from r.
func Gen(r *rand.Rand) Case { return Generate(r) }

// Nth is the i-th case of the seeded sequence seed: each case has a source
// of its own, so one case is reproduced from the seed and its index.
func Nth(seed int64, i int) Case {
	return Generate(rand.New(rand.NewSource(CaseSeed(seed, i))))
}

// CaseSeed is the source seed of Nth(seed, i).
func CaseSeed(seed int64, i int) int64 { return seed*1_000_003 + int64(i) }

// Generate generates a Case from the choices of c.
func Generate(c Chooser) Case {
	p := choosePlan(c)
	cs, ok := p.finish(c)
	if !ok {
		panic("secretgen: a generated plan does not render") // never: finish retries until unique
	}
	return cs
}

// Shrinks returns simpler cases that still plant secret (one of
// c.Secrets), with the same values: one framing fewer, one other secret
// fewer, no padding and limit, the fewest filler fields. A property test
// keeps the first that still fails, and shrinks again.
func (c Case) Shrinks(secret string) []Case {
	if c.p == nil {
		return nil
	}
	keep := -1
	for i, v := range c.p.values {
		if v == secret {
			keep = i
		}
	}
	if keep < 0 {
		return nil
	}
	var out []Case
	try := func(q *plan) {
		if cs, ok := q.render(); ok {
			out = append(out, cs)
		}
	}
	for j := range c.p.framings {
		q := c.p.clone()
		q.dropFraming(j)
		if q.has(secret) {
			try(q)
		}
	}
	for i := range c.p.secrets {
		if i != keep {
			q := c.p.clone()
			q.dropSecret(i)
			try(q)
		}
	}
	if c.p.pad > 0 || c.p.maxPct > 0 {
		q := c.p.clone()
		q.pad, q.maxPct = 0, 0
		try(q)
	}
	if !c.p.minimal {
		q := c.p.clone()
		q.minimal = true
		try(q)
	}
	return out
}

// Shrink returns the smallest case reachable from c by Shrinks on which
// fails still holds (c itself when none is smaller), trying at most limit
// cases.
func (c Case) Shrink(secret string, limit int, fails func(Case) bool) Case {
	for tried := 0; tried < limit; {
		better := false
		for _, s := range c.Shrinks(secret) {
			tried++
			if fails(s) {
				c, better = s, true
				break
			}
			if tried >= limit {
				break
			}
		}
		if !better {
			break
		}
	}
	return c
}

// values: the alphabets of secret values.
const (
	alnum    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	tokenish = alnum + "-_.~+/"
)

// vocabulary is text every face may emit whatever the input.
var vocabulary = []string{"[REDACTED]"}

// newValue draws a secret value: length 3 to 24, alphanumeric or token-like
// (alphanumeric first byte, -_.~+/ inside, up to two trailing =). Short
// values stay alphanumeric: a decoded form of "1+d" ("1 d") is too common
// a text for the oracle to tell a leak.
func newValue(c Chooser, length int, token bool) string {
	var b strings.Builder
	pad := 0
	if token && length >= 6 {
		pad = c.Intn(3)
	}
	for i := 0; i < length-pad; i++ {
		set := alnum
		if token && length >= 6 && i > 0 {
			set = tokenish
		}
		b.WriteByte(set[c.Intn(len(set))])
	}
	b.WriteString(strings.Repeat("=", pad))
	return b.String()
}

// unique reports whether v may be planted: no form of it is in the text
// around the secrets (skeleton), in the vocabulary, or overlaps another
// value.
func unique(v, skeleton string, others []string) bool {
	if len(v) < 3 {
		return false
	}
	for _, f := range Forms(v) {
		if strings.Contains(skeleton, f) {
			return false
		}
		for _, w := range vocabulary {
			if strings.Contains(w, f) {
				return false
			}
		}
		for _, o := range others {
			for _, g := range Forms(o) {
				if strings.Contains(g, f) || strings.Contains(f, g) {
					return false
				}
			}
		}
	}
	return true
}

// rng is a small seeded source (splitmix64) for the filler the plan fixes
// by a seed: math/rand's sources cost more to seed than a case to render.
type rng struct{ s uint64 }

func newRng(seed int64) *rng { return &rng{uint64(seed)} }

func (r *rng) Intn(n int) int {
	if n <= 1 {
		return 0
	}
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return int(z % uint64(n))
}
