// Package passman reads PassMan audit and system lines.
package passman

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/internal/envelope"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// Parser reads PassMan records into its Builder. It is reused from record
// to record, like the Builder.
type Parser struct{ b *builder.Builder }

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
	r := &p.b.Rec
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
		r.Body = s
		p.b.HasMsg = true
		return nil
	default:
		return record.ErrAt(record.FormatPassMan, 0, record.ErrMalformed)
	}
	r.EventName = passmanEventAudit
	p.scanKV(s, kv)
	return nil
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
// with ' or " (backslash escapes allowed). A bare value runs until the next
// "key =" that follows a separator, so it may hold spaces. Pairs are
// separated by spaces, commas or semicolons. Text that is not a pair is
// skipped: the body keeps the whole line.
func (p *Parser) scanKV(s string, i int) {
	// Where a quote is known to have no closing quote after it: later
	// values that open with it need not scan the rest of the line again
	// (keeps hostile lines linear).
	unclosed := [2]int{len(s), len(s)}
	for i < len(s) {
		for i < len(s) && scan.IsKVSep(s[i]) {
			i++
		}
		k0 := i
		for i < len(s) && scan.IsKeyChar(s[i]) {
			i++
		}
		k1 := i
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if k1 == k0 || i >= len(s) || s[i] != '=' {
			// Not a pair: skip to the next separator.
			if i == k0 {
				i++
			}
			for i < len(s) && !scan.IsKVSep(s[i]) {
				i++
			}
			continue
		}
		i++ // '='
		spaced := false
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
			spaced = true
		}
		key := s[k0:k1]
		var v0, v1 int
		escaped := false
		if i < len(s) && (s[i] == '\'' || s[i] == '"') {
			q := 0
			if s[i] == '"' {
				q = 1
			}
			if i < unclosed[q] {
				if end, esc, ok := quotedEnd(s, i); ok {
					v0, v1, escaped = i+1, end, esc
					i = end + 1
					p.passmanField(key, s, v0, v1, escaped)
					continue
				}
				unclosed[q] = i
			}
			// An unclosed quote: read the value as bare, quote included.
		}
		v0 = i
		if spaced && keyAssignAt(s, i) {
			v1 = i // empty value: the next key follows
		} else {
			v1 = bareEnd(s, i)
			i = v1
		}
		p.passmanField(key, s, v0, v1, false)
	}
}

// quotedEnd finds the quote that closes the one at s[i].
func quotedEnd(s string, i int) (end int, escaped, ok bool) {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			escaped = true
			j++
		case q:
			return j, escaped, true
		}
	}
	return 0, false, false
}

// keyAssignAt reports whether "key =" starts at s[i].
func keyAssignAt(s string, i int) bool {
	j := i
	for j < len(s) && scan.IsKeyChar(s[j]) {
		j++
	}
	if j == i {
		return false
	}
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	return j < len(s) && s[j] == '='
}

// bareEnd returns where the bare value at s[i:] ends: before the separators
// that precede the next "key =", or at the end of the text, trailing
// separators trimmed.
func bareEnd(s string, i int) int {
	for j := i; j < len(s); j++ {
		if !scan.IsKVSep(s[j]) {
			continue
		}
		k := j
		for k < len(s) && scan.IsKVSep(s[k]) {
			k++
		}
		if keyAssignAt(s, k) {
			return j
		}
		j = k - 1
	}
	end := len(s)
	for end > i && scan.IsKVSep(s[end-1]) {
		end--
	}
	return end
}

// unescape removes backslash escapes from a quoted value.
func unescape(v string) string {
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			i++
			switch v[i] {
			case 'n':
				c = '\n'
			case 't':
				c = '\t'
			case 'r':
				c = '\r'
			default:
				c = v[i]
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// passmanField maps one pair; the value is s[v0:v1].
func (p *Parser) passmanField(key, s string, v0, v1 int, escaped bool) {
	v := s[v0:v1]
	f := p.b.Field(key)
	if f.Secret {
		p.b.Secret(v0, v1)
		v = record.Redacted
	} else {
		if escaped {
			v = unescape(v)
		}
		if b0, b1, ok := p.b.Bearer(v); ok && !escaped {
			p.b.Secret(v0+b0, v0+b1)
			v = v[:b0] + record.Redacted + v[b1:]
		}
	}
	r := &p.b.Rec
	switch key {
	case "type":
		p.b.AddStr(record.AttrEventAction, v)
		if a, ok := passmanActivities[v]; ok {
			r.EventName = a.event
			p.b.AddStr(attrPassmanCategory, a.category)
		} else if v != "" {
			b := append(p.b.Scratch[:0], "passman."...)
			p.b.Scratch = scan.AppendSnake(b, v)
			r.EventName = p.b.Intern(p.b.Scratch)
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
