package core

import (
	"sort"
	"strings"
)

// redacted replaces every secret value.
const redacted = "[REDACTED]"

// secretHeaders are the HTTP headers whose values are secrets (contract).
var secretHeaders = []string{"cookie", "set-cookie", "authorization", "x-access-token", "proxy-authorization"}

// secretKeyParts: a field whose name contains one of these is a secret.
var secretKeyParts = []string{"password", "secret"}

// redactor decides which fields are secrets.
type redactor struct {
	on      bool
	headers []string // lower case, compared whole
	parts   []string // lower case, compared as substrings
}

func newRedactor(headers, parts []string, on bool) redactor {
	r := redactor{on: on}
	for _, h := range append(append([]string(nil), secretHeaders...), headers...) {
		r.headers = append(r.headers, strings.ToLower(h))
	}
	for _, k := range append(append([]string(nil), secretKeyParts...), parts...) {
		r.parts = append(r.parts, strings.ToLower(k))
	}
	return r
}

// isSecret reports whether the field named name holds a secret. name is the
// raw field name (any case; "_" and "-" are treated alike for headers).
func (r *redactor) isSecret(name string) bool {
	if !r.on || len(name) == 0 {
		return false
	}
	for _, h := range r.headers {
		if equalFoldDash(name, h) {
			return true
		}
	}
	for _, part := range r.parts {
		if containsFold(name, part) {
			return true
		}
	}
	return false
}

// equalFoldDash compares ASCII case-insensitively, with '_' equal to '-'.
func equalFoldDash(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := lower(a[i]), lower(b[i])
		if x == '_' {
			x = '-'
		}
		if y == '_' {
			y = '-'
		}
		if x != y {
			return false
		}
	}
	return true
}

// containsFold reports whether s contains the lower-case sub, ASCII
// case-insensitively.
func containsFold(s, sub string) bool { return indexFold(s, sub) >= 0 }

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// span is a byte range of the record's text. quote: the range is a JSON
// value that is not a string, so its replacement is quoted to keep the JSON
// valid.
type span struct {
	start, end int
	quote      bool
}

// redactSpans returns s with every recorded secret span replaced. Without
// secrets it returns s itself (no copy).
func (p *Parser) redactSpans(s string) string {
	if len(p.spans) == 0 {
		return s
	}
	sp := p.spans
	sort.Slice(sp, func(i, j int) bool { return sp[i].start < sp[j].start })
	b := p.scratch[:0]
	last := 0
	for _, x := range sp {
		if x.end > len(s) {
			continue
		}
		if x.start < last {
			if x.end <= last {
				continue // inside a span already replaced
			}
			x.start = last // overlapping: replace the rest
		}
		b = append(b, s[last:x.start]...)
		if x.quote {
			b = append(b, '"')
			b = append(b, redacted...)
			b = append(b, '"')
		} else {
			b = append(b, redacted...)
		}
		last = x.end
	}
	b = append(b, s[last:]...)
	p.scratch = b
	return string(b)
}

// bearer is bearerToken for a value of the current record.
func (p *Parser) bearer(v string) (int, int, bool) {
	if !p.mayBearer {
		return 0, 0, false
	}
	return bearerToken(v)
}

// bearerToken finds "Bearer <token>" in free text and returns the token's
// range, for values that are not under a secret key.
func bearerToken(s string) (start, end int, ok bool) {
	// The cheap case-sensitive test first: it runs on every value.
	if !strings.Contains(s, "earer ") && !strings.Contains(s, "EARER ") {
		return 0, 0, false
	}
	i := indexFold(s, "bearer ")
	if i < 0 {
		return 0, 0, false
	}
	start = i + len("bearer ")
	for start < len(s) && s[start] == ' ' {
		start++
	}
	end = start
	for end < len(s) && isTokenChar(s[end]) {
		end++
	}
	return start, end, end > start
}

func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' || c == '='
}

// indexFold is strings.Index for a lower-case needle, ASCII case-insensitive.
func indexFold(s, sub string) int {
	n := len(sub)
outer:
	for i := 0; i+n <= len(s); i++ {
		for j := 0; j < n; j++ {
			if lower(s[i+j]) != sub[j] {
				continue outer
			}
		}
		return i
	}
	return -1
}

// redactedOffset maps an offset of the text to the redacted text (spans are
// sorted by redactSpans); an offset inside a secret maps to its start.
func (p *Parser) redactedOffset(off int) int {
	shift, last := 0, 0
	for _, x := range p.spans {
		if x.start < last {
			if x.end <= last {
				continue
			}
			x.start = last
		}
		if off < x.end {
			if off >= x.start {
				off = x.start
			}
			break
		}
		n := len(redacted)
		if x.quote {
			n += 2
		}
		shift += n - (x.end - x.start)
		last = x.end
	}
	return off + shift
}

// looseSecrets finds secrets in text no format could parse: a secret name
// followed by ':' or '=' (quotes and spaces allowed around them) and its
// value, and bearer tokens. The spans go to the redaction of the original.
func (p *Parser) looseSecrets(s string) {
	if !p.redact.on {
		return
	}
	for _, names := range [][]string{p.redact.headers, p.redact.parts} {
		for _, name := range names {
			for from := 0; from < len(s); {
				i := indexFold(s[from:], name)
				if i < 0 {
					break
				}
				i += from
				v0, v1, next, ok := valueAfterName(s, i+len(name))
				if ok {
					p.secret(v0, v1)
				}
				from = max(next, i+1)
			}
		}
	}
	for from := 0; from < len(s); {
		b0, b1, ok := bearerToken(s[from:])
		if !ok {
			break
		}
		p.secret(from+b0, from+b1)
		from += b1
	}
}

// valueAfterName reads `"? *[:=] *["']?value` at s[i:] and returns the
// value's range, and where the scan stopped (the next search starts there,
// so a run of names is read once).
func valueAfterName(s string, i int) (v0, v1, next int, ok bool) {
	// The name may run on inside a longer key ("db_password_hash"): skip the
	// rest of the key.
	for i < len(s) && isKeyChar(s[i]) {
		i++
	}
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		i++
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || (s[i] != ':' && s[i] != '=') {
		return 0, 0, i, false
	}
	i++
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		q := s[i]
		j := i + 1
		for j < len(s) && s[j] != q {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		end := min(j, len(s))
		return i + 1, end, end, j > i+1
	}
	j := i
	for j < len(s) && s[j] != ' ' && s[j] != ',' && s[j] != ';' && s[j] != '}' && s[j] != '&' && s[j] != '\n' {
		j++
	}
	return i, j, j, j > i
}
