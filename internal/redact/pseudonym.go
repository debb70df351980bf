package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strings"
	"unsafe"

	"github.com/pamaudit/pamaudit/internal/jsonwalk"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// What replaces a secret value: the mask (record.Redacted), or a keyed
// pseudonym, "hmac:" and the first 16 hex digits of the value's
// HMAC-SHA256 under a key, so that the same value gives the same pseudonym
// in every string of a record and in every record under the key, and
// cannot be told from a table of hashes without the key.

// PseudonymPrefix starts every keyed pseudonym.
const PseudonymPrefix = "hmac:"

// pseudonymHex is the hex digits a pseudonym keeps of the MAC (64 bits).
const pseudonymHex = 16

// PseudonymLen is the length of a pseudonym.
const PseudonymLen = len(PseudonymPrefix) + pseudonymHex

// Kind is what a secret value is made of, which says what in it is a
// secret: the whole value; cookies (name=value pairs separated by ';',
// each value a secret, the names not); an authentication scheme and its
// credential (Bearer, Basic, …: the credential is the secret). Under the
// mask every kind is masked whole.
type Kind uint8

const (
	KindWhole Kind = iota
	KindCookies
	KindScheme
)

// KindOf returns the kind of the value of a secret named name (any case,
// '_' for '-').
func KindOf(name string) Kind {
	switch {
	case scan.EqualFoldDash(name, "cookie"), scan.EqualFoldDash(name, "set-cookie"):
		return KindCookies
	case scan.EqualFoldDash(name, "authorization"), scan.EqualFoldDash(name, "proxy-authorization"):
		return KindScheme
	}
	return KindWhole
}

// Form is how the text writes a secret value, so that its pseudonym is
// the unescaped value's, the one its attribute holds.
type Form uint8

const (
	FormBare   Form = iota // as it is
	FormKnown              // Span.Value holds it unescaped
	FormSingle             // in PassMan's single quotes: \' is a quote
	FormURL                // URL-encoded (%22…%22)
	FormJSON               // a JSON string's content; FormJSON+n: inside n more levels of JSON strings
)

// SpanValue returns the value of the secret span x of s, unescaped as its
// Form says.
func SpanValue(s string, x Span) string {
	if x.Form == FormKnown {
		return x.Value
	}
	if x.Start < 0 || x.End > len(s) || x.Start > x.End {
		return ""
	}
	return Unescape(s[x.Start:x.End], x.Form)
}

// Unescape decodes v, a value written in form.
func Unescape(v string, form Form) string {
	switch {
	case form == FormSingle:
		if strings.Contains(v, `\'`) {
			return strings.ReplaceAll(v, `\'`, `'`)
		}
	case form == FormURL:
		if strings.IndexByte(v, '%') >= 0 {
			return percentDecode(v)
		}
	case form >= FormJSON:
		for n := form - FormJSON; strings.IndexByte(v, '\\') >= 0; n-- {
			v, _ = jsonwalk.Unescape(v)
			if n == 0 {
				break
			}
		}
	}
	return v
}

// percentDecode decodes %XX escapes; a '%' without two hex digits stays.
func percentDecode(v string) string {
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+2 < len(v) && scan.IsHex(v[i+1]) && scan.IsHex(v[i+2]) {
			b = append(b, unhex(v[i+1])<<4|unhex(v[i+2]))
			i += 2
			continue
		}
		b = append(b, v[i])
	}
	return string(b)
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// keyed makes pseudonyms under one key. Not safe for concurrent use: each
// Redactor (each parser) has its own.
type keyed struct {
	mac hash.Hash
	sum []byte
}

// NewKeyed is New with keyed pseudonyms under key in place of the mask.
// A nil or empty key is the mask.
func NewKeyed(headers, parts []string, on bool, key []byte) Redactor {
	r := New(headers, parts, on)
	if len(key) > 0 {
		r.keyed = &keyed{mac: hmac.New(sha256.New, key), sum: make([]byte, 0, sha256.Size)}
	}
	return r
}

// Keyed reports whether secrets are replaced by keyed pseudonyms.
func (r *Redactor) Keyed() bool { return r.keyed != nil }

// IsPseudonym reports whether v is a keyed pseudonym.
func IsPseudonym(v string) bool {
	return len(v) == PseudonymLen && strings.HasPrefix(v, PseudonymPrefix) && isLowerHex(v[len(PseudonymPrefix):])
}

// hasPseudonym reports whether v holds a keyed pseudonym.
func hasPseudonym(v string) bool {
	for from := 0; ; {
		i := strings.Index(v[from:], PseudonymPrefix)
		if i < 0 {
			return false
		}
		i += from
		if i+PseudonymLen <= len(v) && isLowerHex(v[i+len(PseudonymPrefix):i+PseudonymLen]) {
			return true
		}
		from = i + 1
	}
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// appendPseudonym appends the pseudonym of v; a pseudonym is its own, so
// what was redacted once (a record pamaudit wrote, read again; a string
// built with pseudonyms, searched again) stays as it is.
func (k *keyed) appendPseudonym(b []byte, v string) []byte {
	if IsPseudonym(v) {
		return append(b, v...)
	}
	k.mac.Reset()
	// The hash neither keeps nor changes its input: no copy of v.
	k.mac.Write(unsafe.Slice(unsafe.StringData(v), len(v)))
	k.sum = k.mac.Sum(k.sum[:0])
	b = append(b, PseudonymPrefix...)
	return hex.AppendEncode(b, k.sum[:pseudonymHex/2])
}

// appendValue appends the replacement of the secret value v of kind: its
// pseudonym, or for cookies each value's (the names kept), for a scheme the
// credential's (the scheme kept).
func (k *keyed) appendValue(b []byte, v string, kind Kind) []byte {
	switch kind {
	case KindCookies:
		if strings.IndexByte(v, '=') < 0 {
			break
		}
		for i := 0; ; i++ {
			part, more, found := strings.Cut(v, ";")
			if i > 0 {
				b = append(b, ';')
			}
			b = k.appendCookie(b, part)
			if !found {
				return b
			}
			v = more
		}
	case KindScheme:
		if sch, cred, ok := splitScheme(v); ok {
			b = append(b, sch...)
			return k.appendPseudonym(b, cred)
		}
	}
	return k.appendPseudonym(b, v)
}

// appendCookie appends one "name=value" of a cookie header with the value's
// pseudonym; the spaces around it stay. A part that is not name=value (or
// whose name is no token) is a value.
func (k *keyed) appendCookie(b []byte, part string) []byte {
	t := strings.TrimLeft(part, " ")
	b = append(b, part[:len(part)-len(t)]...)
	u := strings.TrimRight(t, " ")
	trail := t[len(u):]
	if u == "" {
		return append(b, trail...)
	}
	if name, val, ok := cookiePair(u); ok {
		b = append(b, name...)
		b = append(b, '=')
		if val != "" {
			b = k.appendPseudonym(b, val)
		}
	} else {
		b = k.appendPseudonym(b, u)
	}
	return append(b, trail...)
}

// cutCookie cuts a cookie header's value v at its first ';': the secret of
// the part before it (the value of name=value, else the part; spaces
// trimmed; "" for none) and the rest after it. Looping on it reads the
// cookies without a slice: a record's cookies are counted on the hot path.
func cutCookie(v string) (secret, rest string) {
	part, rest, _ := strings.Cut(v, ";")
	part = strings.Trim(part, " ")
	if _, val, ok := cookiePair(part); ok {
		return val, rest
	}
	return part, rest
}

// cookiePair splits "name=value" where name is a cookie token.
func cookiePair(p string) (name, val string, ok bool) {
	i := strings.IndexByte(p, '=')
	if i <= 0 {
		return "", "", false
	}
	for j := 0; j < i; j++ {
		if !isCookieNameChar(p[j]) {
			return "", "", false
		}
	}
	return p[:i], p[i+1:], true
}

func isCookieNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// splitScheme splits "Scheme credential": scheme (with the spaces after
// it) one of authSchemes in any case, the credential the non-empty rest.
// Any other first word may be the credential itself ("Authorization:
// s3cret upstream …"): no split.
func splitScheme(v string) (scheme, cred string, ok bool) {
	i := strings.IndexByte(v, ' ')
	if i <= 0 {
		return "", "", false
	}
	known := IsScheme(v[:i])
	j := i
	for j < len(v) && v[j] == ' ' {
		j++
	}
	if !known || j == len(v) {
		return "", "", false
	}
	return v[:j], v[j:], true
}

// IsScheme reports whether w names an HTTP authentication scheme.
func IsScheme(w string) bool {
	for _, a := range authSchemes {
		if strings.EqualFold(w, a) {
			return true
		}
	}
	return false
}

// authSchemes are the HTTP authentication schemes a credential follows:
// IANA's registry, and the common unregistered ones.
var authSchemes = [...]string{"Basic", "Bearer", "Concealed", "Digest", "DPoP", "GNAP", "HOBA", "Mutual", "Negotiate",
	"OAuth", "PrivateToken", "SCRAM-SHA-1", "SCRAM-SHA-256", "vapid", "NTLM", "Token", "AWS4-HMAC-SHA256", "ApiKey"}

// Redacted reports whether the secret value v of kind is already what
// replaces it (the mask; pseudonyms where its secrets are): redacting it
// changes nothing, and counts as no secret.
func (r *Redactor) Redacted(v string, kind Kind) bool {
	if r.keyed == nil || v == record.Redacted {
		return v == record.Redacted
	}
	switch kind {
	case KindCookies:
		if strings.IndexByte(v, '=') >= 0 {
			for rest := v; rest != ""; {
				var secret string
				if secret, rest = cutCookie(rest); secret != "" && !IsPseudonym(secret) {
					return false
				}
			}
			return true
		}
	case KindScheme:
		if _, cred, ok := splitScheme(v); ok {
			return IsPseudonym(cred)
		}
	}
	return IsPseudonym(v)
}

// Value returns what replaces the secret value v (unescaped) of kind: the
// mask, or its keyed pseudonyms.
func (r *Redactor) Value(v string, kind Kind) string {
	if r.keyed == nil {
		return record.Redacted
	}
	return string(r.keyed.appendValue(make([]byte, 0, PseudonymLen+8), v, kind))
}

// Needle is a piece of a secret value to be replaced wherever it stands in
// a record's other strings, and its replacement.
type Needle struct{ Find, Repl string }

// AppendSecrets appends the secrets of the value v of kind: each cookie's
// value, a scheme's credential, else v whole; never an empty one.
func AppendSecrets(dst []string, v string, kind Kind) []string {
	n := len(dst)
	switch kind {
	case KindCookies:
		if strings.IndexByte(v, '=') >= 0 {
			for rest := v; rest != ""; {
				var secret string
				if secret, rest = cutCookie(rest); secret != "" {
					dst = append(dst, secret)
				}
			}
		}
	case KindScheme:
		if _, cred, ok := splitScheme(v); ok {
			dst = append(dst, cred)
		}
	}
	if len(dst) == n && v != "" {
		dst = append(dst, v)
	}
	return dst
}

// Needles appends the pieces of the secret value v of kind, written raw in
// its text, that are looked for in a record's other strings, each at least
// minLen bytes: its words, raw and unescaped (a value split into columns
// by a format is still a secret), and a cookie's values alone (a format
// may read "sid=x" as a pair of its own). Under the mask each is replaced
// by the mask. With keyed pseudonyms the raw value comes first, replaced
// as the value is (a copy of the same escaped text elsewhere); then the
// secrets of the value (the whole value, each cookie's value, a scheme's
// credential) with their pseudonyms, then the words with theirs: a copy of
// the value gets the value's pseudonym, and a word split off it no clear
// text.
func (r *Redactor) Needles(dst []Needle, raw, v string, kind Kind, minLen int) []Needle {
	if r.keyed == nil {
		mask := func(string) string { return record.Redacted }
		dst = appendWords(dst, raw, kind, minLen, mask)
		if raw != v {
			dst = appendWords(dst, v, kind, minLen, mask)
		}
		return dst
	}
	if raw != v && len(raw) >= minLen {
		dst = appendNeedle(dst, Needle{raw, string(r.keyed.appendValue(nil, v, kind))})
	}
	units := AppendSecrets(nil, v, kind)
	for _, u := range units {
		if len(u) >= minLen {
			dst = appendNeedle(dst, Needle{u, string(r.keyed.appendPseudonym(nil, u))})
		}
	}
	pseudo := func(w string) string { return string(r.keyed.appendPseudonym(nil, w)) }
	for _, u := range units {
		dst = appendWords(dst, u, KindWhole, minLen, pseudo)
	}
	if raw != v {
		dst = appendWords(dst, raw, kind, minLen, pseudo)
	}
	return dst
}

// appendWords appends v's words with their replacements; of a cookie's
// "name=value" words, the value alone too.
func appendWords(dst []Needle, v string, kind Kind, minLen int, repl func(string) string) []Needle {
	if _, cred, ok := splitScheme(v); ok && kind == KindScheme {
		v = cred // a scheme's name is no secret: "Basic" would be masked in every string
	}
	for _, w := range strings.FieldsFunc(v, IsValueSep) {
		if len(w) >= minLen {
			dst = appendNeedle(dst, Needle{w, repl(w)})
		}
		if i := strings.IndexByte(w, '='); kind == KindCookies && i > 0 && len(w)-i-1 >= minLen {
			dst = appendNeedle(dst, Needle{w[i+1:], repl(w[i+1:])})
		}
	}
	return dst
}

// appendNeedle adds n unless a needle finds the same text, or n's text is
// redacted already (the mask, or holds a pseudonym).
func appendNeedle(dst []Needle, n Needle) []Needle {
	if n.Find == "" || n.Find == record.Redacted || hasPseudonym(n.Find) {
		return dst
	}
	for _, d := range dst {
		if d.Find == n.Find {
			return dst
		}
	}
	return append(dst, n)
}

// IsValueSep reports the bytes that split a secret value into the words a
// format may have split it into.
func IsValueSep(c rune) bool {
	return c == ' ' || c == ';' || c == ',' || c == '\t' || c == '"' || c == '\'' || c == '\\'
}

// ReplaceNeedles replaces every needle in v in one pass, leftmost first and
// at one place the longest, so no replacement is searched again. Without
// one it returns v itself.
func ReplaceNeedles(v string, ns []Needle) string {
	first := -1
	for k := range ns {
		if strings.Contains(v, ns[k].Find) {
			first = k
			break
		}
	}
	if first < 0 {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	var next [16]int // per needle, where it is next found (-1: nowhere); more needles are searched each time
	for k := range ns {
		if k < len(next) {
			next[k] = strings.Index(v, ns[k].Find)
		}
	}
	i := 0
	for {
		best, at := -1, len(v)
		for k := range ns {
			var j int
			if k < len(next) {
				if next[k] >= 0 && next[k] < i {
					if n := strings.Index(v[i:], ns[k].Find); n >= 0 {
						next[k] = i + n
					} else {
						next[k] = -1
					}
				}
				j = next[k]
			} else if n := strings.Index(v[i:], ns[k].Find); n >= 0 {
				j = i + n
			} else {
				j = -1
			}
			if j >= 0 && (j < at || j == at && len(ns[k].Find) > len(ns[best].Find)) {
				best, at = k, j
			}
		}
		if best < 0 {
			b.WriteString(v[i:])
			return b.String()
		}
		if p := pseudonymAround(v, at, at+len(ns[best].Find)); p >= 0 {
			// Inside a pseudonym already written ("87b" in
			// "hmac:487b9670f8ca8876"): its hex is no secret's text.
			b.WriteString(v[i : p+PseudonymLen])
			i = p + PseudonymLen
			continue
		}
		b.WriteString(v[i:at])
		b.WriteString(ns[best].Repl)
		i = at + len(ns[best].Find)
	}
}

// pseudonymAround returns where the pseudonym of v that overlaps v[start:end]
// starts, or -1.
func pseudonymAround(v string, start, end int) int {
	for p := max(start-PseudonymLen+1, 0); p < end && p+PseudonymLen <= len(v); p++ {
		if v[p] == PseudonymPrefix[0] && IsPseudonym(v[p:p+PseudonymLen]) {
			return p
		}
	}
	return -1
}
