package core

import (
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/internal/envelope/syslog"
	"github.com/pamaudit/pamaudit/internal/jsonwalk"
	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// Netwrix Privilege Secure: JSON API logs, one object per line (bunyan),
// pretty-printed over several lines (joined by the Splitter), behind a syslog
// header, or inside a Docker json-file wrapper.

// sniffNetwrix: a JSON object at the start, or after a syslog header.
func sniffNetwrix(s string) bool { return netwrixJSONStart(s) >= 0 }

// netwrixJSONStart returns the offset of the record's JSON object, or -1.
func netwrixJSONStart(s string) int {
	i := scan.SkipWS(s, 0)
	if i < len(s) && s[i] == '{' {
		return i
	}
	if strings.IndexByte(s, '{') < 0 {
		return -1 // the cheap answer for most lines of the other formats
	}
	if h, ok := syslog.Parse(s, time.UTC, time.Time{}); ok && h.Msg < len(s) && s[h.Msg] == '{' {
		return h.Msg
	}
	return -1
}

// nxInfo is what classification reads from a record.
type nxInfo struct {
	text, typ, action string
	target            bool  // a targetSystem is present
	status            int64 // res.statusCode, 0 when absent
}

func (p *Parser) parseNetwrix(s string) error {
	r := &p.rec
	j := netwrixJSONStart(s)
	if j < 0 {
		return p.netwrixUnrecoverable(s, 0)
	}
	if j > 0 {
		h, _ := syslog.Parse(s, p.opts.Location, p.now)
		r.Time = h.Time
		p.addStr(attrHostName, h.Host)
		p.addStr(attrServiceName, h.Tag)
		if pid, ok := scan.Atoi(h.PID); ok {
			p.addInt(attrProcessPID, pid)
		}
	}
	end := p.json.Walk(s, j)
	// Strict: nothing recovered and nothing after the object.
	strict := !p.json.Loose && scan.SkipWS(s, end) == len(s)
	if len(p.json.Leaves) == 0 && (p.json.EOF || !strict) {
		return p.netwrixUnrecoverable(s, j)
	}
	if inner, ok := p.dockerLog(); ok {
		return p.parseDocker(inner)
	}
	return p.netwrixRecord(s, strict)
}

// netwrixRecord classifies and maps the walked leaves of s.
func (p *Parser) netwrixRecord(s string, strict bool) error {
	r := &p.rec
	var info nxInfo
	for i := range p.json.Leaves {
		l := &p.json.Leaves[i]
		switch {
		case l.Info.path == "message" && l.A.Kind == KindString:
			info.text = l.A.Str
		case l.Info.path == "msg" && l.A.Kind == KindString && info.text == "":
			info.text = l.A.Str
		case l.Info.path == "type" && l.A.Kind == KindString:
			info.typ = l.A.Str
		case l.Info.path == "action" && l.A.Kind == KindString:
			info.action = l.A.Str
		case l.Info.path == "res.statusCode" && l.A.Kind == KindInt:
			info.status = l.A.Int
		case strings.HasPrefix(l.Info.path, "targetSystem"):
			info.target = true
		}
	}
	p.netwrixClassify(&info)
	if info.text != "" {
		r.Body = info.text
		p.hasMsg = true
	}
	p.dropDuplicateLeaves()
	for i := range p.json.Leaves {
		p.netwrixLeaf(s, &p.json.Leaves[i], info.text)
	}
	if !strict {
		p.addBool(attrNetwrixLenient, true)
	}
	p.truncated += p.json.Cut
	if p.json.EOF {
		return record.ErrAt(FormatNetwrix, len(s), ErrMalformedJSON)
	}
	return nil
}

// netwrixClassify sets the event name, and the outcome and user the event
// rule gives.
func (p *Parser) netwrixClassify(info *nxInfo) {
	r := &p.rec
	r.EventName = netwrixEventOther
	for k := range netwrixEvents {
		e := &netwrixEvents[k]
		if e.text == "" && e.typ == "" {
			continue
		}
		if e.text != "" && !nxMatches(info.text, e.text, e.match) ||
			e.typ != "" && e.typ != info.typ || e.action != "" && e.action != info.action {
			continue
		}
		if e.deny && !(info.target && info.status >= 400 && info.status < 500) {
			continue
		}
		r.EventName = e.event
		if info.action == "" && e.text != "" {
			p.addStr(attrEventAction, strings.TrimSpace(strings.TrimSuffix(e.text, ": ")))
		}
		switch {
		case e.outcome != "":
			p.setOutcome(e.outcome)
		case info.status >= 400:
			p.setOutcome(outcomeFailure)
		case info.status > 0:
			p.setOutcome(outcomeSuccess)
		}
		if e.user {
			if u := strings.TrimSpace(info.text[len(e.text):]); u != "" {
				p.addStr(attrUserName, u)
			}
		}
		return
	}
}

func nxMatches(s, text string, m nxMatch) bool {
	switch m {
	case nxPrefix:
		return strings.HasPrefix(s, text)
	case nxSuffix:
		return strings.HasSuffix(s, text)
	}
	return s == text
}

// netwrixLeaf maps one leaf: redaction first, then a semantic attribute when
// a rule applies and its attribute is free, else the netwrix namespace.
func (p *Parser) netwrixLeaf(s string, l *leaf, body string) {
	if l.Null {
		return
	}
	f := l.Info.ns
	a := l.A
	if f.secret {
		p.spans = append(p.spans, redact.Span{Start: l.V0, End: l.V1, Quote: !l.Str})
		a = Attr{Kind: KindString, Str: record.Redacted}
	} else if a.Kind == KindString && l.Str {
		if b0, b1, ok := p.bearer(a.Str); ok {
			if a.Str == s[l.V0:l.V1] {
				p.secret(l.V0+b0, l.V0+b1)
			} else {
				p.secret(l.V0, l.V1) // unescaped: offsets differ, redact the whole value
			}
			a.Str = a.Str[:b0] + record.Redacted + a.Str[b1:]
		}
	}
	for _, f := range l.Info.rules {
		if f.only != "" && !strings.HasPrefix(p.rec.EventName, f.only) {
			continue
		}
		if p.netwrixMapped(f, a, body) {
			return
		}
	}
	a.Key = f.key
	if a.Kind == KindString {
		p.addStr(a.Key, a.Str)
		return
	}
	p.add(a)
}

// netwrixMapped applies a field rule; false leaves the value to the
// namespace.
func (p *Parser) netwrixMapped(f nxField, a Attr, body string) bool {
	r := &p.rec
	switch f.conv {
	case nxBody:
		return a.Kind == KindString && a.Str == body
	case nxTime:
		if a.Kind != KindString {
			return false
		}
		t, n, ok := scan.RFC3339(a.Str, p.opts.Location)
		if !ok || n != len(a.Str) {
			return false
		}
		r.Time = t
		return true
	case nxLevel:
		switch a.Kind {
		case KindInt:
			r.SetSeverity(bunyanSeverity(a.Int))
			return true
		case KindString:
			for _, l := range netwrixLevels {
				if strings.EqualFold(l.name, a.Str) {
					r.SetSeverity(l.sev)
					return true
				}
			}
		}
		return false
	}
	if r.Index(f.key) >= 0 {
		return false
	}
	switch f.conv {
	case nxCN:
		cn, ok := commonName(a.Str)
		if a.Kind != KindString || !ok {
			return false
		}
		p.addStr(f.key, cn)
	case nxIP:
		if a.Kind != KindString {
			return false
		}
		p.addStr(f.key, scan.UnmapIPv4(a.Str))
	case nxInt:
		switch a.Kind {
		case KindInt:
			p.addInt(f.key, a.Int)
		case KindString:
			n, ok := scan.Atoi(a.Str)
			if !ok {
				return false
			}
			p.addInt(f.key, n)
		default:
			return false
		}
	case nxURLPath:
		if a.Kind != KindString {
			return false
		}
		p.addStr(f.key, urlPath(a.Str))
	case nxRoles:
		switch a.Kind {
		case KindStrings:
			p.add(Attr{Key: f.key, Kind: KindStrings, Strs: a.Strs})
		case KindString:
			p.add(Attr{Key: f.key, Kind: KindStrings, Strs: []string{a.Str}})
		default:
			return false
		}
	default:
		if a.Kind == KindString {
			p.addStr(f.key, a.Str)
		} else {
			a.Key = f.key
			p.add(a)
		}
	}
	return true
}

// commonName returns the first CN of a distinguished name.
func commonName(dn string) (string, bool) {
	if len(dn) < 4 || !strings.EqualFold(dn[:3], "cn=") {
		return "", false
	}
	for i := 3; i < len(dn); i++ {
		switch dn[i] {
		case '\\':
			i++
		case ',':
			return dn[3:i], true
		}
	}
	return dn[3:], true
}

// urlPath returns the path of a URL: no scheme and host, no query, no
// fragment.
func urlPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

// dockerLog returns the inner record of a Docker json-file line
// ({"log":"{...}\n","stream":"stdout","time":"..."}).
func (p *Parser) dockerLog() (string, bool) {
	var log string
	for _, l := range p.json.Leaves {
		switch l.Info.path {
		case "log":
			log = l.A.Str
		case "stream", "time":
		default:
			return "", false
		}
	}
	log = strings.TrimSpace(log)
	return log, strings.HasPrefix(log, "{")
}

// parseDocker parses the inner record of a Docker line; the wrapper's stream
// and time are kept, and the inner record is the original text.
func (p *Parser) parseDocker(inner string) error {
	r := &p.rec
	var stream, dtime string
	for _, l := range p.json.Leaves {
		switch l.Info.path {
		case "stream":
			stream = l.A.Str
		case "time":
			dtime = l.A.Str
		}
	}
	r.Attrs = r.Attrs[:0]
	p.spans = p.spans[:0]
	p.orig = inner
	end := p.json.Walk(inner, 0)
	strict := !p.json.Loose && scan.SkipWS(inner, end) == len(inner)
	err := p.netwrixRecord(inner, strict)
	if stream != "" {
		p.addStr("netwrix.docker.stream", stream)
	}
	if r.Time.IsZero() {
		if t, n, ok := scan.RFC3339(dtime, p.opts.Location); ok && n == len(dtime) {
			r.Time = t
		}
	}
	return err
}

// netwrixUnrecoverable classifies text that is not JSON enough to walk, from
// its message or msg member where one can be found.
func (p *Parser) netwrixUnrecoverable(s string, at int) error {
	info := nxInfo{text: jsonMember(s, "message")}
	if info.text == "" {
		info.text = jsonMember(s, "msg")
	}
	if info.text != "" {
		p.netwrixClassify(&info)
	}
	return record.ErrAt(FormatNetwrix, at, ErrMalformedJSON)
}

// jsonMember finds "name": "value" in text and returns the raw value.
func jsonMember(s, name string) string {
	for i := 0; i < len(s); {
		k := strings.Index(s[i:], name)
		if k < 0 {
			return ""
		}
		k += i
		i = k + len(name)
		if k == 0 || s[k-1] != '"' || i >= len(s) || s[i] != '"' {
			continue
		}
		j := scan.SkipWS(s, i+1)
		if j >= len(s) || s[j] != ':' {
			continue
		}
		j = scan.SkipWS(s, j+1)
		if j >= len(s) || s[j] != '"' {
			continue
		}
		s0, s1, _, _ := jsonwalk.String(s, j)
		return s[s0:s1]
	}
	return ""
}

// dropDuplicateLeaves keeps the last leaf of each path: of a duplicated key,
// the last value wins.
func (p *Parser) dropDuplicateLeaves() {
	ls := p.json.Leaves
	dup := func(i int) bool {
		for j := i + 1; j < len(ls); j++ {
			if ls[j].Info.path == ls[i].Info.path {
				return true
			}
		}
		return false
	}
	if len(ls) > 64 {
		last := make(map[string]int, len(ls))
		for i := range ls {
			last[ls[i].Info.path] = i
		}
		dup = func(i int) bool { return last[ls[i].Info.path] != i }
	}
	n := 0
	for i := range ls {
		if !dup(i) {
			ls[n] = ls[i]
			n++
		}
	}
	p.json.Leaves = ls[:n]
}
