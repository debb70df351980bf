// Package capam reads CA Privileged Access Manager Server Control seaudit records.
package capam

import (
	"math/bits"
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/internal/envelope"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// Parser reads seaudit records into its Builder. It is reused from record
// to record, like the Builder.
type Parser struct {
	b *builder.Builder
	// The record's codes by their capamCodes index, kept so that their texts
	// need no attribute search.
	codes    [len(capamCodes)]int64
	hasCodes uint8
	// The detail labels of the record, bit k for capamLabels[k], and the
	// values they gave (the tamper marks: a label given twice).
	labels   uint32
	labelVal [len(capamLabels)]string
}

// New returns a Parser that builds into b.
func New(b *builder.Builder) *Parser { return &Parser{b: b} }

// CA Privileged Access Manager Server Control: seaudit records.
//
//	DD Mmm YYYY HH:MM:SS {status} {EVENT} {columns...} [Label: value ...]
//
// The columns after the Event column depend on the record type
// (capamLayouts). Detailed output adds "Label: value" pairs, on the same
// line (where the documents print them run together) or on indented lines
// that the Splitter joins.

// Sniff: "DD Mmm xxxx HH:MM:SS L " at the start.
func Sniff(s string) bool {
	if len(s) < 23 {
		return false
	}
	_, ok := scan.Month(s[3:])
	return ok && scan.IsDigit(s[0]) && scan.IsDigit(s[1]) && s[2] == ' ' && s[6] == ' ' && s[11] == ' ' &&
		s[14] == ':' && s[17] == ':' && s[20] == ' ' && s[21] >= 'A' && s[21] <= 'Z' && s[22] == ' '
}

// Parse reads the payload of fr.
func (p *Parser) Parse(fr *envelope.Frame) error {
	s := fr.Payload
	if !Sniff(s) {
		return record.ErrAt(record.FormatCAPAM, 0, record.ErrMalformed)
	}
	r := p.b.Record()
	var err error
	if t, ok := capamTime(s, p.b.Location()); ok {
		r.Time, r.TimeText = t, s[:20]
	} else {
		err = record.ErrAt(record.FormatCAPAM, 0, record.ErrBadTimestamp)
	}

	detail, _, _ := capamFindLabel(s, 23)
	summary := strings.TrimRight(s[:detail], " \t\n")

	status := s[21]
	p.b.AddStr(attrCAPAMStatus, s[21:22])
	statusWord := ""
	for k := range capamStatuses {
		if st := &capamStatuses[k]; st.letter == status {
			p.b.SetOutcome(st.outcome)
			statusWord = st.word
			break
		}
	}

	ev, i := nextField(summary, 23)
	p.b.AddStr(record.AttrEventAction, ev)
	b := p.b.KeyBuf("capam.")
	for j := 0; j < len(ev); j++ {
		b = append(b, scan.Lower(ev[j]))
	}
	r.EventName = p.b.InternKey(b)

	p.hasCodes = 0
	var c colSpans // on the stack: the summary's columns, split once
	c.split(summary, i)
	l := capamPick(ev, status, &c)
	read(p, l, &c, ev, true)
	p.capamCodeTexts()
	if detail < len(s) {
		p.capamDetails(s, detail, statusWord, detailsKey(l))
	}
	p.embeddedHeaders(s, detail)
	return err
}

// embeddedHeaders marks the record when its text holds another seaudit
// record's header ("DD Mmm YYYY HH:MM:SS L ") after its own: in a detail
// label's value, or in the summary. Each header has a ':' 14 bytes in:
// only the record's few colons are looked at.
func (p *Parser) embeddedHeaders(s string, detail int) {
	for i := 15; i < len(s); {
		c := strings.IndexByte(s[i:], ':')
		if c < 0 {
			return
		}
		c += i
		i = c + 1
		// "HH:MM:SS" around the colon before the whole header is read:
		// most colons end a detail label.
		if c-14 < 1 || c+3 >= len(s) || s[c+3] != ':' || !scan.IsDigit(s[c-1]) || !Sniff(s[c-14:]) {
			continue
		}
		key := "summary"
		if c-14 >= detail {
			key = "details"
			// The label whose value holds it.
			for at := detail; ; {
				_, k, v0 := capamFindLabel(s, at)
				if k < 0 || v0 > c-14 {
					break
				}
				key, at = capamLabels[k].label, v0
			}
		}
		p.b.Anomaly(builder.AnomalyEmbeddedRecord + key)
	}
}

// capamPick chooses the record type. An Event column that names a record
// type takes the row that lists the status letter, else its first row (rows
// of one event share their columns, so only the name differs; a code column
// that is not a number then sends the rest to capam.fields). A class takes
// the first class row that lists the letter and whose code columns hold
// numbers, else the first that fits for any letter, else capamOther.
func capamPick(ev string, status byte, c *colSpans) *capamLayout {
	var first *capamLayout
	for k := range capamLayouts {
		l := &capamLayouts[k]
		if !l.hasEvent(ev) {
			continue
		}
		if strings.IndexByte(l.statuses, status) >= 0 {
			return l
		}
		if first == nil {
			first = l
		}
	}
	if first != nil {
		return first
	}
	for k := range capamLayouts {
		l := &capamLayouts[k]
		if strings.IndexByte(l.statuses, status) >= 0 && l.hasClass(ev) && read(nil, l, c, ev, false) {
			return l
		}
	}
	for k := range capamLayouts {
		if l := &capamLayouts[k]; l.hasClass(ev) && read(nil, l, c, ev, false) {
			return l
		}
	}
	return &capamOther
}

func (l *capamLayout) hasEvent(ev string) bool {
	for _, e := range l.events {
		if e == ev {
			return true
		}
	}
	return false
}

// hasClass: a class row for this class (ev names no record type).
func (l *capamLayout) hasClass(ev string) bool {
	if l.events != nil {
		return false
	}
	if l.classes == nil {
		return true
	}
	for _, c := range l.classes {
		if c == ev {
			return true
		}
	}
	return false
}

// detailsKey: where the Details label of detailed output goes, the text of
// the record type's first code column.
func detailsKey(l *capamLayout) string {
	for _, c := range l.columns {
		if c.kind == colCode {
			for _, cc := range capamCodes {
				if cc.code == c.key {
					return cc.text
				}
			}
		}
	}
	return attrCAPAMStage
}

// read walks the columns of l over c. Without emit it only reports whether
// the record fits: every code column present holds a number (a record that
// stops early fits); p may then be nil. With emit it adds the attributes; a
// code column that is not a number sends the rest of the summary to
// capam.fields.
func read(p *Parser, l *capamLayout, c *colSpans, ev string, emit bool) bool {
	cols := l.columns
	k := 0 // the next column of c
	for n := 0; n < len(cols); n++ {
		col := cols[n]
		last := n == len(cols)-1
		switch {
		case col.kind == colEventClass:
			if emit {
				p.b.AddStr(col.key, ev)
			}
		case col.kind == colSession || col.kind == colFlags && !last:
			// Optional columns: taken only when they have their form.
			if k < c.n && (col.kind == colSession && isSessionID(c.val(k)) || col.kind == colFlags && isParenthesised(c.raw(k))) {
				if emit {
					p.b.AddStr(col.key, c.val(k))
				}
				k++
			}
		case k >= c.n:
			return true
		default:
			v := c.val(k)
			if last {
				v = c.rest(k)
			}
			switch col.kind {
			case colCode, colMessageID:
				num, ok := scan.Atoi(v)
				if !ok {
					if emit {
						p.b.AddStr(attrCAPAMFields, c.rest(k))
					}
					return false
				}
				if emit {
					p.addCode(col, num)
				}
			default:
				if emit {
					p.addText(col, v)
				}
			}
			k++
		}
		if l.unix != nil && col.key == l.unixAfter && k < c.n && l.unixIf(c.raw(k)) {
			cols = l.unix // same columns up to here
		}
	}
	return true
}

func (p *Parser) addCode(col column, v int64) {
	key := col.key
	if col.kind == colMessageID {
		// The page: a message id follows untrust reason 1, errno any other.
		if p.hasCodes&(1<<codeUntrust) == 0 || p.codes[codeUntrust] != 1 {
			key = attrCAPAMErrno
		}
	}
	for k := range capamCodes {
		if capamCodes[k].code == key {
			p.codes[k] = v
			p.hasCodes |= 1 << k
		}
	}
	p.b.AddInt(key, v)
}

func (p *Parser) addText(col column, v string) {
	if v == "" {
		return
	}
	key := col.key
	switch col.kind {
	case colObject:
		if a, ok := p.b.Record().Get(attrCAPAMClass); ok && isTargetClass(a.Str) {
			key = record.AttrUserTargetName
		}
	case colClient:
		v = scan.UnmapIPv4(v)
	}
	p.b.AddStr(key, v)
}

func isTargetClass(class string) bool {
	for _, c := range capamTargetClasses {
		if c == class {
			return true
		}
	}
	return false
}

// maxColumns bounds the columns split ahead; the widest record type has 11
// after the Event column, and the last one takes the rest anyway.
const maxColumns = 12

// colSpans are the summary's columns after the Event column, as offsets: a
// column is a run of non-blanks, or a quoted or parenthesised value that may
// hold blanks ("C:\Program Files\x.exe", (OS user)).
type colSpans struct {
	s          string
	n          int
	more       bool // text follows the last column split
	start, end [maxColumns]int32
}

func (c *colSpans) split(s string, i int) {
	c.s, c.n, c.more = s, 0, false
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			return
		}
		if c.n == maxColumns {
			c.more = true
			return
		}
		j := columnEnd(s, i)
		c.start[c.n], c.end[c.n] = int32(i), int32(j)
		c.n++
		i = j
	}
}

// columnEnd returns the end of the column at s[i]: after the closing quote or
// parenthesis when one ends a word, else at the next blank.
func columnEnd(s string, i int) int {
	switch s[i] {
	case '"':
		for j := i + 1; j < len(s); j++ {
			if s[j] == '"' && isBoundary(s, j+1) {
				return j + 1
			}
		}
	case '(':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 && isBoundary(s, j+1) {
					return j + 1
				}
			}
		}
	}
	j := i
	for j < len(s) && s[j] != ' ' && s[j] != '\t' {
		j++
	}
	return j
}

func isBoundary(s string, j int) bool { return j == len(s) || s[j] == ' ' || s[j] == '\t' }

func (c *colSpans) raw(k int) string { return c.s[c.start[k]:c.end[k]] }

// val is the column's value: a quoted value loses its quotes; parentheses
// stay, they are part of seaudit's "(OS user)".
func (c *colSpans) val(k int) string {
	v := c.raw(k)
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// rest is the summary from column k on: the column's value when it is the
// last one.
func (c *colSpans) rest(k int) string {
	if k == c.n-1 && !c.more {
		return c.val(k)
	}
	return c.s[c.start[k]:]
}

func isParenthesised(v string) bool { return len(v) >= 2 && v[0] == '(' && v[len(v)-1] == ')' }

// notUserID: not a number nor a Windows SID, so not a RealUID column.
func notUserID(v string) bool {
	if _, ok := scan.Atoi(v); ok {
		return false
	}
	return !strings.HasPrefix(v, "S-1-")
}

// capamTime reads "DD Mmm YYYY HH:MM:SS" in loc.
func capamTime(s string, loc *time.Location) (time.Time, bool) {
	d, ok1 := scan.Digits(s, 0, 2)
	mo, ok2 := scan.Month(s[3:])
	y, ok3 := scan.Digits(s, 7, 4)
	h, mi, sec, ok4 := scan.Clock(s, 12)
	if !(ok1 && ok2 && ok3 && ok4) || !scan.ValidDate(y, mo, d) {
		return time.Time{}, false
	}
	return scan.Date(y, mo, d, h, mi, sec, 0, loc), true
}

// nextField returns the next space-separated field of s at or after i and
// the offset after it.
func nextField(s string, i int) (string, int) {
	i = min(i, len(s))
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	j := i
	for j < len(s) && s[j] != ' ' && s[j] != '\t' {
		j++
	}
	return s[i:j], j
}

// isSessionID: hex digits, a colon, hex digits (49047159:0000034b).
func isSessionID(s string) bool {
	c := strings.IndexByte(s, ':')
	if c <= 0 || c == len(s)-1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i != c && !scan.IsHex(s[i]) {
			return false
		}
	}
	return true
}

// capamCodeTexts adds the text of each code from the code tables.
func (p *Parser) capamCodeTexts() {
	for k := range capamCodes {
		if c := &capamCodes[k]; p.hasCodes&(1<<k) != 0 && c.table != nil {
			if t, ok := c.table[p.codes[k]]; ok {
				p.b.AddTableStr(c.text, t)
			}
		}
	}
}

// repeatedLabel notes a detail label the record gave before, now with val.
// It feeds its key, and the disagreeing copy under capam.detail.
func (p *Parser) repeatedLabel(k int, val string) {
	l := &capamLabels[k]
	feeds := []string{p.b.InternKey(scan.AppendSnake(p.b.KeyBuf("capam.detail."), l.label))}
	if l.key != "" {
		feeds = append(feeds, l.key)
	}
	p.b.DuplicateKey(l.label, false, builder.Relevant(l.key), feeds, p.labelVal[k], val)
}

// capamFindLabel finds the first "Label: " of detailed output in s at or
// after i. It returns len(s) when there is none. Labels may run into the
// text before them ("seosdEvent type: "), so each ": " is matched against
// the label names ending there, longest first.
func capamFindLabel(s string, i int) (pos, label, value int) {
	for i < len(s) {
		c := strings.Index(s[i:], ": ")
		if c < 0 {
			break
		}
		c += i
		if c > i {
			// Only the labels that end in the byte before ": " can end there.
			for set := labelsEndingIn[s[c-1]]; set != 0; set &= set - 1 {
				k := bits.TrailingZeros32(set)
				l := capamLabels[k].label
				if n := len(l); c-n >= i && s[c-n:c] == l {
					return c - n, k, c + 2
				}
			}
		}
		i = c + 2
	}
	return len(s), -1, len(s)
}

// capamDetails maps the labels of detailed output from s[at:]. A label that
// disagrees with the summary is kept under capam.detail.<label>; the summary
// wins.
func (p *Parser) capamDetails(s string, at int, statusWord, details string) {
	p.labels = 0
	_, k, v0 := capamFindLabel(s, at)
	for k >= 0 {
		next, nk, nv := capamFindLabel(s, v0)
		val := strings.TrimSpace(s[v0:next])
		label, key := capamLabels[k].label, capamLabels[k].key
		if p.labels&(1<<k) != 0 {
			p.repeatedLabel(k, val)
		}
		p.labels |= 1 << k
		p.labelVal[k] = val
		agrees := true
		switch key {
		case "capam.status_text":
			agrees = statusWord == "" || strings.EqualFold(val, statusWord)
		case "capam.date":
			agrees = val == s[:11]
		case "capam.time":
			agrees = strings.HasPrefix(s[12:20], val)
		case attrCAPAMStage:
			p.b.AddStr(details, val) // the record's own text beats the table's
			key = ""
		default:
			if a, ok := p.b.Record().Get(key); ok && a.Str != val {
				agrees = false
			}
		}
		switch {
		case key == "" || val == "":
		case !agrees:
			p.b.AddStr(p.b.InternKey(scan.AppendSnake(p.b.KeyBuf("capam.detail."), label)), val)
		case key != "capam.date" && key != "capam.time":
			p.b.AddStr(key, val)
		}
		k, v0 = nk, nv
	}
}
