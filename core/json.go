package core

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// A forgiving JSON walker that flattens an object into leaves (dotted raw
// path, typed value, and where the value stands in the text) in one pass. It
// never fails: it reads valid JSON exactly, recovers what it can from the
// mistakes real logs have (a missing or trailing comma, a cut-off end, a bare
// word, no-break spaces), and says whether it had to (jsonState.loose). Its
// verdict is checked against encoding/json by FuzzJSONWalker. A separate
// strict pass (json-iterator's validator) was measured first: it took a
// quarter of the parse time and allocated every key, so the walker decides.

// leaf is one scalar or array of scalars.
type leaf struct {
	*pathInfo      // the raw dotted path ("req.headers.user-agent", "authInfo.1.type") and what it maps to
	a         Attr // the value; Key is set when the leaf is mapped
	v0, v1    int  // the value in the text: inside the quotes for strings
	str       bool // the value was a JSON string
	null      bool
}

// pathInfo is what the parser knows of a JSON path, worked out once: its
// namespace key, whether it is a secret, and the mapping rules that may
// apply to it.
type pathInfo struct {
	path  string
	ns    *nsField
	rules []nxField // exact-path rules, then suffix rules, in table order
}

// pathInfo returns the cached information for a raw path.
func (p *Parser) pathInfo(b []byte) *pathInfo {
	if pi, ok := p.paths[string(b)]; ok {
		return pi
	}
	path := string(b)
	pi := &pathInfo{path: path, ns: p.field(path)}
	pi.rules = append(pi.rules, netwrixFields[path]...)
	for _, f := range netwrixSuffixFields {
		if strings.HasSuffix(path, f.path) {
			pi.rules = append(pi.rules, f)
		}
	}
	if p.paths == nil {
		p.paths = make(map[string]*pathInfo, 64)
	}
	if len(p.paths) < maxInternedKeys {
		p.paths[path] = pi
	}
	return pi
}

type jsonState struct {
	leaves []leaf
	path   []byte
	eof    bool // the text ended inside the object
	loose  bool // the text was not strict JSON: something was recovered
	cut    int  // subtrees cut by the limits
}

// walkJSON flattens the object at t[i] into p.json.leaves and returns the
// offset after it.
func (p *Parser) walkJSON(t string, i int) int {
	p.json.leaves = p.json.leaves[:0]
	p.json.path = p.json.path[:0]
	p.json.eof = false
	p.json.loose = false
	p.json.cut = 0
	return p.jValue(t, i, 0)
}

// skipWS skips JSON white space, and the no-break spaces (U+00A0) that
// documentation pages indent with: logs copied from them carry those.
func skipWS(t string, i int) int {
	i, _ = skipSpace(t, i)
	return i
}

// skipSpace is skipWS that also says whether it skipped a no-break space.
func skipSpace(t string, i int) (int, bool) {
	nbsp := false
	for i < len(t) {
		switch t[i] {
		case ' ', '\n', '\r', '\t':
			i++
			continue
		case 0xc2:
			if i+1 < len(t) && t[i+1] == 0xa0 {
				i += 2
				nbsp = true
				continue
			}
		}
		return i, nbsp
	}
	return i, nbsp
}

// ws skips white space in the walker, noting no-break spaces as loose.
func (p *Parser) ws(t string, i int) int {
	i, nbsp := skipSpace(t, i)
	if nbsp {
		p.json.loose = true
	}
	return i
}

func (p *Parser) jValue(t string, i, depth int) int {
	i = p.ws(t, i)
	if i >= len(t) {
		p.json.eof = true
		return i
	}
	switch c := t[i]; {
	case c == '{' || c == '[':
		if depth >= p.opts.MaxDepth {
			// Too deep: keep the subtree as its raw text.
			end := skipBalanced(t, i)
			p.json.cut++
			p.leaf(Attr{Kind: KindString, Str: t[i:end]}, i, end, false)
			return end
		}
		if c == '{' {
			return p.jObject(t, i, depth)
		}
		return p.jArray(t, i, depth)
	case c == '"':
		s0, s1, end, esc := jString(t, i)
		if end > len(t) {
			p.json.eof = true
		}
		v := t[s0:s1]
		if esc || hasControl(v) {
			var ok bool
			v, ok = unescapeJSON(v)
			if !ok {
				p.json.loose = true
			}
		}
		p.leaf(Attr{Kind: KindString, Str: v}, s0, s1, true)
		return min(end, len(t))
	case c == '}' || c == ']' || c == ',':
		p.json.loose = true
		return i // a missing value: the caller reads the closer
	default:
		end := i
		for end < len(t) && !isJSONDelim(t[end]) {
			end++
		}
		if end == i {
			p.json.loose = true
			return i + 1 // a stray ':'
		}
		w := t[i:end]
		switch w {
		case "true":
			p.leaf(Attr{Kind: KindBool, Bool: true}, i, end, false)
		case "false":
			p.leaf(Attr{Kind: KindBool, Bool: false}, i, end, false)
		case "null":
			if len(p.json.leaves) < p.maxLeaves() {
				p.json.leaves = append(p.json.leaves, leaf{pathInfo: p.pathInfo(p.json.path), null: true})
			}
		default:
			if n, err := strconv.ParseInt(w, 10, 64); err == nil && isJSONNumber(w) {
				p.leaf(Attr{Kind: KindInt, Int: n}, i, end, false)
			} else {
				if !isJSONNumber(w) {
					p.json.loose = true // a bare word
				}
				p.leaf(Attr{Kind: KindString, Str: w}, i, end, false)
			}
		}
		return end
	}
}

func isJSONDelim(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ':' || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '"' || c == '{' || c == '['
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
		for i < len(w) && isDigit(w[i]) {
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
	for i < len(w) && isDigit(w[i]) {
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

func (p *Parser) leaf(a Attr, v0, v1 int, str bool) {
	if len(p.json.leaves) >= p.maxLeaves() {
		// Past what could ever be emitted: count it, keep it out of memory
		// (the original text keeps it).
		p.json.cut++
		return
	}
	p.json.leaves = append(p.json.leaves, leaf{pathInfo: p.pathInfo(p.json.path), a: a, v0: v0, v1: v1, str: str})
}

// maxLeaves bounds the leaves of one record: a few times the attribute
// limit leaves room for duplicated keys and mapped fields.
func (p *Parser) maxLeaves() int { return 4 * p.opts.MaxAttrs }

// maxArray bounds the elements kept of one array of scalars.
const maxArray = 1024

// jObject reads an object. It expects members separated by commas; anything
// else is recovered and marks the text loose.
func (p *Parser) jObject(t string, i, depth int) int {
	i++
	plen := len(p.json.path)
	afterMember, afterComma := false, false
	for {
		i = p.ws(t, i)
		if i >= len(t) {
			p.json.eof = true
			p.json.loose = true
			return i
		}
		switch t[i] {
		case '}':
			if afterComma {
				p.json.loose = true // a trailing comma
			}
			return i + 1
		case ',':
			if !afterMember {
				p.json.loose = true // a leading or doubled comma
			}
			afterMember, afterComma = false, true
			i++
			continue
		case ':', ']':
			p.json.loose = true // a stray character
			i++
			continue
		}
		if afterMember {
			p.json.loose = true // a missing comma
		}
		var key string
		if t[i] == '"' {
			k0, k1, end, esc := jString(t, i)
			if end > len(t) {
				p.json.eof = true
				p.json.loose = true
				return len(t)
			}
			key, i = t[k0:k1], end
			if esc || hasControl(key) {
				k, ok := unescapeJSON(key)
				if !ok {
					p.json.loose = true
				}
				key = k
			}
		} else {
			p.json.loose = true // a bare key
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
		i = p.ws(t, i)
		if i < len(t) && t[i] == ':' {
			i++
		} else {
			p.json.loose = true // a missing colon
		}
		if depth > 0 { // not the root: even an empty key makes a segment
			p.json.path = append(p.json.path, '.')
		}
		p.json.path = append(p.json.path, key...)
		i = p.jValue(t, i, depth+1)
		p.json.path = p.json.path[:plen]
		afterMember, afterComma = true, false
	}
}

func (p *Parser) jArray(t string, i, depth int) int {
	i0 := i
	i++
	plen := len(p.json.path)
	start := len(p.json.leaves)
	var strs []string
	idx := 0
	afterElem, afterComma := false, false
	for {
		i = p.ws(t, i)
		if i >= len(t) {
			p.json.eof = true
			p.json.loose = true
			break
		}
		c := t[i]
		if c == ']' {
			if afterComma {
				p.json.loose = true
			}
			i++
			break
		}
		if c == ',' {
			if !afterElem {
				p.json.loose = true
			}
			afterElem, afterComma = false, true
			i++
			continue
		}
		if c == ':' || c == '}' {
			p.json.loose = true
			i++
			continue
		}
		if afterElem {
			p.json.loose = true // a missing comma
		}
		afterElem, afterComma = true, false
		if c == '{' || c == '[' {
			if depth > 0 {
				p.json.path = append(p.json.path, '.')
			}
			p.json.path = strconv.AppendInt(p.json.path, int64(idx), 10)
			i = p.jValue(t, i, depth+1)
			p.json.path = p.json.path[:plen]
			idx++
			continue
		}
		// A scalar: read it as a leaf, then fold it into the array.
		n := len(p.json.leaves)
		i = p.jValue(t, i, depth+1)
		if len(p.json.leaves) > n {
			l := p.json.leaves[n]
			p.json.leaves = p.json.leaves[:n]
			switch {
			case l.null:
			case len(strs) >= maxArray:
				p.json.cut++
			default:
				strs = append(strs, scalarText(t, l))
			}
		}
		idx++
	}
	if strs != nil || len(p.json.leaves) == start {
		// Scalars (or nothing): one array leaf under the array's own path.
		if strs == nil {
			strs = []string{}
		}
		p.json.leaves = append(p.json.leaves, leaf{pathInfo: p.pathInfo(p.json.path), a: Attr{Kind: KindStrings, Strs: strs}, v0: i0, v1: i})
	}
	return i
}

// scalarText is a scalar leaf's value as text.
func scalarText(t string, l leaf) string {
	switch l.a.Kind {
	case KindString:
		return l.a.Str
	default:
		return t[l.v0:l.v1]
	}
}

// jString reads the string whose quote is at t[i]; end is past the closing
// quote (len(t)+1 when the text ends inside the string).
func jString(t string, i int) (s0, s1, end int, esc bool) {
	s0 = i + 1
	for j := s0; j < len(t); j++ {
		switch t[j] {
		case '\\':
			esc = true
			j++
		case '"':
			return s0, j, j + 1, esc
		}
	}
	return s0, len(t), len(t) + 1, esc
}

// skipBalanced returns the offset after the object or array at t[i],
// iteratively (no recursion, whatever the depth).
func skipBalanced(t string, i int) int {
	var d jsonDepth
	for j := i; j < len(t); j++ {
		if d.step(t[j]) && d.depth == 0 {
			return j + 1
		}
	}
	return len(t)
}

// unescapeJSON decodes the escapes of a JSON string's content; ok is false
// when it met an escape or a raw control character JSON does not allow
// (those are kept as they are).
func unescapeJSON(v string) (string, bool) {
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
		default:
			ok = false
			b.WriteByte('\\')
			b.WriteByte(v[i])
		}
	}
	return b.String(), ok
}

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
