// Package passman reads PassMan audit and system lines.
package passman

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/internal/envelope"
	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// Parser reads PassMan records into its Builder. It is reused from record
// to record, like the Builder.
type Parser struct {
	b       *builder.Builder
	headers []int // where the record's values hold another audit record's header (embeddedHeaders)
}

// New returns a Parser that builds into b.
func New(b *builder.Builder) *Parser { return &Parser{b: b} }

// PassMan: audit lines and system lines, behind a syslog header (RFC 3164
// or RFC 5424, which the envelope layer takes off) or alone, as a
// pipeline's syslog input leaves them.
//
//	{time} {node} {service}: {process}({pid}): key = value ...   audit line
//	{time} {node} {tag}[{pid}]: key = value ...                   audit line, the process as tag
//	{process}({pid}): key = value ...  or  key = value ...        the message alone
//	{time} {node} {service}: {message}                            system line

// Sniff: the audit process prefix "process(pid): ", or key = value pairs
// that start the text and hold a type key. A system line has neither: it is
// PassMan's only when a syslog header framed it (the detection table's
// fallback).
func Sniff(s string) bool {
	if _, _, _, ok := passmanProcess(s, 0); ok {
		return true
	}
	return isPairs(s)
}

// isPairs: the text starts with "key =" and names a type.
func isPairs(s string) bool {
	return keyAssignAt(s, 0) && (strings.Contains(s, "type =") || strings.Contains(s, "type="))
}

// Parse reads the payload of fr.
func (p *Parser) Parse(fr *envelope.Frame) error {
	s := fr.Payload
	r := p.b.Record()
	proc, pid, kv, audit := passmanProcess(s, 0)
	switch {
	case audit:
		p.b.AddStr(record.AttrProcessExecutableName, proc)
		if v, ok := scan.Atoi(pid); ok {
			p.b.AddInt(record.AttrProcessPID, v)
		}
	case isPairs(s):
		// "tag[pid]: key = value": the tag names the audit process.
		kv = 0
		if fr.App != "" {
			p.b.AddStr(record.AttrProcessExecutableName, fr.App)
		}
	case fr.Syslog:
		r.EventName = passmanEventSystem
		p.b.SetMessage(s)
		return nil
	default:
		return record.ErrAt(record.FormatPassMan, 0, record.ErrMalformed)
	}
	r.EventName = passmanEventAudit
	p.headers = p.headers[:0]
	if strings.IndexByte(s[kv:], ')') >= 0 {
		// Most lines have no ')' after the header: the search's own code
		// is not run (the parse is bound by the code it runs, see
		// docs/performance.md).
		p.headers = embeddedHeaders(p.headers, s, kv)
	}
	p.scanKV(s, kv)
	if len(p.headers) > 0 {
		p.b.Anomaly(builder.AnomalyEmbeddedRecord[:len(builder.AnomalyEmbeddedRecord)-1]) // outside any value
	}
	return nil
}

// embeddedHeaders appends the offsets in s[kv:] of another audit record's
// header, "process(pid): " followed by "key =": a value that holds one
// may forge a record. One memchr pass for ')', rare in audit values;
// found only in hostile or doctored lines.
func embeddedHeaders(dst []int, s string, kv int) []int {
	for i := kv; i < len(s); {
		j := strings.IndexByte(s[i:], ')')
		if j < 0 {
			break
		}
		j += i
		i = j + 1
		if j+2 >= len(s) || s[j+1] != ':' || s[j+2] != ' ' {
			continue
		}
		k := j
		for k > kv && scan.IsDigit(s[k-1]) {
			k--
		}
		if k == j || k == kv || s[k-1] != '(' {
			continue
		}
		n := k - 1
		for n > kv && s[n-1] != ' ' && s[n-1] != '(' && s[n-1] != ':' && s[n-1] != '\'' && s[n-1] != '"' && s[n-1] != '=' && s[n-1] != ',' {
			n--
		}
		if _, _, after, ok := passmanProcess(s, n); ok && keyAssignAt(s, after) {
			dst = append(dst, n)
		}
	}
	return dst
}

// passmanProcess reads "process(pid): " at s[i:] and returns the offset of
// the key = value text after it.
func passmanProcess(s string, i int) (proc, pid string, kv int, ok bool) {
	j := i
	for j < len(s) && s[j] != '(' && s[j] != ' ' && s[j] != ':' {
		j++
	}
	if j == i || j >= len(s) || s[j] != '(' {
		return "", "", 0, false
	}
	k := j + 1
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	if k == j+1 || k+1 >= len(s) || s[k] != ')' || s[k+1] != ':' {
		return "", "", 0, false
	}
	kv = k + 2
	for kv < len(s) && s[kv] == ' ' {
		kv++
	}
	return s[i:j], s[j+1 : k], kv, true
}

// scanKV reads the key = value pairs of s[i:]. Values are bare, or quoted
// with ' or " (see quotedEnd for where a quoted value ends and which
// backslashes it drops). A bare value runs until the next "key =" that
// follows a separator, so it may hold spaces, and keeps every backslash.
// Pairs are separated by spaces, commas or semicolons. Text that is not a
// pair is skipped: the body keeps the whole line.
func (p *Parser) scanKV(s string, i int) {
	// Where a quote is known to have no closing quote after it: later
	// values that open with it need not scan the rest of the line again
	// (keeps hostile lines linear).
	unclosed := [2]int{len(s), len(s)}
	// next: the "key =" a bare value's end was found before (bareEnd read
	// it), so it is not read twice.
	var next pair
	for i < len(s) {
		k := next
		next = pair{}
		if k.eq == 0 {
			for i < len(s) && scan.IsKVSep(s[i]) {
				i++
			}
			var ok bool
			if k, ok = keyAt(s, i); !ok {
				// Not a pair: skip to the next separator after it.
				k0 := i
				for i = k.k1; i < len(s) && (s[i] == ' ' || s[i] == '\t'); i++ {
				}
				if i == k0 {
					i++
				}
				for i < len(s) && !scan.IsKVSep(s[i]) {
					i++
				}
				continue
			}
		}
		i = k.eq
		spaced := false
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
			spaced = true
		}
		key := s[k.k0:k.k1]
		var v0, v1 int
		if i < len(s) && (s[i] == '\'' || s[i] == '"') {
			q := 0
			if s[i] == '"' {
				q = 1
			}
			if i < unclosed[q] {
				if end, escaped, ok := quotedEnd(s, i); ok {
					var esc byte
					if escaped {
						esc = s[i]
					}
					v0, v1 = i+1, end
					i = end + 1
					p.passmanField(key, s, v0, v1, esc)
					continue
				}
				unclosed[q] = i
			}
			// An unclosed quote: read the value as bare, quote included.
		}
		v0 = i
		// The value's first word is read once: it is the next key when
		// '=' follows it (an empty value), else the start of the value.
		w, empty := keyAt(s, i)
		// "authorization = dXNlcg= type = Login": where this pair's '='
		// has spaces before it, a word with '=' right after it is a value
		// with base64's padding, not the next key (padded).
		eqSpaced := k.eq >= 2 && (s[k.eq-2] == ' ' || s[k.eq-2] == '\t')
		if spaced && empty && !(eqSpaced && padded(s, w)) {
			v1 = i // empty value: the next key follows
			next = w
		} else {
			v1, next = bareEnd(s, i, w.k1, eqSpaced)
			i = v1
		}
		p.passmanField(key, s, v0, v1, 0)
	}
}

// pair is where "key =" stands: the key is s[k0:k1], its value starts
// after s[eq-1], the '='. eq is 0 when no pair is known.
type pair struct{ k0, k1, eq int }

// quotedEnd finds the quote that closes the one at s[i]: the first quote of
// the same kind that ends the value, that is, one that the end of the text
// or a pair separator follows (see closesAt). Backslashes are literal (PassMan
// writes Windows paths as they are: 'D:\Shares\Finance', 'C:\'), except
// one before a quote of the value's own kind that does not end it: that
// quote is escaped ('it\'s'). escaped reports such a quote, which unescape
// removes the backslash of.
//
// Whether a quote ends a value depends only on the text after it, so a
// quote kind with no closing quote after i has none after any later offset
// either (scanKV's unclosed).
func quotedEnd(s string, i int) (end int, escaped, ok bool) {
	q := s[i]
	for j := i + 1; ; j++ {
		k := strings.IndexByte(s[j:], q)
		if k < 0 {
			return 0, false, false
		}
		j += k
		if closesAt(s, j+1) {
			return j, escaped, true
		}
		if s[j-1] == '\\' { // s[i] is a quote, so j-1 > i
			escaped = true
		}
	}
}

// closesAt reports whether a quote just before s[k] ends its value: the end
// of the text, a comma or semicolon, or spaces then the next "key =" or the
// end of the text. The scan stops at the first byte that is neither a
// separator nor a key byte, so at the latest at the next quote: quotedEnd
// stays linear.
func closesAt(s string, k int) bool {
	if k == len(s) || s[k] == ',' || s[k] == ';' {
		return true
	}
	if s[k] != ' ' && s[k] != '\t' {
		return false
	}
	for k < len(s) && scan.IsKVSep(s[k]) {
		k++
	}
	return k == len(s) || keyAssignAt(s, k)
}

// keyAssignAt reports whether "key =" starts at s[i].
func keyAssignAt(s string, i int) bool {
	_, ok := keyAt(s, i)
	return ok
}

// keyAt reads "key =" at s[i:]. When it is not one, k.k1 is still where
// the key bytes at s[i:] end.
func keyAt(s string, i int) (k pair, ok bool) {
	j := i
	for j < len(s) && scan.IsKeyChar(s[j]) {
		j++
	}
	k = pair{k0: i, k1: j}
	if j == i {
		return k, false
	}
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j < len(s) && s[j] == '=' && (j+1 == len(s) || s[j+1] != '=') {
		k.eq = j + 1
		return k, true
	}
	// "word==" is no pair: base64's padding ("Basic dXNlcjpwYXNz=="), and
	// a secret read as a key would come out as an attribute's name.
	return k, false
}

// bareEnd returns where the bare value at s[i:] ends: before the separators
// that precede the next "key =", or at the end of the text, trailing
// separators trimmed; and that next pair. s[i:from] holds no separator
// (the value's first word, already read). eqSpaced: the line writes
// "key = value", so a padded word is no key.
func bareEnd(s string, i, from int, eqSpaced bool) (int, pair) {
	for j := from; j < len(s); j++ {
		if !scan.IsKVSep(s[j]) {
			continue
		}
		k := j
		for k < len(s) && scan.IsKVSep(s[k]) {
			k++
		}
		if next, ok := keyAt(s, k); ok && !(eqSpaced && padded(s, next)) {
			return j, next
		}
		j = k - 1
	}
	end := len(s)
	for end > i && scan.IsKVSep(s[end-1]) {
		end--
	}
	return end, pair{}
}

// padded reports whether the "key =" k has its '=' right after the key
// ("dXNlcg=", base64's padding), where a line that writes "key = value"
// holds a value, not a key.
func padded(s string, k pair) bool { return scan.IsKeyChar(s[k.eq-2]) }

// unescape drops the backslash before each quote q of a quoted value that
// quotedEnd found escaped; every other backslash stays.
func unescape(v string, q byte) string {
	var b strings.Builder
	b.Grow(len(v))
	for {
		k := strings.IndexByte(v, q)
		if k < 0 {
			break
		}
		if k > 0 && v[k-1] == '\\' {
			b.WriteString(v[:k-1])
		} else {
			b.WriteString(v[:k])
		}
		b.WriteByte(q)
		v = v[k+1:]
	}
	b.WriteString(v)
	return b.String()
}

// attrValue is the attribute's value of a raw value v that is not a
// secret's: its bearer token v[b0:b1] (when bearer) replaced, its escaped
// quotes (esc) unescaped.
func (p *Parser) attrValue(v string, b0, b1 int, bearer bool, esc byte) string {
	switch {
	case bearer && esc != 0:
		return unescape(v[:b0], esc) + p.b.Redactor().Value(v[b0:b1], redact.KindWhole) + unescape(v[b1:], esc)
	case bearer:
		return v[:b0] + p.b.Redactor().Value(v[b0:b1], redact.KindWhole) + v[b1:]
	case esc != 0:
		return unescape(v, esc)
	}
	return v
}

// embedded marks the record when its value at [v0, v1) holds another
// audit record's header (Parse found them).
func (p *Parser) embedded(key string, v0, v1 int) {
	hs := p.headers[:0]
	for _, h := range p.headers {
		if h >= v0 && h < v1 {
			p.b.Anomaly(builder.AnomalyEmbeddedRecord + key)
		} else {
			hs = append(hs, h)
		}
	}
	p.headers = hs
}

// repeated notes a key the line gave before, its value then at [p0, p1)
// and now v (the attribute's value) at [v0, v1).
func (p *Parser) repeated(key string, f *builder.Field, s string, p0, p1, v0, v1 int, v string) {
	prev := s[p0:p1]
	esc := byte(0)
	if p0 > 0 && (s[p0-1] == '\'' || s[p0-1] == '"') && strings.Contains(prev, "\\"+s[p0-1:p0]) {
		esc = s[p0-1]
	}
	if f.Secret {
		// Compared, never listed: the raw values, unescaped.
		if esc != 0 {
			prev = unescape(prev, esc)
		}
		v = s[v0:v1]
		if v0 > 0 && (s[v0-1] == '\'' || s[v0-1] == '"') && strings.Contains(v, "\\"+s[v0-1:v0]) {
			v = unescape(v, s[v0-1])
		}
	} else {
		b0, b1, ok := p.b.Bearer(prev)
		prev = p.attrValue(prev, b0, b1, ok, esc)
	}
	feeds, relevant := passmanFeeds(key, f)
	p.b.DuplicateKey(key, f.Secret, relevant, feeds, prev, v)
}

// passmanFeeds returns the attributes a key's value goes to, and whether
// the key is security-relevant (builder.Relevant, or a target).
func passmanFeeds(key string, f *builder.Field) ([]string, bool) {
	switch key {
	case "user_upn":
		return feedsUser, true
	case "user_address":
		return feedsClient, true
	case "business_result":
		return []string{record.AttrEventOutcome, f.Key}, true
	case "type":
		return feedsType, false
	}
	for _, k := range passmanTargetKeys {
		if key == k {
			return []string{f.Key}, true
		}
	}
	return []string{f.Key}, false
}

var (
	feedsUser   = []string{record.AttrUserName, record.AttrUserDomain}
	feedsClient = []string{record.AttrClientAddress}
	feedsType   = []string{record.AttrEventAction, attrPassmanCategory}
)

// passmanField maps one pair; the value is s[v0:v1]. esc is the value's
// quote when it holds an escaped quote (see quotedEnd), else 0.
func (p *Parser) passmanField(key, s string, v0, v1 int, esc byte) {
	v := s[v0:v1]
	f := p.b.Field(key)
	if f.Secret {
		// The raw value's span: escaped quotes and backslashes included;
		// its pseudonym is the unescaped value's.
		if esc != 0 {
			v = unescape(v, esc)
		}
		v = p.b.SecretValue(v0, v1, v, f.Kind)
	} else {
		b0, b1, ok := p.b.Bearer(v)
		if ok {
			// Found in the raw value, so the span is the token in the
			// original text. A backslash or quote is no token byte: no
			// escape straddles the token's ends.
			p.b.Secret(v0+b0, v0+b1)
		}
		if ok || esc != 0 {
			v = p.attrValue(v, b0, b1, ok, esc)
		}
	}
	if len(p.headers) > 0 {
		p.embedded(key, v0, v1)
	}
	if !p.b.First(f, v0, v1) && p.b.Repeat(f, v0, v1) {
		p0, p1 := p.b.Previous()
		p.repeated(key, f, s, p0, p1, v0, v1, v)
	}
	r := p.b.Record()
	switch key {
	case "type":
		p.b.AddStr(record.AttrEventAction, v)
		if a, ok := activity(v); ok {
			r.EventName = a.event
			p.b.AddTableStr(attrPassmanCategory, a.category)
		} else if v != "" {
			r.EventName = p.b.InternKey(scan.AppendSnake(p.b.KeyBuf("passman."), v))
		}
	case "user_upn":
		p.b.AddStr(record.AttrUserName, v)
		if at := strings.LastIndexByte(v, '@'); at >= 0 && at+1 < len(v) {
			p.b.AddStr(record.AttrUserDomain, v[at+1:])
		}
	case "user_address":
		p.b.AddStr(record.AttrClientAddress, scan.UnmapIPv4(v))
	case "business_result":
		for _, o := range passmanOutcomes {
			if strings.EqualFold(o.value, v) {
				p.b.SetOutcome(o.outcome)
				return
			}
		}
		// Unrecognised: the outcome is unknown and the value is kept.
		p.b.SetOutcome(record.OutcomeUnknown)
		p.b.AddStr(f.Key, v)
	default:
		k := f.Key
		for _, ik := range passmanIntKeys {
			if key == ik {
				if n, ok := scan.Atoi(v); ok {
					p.b.AddInt(k, n)
					return
				}
			}
		}
		p.b.AddStr(k, v)
	}
}
