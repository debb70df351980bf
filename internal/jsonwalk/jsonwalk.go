// Package jsonwalk is a forgiving JSON walker that flattens an object into
// leaves in one pass, product-agnostic.
package jsonwalk

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// A forgiving JSON walker that flattens an object into leaves (dotted raw
// path, typed value, and where the value stands in the text) in one pass. It
// never fails: it reads valid JSON exactly, recovers what it can from the
// mistakes real logs have (a missing or trailing comma, a cut-off end, a bare
// word, no-break spaces), and says whether it had to (Walker.Loose). Its
// verdict is checked against encoding/json by FuzzJSONWalker. A separate
// strict pass (json-iterator's validator) was measured first: it took a
// quarter of the parse time and allocated every key, so the walker decides.

// Leaf is one scalar or array of scalars.
type Leaf[P any] struct {
	Info   P           // what the caller knows of the leaf's path
	A      record.Attr // the value (Key unset)
	V0, V1 int         // the value in the text: inside the quotes for strings
	Str    bool        // the value was a JSON string
	Null   bool
}

// Walker flattens JSON objects into Leaves. It is reused from record to
// record (its slices keep their memory) and is not safe for concurrent use.
// P is what the caller knows of a path (its mapping rules): Info is asked
// once per leaf, with the raw dotted path, so the walker knows no product.
type Walker[P any] struct {
	Info      func(path []byte) P // required
	MaxDepth  int                 // deeper subtrees stay one string leaf of raw text, counted in Cut
	MaxLeaves int                 // leaves past it are counted in Cut, not kept

	Leaves []Leaf[P]
	Path   []byte // the path being read
	EOF    bool   // the text ended inside the object
	Loose  bool   // the text was not strict JSON: something was recovered
	Cut    int    // subtrees and leaves cut by the limits

	noEnd int // a search for a string's end from here found none (damagedEnd)
}

// Walk flattens the value at t[i] into w.Leaves and returns the offset
// after it.
func (w *Walker[P]) Walk(t string, i int) int {
	w.Leaves = w.Leaves[:0]
	w.Path = w.Path[:0]
	w.EOF = false
	w.Loose = false
	w.Cut = 0
	w.noEnd = len(t) + 1
	return w.value(t, i, 0, false)
}

// ws skips white space in the walker, noting no-break spaces as loose.
func (w *Walker[P]) ws(t string, i int) int {
	i, nbsp := scan.SkipSpace(t, i)
	if nbsp {
		w.Loose = true
	}
	return i
}

// value reads the value at t[i]; inArray says it is an array element (what
// may follow a string differs).
func (w *Walker[P]) value(t string, i, depth int, inArray bool) int {
	i = w.ws(t, i)
	if i >= len(t) {
		w.EOF = true
		return i
	}
	switch c := t[i]; {
	case c == '{' || c == '[':
		if depth >= w.MaxDepth {
			// Too deep: keep the subtree as its raw text.
			end := SkipBalanced(t, i)
			w.Cut++
			w.leaf(record.Attr{Kind: record.KindString, Str: t[i:end]}, i, end, false)
			return end
		}
		if c == '{' {
			return w.object(t, i, depth)
		}
		return w.array(t, i, depth)
	case c == '"':
		s0, s1, end, esc, ctl := str(t, i)
		// What follows the quote says whether it ends the value; the common
		// case, a comma then the next member on this line or the next, is
		// checked here without a call.
		common := end+1 < len(t) && t[end] == ',' && (t[end+1] == '"' || t[end+1] == '\n')
		damaged := false
		if !common && end <= len(t) && !valueEnds(t, end, inArray) {
			s1, end, esc = w.damagedEnd(t, s1, end, esc, inArray)
			damaged = true // s1 may have moved past what str looked at
		}
		if end > len(t) {
			w.EOF = true
		}
		v := t[s0:s1]
		if esc || ctl || damaged && hasControl(v) {
			var ok bool
			v, ok = Unescape(v)
			if !ok {
				w.Loose = true
			}
		}
		w.leaf(record.Attr{Kind: record.KindString, Str: v}, s0, s1, true)
		return min(end, len(t))
	case c == '}' || c == ']' || c == ',':
		w.Loose = true
		return i // a missing value: the caller reads the closer
	default:
		end := i
		for end < len(t) && !isJSONDelim(t[end]) {
			end++
		}
		if end == i {
			w.Loose = true
			return i + 1 // a stray ':'
		}
		word := t[i:end]
		switch word {
		case "true":
			w.leaf(record.Attr{Kind: record.KindBool, Bool: true}, i, end, false)
		case "false":
			w.leaf(record.Attr{Kind: record.KindBool, Bool: false}, i, end, false)
		case "null":
			if len(w.Leaves) < w.MaxLeaves {
				w.Leaves = append(w.Leaves, Leaf[P]{Info: w.Info(w.Path), Null: true})
			}
		default:
			if n, ok := smallInt(word); ok {
				w.leaf(record.Attr{Kind: record.KindInt, Int: n}, i, end, false)
			} else if n, err := strconv.ParseInt(word, 10, 64); err == nil && isJSONNumber(word) {
				w.leaf(record.Attr{Kind: record.KindInt, Int: n}, i, end, false)
			} else {
				if !isJSONNumber(word) {
					w.Loose = true // a bare word
				}
				w.leaf(record.Attr{Kind: record.KindString, Str: word}, i, end, false)
			}
		}
		return end
	}
}

func isJSONDelim(c byte) bool { return jsonDelims[c] }

// jsonDelims: the bytes that end a bare word, looked up at once (a chain of
// eleven compares per byte of every number).
var jsonDelims = [256]bool{',': true, '}': true, ']': true, ':': true, ' ': true, '\n': true, '\r': true, '\t': true, '"': true, '{': true, '[': true}

// smallInt reads a JSON integer of at most 18 digits (which cannot
// overflow), the common case of a number, without strconv's generality.
func smallInt(w string) (int64, bool) {
	d := w
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 18 || d[0] == '0' && len(d) > 1 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(d); i++ {
		c := d[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int64(c)
	}
	if len(d) < len(w) {
		n = -n
	}
	return n, true
}

// isJSONNumber checks JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(w string) bool {
	i := 0
	if i < len(w) && w[i] == '-' {
		i++
	}
	switch {
	case i < len(w) && w[i] == '0':
		i++
	case i < len(w) && w[i] >= '1' && w[i] <= '9':
		for i < len(w) && scan.IsDigit(w[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(w) && w[i] == '.' {
		if i = digitRun(w, i+1); i < 0 {
			return false
		}
	}
	if i < len(w) && (w[i] == 'e' || w[i] == 'E') {
		i++
		if i < len(w) && (w[i] == '+' || w[i] == '-') {
			i++
		}
		if i = digitRun(w, i); i < 0 {
			return false
		}
	}
	return i == len(w)
}

// digitRun returns the end of the digits at w[i:], or -1 when there are none.
func digitRun(w string, i int) int {
	d := i
	for i < len(w) && scan.IsDigit(w[i]) {
		i++
	}
	if i == d {
		return -1
	}
	return i
}

// hasControl reports a raw control character, which JSON strings may not hold.
func hasControl(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 {
			return true
		}
	}
	return false
}

func (w *Walker[P]) leaf(a record.Attr, v0, v1 int, str bool) {
	if len(w.Leaves) >= w.MaxLeaves {
		// Past what could ever be emitted: count it, keep it out of memory
		// (the original text keeps it).
		w.Cut++
		return
	}
	// Grown in place, not appended: a Leaf is a dozen words to copy.
	n := len(w.Leaves)
	if n < cap(w.Leaves) {
		w.Leaves = w.Leaves[:n+1]
	} else {
		w.Leaves = append(w.Leaves, Leaf[P]{})
	}
	l := &w.Leaves[n]
	l.Info, l.A, l.V0, l.V1, l.Str, l.Null = w.Info(w.Path), a, v0, v1, str, false
}

// maxArray bounds the elements kept of one array of scalars.
const maxArray = 1024

// jObject reads an object. It expects members separated by commas; anything
// else is recovered and marks the text loose.
func (w *Walker[P]) object(t string, i, depth int) int {
	i++
	plen := len(w.Path)
	afterMember, afterComma := false, false
	for {
		i = w.ws(t, i)
		if i >= len(t) {
			w.EOF = true
			w.Loose = true
			return i
		}
		switch t[i] {
		case '}':
			if afterComma {
				w.Loose = true // a trailing comma
			}
			return i + 1
		case ',':
			if !afterMember {
				w.Loose = true // a leading or doubled comma
			}
			afterMember, afterComma = false, true
			i++
			continue
		case ':', ']':
			w.Loose = true // a stray character
			i++
			continue
		}
		if afterMember {
			w.Loose = true // a missing comma
		}
		var key string
		if t[i] == '"' {
			k0, k1, end, esc, ctl := str(t, i)
			if end > len(t) {
				w.EOF = true
				w.Loose = true
				return len(t)
			}
			key, i = t[k0:k1], end
			if esc || ctl {
				k, ok := Unescape(key)
				if !ok {
					w.Loose = true
				}
				key = k
			}
		} else {
			w.Loose = true // a bare key
			end := i
			for end < len(t) && !isJSONDelim(t[end]) {
				end++
			}
			if end == i {
				i++
				continue
			}
			key, i = t[i:end], end
		}
		i = w.ws(t, i)
		if i < len(t) && t[i] == ':' {
			i++
		} else {
			w.Loose = true // a missing colon
		}
		if depth > 0 { // not the root: even an empty key makes a segment
			w.Path = append(w.Path, '.')
		}
		w.Path = append(w.Path, key...)
		// The common member, a plain string right after the colon and a
		// comma then the next member after it, is read here: value's call
		// and its checks were a tenth of the walk. Anything else is
		// value's, from the same place.
		if i < len(t) && t[i] == '"' {
			if s0, s1, end, esc, ctl := str(t, i); !esc && !ctl && end+1 < len(t) && t[end] == ',' && (t[end+1] == '"' || t[end+1] == '\n') {
				w.leaf(record.Attr{Kind: record.KindString, Str: t[s0:s1]}, s0, s1, true)
				w.Path = w.Path[:plen]
				i, afterMember, afterComma = end, true, false
				continue
			}
		}
		i = w.value(t, i, depth+1, false)
		w.Path = w.Path[:plen]
		afterMember, afterComma = true, false
	}
}

func (w *Walker[P]) array(t string, i, depth int) int {
	i0 := i
	i++
	plen := len(w.Path)
	start := len(w.Leaves)
	var strs []string
	idx := 0
	afterElem, afterComma := false, false
	for {
		i = w.ws(t, i)
		if i >= len(t) {
			w.EOF = true
			w.Loose = true
			break
		}
		c := t[i]
		if c == ']' {
			if afterComma {
				w.Loose = true
			}
			i++
			break
		}
		if c == ',' {
			if !afterElem {
				w.Loose = true
			}
			afterElem, afterComma = false, true
			i++
			continue
		}
		if c == ':' || c == '}' {
			w.Loose = true
			i++
			continue
		}
		if afterElem {
			w.Loose = true // a missing comma
		}
		afterElem, afterComma = true, false
		if c == '{' || c == '[' {
			if depth > 0 {
				w.Path = append(w.Path, '.')
			}
			w.Path = strconv.AppendInt(w.Path, int64(idx), 10)
			i = w.value(t, i, depth+1, true)
			w.Path = w.Path[:plen]
			idx++
			continue
		}
		// A scalar: read it as a leaf, then fold it into the array.
		n := len(w.Leaves)
		i = w.value(t, i, depth+1, true)
		if len(w.Leaves) > n {
			l := w.Leaves[n]
			w.Leaves = w.Leaves[:n]
			switch {
			case l.Null:
			case len(strs) >= maxArray:
				w.Cut++
			default:
				strs = append(strs, scalarText(t, l))
			}
		}
		idx++
	}
	if strs != nil || len(w.Leaves) == start {
		// Scalars (or nothing): one array leaf under the array's own path.
		if strs == nil {
			strs = []string{}
		}
		w.Leaves = append(w.Leaves, Leaf[P]{Info: w.Info(w.Path), A: record.Attr{Kind: record.KindStrings, Strs: strs}, V0: i0, V1: i})
	}
	return i
}

// scalarText is a scalar leaf's value as text.
func scalarText[P any](t string, l Leaf[P]) string {
	switch l.A.Kind {
	case record.KindString:
		return l.A.Str
	default:
		return t[l.V0:l.V1]
	}
}

// String reads the string whose quote is at t[i]; end is past the closing
// quote (len(t)+1 when the text ends inside the string).
func String(t string, i int) (s0, s1, end int, esc bool) {
	s0, s1, end, esc, _ = str(t, i)
	return
}

// str is String that also reports a raw control character (ctl), which
// JSON strings may not hold: the caller unescapes when esc or ctl.
func str(t string, i int) (s0, s1, end int, esc, ctl bool) {
	s0 = i + 1
	for j := s0; ; {
		j = special(t, j)
		if j >= len(t) {
			return s0, len(t), len(t) + 1, esc, ctl
		}
		switch t[j] {
		case '"':
			return s0, j, j + 1, esc, ctl
		case '\\':
			esc = true
			j += 2
		default:
			ctl = true
			j++
		}
	}
}

// special returns the index of the first '"', '\\' or control character
// of t from j, or len(t). Eight bytes at a time: most strings hold none
// of them, and a byte loop was a tenth of the parse.
func special(t string, j int) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	for ; j+8 <= len(t); j += 8 {
		// One load and one bounds check (the bytes one by one were
		// checked one by one).
		x := binary.LittleEndian.Uint64([]byte(t[j : j+8]))
		q := x ^ (lo * '"')
		b := x ^ (lo * '\\')
		// A byte is zero (or below 0x20) where its high bit survives; the
		// lowest such byte is exact (borrows only run upward).
		if m := ((q - lo) &^ q) | ((b - lo) &^ b) | ((x - lo*0x20) &^ x); m&hi != 0 {
			return j + bits.TrailingZeros64(m&hi)>>3
		}
	}
	for ; j < len(t); j++ {
		if c := t[j]; c == '"' || c == '\\' || c < 0x20 {
			return j
		}
	}
	return len(t)
}

// damagedEnd finds the end of a string value whose first closing quote, at
// t[s1], is followed by text. In valid JSON a value's closing quote is
// always followed by what can follow a value (valueEnds), so valid JSON
// never comes here. A quote followed by text is part of damaged text: most
// often an escaped quote that a line wrap split from its backslash (`\"`
// became `\   "`). Reading it as the end would turn the rest of the string
// into keys and values that were never there, and upset the reading of
// every field after it; so the string runs on to the first quote that can
// end a value. When none comes before the end of the text, or a member
// ("key": with both quotes bare, which damaged text inside a string does not
// have) comes first, the first quote stays the end: the text after it is
// structure, some other mistake (a bare key after a missing comma).
func (w *Walker[P]) damagedEnd(t string, s1, end int, esc, inArray bool) (int, int, bool) {
	w.Loose = true
	if s1 >= w.noEnd {
		return s1, end, esc // an earlier search found no end after here
	}
	for q := s1; ; {
		_, q1, e, qesc := String(t, q)
		if e > len(t) {
			// None: remember it, so that hostile text stays linear.
			w.noEnd = s1
			return s1, end, esc
		}
		esc = esc || qesc
		if valueEnds(t, e, inArray) {
			return q1, e, esc
		}
		if opensMember(t, q) && followedBy(t, e, ':') {
			return s1, end, esc
		}
		q = q1
	}
}

// opensMember reports whether the quote at t[q] stands where a key starts:
// after a comma or an opening brace and white space.
func opensMember(t string, q int) bool {
	for q--; q >= 0 && isWrapSpace(t[q]); q-- {
	}
	return q >= 0 && (t[q] == ',' || t[q] == '{')
}

// followedBy reports whether white space then c come at t[j].
func followedBy(t string, j int, c byte) bool {
	j = scan.SkipWS(t, j)
	return j < len(t) && t[j] == c
}

// valueEnds reports whether a quote ending at t[j] can close a string value:
// white space, then the end of the text, a closer, or a comma not followed
// on its line by escaped text (`\"` of embedded JSON); or, a comma missing,
// the next element of an array, or the next key of an object ("key" then a
// colon).
func valueEnds(t string, j int, inArray bool) bool {
	j = scan.SkipWS(t, j)
	if j >= len(t) {
		return true
	}
	switch t[j] {
	case '}', ']':
		return true
	case ',':
		j++
		for j < len(t) && (t[j] == ' ' || t[j] == '\t') {
			j++
		}
		return j >= len(t) || t[j] != '\\'
	case '"':
		if inArray {
			return true
		}
		_, _, e, _ := String(t, j)
		return e <= len(t) && followedBy(t, e, ':')
	}
	return false
}

// SkipBalanced returns the offset after the object or array at t[i],
// iteratively (no recursion, whatever the depth).
func SkipBalanced(t string, i int) int {
	var d Depth
	for j := i; j < len(t); j++ {
		if d.Step(t[j]) && d.N == 0 {
			return j + 1
		}
	}
	return len(t)
}

// Unescape decodes the escapes of a JSON string's content; ok is false
// when it met an escape or a raw control character JSON does not allow
// (those are kept as they are).
func Unescape(v string) (string, bool) {
	ok := true
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 {
			ok = false
		}
		if c != '\\' || i+1 >= len(v) {
			b.WriteByte(c)
			continue
		}
		i++
		switch v[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case '"', '\\', '/':
			b.WriteByte(v[i])
		case 'u':
			r, n := hex4(v, i+1)
			if n == 0 {
				b.WriteString(`\u`)
				ok = false
				continue
			}
			i += n
			if utf16Surrogate(r) {
				if r2, n2 := hex4(v, i+3); i+2 < len(v) && v[i+1] == '\\' && v[i+2] == 'u' && n2 > 0 {
					if dec := decodeSurrogate(r, r2); dec != utf8.RuneError {
						r = dec
						i += 2 + n2
					}
				}
			}
			b.WriteRune(r)
		case ' ', '\t', '\n', '\r':
			// A backslash, a line break or not, then indentation: a line
			// wrap's mark, which was never part of the value. Dropped with
			// its white space; what follows is read as it comes.
			ok = false
			for i+1 < len(v) && isWrapSpace(v[i+1]) {
				i++
			}
		default:
			ok = false
			b.WriteByte('\\')
			b.WriteByte(v[i])
		}
	}
	return b.String(), ok
}

func isWrapSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func hex4(v string, i int) (rune, int) {
	if i+4 > len(v) {
		return 0, 0
	}
	var r rune
	for _, c := range []byte(v[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, 0
		}
	}
	return r, 4
}

func utf16Surrogate(r rune) bool { return r >= 0xd800 && r < 0xdc00 }

func decodeSurrogate(r1, r2 rune) rune {
	if r2 < 0xdc00 || r2 >= 0xe000 {
		return utf8.RuneError
	}
	return (r1-0xd800)<<10 | (r2 - 0xdc00) + 0x10000
}

// Depth follows brace depth across lines, outside strings. Like the walker,
// it takes a quote in a string for its end only when what follows can
// follow a string (white space, then a comma, a closer, a colon or a
// quote): a quote followed by text is damaged text, and taking it for the
// end would count the braces of the rest of the string.
type Depth struct {
	N          int  // the depth
	InStr, esc bool // inside a string; after a backslash in it
	quote      bool // a quote ended the string, unless text follows it
}

// Scan consumes one line b, without its ending, and the line break after it
// (which may end an escape, as it does in the text the walker reads); it
// returns the depth after them.
func (d *Depth) Scan(b []byte) int {
	for _, c := range b {
		d.Step(c)
	}
	d.Step('\n')
	return d.N
}

// Step consumes one byte; it reports whether the byte closed an object or
// array.
func (d *Depth) Step(c byte) (closed bool) {
	if d.quote {
		switch c {
		case ' ', '\t', '\n', '\r':
			return false
		case ',', '}', ']', ':', '"':
			d.quote = false // the string ended there
		default:
			d.quote = false // text: the quote was part of the string
			d.InStr = true
		}
	}
	if d.InStr {
		switch {
		case d.esc:
			d.esc = false
		case c == '\\':
			d.esc = true
		case c == '"':
			d.InStr = false
			d.quote = true
		}
		return false
	}
	switch c {
	case '"':
		d.InStr = true
	case '{', '[':
		d.N++
	case '}', ']':
		d.N--
		return true
	}
	return false
}
