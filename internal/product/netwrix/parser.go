// Package netwrix reads Netwrix Privilege Secure JSON logs.
package netwrix

import (
	"encoding/binary"
	"strings"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/internal/envelope"
	"github.com/pamaudit/pamaudit/internal/envelope/shipper"
	"github.com/pamaudit/pamaudit/internal/jsonwalk"
	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// Parser reads Netwrix records into its Builder. It is reused from record
// to record, like the Builder, and keeps its JSON walker and what it learnt
// of each JSON path.
type Parser struct {
	b     *builder.Builder
	json  jsonwalk.Walker[*pathInfo]
	paths map[string]*pathInfo // JSON paths seen, with their mapping
	slots [256][2]*pathInfo    // two-way cache in front of paths (pathInfo)
	gen   uint64               // the current record's stamp (dropDuplicateLeaves)
	dups  []dupLeaf            // the leaves dropDuplicateLeaves dropped, for the tamper marks

	uncached bool // the record has a path the full cache did not keep

	// AnyJSON reads any JSON object as a Netwrix record (a forced
	// format), not only one that looks like one (signature).
	AnyJSON bool
}

// New returns a Parser that builds into b. maxDepth bounds the JSON nesting
// that is flattened; maxAttrs the attributes of a record.
func New(b *builder.Builder, maxDepth, maxAttrs int) *Parser {
	p := &Parser{b: b}
	// A few times the attribute limit leaves room for duplicated keys and
	// mapped fields.
	p.json = jsonwalk.Walker[*pathInfo]{Info: p.pathInfo, MaxDepth: maxDepth, MaxLeaves: 4 * maxAttrs}
	return p
}

// maxPaths bounds the path cache: hostile input must not grow it without
// end.
const maxPaths = 8192

// Netwrix Privilege Secure: JSON API logs, one object per line (bunyan),
// or pretty-printed over several lines (joined by the Splitter). The
// envelope layer takes off what they travel in: a syslog header, Docker's
// json-file wrapper, Fluentd's headers and log-string wrapper.

// Sniff: a JSON object at the start.
func Sniff(s string) bool { return JSONStart(s) >= 0 }

// JSONStart returns the offset of the record's JSON object, or -1.
func JSONStart(s string) int {
	i := scan.SkipWS(s, 0)
	if i < len(s) && s[i] == '{' {
		return i
	}
	return -1
}

// nxInfo is what classification reads from a record.
type nxInfo struct {
	text, typ, action string
	target            bool  // a targetSystem is present
	status            int64 // res.statusCode, 0 when absent
}

// Service reports whether a framing names a Netwrix service as the
// record's source: its services run in containers named s1_<service>
// (Fluentd tags docker.s1_api.1.<task>, container names s1_api.1.<task>).
func Service(fr *envelope.Frame) bool {
	for _, a := range fr.Attrs {
		switch a.Key {
		case record.AttrFluentdTag:
			for t := a.Str; t != ""; {
				if strings.HasPrefix(t, servicePrefix) {
					return true
				}
				i := strings.IndexByte(t, '.')
				if i < 0 {
					break
				}
				t = t[i+1:]
			}
		case record.AttrContainerName:
			if strings.HasPrefix(a.Str, servicePrefix) {
				return true
			}
		}
	}
	return strings.HasPrefix(fr.App, servicePrefix)
}

// servicePrefix starts the container name of every Netwrix service.
const servicePrefix = "s1_"

// Parse reads the payload of fr.
func (p *Parser) Parse(fr *envelope.Frame) error {
	s := fr.Payload
	j := JSONStart(s)
	if j < 0 {
		if Service(fr) {
			return p.plainLine(s)
		}
		return p.netwrixUnrecoverable(s, 0)
	}
	p.uncached = false
	end := p.json.Walk(s, j)
	// Strict: nothing recovered and nothing after the object.
	strict := !p.json.Loose && scan.SkipWS(s, end) == len(s)
	if len(p.json.Leaves) == 0 && (p.json.EOF || !strict) {
		return p.netwrixUnrecoverable(s, j)
	}
	if !fr.Shippers && p.shipperMember() {
		return envelope.ErrShipper
	}
	if len(fr.Skip) > 0 {
		p.skipMembers(fr.Skip)
	}
	return p.netwrixRecord(s, end, strict, p.AnyJSON || Service(fr))
}

// shipperMember reports whether a top-level member of the walked object is
// one that names a shipper's layout (journald's __REALTIME_TIMESTAMP,
// GELF's short_message, …).
func (p *Parser) shipperMember() bool {
	for i := range p.json.Leaves {
		if p.json.Leaves[i].Info.shipper {
			return true
		}
	}
	return false
}

// skipMembers drops the leaves of the members a framing read.
func (p *Parser) skipMembers(skip []string) {
	ls := p.json.Leaves[:0]
	for _, l := range p.json.Leaves {
		keep := true
		for _, k := range skip {
			if l.Info.path == k {
				keep = false
				break
			}
		}
		if keep {
			ls = append(ls, l)
		}
	}
	p.json.Leaves = ls
}

// plainLine reads a line a Netwrix service wrote as text, not JSON:
// Python logging's "LEVEL - message".
func (p *Parser) plainLine(s string) error {
	r := p.b.Record()
	r.EventName = netwrixEventOther
	msg := s
	if i := strings.Index(s, " - "); i > 0 {
		for _, l := range netwrixLevels {
			if strings.EqualFold(l.name, s[:i]) {
				r.SetSeverity(l.sev)
				msg = s[i+3:]
				break
			}
		}
	}
	p.b.SetMessage(msg)
	return nil
}

// netwrixRecord classifies and maps the walked leaves of s. known: the
// record is Netwrix's whatever it holds; otherwise it must look like one
// (its services' members, or an event they write), or it is not read.
func (p *Parser) netwrixRecord(s string, end int, strict, known bool) error {
	r := p.b.Record()
	var info nxInfo
	sig := 0
	for i := range p.json.Leaves {
		l := &p.json.Leaves[i]
		sig |= l.Info.sig
		switch l.Info.role {
		case roleNone:
		case roleMessage:
			if l.A.Kind == record.KindString {
				info.text = l.A.Str
			}
		case roleMsg:
			if l.A.Kind == record.KindString && info.text == "" {
				info.text = l.A.Str
			}
		case roleType:
			if l.A.Kind == record.KindString {
				info.typ = l.A.Str
			}
		case roleAction:
			if l.A.Kind == record.KindString {
				info.action = l.A.Str
			}
		case roleStatus:
			if l.A.Kind == record.KindInt {
				info.status = l.A.Int
			}
		case roleTarget:
			info.target = true
		}
	}
	p.netwrixClassify(&info)
	if !known && r.EventName == netwrixEventOther && !looksNetwrix(sig) {
		r.EventName = ""
		return record.ErrAt(record.FormatAuto, 0, record.ErrUnknownFormat)
	}
	if info.text != "" {
		p.b.SetMessage(info.text)
	}
	p.dropDuplicateLeaves(s)
	if len(p.dups) > 0 {
		p.duplicates(s)
	}
	for i := range p.json.Leaves {
		p.netwrixLeaf(s, &p.json.Leaves[i], info.text)
	}
	if !strict {
		p.b.AddBool(attrNetwrixLenient, true)
		if next := scan.SkipWS(s, end); next < len(s) && looksLikeRecord(s[next:]) {
			p.b.Anomaly(builder.AnomalyEmbeddedRecord[:len(builder.AnomalyEmbeddedRecord)-1]) // a second record after the first
		}
	}
	p.b.AddTruncated(p.json.Cut)
	if p.json.EOF {
		return record.ErrAt(record.FormatNetwrix, len(s), record.ErrMalformedJSON)
	}
	return nil
}

// netwrixClassify sets the event name, and the outcome and user the event
// rule gives.
func (p *Parser) netwrixClassify(info *nxInfo) {
	r := p.b.Record()
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
			p.b.AddTableStr(record.AttrEventAction, strings.TrimSpace(strings.TrimSuffix(e.text, ": ")))
		}
		switch {
		case e.outcome != "":
			p.b.SetOutcome(e.outcome)
		case info.status >= 400:
			p.b.SetOutcome(record.OutcomeFailure)
		case info.status > 0:
			p.b.SetOutcome(record.OutcomeSuccess)
		}
		if e.user {
			if u := strings.TrimSpace(info.text[len(e.text):]); u != "" {
				p.b.AddStr(record.AttrUserName, u)
			}
		}
		return
	}
}

// Signature bits: what a record's top-level members say of its writer.
const (
	sigMsg     = 1 << iota // bunyan's "msg"
	sigPython              // Python logging's "asctime" or "levelname"
	sigMessage             // "message"
	sigBunyan              // bunyan's other members
)

// signature returns the bits a member's path sets.
func signature(path string) int {
	switch path {
	case "msg":
		return sigMsg
	case "asctime", "levelname":
		return sigPython
	case "message":
		return sigMessage
	case "name", "hostname", "pid", "level", "time", "req_id", "v":
		return sigBunyan
	}
	return 0
}

// looksNetwrix: bunyan's msg, Python logging's members, or a message
// beside bunyan's members (a service that wrote "message").
func looksNetwrix(sig int) bool {
	return sig&(sigMsg|sigPython) != 0 || sig&sigMessage != 0 && sig&sigBunyan != 0
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
	if len(l.Info.rules) == 0 && !f.Secret && l.Str && l.A.Kind == record.KindString {
		// The common leaf, a string no rule maps: no copy of the value.
		v := p.bearer(s, l)
		if v != "" && (v[0] == '{' || v[0] == ' ' || v[0] == '\n') && looksLikeRecord(v) {
			p.b.Anomaly(builder.AnomalyEmbeddedRecord + l.Info.path)
		}
		p.b.AddStr(f.Key, v)
		return
	}
	a := l.A
	if f.Secret {
		a = record.Attr{Kind: record.KindString, Str: p.secret(s, l)}
	} else if a.Kind == record.KindString && l.Str {
		a.Str = p.bearer(s, l)
		if a.Str != "" && (a.Str[0] == '{' || a.Str[0] == ' ' || a.Str[0] == '\n') && looksLikeRecord(a.Str) {
			p.b.Anomaly(builder.AnomalyEmbeddedRecord + l.Info.path)
		}
	}
	for k := range l.Info.rules {
		f := &l.Info.rules[k]
		if f.only != "" && !strings.HasPrefix(p.b.Record().EventName, f.only) {
			continue
		}
		if p.netwrixMapped(f, &a, body) {
			return
		}
	}
	a.Key = f.Key
	if a.Kind == record.KindString {
		p.b.AddStr(a.Key, a.Str)
		return
	}
	p.b.Add(a)
}

// secret records the secret value of leaf l of s and returns what replaces
// it: the value of a string, the text of any other value.
func (p *Parser) secret(s string, l *leaf) string {
	v := s[l.V0:l.V1]
	if l.Str && l.A.Kind == record.KindString {
		v = l.A.Str
	}
	p.b.SecretSpan(redact.Span{Start: l.V0, End: l.V1, Quote: !l.Str, Value: v, Form: redact.FormKnown, Kind: l.Info.ns.Kind})
	return p.b.Redactor().Value(v, l.Info.ns.Kind)
}

// bearer records the bearer token of the string leaf l of s, and returns
// the leaf's value with it replaced.
func (p *Parser) bearer(s string, l *leaf) string {
	v := l.A.Str
	b0, b1, ok := p.b.Bearer(v)
	if !ok {
		return v
	}
	if v == s[l.V0:l.V1] {
		p.b.Secret(l.V0+b0, l.V0+b1)
	} else {
		// Unescaped: offsets differ, the whole value is replaced by the
		// token's pseudonym.
		p.b.SecretSpan(redact.Span{Start: l.V0, End: l.V1, Value: v[b0:b1], Form: redact.FormKnown})
	}
	return v[:b0] + p.b.Redactor().Value(v[b0:b1], redact.KindWhole) + v[b1:]
}

// looksLikeRecord reports whether v, a value or what follows the record,
// holds a Netwrix record: a JSON object with a member only a record has
// (bunyan's msg, Python logging's asctime or levelname).
func looksLikeRecord(v string) bool {
	i := scan.SkipWS(v, 0)
	if i >= len(v) || v[i] != '{' {
		return false
	}
	for _, m := range recordMembers {
		for from := i; ; {
			k := strings.Index(v[from:], m)
			if k < 0 {
				break
			}
			from += k + len(m)
			if j := scan.SkipWS(v, from); j < len(v) && v[j] == ':' {
				return true
			}
		}
	}
	return false
}

// recordMembers are the member names (quoted) that make a JSON object a
// record's (see signature).
var recordMembers = [...]string{`"msg"`, `"asctime"`, `"levelname"`}

// dupLeaf is a leaf dropDuplicateLeaves dropped: an earlier value of a
// repeated key, rendered.
type dupLeaf struct {
	pi   *pathInfo
	val  string
	done bool
}

// duplicates marks the repeated keys dropDuplicateLeaves found: each
// key's values in the record's order, the kept (last) one after the
// dropped ones.
func (p *Parser) duplicates(s string) {
	// Dropped from the end: the last of p.dups is the first in the record.
	for i := len(p.dups) - 1; i >= 0; i-- {
		d := &p.dups[i]
		if d.done {
			continue
		}
		var vals []string
		for k := i; k >= 0; k-- {
			if e := &p.dups[k]; !e.done && e.pi.path == d.pi.path {
				vals = append(vals, e.val)
				e.done = true
			}
		}
		for j := range p.json.Leaves {
			if l := &p.json.Leaves[j]; l.Info.path == d.pi.path {
				vals = append(vals, p.leafText(s, l, false))
				break
			}
		}
		feeds, relevant := p.feeds(d.pi)
		p.b.DuplicateKey(d.pi.path, d.pi.ns.Secret, relevant, feeds, vals...)
	}
	p.dups = p.dups[:0]
}

// leafText is a leaf's value as the tamper mark compares and lists it: a
// string's value (its bearer token replaced; a secret's as it is: never
// listed), any other value's JSON text. record: the leaf is dropped, so
// its secrets are recorded here for the original text.
func (p *Parser) leafText(s string, l *leaf, record bool) string {
	switch {
	case l.Null:
		return "null"
	case l.Info.ns.Secret:
		if record {
			p.secret(s, l)
		}
		if l.Str && l.A.Kind == recordKindString {
			return l.A.Str
		}
	case l.Str && l.A.Kind == recordKindString:
		if record {
			return p.bearer(s, l)
		}
		if b0, b1, ok := p.b.Bearer(l.A.Str); ok {
			return l.A.Str[:b0] + p.b.Redactor().Value(l.A.Str[b0:b1], redact.KindWhole) + l.A.Str[b1:]
		}
		return l.A.Str
	}
	return s[l.V0:l.V1]
}

const recordKindString = record.KindString

// feeds returns the attributes a path's value may go to in this record
// (the namespace, and the rules that apply to its event), and whether it
// is security-relevant: a rule gives a builder.Relevant attribute, the
// message gives the event's outcome and user, the status its outcome, or
// it is the target system.
func (p *Parser) feeds(pi *pathInfo) ([]string, bool) {
	feeds := []string{pi.ns.Key}
	relevant := strings.HasPrefix(pi.path, "targetSystem")
	for _, f := range pi.rules {
		if f.key == "" || f.only != "" && !strings.HasPrefix(p.b.Record().EventName, f.only) {
			continue
		}
		feeds = append(feeds, f.key)
		relevant = relevant || builder.Relevant(f.key)
	}
	switch pi.path {
	case "message", "msg":
		feeds = append(feeds, record.AttrEventOutcome, record.AttrUserName)
		relevant = true
	case "res.statusCode":
		feeds = append(feeds, record.AttrEventOutcome)
		relevant = true
	}
	return feeds, relevant
}

// netwrixMapped applies a field rule; false leaves the value to the
// namespace. (By pointer: a rule and a value were 16 words to copy per
// rule tried.)
func (p *Parser) netwrixMapped(f *nxField, a *record.Attr, body string) bool {
	r := p.b.Record()
	switch f.conv {
	case nxBody:
		return a.Kind == record.KindString && a.Str == body
	case nxTime:
		if a.Kind != record.KindString {
			return false
		}
		t, n, ok := scan.RFC3339(a.Str, p.b.Location())
		if !ok || n != len(a.Str) {
			return false
		}
		r.Time, r.TimeText = t, a.Str
		return true
	case nxLevel:
		switch a.Kind {
		case record.KindInt:
			r.SetSeverity(bunyanSeverity(a.Int))
			return true
		case record.KindString:
			for _, l := range netwrixLevels {
				if strings.EqualFold(l.name, a.Str) {
					r.SetSeverity(l.sev)
					return true
				}
			}
		}
		return false
	}
	if !p.b.Framed(f.key) {
		return false // the record already gave it: the first rule wins
	}
	switch f.conv {
	case nxCN:
		cn, ok := commonName(a.Str)
		if a.Kind != record.KindString || !ok {
			return false
		}
		p.b.AddStr(f.key, cn)
	case nxIP:
		if a.Kind != record.KindString {
			return false
		}
		p.b.AddStr(f.key, scan.UnmapIPv4(a.Str))
	case nxInt:
		switch a.Kind {
		case record.KindInt:
			p.b.AddInt(f.key, a.Int)
		case record.KindString:
			n, ok := scan.Atoi(a.Str)
			if !ok {
				return false
			}
			p.b.AddInt(f.key, n)
		default:
			return false
		}
	case nxURLPath:
		if a.Kind != record.KindString {
			return false
		}
		p.b.AddStr(f.key, urlPath(a.Str))
	case nxRoles:
		switch a.Kind {
		case record.KindStrings:
			p.b.Add(record.Attr{Key: f.key, Kind: record.KindStrings, Strs: a.Strs})
		case record.KindString:
			p.b.Add(record.Attr{Key: f.key, Kind: record.KindStrings, Strs: []string{a.Str}})
		default:
			return false
		}
	default:
		if a.Kind == record.KindString {
			p.b.AddStr(f.key, a.Str)
		} else {
			c := *a
			c.Key = f.key
			p.b.Add(c)
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
	return record.ErrAt(record.FormatNetwrix, at, record.ErrMalformedJSON)
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
func (p *Parser) dropDuplicateLeaves(s string) {
	ls := p.json.Leaves
	// One path has one pathInfo while the cache holds it: a stamp per
	// record finds the duplicates in one pass from the end. A pathInfo
	// the full cache did not keep is compared by path.
	p.gen++
	if p.uncached {
		p.dropDuplicateLeavesByPath(s)
		return
	}
	n := len(ls)
	for i := len(ls) - 1; i >= 0; i-- {
		if pi := ls[i].Info; pi.gen != p.gen {
			pi.gen = p.gen
			n--
			if n != i { // no copy until a duplicate was dropped
				ls[n] = ls[i]
			}
		} else {
			p.dropped(s, &ls[i])
		}
	}
	if n > 0 { // a duplicate was dropped
		p.json.Leaves = append(ls[:0], ls[n:]...)
	}
}

// dropDuplicateLeavesByPath is dropDuplicateLeaves for a record whose paths
// the cache does not all hold.
func (p *Parser) dropDuplicateLeavesByPath(s string) {
	ls := p.json.Leaves
	last := make(map[string]int, len(ls))
	for i := range ls {
		last[ls[i].Info.path] = i
	}
	for i := len(ls) - 1; i >= 0; i-- {
		if last[ls[i].Info.path] != i {
			p.dropped(s, &ls[i])
		}
	}
	n := 0
	for i := range ls {
		if last[ls[i].Info.path] == i {
			ls[n] = ls[i]
			n++
		}
	}
	p.json.Leaves = ls[:n]
}

// dropped keeps what the tamper marks need of a leaf dropped for a later
// one of the same key, and records its secrets.
func (p *Parser) dropped(s string, l *leaf) {
	p.dups = append(p.dups, dupLeaf{pi: l.Info, val: p.leafText(s, l, true)})
}

// leaf is one walked scalar or array of scalars, with what the parser
// knows of its raw dotted path ("req.headers.user-agent", "authInfo.1.type").
type leaf = jsonwalk.Leaf[*pathInfo]

// pathInfo is what the parser knows of a JSON path, worked out once: its
// namespace key, whether it is a secret, and the mapping rules that may
// apply to it.
type pathInfo struct {
	path  string
	ns    *builder.Field
	rules []nxField // exact-path rules, then suffix rules, in table order
	gen   uint64    // the stamp of the last record that held the path; uncachedGen when not cached

	shipper bool // the path is a top-level member that names a shipper's layout
	sig     int  // the signature bits the path sets (signature), worked out once
	role    role // what classification reads of the path, worked out once
}

// role is what classification (netwrixRecord) reads of a path.
type role uint8

const (
	roleNone    role = iota
	roleMessage      // "message"
	roleMsg          // "msg"
	roleType         // "type"
	roleAction       // "action"
	roleStatus       // "res.statusCode"
	roleTarget       // under "targetSystem"
)

func pathRole(path string) role {
	switch path {
	case "message":
		return roleMessage
	case "msg":
		return roleMsg
	case "type":
		return roleType
	case "action":
		return roleAction
	case "res.statusCode":
		return roleStatus
	}
	if strings.HasPrefix(path, "targetSystem") {
		return roleTarget
	}
	return roleNone
}

// uncachedGen marks a pathInfo the full cache did not keep. (Parser.gen
// never reaches it: 64 bits do not wrap.)
const uncachedGen = ^uint64(0)

// pathInfo returns the cached information for a raw path.
func (p *Parser) pathInfo(b []byte) *pathInfo {
	// Most records repeat a few paths: a slot by a hash of a few bytes,
	// confirmed by one compare, spares the map's hash of the whole path.
	// Two ways: common members collide (hostname and message do), and a
	// collision in one way cost a map lookup per leaf.
	set := &p.slots[scan.Slot256(b)]
	if pi := set[0]; pi != nil && samePath(pi.path, b) {
		return pi
	}
	if pi := set[1]; pi != nil && samePath(pi.path, b) {
		return pi
	}
	pi, ok := p.paths[string(b)]
	if !ok {
		pi = p.newPathInfo(string(b))
	}
	if pi.gen != uncachedGen {
		set[1], set[0] = set[0], pi
	}
	return pi
}

// samePath is path == string(b), without memequal's call for the paths
// of 8 to 16 bytes most members have: two loads a side.
func samePath(path string, b []byte) bool {
	n := len(path)
	if n != len(b) {
		return false
	}
	if n < 8 || n > 16 {
		return path == string(b)
	}
	return binary.LittleEndian.Uint64([]byte(path[:8])) == binary.LittleEndian.Uint64(b[:8]) &&
		binary.LittleEndian.Uint64([]byte(path[n-8:])) == binary.LittleEndian.Uint64(b[n-8:])
}

func (p *Parser) newPathInfo(path string) *pathInfo {
	pi := &pathInfo{path: path, ns: p.b.Field(path), shipper: shipper.SigMember(path), sig: signature(path), role: pathRole(path)}
	pi.rules = append(pi.rules, netwrixFields[path]...)
	for _, f := range netwrixSuffixFields {
		if strings.HasSuffix(path, f.path) {
			pi.rules = append(pi.rules, f)
		}
	}
	if p.paths == nil {
		p.paths = make(map[string]*pathInfo, 64)
	}
	if len(p.paths) < maxPaths {
		p.paths[path] = pi
	} else {
		pi.gen = uncachedGen
		p.uncached = true
	}
	return pi
}
