// Package capam reads CA Privileged Access Manager Server Control seaudit records.
package capam

import (
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/internal/envelope"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// Parser reads seaudit records into its Builder. It is reused from record
// to record, like the Builder.
type Parser struct{ b *builder.Builder }

// New returns a Parser that builds into b.
func New(b *builder.Builder) *Parser { return &Parser{b: b} }

// CA Privileged Access Manager Server Control: seaudit records.
//
//	DD Mmm YYYY HH:MM:SS {status} {EVENT} {user} [{session id}] {columns...} [Label: value ...]
//
// The columns after the user depend on the event (capamLayouts). Detailed
// output adds "Label: value" pairs, on the same line (where the documents
// print them run together) or on indented lines that the Splitter joins.

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
	r := &p.b.Rec
	var err error
	if t, ok := capamTime(s, p.b.Loc); ok {
		r.Time = t
	} else {
		err = record.ErrAt(record.FormatCAPAM, 0, record.ErrBadTimestamp)
	}

	detail, _, _ := capamFindLabel(s, 23)
	summary := strings.TrimRight(s[:detail], " \t\n")

	status := s[21]
	p.b.AddStr(attrCAPAMStatus, s[21:22])
	statusWord := ""
	for _, st := range capamStatuses {
		if st.letter == status {
			p.b.SetOutcome(st.outcome)
			statusWord = st.word
		}
	}

	i := 23
	ev, i := nextField(summary, i)
	p.b.AddStr(record.AttrEventAction, ev)
	b := append(p.b.Scratch[:0], "capam."...)
	for j := 0; j < len(ev); j++ {
		b = append(b, scan.Lower(ev[j]))
	}
	p.b.Scratch = b
	r.EventName = p.b.Intern(b)

	var layout *capamLayout
	for k := range capamLayouts {
		if capamLayouts[k].event == ev {
			layout = &capamLayouts[k]
		}
	}
	switch {
	case layout != nil && layout.service:
		p.capamColumns(summary, i, layout.columns)
	default:
		user, j := nextField(summary, i)
		if user == "" {
			break
		}
		p.b.AddStr(record.AttrUserName, user)
		i = j
		if sid, j := nextField(summary, i); isSessionID(sid) {
			p.b.AddStr(record.AttrSessionID, sid)
			i = j
		}
		switch {
		case layout != nil:
			p.capamColumns(summary, i, layout.columns)
		case capamFits(summary, i, capamResourceColumns):
			p.b.AddStr("capam.class", ev)
			p.capamColumns(summary, i, capamResourceColumns)
		default:
			if rest := strings.TrimSpace(summary[min(i, len(summary)):]); rest != "" {
				p.b.AddStr(attrCAPAMFields, rest)
			}
		}
	}
	p.capamCodeTexts(ev)
	p.capamDetails(s, detail, statusWord)
	return err
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
	return time.Date(y, mo, d, h, mi, sec, 0, loc), true
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

// isCodeColumn: columns that hold a number.
func isCodeColumn(key string) bool { return key == colStage || key == colReason || key == colQuality }

// capamColumns reads columns from s[i:]: one field each, the last one takes
// the rest. A code column that is not a number means the layout does not
// fit: what is left goes to capam.fields.
func (p *Parser) capamColumns(s string, i int, cols []string) {
	for n, key := range cols {
		if n == len(cols)-1 {
			if rest := strings.TrimSpace(s[min(i, len(s)):]); rest != "" {
				p.b.AddStr(key, rest)
			}
			return
		}
		f, j := nextField(s, i)
		if f == "" {
			return
		}
		if isCodeColumn(key) {
			v, ok := scan.Atoi(f)
			if !ok {
				p.b.AddStr(attrCAPAMFields, strings.TrimSpace(s[i:]))
				return
			}
			p.b.AddInt(key, v)
		} else {
			p.b.AddStr(key, f)
		}
		i = j
	}
}

// capamFits reports whether s[i:] has the columns cols with numbers where
// codes go (the last column is optional).
func capamFits(s string, i int, cols []string) bool {
	for _, key := range cols[:len(cols)-1] {
		f, j := nextField(s, i)
		if f == "" {
			return false
		}
		if _, ok := scan.Atoi(f); isCodeColumn(key) && !ok {
			return false
		}
		i = j
	}
	return true
}

// capamCodeTexts adds the text of each code from the code tables.
func (p *Parser) capamCodeTexts(ev string) {
	for _, c := range [...]struct {
		code, text string
		table      map[int64]string
	}{
		{colStage, attrCAPAMStage, capamStages},
		{colReason, attrCAPAMReason, capamReasons},
		{colQuality, attrCAPAMPasswordQuality, capamPasswordQualities},
	} {
		if a, ok := p.b.Rec.Get(c.code); ok {
			if t, ok := c.table[a.Int]; ok {
				p.b.AddStr(c.text, t)
			}
		}
	}
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
		for k, l := range capamLabels {
			n := len(l.label)
			if c-n >= i && s[c-n:c] == l.label {
				return c - n, k, c + 2
			}
		}
		i = c + 2
	}
	return len(s), -1, len(s)
}

// capamDetails maps the labels of detailed output from s[at:]. A label that
// disagrees with the summary is kept under capam.detail.<label>; the summary
// wins.
func (p *Parser) capamDetails(s string, at int, statusWord string) {
	_, k, v0 := capamFindLabel(s, at)
	for k >= 0 {
		next, nk, nv := capamFindLabel(s, v0)
		val := strings.TrimSpace(s[v0:next])
		label, key := capamLabels[k].label, capamLabels[k].key
		agrees := true
		switch key {
		case "capam.status_text":
			agrees = statusWord == "" || strings.EqualFold(val, statusWord)
		case "capam.date":
			agrees = val == s[:11]
		case "capam.time":
			agrees = strings.HasPrefix(s[12:20], val)
		case attrCAPAMStage:
			if a, ok := p.b.Rec.Get(record.AttrEventAction); ok && a.Str == "PASSWORD" {
				key = attrCAPAMPasswordQuality
			}
			p.b.AddStr(key, val) // the record's own text beats the table's
			key = ""
		default:
			if a, ok := p.b.Rec.Get(key); ok && a.Str != val {
				agrees = false
			}
		}
		switch {
		case key == "" || val == "":
		case !agrees:
			b := append(p.b.Scratch[:0], "capam.detail."...)
			p.b.Scratch = scan.AppendSnake(b, label)
			p.b.AddStr(p.b.Intern(p.b.Scratch), val)
		case key != "capam.date" && key != "capam.time":
			p.b.AddStr(key, val)
		}
		k, v0 = nk, nv
	}
}
