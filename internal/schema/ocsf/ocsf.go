// Package ocsf maps records of the OpenTelemetry schema (what the products
// build) onto OCSF events: the event is the record's body map, time,
// severity and event name stay on the record. The tables (tables.go) say
// which class and activity each event is; classes.go holds the OCSF facts.
package ocsf

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pamaudit/pamaudit/internal/cache"
	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/internal/schema/table"
	"github.com/pamaudit/pamaudit/record"
)

// Mapper maps records. It is built once (the tables compiled) and reused
// from record to record; not safe for concurrent use. The record Map
// returns is valid until the next call.
type Mapper struct {
	opts     Options
	products []*compiled // by record.Format

	out      record.Record
	keys     cache.Direct[int] // key → key id (0: no table names it)
	keyIDs   map[string]int
	keyOf    func(string) int
	idx      [nFields]int32 // per field, the index of its attribute, or -1 (-2: placed)
	unplaced []bool         // per attribute of the record, whether it goes to unmapped
	original bool           // the record has log.record.original (placed or not)
	extra    []record.Attr  // members of unmapped that are not the record's attributes (an overlong body)
	t        tree
}

// Options configure a Mapper.
type Options struct {
	// KeepOriginal puts the original text in raw_data when the body is that
	// text (keep_original).
	KeepOriginal bool
	// NoCaptions leaves out the captions of the ids (class_name,
	// category_name, type_name, severity, status, and activity_name but
	// for activity 99, where it is the source's own name).
	NoCaptions bool
	// Products is the products table the records come from; nil: every
	// product (product.Default).
	Products product.Table
}

// compiled is a product's table prepared for lookups.
type compiled struct {
	p       *mapping
	rows    *table.Index[crow]
	other   *crow         // a record no row matches
	product []record.Attr // metadata.product (flat) and metadata.version
}

// crow is a row with what it gives computed once.
type crow struct {
	*row
	key    table.Key
	fields []field // by key id: the row's placements, the product's, the common ones
	cl     *class  // the row's class, or Base Event for a fallback
	act    int     // activity_id
	// name is activity_name ("": event.action); caption says it is the
	// activity's caption, not the source's name.
	name    string
	caption bool
	head    []record.Attr // class_uid, category_uid, activity_id (activity_name is written apart), type_uid; with the captions
	headIDs []record.Attr // the same without the captions
	privs   record.Attr
	base    *crow // the Base Event this row falls back to
}

// New compiles the tables.
func New(opts Options) *Mapper {
	m := &Mapper{opts: opts, keyIDs: map[string]int{}}
	// Every key any table names gets an id, so that a row's placements are
	// an array and a record's key is looked up once, whatever its row.
	id := func(k string) {
		if _, ok := m.keyIDs[k]; !ok {
			m.keyIDs[k] = len(m.keyIDs) + 1
		}
	}
	for _, kf := range commonFields {
		id(kf.key)
	}
	if opts.Products == nil {
		opts.Products = product.Default()
	}
	ts := tables(opts.Products)
	for _, p := range ts {
		if p == nil {
			continue
		}
		for _, kf := range p.fields {
			id(kf.key)
		}
		for i := range p.rows {
			for _, kf := range p.rows[i].fields {
				id(kf.key)
			}
		}
	}
	m.keyOf = func(k string) int { return m.keyIDs[k] }
	m.products = make([]*compiled, len(ts))
	for f, p := range ts {
		if p != nil {
			m.products[f] = m.compile(p)
		}
	}
	return m
}

func (m *Mapper) compile(p *mapping) *compiled {
	c := &compiled{p: p}
	c.product = []record.Attr{{Key: "product", Kind: record.KindMap, Int: 2}, str("name", p.name), str("vendor_name", p.vendor),
		str("version", Version)}
	base := make([]field, len(m.keyIDs)+1)
	for _, kfs := range [][]keyField{commonFields[:], p.fields} {
		for _, kf := range kfs {
			base[m.keyIDs[kf.key]] = kf.f
		}
	}
	rows := make([]*crow, len(p.rows))
	for i := range p.rows {
		rows[i] = m.compileRow(&p.rows[i], base)
	}
	c.rows = table.NewIndex(rows, func(r *crow) *table.Key { return &r.key })
	c.other = m.compileRow(&unknownTable.rows[0], base)
	return c
}

func (m *Mapper) compileRow(r *row, base []field) *crow {
	c := &crow{row: r, fields: base, key: table.Key{Event: r.event, When: r.when}}
	if len(r.fields) > 0 {
		c.fields = append([]field(nil), base...)
		for _, kf := range r.fields {
			c.fields[m.keyIDs[kf.key]] = kf.f
		}
	}
	name := r.name
	if name == "" && r.activity != 99 {
		name = r.class.activityName(r.activity)
	}
	c.setClass(r.class, r.activity, name)
	c.privs = record.Attr{Key: "privileges", Kind: record.KindStrings, Strs: r.privileges}
	c.base = c.fallback(name)
	return c
}

// setClass fills the class and activity members. name is activity_name;
// "" takes the record's event.action.
func (c *crow) setClass(cl *class, activity int, name string) {
	c.cl, c.act, c.name = cl, activity, name
	c.caption = activity != 99
	other := cl.activityName(activity)
	c.headIDs = []record.Attr{num("class_uid", cl.uid), num("category_uid", cl.cat.uid),
		num("activity_id", activity), num("type_uid", cl.uid*100+activity)}
	c.head = []record.Attr{num("class_uid", cl.uid), str("class_name", cl.name), num("category_uid", cl.cat.uid),
		str("category_name", cl.cat.name), num("activity_id", activity), num("type_uid", cl.uid*100+activity),
		str("type_name", cl.name+": "+other)}
}

// fallback is the Base Event a row falls back to when a record lacks what
// its class requires: activity 99, named after the row's activity.
func (c *crow) fallback(name string) *crow {
	f := &crow{row: c.row, fields: c.fields, privs: c.privs}
	f.setClass(baseEvent, 99, name)
	f.base = f
	return f
}

// lookup finds the row of rec's event.
func (c *compiled) lookup(rec *record.Record) *crow {
	if r := c.rows.Lookup(rec); r != nil {
		return r
	}
	return c.other
}

// Map returns rec as an OCSF event: its body map is the event, and it has
// no attributes (the event's unmapped holds every field read that OCSF has
// no place for).
func (m *Mapper) Map(rec *record.Record) *record.Record {
	c := m.products[0]
	if int(rec.Format) < len(m.products) && m.products[rec.Format] != nil {
		c = m.products[rec.Format]
	}
	r := c.lookup(rec)
	// Each attribute to its field; a field taken, or none, or a value the
	// field's type refuses, is unmapped.
	m.idx = noFields
	m.original = false
	if cap(m.unplaced) < len(rec.Attrs) {
		m.unplaced = make([]bool, len(rec.Attrs))
	}
	m.unplaced = m.unplaced[:len(rec.Attrs)]
	for i := range rec.Attrs {
		f := r.fields[m.keys.Get(rec.Attrs[i].Key, m.keyOf)]
		m.original = m.original || f == fOriginal
		if f == fNone || m.idx[f] >= 0 || !fits(f, &rec.Attrs[i]) {
			m.unplaced[i] = true
			continue
		}
		m.unplaced[i] = false
		m.idx[f] = int32(i)
	}
	if !m.satisfies(r.cl, r) {
		r = r.base
	}
	m.emit(c, r, rec)
	out := &m.out
	attrs := out.Attrs[:0]
	*out = record.Record{
		Time: rec.Time, ObservedTime: rec.ObservedTime, SeverityNumber: rec.SeverityNumber, SeverityText: rec.SeverityText,
		EventName: rec.EventName, Body: rec.Body, BodyMap: m.t.root(), Attrs: attrs, Format: rec.Format,
		Schema: record.SchemaOCSF, TimeText: rec.TimeText, HasMessage: rec.HasMessage,
	}
	return out
}

// noFields is idx before a record's attributes are read.
var noFields = func() (idx [nFields]int32) {
	for i := range idx {
		idx[i] = -1
	}
	return idx
}()

// fits reports whether an attribute's value is one its field's place
// takes: its kind, a port in range, an HTTP method OCSF names, a string
// no longer than OCSF's strings, not empty.
func fits(f field, a *record.Attr) bool {
	switch f {
	case fSrcPort:
		return a.Kind == record.KindInt && a.Int >= 0 && a.Int <= 65535
	case fHTTPStatus:
		return a.Kind == record.KindInt
	}
	if a.Kind != record.KindString || a.Str == "" || !shortEnough(a.Str) {
		return false
	}
	switch f {
	case fHTTPMethod:
		for _, m := range httpMethods {
			if a.Str == m {
				return true
			}
		}
		return false
	case fDstHostPort:
		host, _ := splitHostPort(a.Str)
		return host != ""
	}
	return true
}

// shortEnough reports whether s has at most maxString characters.
func shortEnough(s string) bool {
	return len(s) <= maxString || utf8.RuneCountInString(s) <= maxString
}

// attr returns the attribute of field f, or nil.
func (m *Mapper) attr(rec *record.Record, f field) *record.Attr {
	if i := m.idx[f]; i >= 0 {
		return &rec.Attrs[i]
	}
	return nil
}

func (m *Mapper) any(fs ...field) bool {
	for _, f := range fs {
		if m.idx[f] >= 0 {
			return true
		}
	}
	return false
}

// users says which of the record's users is the class's user and which
// its actor.user: 'a' the acting user, 't' the user acted upon, 0 none. A
// user without a name or uid is none (OCSF's user needs one); the actor
// may still have a session.
func (m *Mapper) users(cl *class, r *crow) (user, actor byte) {
	target := m.any(fTargetName, fTargetUID)
	acting := m.any(fUserName, fUserUID)
	switch cl.role {
	case roleSubject:
		user = 'a'
	case roleTarget:
		switch {
		case target:
			user = 't'
			if cl.has&hActor != 0 {
				actor = 'a'
			}
		case r.self:
			user = 'a'
		}
	case roleActor:
		if cl.has&hActor != 0 {
			actor = 'a'
		}
	}
	if user == 'a' && !acting {
		user = 0
	}
	return user, actor
}

// userFields are the fields of the acting user and of the user acted upon,
// in the order of the user object's members.
var userFields = [2][4]field{
	{fUserName, fUserUID, fUserDomain, fUserFullName},
	{fTargetName, fTargetUID, fNone, fTargetFullName},
}

var userKeys = [4]string{"name", "uid", "domain", "full_name"}

func whose(u byte) *[4]field {
	if u == 't' {
		return &userFields[1]
	}
	return &userFields[0]
}

// satisfies reports whether the record has what the class requires, and
// meets its constraint (the user and entity objects need a name or uid).
func (m *Mapper) satisfies(cl *class, r *crow) bool {
	req := cl.required
	if req&hUser != 0 {
		if u, _ := m.users(cl, r); u == 0 {
			return false
		}
	}
	if req&hEntity != 0 && !m.any(fEntityName, fEntityUID) {
		return false
	}
	if req&hPrivileges != 0 && len(r.privileges) == 0 {
		return false
	}
	if req&hDst != 0 && !m.any(fDstHost, fDstHostPort) {
		return false
	}
	if req&hHTTPRequest != 0 && !m.any(fHTTPMethod, fURLPath, fUserAgent) {
		return false
	}
	if req&hHTTPResponse != 0 && !m.any(fHTTPStatus) {
		return false
	}
	if cl.oneOf != 0 && !(cl.oneOf&hService != 0 && m.any(fService, fProgram) || cl.oneOf&hDst != 0 && m.any(fDstHost, fDstHostPort)) {
		return false
	}
	return true
}

// place puts field f's attribute under key in the open object, and marks
// it placed; it reports whether there was one.
func (m *Mapper) place(rec *record.Record, f field, key string) bool {
	a := m.attr(rec, f)
	if a == nil {
		return false
	}
	m.t.push(*a).Key = key
	m.idx[f] = -2 // placed
	return true
}

// endpointKey is the member of an endpoint an address goes to: ip for an
// IP address, hostname for a host name, name for anything else.
func endpointKey(s string) string {
	switch {
	case len(s) <= 40 && scan.IsIP(s):
		return "ip"
	case isHostname(s):
		return "hostname"
	}
	return "name"
}

// isHostname reports whether s is a host name: dot-separated labels of
// letters, digits and inner hyphens.
func isHostname(s string) bool {
	if s == "" {
		return false
	}
	for len(s) > 0 {
		label := s
		if i := strings.IndexByte(s, '.'); i >= 0 {
			label, s = s[:i], s[i+1:]
			if s == "" {
				return false // a trailing dot
			}
		} else {
			s = ""
		}
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isAlnum(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

// isHostTerminal reports whether a terminal is a remote host: an IP
// address or a host name with a dot (pts/1, console are not).
func isHostTerminal(s string) bool {
	return len(s) <= 40 && scan.IsIP(s) || strings.IndexByte(s, '.') > 0 && isHostname(s)
}

// splitHostPort splits "host", "host:port" or "[v6]:port".
func splitHostPort(s string) (host, port string) {
	if s != "" && s[0] == '[' {
		if i := strings.IndexByte(s, ']'); i > 0 {
			host, s = s[1:i], s[i+1:]
			if p, ok := strings.CutPrefix(s, ":"); ok {
				return host, p
			}
			if s == "" {
				return host, ""
			}
		}
		return "", ""
	}
	if i := strings.LastIndexByte(s, ':'); i > 0 && strings.IndexByte(s[:i], ':') < 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// tzOffset reads the offset from UTC, in minutes, that a time's text ends
// with (Z, +01:00, +0900); ok is false when the text has none.
func tzOffset(s string) (int, bool) {
	s = strings.TrimRight(s, " ")
	if strings.IndexByte(s, ':') < 0 || len(s) < 2 {
		return 0, false // no time of day
	}
	if c := s[len(s)-1]; (c == 'Z' || c == 'z') && scan.IsDigit(s[len(s)-2]) {
		return 0, true
	}
	var h, mm string
	switch {
	case len(s) > 6 && (s[len(s)-6] == '+' || s[len(s)-6] == '-') && s[len(s)-3] == ':':
		h, mm, s = s[len(s)-5:len(s)-3], s[len(s)-2:], s[:len(s)-5]
	case len(s) > 5 && (s[len(s)-5] == '+' || s[len(s)-5] == '-'):
		h, mm, s = s[len(s)-4:len(s)-2], s[len(s)-2:], s[:len(s)-4]
	default:
		return 0, false
	}
	hv, ok1 := scan.Atoi(h)
	mv, ok2 := scan.Atoi(mm)
	sign := s[len(s)-1]
	if !ok1 || !ok2 || len(s) < 2 || mv >= 60 || (!scan.IsDigit(s[len(s)-2]) && s[len(s)-2] != ' ') || strings.IndexByte(s, ':') < 0 {
		return 0, false
	}
	off := int(hv*60 + mv)
	if sign == '-' {
		off = -off
	}
	if off < -1080 || off > 1080 {
		return 0, false
	}
	return off, true
}

// emit builds the event in m.t.
func (m *Mapper) emit(c *compiled, r *crow, rec *record.Record) {
	t := &m.t
	cl := r.cl
	t.reset()
	m.extra = m.extra[:0]
	captions := !m.opts.NoCaptions
	head, nType := r.headIDs, 1 // type_uid, and type_name with the captions, go after activity_name
	if captions {
		head, nType = r.head, 2
	}
	t.add(head[:len(head)-nType]...)
	if !r.caption || captions {
		name := r.name
		if name == "" {
			if a := m.attr(rec, fAction); a != nil {
				name = a.Str
			}
		}
		if name != "" {
			t.push(str("activity_name", name))
		}
	}
	t.add(head[len(head)-nType:]...)
	sev := &severities[len(severities)-1]
	for i := range severities {
		if rec.SeverityNumber >= severities[i].min {
			sev = &severities[i]
			break
		}
	}
	t.push(num("severity_id", sev.id))
	if captions {
		t.push(str("severity", sev.name))
	}
	st := &statuses[len(statuses)-1]
	if a := m.attr(rec, fOutcome); a != nil {
		for i := range statuses {
			if statuses[i].outcome == a.Str {
				st = &statuses[i]
			}
		}
		m.idx[fOutcome] = -2
	}
	t.push(num("status_id", st.id))
	if captions {
		t.push(str("status", st.name))
	}
	if !m.place(rec, fStatusCode, "status_code") && cl.has&hHTTPResponse == 0 {
		if a := m.attr(rec, fHTTPStatus); a != nil {
			t.push(str("status_code", strconv.FormatInt(a.Int, 10)))
			m.idx[fHTTPStatus] = -2
		}
	}
	m.place(rec, fStatusDetail, "status_detail")
	tm := rec.Time
	if tm.IsZero() {
		tm = rec.ObservedTime // time is required: when the text has none, when it was seen
	}
	t.push(record.Attr{Key: "time", Kind: record.KindInt, Int: tm.UnixMilli()})
	if off, ok := tzOffset(rec.TimeText); ok {
		t.push(num("timezone_offset", off))
	}
	if rec.HasMessage {
		if shortEnough(rec.Body) {
			t.push(str("message", rec.Body))
		} else {
			m.extra = append(m.extra, str("body", rec.Body))
		}
	}

	user, actor := m.users(cl, r)
	// The terminal is a remote host: it is src_endpoint, when the class has
	// one and the record no client address.
	termSrc := cl.has&hSrc != 0 && m.idx[fSrcAddr] < 0 && m.terminalIsHost(rec)
	actorSession := cl.has&hSession == 0 && (m.idx[fSession] >= 0 || m.idx[fTerminal] >= 0 && !termSrc)
	if actor != 0 && !m.any(fUserName, fUserUID) && !actorSession {
		actor = 0 // nothing to write in it
	}
	// The host profile: device, and actor where the class has none of its
	// own, when the event has them.
	device := cl.has&hDevice != 0 && m.idx[fDstHost] >= 0
	hostProf := device && cl.profile&hDevice != 0 || actor != 0 && cl.profile&hActor != 0

	t.begin()
	m.place(rec, fCorrelation, "correlation_uid")
	m.place(rec, fAction, "event_code")
	if rec.TimeText != "" {
		if shortEnough(rec.TimeText) {
			t.push(str("original_time", rec.TimeText))
		}
	}
	m.place(rec, fEventUID, KeyUID)
	t.add(c.product...) // and version
	if hostProf {
		t.push(hostProfiles)
	}
	t.end(KeyMetadata)

	if actor != 0 {
		t.begin()
		m.user(rec, actor, "user")
		if actorSession {
			m.session(rec, "session", termSrc)
		}
		t.end("actor")
	}
	if user != 0 {
		m.user(rec, user, "user")
	}
	if cl.has&hEntity != 0 {
		t.begin()
		m.place(rec, fEntityName, "name")
		m.place(rec, fEntityUID, "uid")
		if !m.place(rec, fEntityType, "type") && r.entityType != "" {
			t.push(str("type", r.entityType))
		}
		t.end("entity")
	}
	if cl.has&hPrivileges != 0 && len(r.privileges) > 0 {
		t.push(r.privs)
	}
	if cl.has&hResource != 0 {
		m.object(rec, "resource", fResourceName, "name")
	}
	if cl.has&hApp != 0 {
		t.begin()
		if !m.place(rec, fAppName, "name") {
			name := r.app
			if name == "" {
				name = c.p.name
			}
			t.push(str("name", name))
		}
		t.push(str("vendor_name", c.p.vendor))
		t.end("app")
	}
	if cl.has&hAuthProtocol != 0 {
		if a := m.attr(rec, fAuthProtocol); a != nil {
			id, name := 99, a.Str
			for _, p := range authProtocols {
				if strings.EqualFold(p.name, a.Str) {
					id, name = p.id, p.caption
				}
			}
			t.push(num("auth_protocol_id", id))
			t.push(str("auth_protocol", name))
			m.idx[fAuthProtocol] = -2
		}
	}
	if cl.has&hService != 0 {
		if !m.object(rec, "service", fProgram, "name") {
			m.object(rec, "service", fService, "name")
		}
	}
	if cl.has&hSession != 0 {
		m.session(rec, "session", termSrc)
	}
	if cl.has&hSrc != 0 {
		f := fSrcAddr
		if termSrc {
			f = fTerminal
		}
		if a := m.attr(rec, f); a != nil {
			t.begin()
			m.place(rec, f, endpointKey(a.Str))
			m.place(rec, fSrcPort, "port")
			t.end("src_endpoint")
		}
	}
	if cl.has&hDst != 0 {
		if a := m.attr(rec, fDstHost); a != nil {
			t.begin()
			m.place(rec, fDstHost, endpointKey(a.Str))
			t.end("dst_endpoint")
		} else if a := m.attr(rec, fDstHostPort); a != nil {
			host, port := splitHostPort(a.Str)
			t.begin()
			t.push(str(endpointKey(host), host))
			if n, ok := scan.Atoi(port); ok && n <= 65535 {
				t.push(record.Attr{Key: "port", Kind: record.KindInt, Int: n})
			}
			m.idx[fDstHostPort] = -2
			t.end("dst_endpoint")
		}
	}
	if device {
		t.begin()
		m.place(rec, fDstHost, endpointKey(m.attr(rec, fDstHost).Str))
		t.push(num("type_id", 0))
		t.end("device")
	}
	if cl.has&hHTTPRequest != 0 && m.any(fHTTPMethod, fURLPath, fUserAgent) {
		t.begin()
		m.place(rec, fHTTPMethod, "http_method")
		m.object(rec, "url", fURLPath, "path")
		m.place(rec, fUserAgent, "user_agent")
		t.end("http_request")
	}
	if cl.has&hHTTPResponse != 0 {
		m.object(rec, "http_response", fHTTPStatus, "code")
	}
	if !m.place(rec, fOriginal, "raw_data") && !m.original && !rec.HasMessage && m.opts.KeepOriginal {
		if shortEnough(rec.Body) {
			t.push(str("raw_data", rec.Body))
		} else {
			m.extra = append(m.extra, str(record.AttrLogRecordOriginal, rec.Body))
		}
	}
	m.emitUnmapped(rec)
}

// hostProfiles is metadata.profiles of an event that uses the host
// profile.
var hostProfiles = record.Attr{Key: "profiles", Kind: record.KindStrings, Strs: []string{hostProfile}}

// terminalIsHost reports whether the record's terminal is a remote host.
func (m *Mapper) terminalIsHost(rec *record.Record) bool {
	a := m.attr(rec, fTerminal)
	return a != nil && isHostTerminal(a.Str)
}

// session writes the session object: session.id as uid, and the terminal
// unless src_endpoint takes it (termSrc).
func (m *Mapper) session(rec *record.Record, key string, termSrc bool) {
	m.t.begin()
	m.place(rec, fSession, "uid")
	if !termSrc {
		m.place(rec, fTerminal, "terminal")
	}
	m.t.end(key)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// object writes the object obj of one member, field f's attribute as key;
// without it, no object. It reports whether it wrote one.
func (m *Mapper) object(rec *record.Record, obj string, f field, key string) bool {
	if m.idx[f] < 0 {
		return false
	}
	m.t.begin()
	m.place(rec, f, key)
	m.t.end(obj)
	return true
}

// user writes the acting user ('a') or the user acted upon ('t') as the
// object key.
func (m *Mapper) user(rec *record.Record, u byte, key string) {
	fs := whose(u)
	if !m.any(fs[0], fs[1]) {
		return // no name or uid: not a user OCSF takes, its fields unmapped
	}
	m.t.begin()
	for i, f := range fs {
		if f != fNone {
			m.place(rec, f, userKeys[i])
		}
	}
	m.t.end(key)
}

// emitUnmapped writes unmapped: the attributes no field took and those
// whose field the class has no room for, in the record's order, under their
// own names.
func (m *Mapper) emitUnmapped(rec *record.Record) {
	for _, i := range m.idx {
		if i >= 0 {
			m.unplaced[i] = true
		}
	}
	m.t.begin()
	for i := 0; i < len(m.unplaced); {
		if !m.unplaced[i] {
			i++
			continue
		}
		j := i + 1 // a run of them, copied at once
		for j < len(m.unplaced) && m.unplaced[j] {
			j++
		}
		m.t.add(rec.Attrs[i:j]...)
		i = j
	}
	m.t.add(m.extra...)
	m.t.end("unmapped")
}

func str(k, v string) record.Attr { return record.Attr{Key: k, Kind: record.KindString, Str: v} }
func num(k string, v int) record.Attr {
	return record.Attr{Key: k, Kind: record.KindInt, Int: int64(v)}
}

// tree builds the event as a flat map (see record.Attr) without allocating
// in steady state: an object is a KindMap header followed by its members,
// each copied once; when it ends, the header gets its key and member count,
// or the object goes when empty.
type tree struct {
	out   []record.Attr
	opens []int
}

func (t *tree) reset() { t.out, t.opens = t.out[:0], t.opens[:0] }

func (t *tree) root() []record.Attr { return t.out }

// begin opens an object; end names it.
func (t *tree) begin() {
	t.opens = append(t.opens, len(t.out))
	t.out = append(t.out, record.Attr{Kind: record.KindMap})
}

func (t *tree) leaf() { t.begin() }

// add adds members to the open object.
func (t *tree) add(a ...record.Attr) { t.out = append(t.out, a...) }

// push adds one member and returns it.
func (t *tree) push(a record.Attr) *record.Attr {
	t.out = append(t.out, a)
	return &t.out[len(t.out)-1]
}

func (t *tree) end(key string) {
	i := t.opens[len(t.opens)-1]
	t.opens = t.opens[:len(t.opens)-1]
	if n := len(t.out) - i - 1; n > 0 {
		t.out[i].Key, t.out[i].Int = key, int64(n)
	} else {
		t.out = t.out[:i]
	}
}
