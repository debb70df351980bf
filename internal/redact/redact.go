// Package redact finds secrets in text: values under secret names (HTTP
// headers such as cookie and authorization, keys containing password or
// secret) in any quoting form, and bearer tokens. It returns spans; the
// record builder replaces them. It knows no product.
package redact

import (
	"cmp"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"

	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// SecretHeaders are the HTTP headers whose values are secrets (contract).
var SecretHeaders = []string{"cookie", "set-cookie", "authorization", "x-access-token", "proxy-authorization"}

// SecretKeyParts: a field whose name contains one of these is a secret.
var SecretKeyParts = []string{"password", "secret"}

// Redactor decides which fields are secrets, and what replaces their
// values.
type Redactor struct {
	on      bool     // off: nothing is a secret (debugging only)
	headers []string // lower case, compared whole
	parts   []string // lower case, compared as substrings
	anchors []anchor // for mentions: the rarest letter of each name

	minMention int // MinMention

	// findWords's tables: each letter anchor in every byte of a word;
	// everyByte, an anchor is not a letter (a name a user added); the
	// anchor (index+1) of a byte, both cases of a letter.
	pats      []uint64
	pat4      [4]uint64 // pats, padded with the first, when there are at most 4 (fast4)
	fast4     bool
	everyByte bool
	anchorOf  [256]uint8
	// next: the anchors' next sets in one table for findWords, bit i of
	// next[c] set when c may follow anchor i's letter (every c for an
	// anchor that ends a name, and past 15 anchors).
	next [256]uint16

	keyed *keyed // keyed pseudonyms (NewKeyed); nil: the mask
}

// anchor is a letter that every mention of some secret names holds; memchr
// finds it far faster than any scan for the names themselves.
type anchor struct {
	c     byte // lower case
	names []anchoredName
	// The bytes that may stand after (next) and before (prev) the anchor
	// letter in a mention of one of its names: the neighbour names checks
	// first, looked up before the call (most hits of a common letter are
	// no mention). any: a name has no such neighbour, every hit is looked at.
	next, prev [4]uint64
	any        bool
}

// cannot reports whether no name of a can stand at its letter s[k]: the
// neighbour names compares first fits none of them (names would find
// nothing there).
func (a *anchor) cannot(s string, k int) bool {
	if a.any {
		return false
	}
	if k+1 < len(s) && a.next[s[k+1]>>6]&(1<<(s[k+1]&63)) != 0 {
		return false
	}
	return k == 0 || a.prev[s[k-1]>>6]&(1<<(s[k-1]&63)) == 0
}

type anchoredName struct {
	name   string
	at     int  // offset of the anchor letter in name
	header bool // a header: its unquoted value runs to the end of the line
	adj    int  // offset of a neighbour of the anchor, checked before the whole name
	kind   Kind // what its value is made of
}

// rarity orders letters from rare to common in log text; a name is anchored
// on its rarest letter.
const rarity = "zqjxkvwbyfgpmhudlcnrsitoae"

// anchorSlack: how much commoner (places in rarity) than a name's rarest
// letter an anchor letter it shares with another name may be.
const anchorSlack = 2

func New(headers, parts []string, on bool) Redactor {
	r := Redactor{on: on}
	for _, h := range append(append([]string(nil), SecretHeaders...), headers...) {
		r.headers = append(r.headers, strings.ReplaceAll(strings.ToLower(h), "_", "-"))
	}
	for _, k := range append(append([]string(nil), SecretKeyParts...), parts...) {
		r.parts = append(r.parts, strings.ReplaceAll(strings.ToLower(k), "_", "-"))
	}
	for h, names := range [][]string{r.headers, r.parts} {
		for _, n := range names {
			at, rank := -1, len(rarity)+1
			for i := 0; i < len(n); i++ {
				k := strings.IndexByte(rarity, n[i])
				if k < 0 {
					if n[i] == '-' {
						continue // folded with '_': not one byte
					}
					k = -1 // digits and the like: rarer than any letter
				}
				if k < rank {
					at, rank = i, k
				}
			}
			if at < 0 {
				continue
			}
			// A letter that is already an anchor, and nearly as rare, is
			// taken instead: each anchor is two passes over every text
			// ("x-access-token" shares cookie's 'k').
			for i := 0; i < len(n); i++ {
				k := strings.IndexByte(rarity, n[i])
				if k >= 0 && k <= rank+anchorSlack && slices.ContainsFunc(r.anchors, func(a anchor) bool { return a.c == n[i] }) {
					at = i
					break
				}
			}
			i := slices.IndexFunc(r.anchors, func(a anchor) bool { return a.c == n[at] })
			if i < 0 {
				r.anchors = append(r.anchors, anchor{c: n[at]})
				i = len(r.anchors) - 1
			}
			adj := at + 1
			if adj == len(n) {
				adj = at - 1
			}
			r.anchors[i].names = append(r.anchors[i].names, anchoredName{n, at, h == 0, adj, KindOf(n)})
		}
	}
	for i := range r.anchors {
		a := &r.anchors[i]
		for _, n := range a.names {
			set := &a.next
			switch n.adj {
			case n.at + 1:
			case n.at - 1:
				set = &a.prev
			default:
				a.any = true
			}
			if n.adj < 0 || n.adj >= len(n.name) {
				a.any = true
				continue
			}
			for c := 0; c < 256; c++ {
				if foldDash(byte(c)) == n.name[n.adj] {
					set[c>>6] |= 1 << (c & 63)
				}
			}
		}
	}
	r.minMention = r.computeMinMention()
	for i, a := range r.anchors {
		r.anchorOf[a.c] = uint8(i + 1)
		if a.c >= 'a' && a.c <= 'z' {
			r.anchorOf[a.c-'a'+'A'] = uint8(i + 1)
			r.pats = append(r.pats, uint64(a.c)*0x0101010101010101)
		} else {
			r.everyByte = true
		}
	}
	// findWords's table of the anchors' next sets; an anchor with a name
	// it ends (a prev set) or no set at all lets every byte through.
	for i, a := range r.anchors {
		bit := uint16(1) << min(i, 15)
		open := i >= 15 || a.any || a.prev != [4]uint64{}
		for c := range r.next {
			if open || a.next[c>>6]&(1<<(c&63)) != 0 {
				r.next[c] |= bit
			}
		}
	}
	if r.fast4 = len(r.pats) > 0 && len(r.pats) <= 4 && !r.everyByte; r.fast4 {
		for i := range r.pat4 {
			r.pat4[i] = r.pats[min(i, len(r.pats)-1)]
		}
	}
	return r
}

// isSecret reports whether the field named name holds a secret. name is the
// raw field name (any case; "_" and "-" are treated alike for headers).
func (r *Redactor) IsSecret(name string) bool {
	if !r.on || len(name) == 0 {
		return false
	}
	for _, h := range r.headers {
		if scan.EqualFoldDash(name, h) {
			return true
		}
	}
	for _, part := range r.parts {
		if scan.ContainsFold(name, part) {
			return true
		}
	}
	return false
}

// Span is a byte range of the record's text that holds a secret value.
// Quote: the range is a JSON value that is not a string, so its
// replacement is quoted to keep the JSON valid. Kind says what the value
// is made of, Form how the text writes it (so that its pseudonym is the
// unescaped value's: Value, when the reader of the text knew it).
type Span struct {
	Start, End int
	Value      string // the value unescaped, with FormKnown
	Quote      bool
	Kind       Kind // KindCookies: a cookie's value, name=value pairs, each value a secret
	Form       Form
}

// MayHoldBearer reports whether s holds "bearer " in any case: one memchr
// pass per case of the rare first letter ("earer" would stop at every 'e').
func MayHoldBearer(s string) bool { return indexBearer(s, 0) >= 0 }

// IndexBearer returns the offset of the first "bearer " in any case in
// s[from:], or -1: every value Bearer finds a token in holds one.
func IndexBearer(s string, from int) int { return indexBearer(s, from) }

// MayMention reports whether s may hold a secret Find would find: a name's
// value follows ':' or '=' (or their URL encodings, '%') or is a command
// line option's (a word that starts with '-'), a bearer token "bearer ".
// One pass over s rules out most strings (a table's constant
// text) without Find's passes per anchor.
func MayMention(s string) bool {
	// Eight bytes at a time: constant texts of a few dozen bytes are the
	// common case, and a byte loop was most of their cost.
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	has := func(w, c uint64) bool { x := w ^ (c * lo); return (x-lo)&^x&hi != 0 }
	bearer, dash := false, false
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		if has(w, ':') || has(w, '=') || has(w, '%') {
			return true
		}
		bearer = bearer || has(w, 'b') || has(w, 'B')
		dash = dash || has(w, '-')
	}
	for ; i < len(s); i++ {
		switch s[i] {
		case ':', '=', '%':
			return true
		case 'b', 'B':
			bearer = true
		case '-':
			dash = true
		}
	}
	return bearer && MayHoldBearer(s) || dash && mayOption(s)
}

// mayOption reports whether s may hold a command line's option with a
// value (optionValue): a '-' that starts a word, and a space after it.
func mayOption(s string) bool {
	last := strings.LastIndexByte(s, ' ') // a value needs a space after its option
	for i := strings.IndexByte(s, '-'); i >= 0 && i < last; {
		if i == 0 || optionBefore(s[i-1]) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '-')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// Bearer finds "Bearer <token>" in free text and returns the token's
// range, for values that are not under a secret key.
func Bearer(s string) (start, end int, ok bool) {
	// The cheap case-sensitive test first: it runs on every value.
	for from := 0; ; {
		i := indexBearer(s, from)
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
		if end > start && !(s[start:end] == "hmac" && IsPseudonym(s[start:min(start+PseudonymLen, len(s))])) {
			return start, end, true
		}
		// No token, or a pseudonym already (its ':' is no token byte).
		from = start
		if end == start {
			return 0, 0, false
		}
	}
}

// indexBearer returns the offset of the first "bearer " in any case in
// s[from:], or -1: a memchr pass per case of the rare 'b' ("earer " would
// stop at every 'e', strings.Index's first byte).
func indexBearer(s string, from int) int {
	first := -1
	for _, c := range [2]byte{'b', 'B'} {
		for i := from; ; {
			k := strings.IndexByte(s[i:], c)
			if k < 0 {
				break
			}
			k += i
			if k+len("bearer ") > len(s) || first >= 0 && k > first {
				break
			}
			if s[k+6] == ' ' && strings.EqualFold(s[k+1:k+6], "earer") {
				first = k
				break
			}
			i = k + 1
		}
	}
	return first
}

func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' || c == '='
}

// Find appends to dst the spans, shifted by base, of the secret values in
// s. Each anchor letter, in each case, is a pass (findRef in the tests is
// the plain oracle): a mention inside the value of the one its pass found
// before is skipped (a run of names, or a long key, is read once), but for
// a header's value, whose names are searched too, at most maxNested times
// per pass. Bearer tokens too when bearer is set.
func (r *Redactor) Find(s string, base int, dst []Span, bearer bool) []Span {
	if !r.on {
		return dst
	}
	if len(s) < findWordsBelow {
		var at int
		if dst, at = r.findWords(s, base, dst, bearer); at < 0 {
			bearer = false // the same pass saw no "bearer "
		}
	} else {
		dst = r.findBytes(s, base, dst)
	}
	for from := 0; bearer && from < len(s); {
		b0, b1, ok := Bearer(s[from:])
		if !ok {
			break
		}
		dst = append(dst, Span{Start: base + from + b0, End: base + from + b1})
		from += b1
	}
	return dst
}

// findWordsBelow: texts shorter than this are read word by word
// (findWords), longer ones by a memchr per anchor and case (findBytes).
// A memchr's fixed cost, paid by every pass, is most of a short text's
// search; on a long one the vector scan wins (BenchmarkFindPaths measures
// both). Measured on the testdata's lines, interleaved in one process, after
// the neighbour filter (anchor.cannot): words cost 0.25-0.5 of bytes below 128
// bytes, 0.7-0.8 up to 256, 0.86 up to 384, the same above.
const findWordsBelow = 384

// findBytes is Find's passes one after the other, a memchr each.
func (r *Redactor) findBytes(s string, base int, dst []Span) []Span {
	for ai := range r.anchors {
		a := &r.anchors[ai]
		cs := [2]byte{a.c, a.c}
		if a.c >= 'a' && a.c <= 'z' {
			cs[1] = a.c - 'a' + 'A'
		}
		for k, c := range cs {
			if k == 1 && c == cs[0] {
				break
			}
			nested := 0
			for from := 0; from < len(s); {
				i := strings.IndexByte(s[from:], c)
				if i < 0 {
					break
				}
				i += from
				if a.cannot(s, i) {
					from = i + 1
					continue
				}
				var next int
				dst, next = r.names(s, i, base, dst, a, &nested)
				from = max(i+1, next)
			}
		}
	}
	return dst
}

// findWords is Find's passes as one: eight bytes at a time, folded to
// lower case, tested for every letter anchor at once (folding with 0x20 is
// exact for letters; an anchor that is not one has every byte looked at).
func (r *Redactor) findWords(s string, base int, dst []Span, bearer bool) ([]Span, int) {
	const lo, hi, fold = 0x0101010101010101, 0x8080808080808080, 0x2020202020202020
	var st findState
	st.base = base
	if n := 2 * len(r.anchors); n > len(st.fixed) {
		st.from, st.nested = make([]int, n), make([]int, n)
	} else {
		st.from, st.nested = st.fixed[:n], st.fixedNested[:n]
	}
	// The same pass looks for "bearer " ('b', either case) when asked: a
	// pattern of zero bytes matches no folded byte.
	var pb uint64
	if bearer {
		pb = 'b' * lo
	}
	at := -1 // the first "bearer "
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64([]byte(s[i:i+8])) | fold
		xb := w ^ pb
		m := (xb - lo) &^ xb
		if r.fast4 {
			x0, x1, x2, x3 := w^r.pat4[0], w^r.pat4[1], w^r.pat4[2], w^r.pat4[3]
			m |= (x0-lo)&^x0 | (x1-lo)&^x1 | (x2-lo)&^x2 | (x3-lo)&^x3
		} else {
			if r.everyByte {
				m = hi
			}
			for _, p := range r.pats {
				x := w ^ p
				m |= (x - lo) &^ x
			}
		}
		for m &= hi; m != 0; m &= m - 1 {
			// A borrow may mark the byte after a match: each is looked up.
			k := i + bits.TrailingZeros64(m)>>3
			// Most marked bytes are a common anchor letter with no name
			// after it: told by one lookup, without wordHit's call (which
			// looks at the byte before, anchor.cannot).
			if a := r.anchorOf[s[k]]; !(a != 0 && (k+1 == len(s) || r.next[s[k+1]]&(1<<min(a-1, 15)) != 0) ||
				bearer && at < 0 && s[k]|0x20 == 'b') {
				continue
			}
			dst, at = r.wordHit(s, k, dst, &st, bearer, at)
		}
	}
	for ; i < len(s); i++ {
		dst, at = r.wordHit(s, i, dst, &st, bearer, at)
	}
	return dst, at
}

// wordHit looks at s[k], a byte findWords's test marked: a mention of a
// secret name, or the first "bearer " (at, when asked and not yet found).
func (r *Redactor) wordHit(s string, k int, dst []Span, st *findState, bearer bool, at int) ([]Span, int) {
	c := s[k]
	if bearer && at < 0 && c|0x20 == 'b' && k+len("bearer ") <= len(s) && s[k+6] == ' ' && strings.EqualFold(s[k+1:k+6], "earer") {
		at = k
	}
	if a := r.anchorOf[c]; a != 0 && !r.anchors[a-1].cannot(s, k) {
		dst = r.mention(s, k, int(a-1), dst, st)
	}
	return dst, at
}

// findState is findWords's passes: where each reads on, and how many
// header values it searched inside.
type findState struct {
	base               int
	from, nested       []int
	fixed, fixedNested [16]int
}

// mention reads a mention whose anchor letter, anchor ai's, is s[i], in
// the pass of its anchor and case.
func (r *Redactor) mention(s string, i, ai int, dst []Span, st *findState) []Span {
	pass := 2 * ai
	if c := s[i]; c >= 'A' && c <= 'Z' {
		pass++
	}
	if i < st.from[pass] {
		return dst
	}
	var next int
	dst, next = r.names(s, i, st.base, dst, &r.anchors[ai], &st.nested[pass])
	st.from[pass] = max(i+1, next)
	return dst
}

// names checks a's names at its anchor letter s[i] and appends the value
// of the first one there; next is where the pass reads on.
func (r *Redactor) names(s string, i, base int, dst []Span, a *anchor, nested *int) ([]Span, int) {
	for _, n := range a.names {
		j := i - n.at
		if j < 0 || j+len(n.name) > len(s) || foldDash(s[j+n.adj]) != n.name[n.adj] ||
			scan.IndexFoldDash(s[j:j+len(n.name)], n.name) != 0 {
			continue
		}
		v0, v1, next, form, ok := secretValue(s, j+len(n.name), n.header)
		if !ok {
			// A command line's option: "--db-password VALUE", "--cookie VALUE".
			// When it is none, the search goes on where secretValue stopped
			// (past the rest of the key: a long run of names is read once).
			if o0, o1, onext, oform, isOpt := optionValue(s, j, j+len(n.name)); isOpt {
				v0, v1, next, form, ok = o0, o1, onext, oform, true
			}
		}
		if ok {
			dst = append(dst, Span{Start: base + v0, End: base + v1, Kind: n.kind, Form: form})
			if n.header && *nested < maxNested {
				// A header's value may run on over later pairs: names
				// inside it are searched too (a bounded number of times:
				// "cookie: cookie: …" must not cost the square of its
				// length).
				*nested++
				return dst, v0
			}
		}
		return dst, next
	}
	return dst, 0
}

// maxNested bounds how many header values per pass are searched for the
// names inside them.
const maxNested = 16

// Replace appends s to b with every Span replaced: by the mask, or by the
// keyed pseudonyms of its value. Spans that overlap or touch are one
// replacement (but for a quoted one, which stands alone), so the text does
// not depend on how a secret's spans were found. It sorts spans.
func (r *Redactor) Replace(b []byte, s string, sp []Span) []byte {
	SortSpans(sp)
	last := 0
	for i := 0; i < len(sp); {
		x, next := group(s, sp, i)
		i = next
		if x.End > len(s) {
			continue
		}
		b = append(b, s[last:x.Start]...)
		b = r.appendSpan(b, s, x)
		last = x.End
	}
	return append(b, s[last:]...)
}

// group returns the replacement that starts at sp[i] (sorted), and the
// index after the spans it takes: the span, grown by every later one that
// overlaps it or, neither quoted, touches it. A grown span keeps the first
// one's value. A span past the end of s is returned alone, to be skipped.
func group(s string, sp []Span, i int) (Span, int) {
	x := sp[i]
	if x.End > len(s) {
		return x, i + 1
	}
	end := x.End
	j := i + 1
	for ; j < len(sp); j++ {
		y := sp[j]
		if y.End > len(s) {
			continue
		}
		if !(y.Start < end || y.Start == end && !y.Quote && !x.Quote) {
			break
		}
		end = max(end, y.End)
	}
	if end != x.End {
		// The first span's value stands for the whole: its pseudonym is the
		// one its attribute has (a format's value inside a search's longer
		// one, "'p4\'ss', user = x").
		if x.Form != FormKnown {
			x.Value, x.Form = SpanValue(s, x), FormKnown
		}
		x.End = end
	}
	return x, j
}

// SortSpans orders spans as Replace reads them: by start; at one start the
// quoted replacement first (it keeps JSON valid), then a value the reader
// knew, then the longest, so the same spans always give the same text.
// (slices.SortFunc: sort.Slice allocated twice per record.)
func SortSpans(sp []Span) {
	if len(sp) <= 12 {
		// What slices.SortFunc does with so few (its insertion sort, up
		// to 12: the same order), without a call through the comparison
		// per step.
		for i := 1; i < len(sp); i++ {
			for j := i; j > 0 && compareSpans(&sp[j], &sp[j-1]) < 0; j-- {
				sp[j], sp[j-1] = sp[j-1], sp[j]
			}
		}
		return
	}
	slices.SortFunc(sp, func(x, y Span) int { return compareSpans(&x, &y) })
}

// compareSpans is SortSpans's order.
func compareSpans(x, y *Span) int {
	if x.Start != y.Start {
		return cmp.Compare(x.Start, y.Start)
	}
	if x.Quote != y.Quote {
		if x.Quote {
			return -1
		}
		return 1
	}
	if (x.Form == FormKnown) != (y.Form == FormKnown) {
		if x.Form == FormKnown {
			return -1
		}
		return 1
	}
	return cmp.Compare(y.End, x.End)
}

// appendSpan appends the replacement of the span x of s.
func (r *Redactor) appendSpan(b []byte, s string, x Span) []byte {
	if x.Quote {
		b = append(b, '"')
	}
	if r.keyed == nil {
		b = append(b, record.Redacted...)
	} else {
		b = r.keyed.appendValue(b, SpanValue(s, x), x.Kind)
	}
	if x.Quote {
		b = append(b, '"')
	}
	return b
}

// MapOffset maps an offset of s to the text Replace makes of it (sp sorted,
// as Replace leaves them); an offset inside a replaced span maps to its
// replacement's start.
func (r *Redactor) MapOffset(s string, sp []Span, off int) int {
	shift := 0
	var scratch [64]byte
	for i := 0; i < len(sp); {
		x, next := group(s, sp, i)
		i = next
		if x.End > len(s) {
			continue
		}
		if off < x.End {
			if off >= x.Start {
				off = x.Start
			}
			break
		}
		shift += len(r.appendSpan(scratch[:0], s, x)) - (x.End - x.Start)
	}
	return off + shift
}

// secretValue reads what follows a secret name at s[i:]: the rest of the
// key, its closing quote, a separator and the value, and returns the value's
// range and where the scan stopped (the next search starts there, so a run
// of names is read once). The quotes may be plain (" or '), JSON-escaped
// once or more (\" \\\"), or URL-encoded (%22); the separator ':' or '='
// or URL-encoded (%3A, %3D), with spaces around it. A quoted value runs to
// the same quote; an unquoted one to a separator, or for a header (cookie,
// authorization: values with spaces and ';') to the end of the line.
func secretValue(s string, i int, header bool) (v0, v1, next int, form Form, ok bool) {
	// The name may run on inside a longer key ("db_password_hash").
	for i < len(s) && scan.IsKeyChar(s[i]) {
		i++
	}
	i, _ = skipQuote(s, i)
	for i < len(s) && s[i] == ' ' {
		i++
	}
	switch {
	case i < len(s) && (s[i] == ':' || s[i] == '='):
		i++
	case i+3 <= len(s) && s[i] == '%' && s[i+1] == '3' && (scan.Lower(s[i+2]) == 'a' || scan.Lower(s[i+2]) == 'd'):
		i += 3
	default:
		return 0, 0, i, 0, false
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	q0 := i
	i, quoted := skipQuote(s, i)
	if quoted {
		end := closeQuote(s, i, s[q0:i])
		return i, end, end, quoteForm(s[q0:i]), end > i
	}
	if i < len(s) && (s[i] == '{' || s[i] == '[') {
		return 0, 0, i, 0, false // a structure: its members have names of their own
	}
	j := i
	for j < len(s) && !valueEnd(s[j], header) && !(header && s[j] == '#' && lineEscape(s[j:])) {
		j++
	}
	if s[i:j] == "null" {
		return 0, 0, j, 0, false
	}
	if header {
		j = credentialEnd(s, i, j)
	}
	return i, j, j, FormBare, j > i
}

// credentialEnd returns where a header's unquoted value s[i:j] ends. A
// Basic or Bearer credential is one token68 word (RFC 7617, RFC 6750):
// "authorization: Bearer t; comment = …" kept as a value in a key = value
// line holds more pairs after it. Another scheme's parameters are quoted
// ("Digest username=\"bob\", response=\"…\""): its value runs on over
// them (paramsEnd). Else the value ends at j (a cookie's pairs, a
// credential without its scheme).
func credentialEnd(s string, i, j int) int {
	k := i
	for k < j && s[k] != ' ' {
		k++
	}
	if !strings.EqualFold(s[i:k], "bearer") && !strings.EqualFold(s[i:k], "basic") {
		if k == j || !IsScheme(s[i:k]) {
			return j
		}
		return paramsEnd(s, k)
	}
	for k < j && s[k] == ' ' {
		k++
	}
	e := k
	for e < j && s[e] != ' ' && s[e] != '\t' && s[e] != ';' && s[e] != ',' {
		e++
	}
	if e == k {
		return j
	}
	return e
}

// optionValue reads a command line's option whose name holds a secret
// name at s[start:end] ("mysql --password VALUE", "keytool -storepass …" is
// not one: the name must be in it): the option word starts with '-' after
// a space, a quote, '=' or the start of s, and its value is the next word,
// after spaces, unless that is another option. It returns what secretValue
// does.
func optionValue(s string, start, end int) (v0, v1, next int, form Form, ok bool) {
	// The option's word starts at most maxOption bytes before the name: a
	// long run of key characters (a hostile text of names) is no option,
	// and each mention in it must not read back over the whole run.
	w := start
	for w > 0 && start-w < maxOption && scan.IsKeyChar(s[w-1]) {
		w--
	}
	if s[w] != '-' || w > 0 && !optionBefore(s[w-1]) {
		return 0, 0, end, 0, false
	}
	i := end
	for i < len(s) && scan.IsKeyChar(s[i]) {
		i++
	}
	if i == len(s) || s[i] != ' ' && s[i] != '\t' {
		return 0, 0, i, 0, false
	}
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i == len(s) || s[i] == '-' {
		return 0, 0, i, 0, false // no value: the next option follows
	}
	q0 := i
	i, quoted := skipQuote(s, i)
	if quoted {
		e := closeQuote(s, i, s[q0:i])
		return i, e, e, quoteForm(s[q0:i]), e > i
	}
	j := i
	for j < len(s) && s[j] != '\t' && !valueEnd(s[j], false) {
		j++
	}
	return i, j, j, FormBare, j > i
}

// maxOption bounds how far before a secret name its option's word may
// start ("--vault-db-password"'s dashes are 11 bytes before "password").
const maxOption = 48

// optionBefore reports whether c may stand before a command line's option.
func optionBefore(c byte) bool {
	return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '=' || c == '('
}

// quoteForm is the Form of a value opened by the quote q (as skipQuote
// read it): a double quote after n backslashes opens a JSON string n+1
// levels deep in strings (a record kept as a string, escaped once per
// level); a single quote, PassMan's quoting; %22 or %27, URL encoding.
func quoteForm(q string) Form {
	if q[0] == '%' {
		return FormURL
	}
	bs := len(q) - 1
	if q[bs] == '\'' && bs == 0 {
		return FormSingle
	}
	return FormJSON + Form(min(bits.Len(uint(bs)), int(^Form(0)-FormJSON)))
}

// skipQuote skips one quote at s[i:]: " or ', after any run of backslashes,
// or %22 or %27.
func skipQuote(s string, i int) (int, bool) {
	j := i
	for j < len(s) && s[j] == '\\' {
		j++
	}
	if j < len(s) && (s[j] == '"' || s[j] == '\'') {
		return j + 1, true
	}
	if i+3 <= len(s) && s[i] == '%' && s[i+1] == '2' && (s[i+2] == '2' || s[i+2] == '7') {
		return i + 3, true
	}
	return i, false
}

// closeQuote returns where the value opened by quote q (as skipQuote read
// it) ends: at the same quote with the same escaping, or at the end.
func closeQuote(s string, i int, q string) int {
	if q[0] == '%' {
		for j := i; j+3 <= len(s); j++ {
			if s[j] == '%' && s[j+1] == q[1] && s[j+2] == q[2] {
				return j
			}
		}
		return len(s)
	}
	bs := len(q) - 1 // backslashes before the quote
	c := q[bs]
	for j := i; j < len(s); j++ {
		if s[j] != c {
			continue
		}
		n := 0
		for k := j - 1; k >= i && s[k] == '\\'; k-- {
			n++
		}
		if n == bs || bs == 0 && n%2 == 0 {
			return j - bs
		}
	}
	return len(s)
}

// paramsEnd returns where a scheme's parameters from s[i] end: at the end
// of the line, or at a quote that opens no parameter's value (the end of
// the string the header stands in). A parameter's quoted value, in any
// escaping, is skipped to its closing quote; a quote after '=' that none
// closes, or escaped unlike the first parameter's, ends them.
func paramsEnd(s string, i int) int {
	pq := "" // the first parameter's quote, as escaped: the others' too
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n' || c == '\r' || lineEscape(s[i:]):
			return i
		case c == '=':
			q0 := i + 1
			if v, quoted := skipQuote(s, q0); quoted {
				if pq == "" {
					pq = s[q0:v]
				}
				e := closeQuote(s, v, s[q0:v])
				if e == len(s) || s[q0:v] != pq {
					// The quote of the string the header stands in
					// ("…dXNlcg=\"}", "…=\\\",\\\"next\\\":…").
					return q0
				}
				i = e + v - q0 - 1
			}
		case c == '"' || c == '\'' || c == '\\':
			return i
		}
	}
	return len(s)
}

// lineEscape reports whether s starts with rsyslog's escape of a line
// break ("#012", "#015"): it ends a header's value as the line break does,
// in a text whose escapes were not decoded (a syslog line kept as a JSON
// record's message), else the value would run on over the lines after it.
// A token or cookie value holds no such run.
func lineEscape(s string) bool {
	return len(s) >= 4 && s[0] == '#' && s[1] == '0' && s[2] == '1' && (s[3] == '2' || s[3] == '5')
}

// valueEnd reports whether c ends an unquoted secret value.
func valueEnd(c byte, header bool) bool {
	switch c {
	case '\n', '\r', '"', '\\', '&', ',', '}', '\'':
		// A quote ends a header's value too: one inside a quoted value
		// ("comment='Cookie: sid=x' next=…") would run on over the pairs
		// after it.
		return true
	case ' ', ';':
		return !header
	}
	return false
}

// foldDash is the byte as IndexFoldDash compares it.
func foldDash(c byte) byte {
	if c == '_' {
		return '-'
	}
	return scan.Lower(c)
}

// MinMention is the length of the shortest text Find can find a secret in:
// a name, a separator and one byte of value ("bearer x").
func (r *Redactor) MinMention() int { return r.minMention }

func (r *Redactor) computeMinMention() int {
	n := len("bearer ")
	for _, a := range r.anchors {
		for _, m := range a.names {
			n = min(n, len(m.name)+1)
		}
	}
	return n + 1
}

// Enabled reports whether redaction is on.
func (r *Redactor) Enabled() bool { return r.on }
