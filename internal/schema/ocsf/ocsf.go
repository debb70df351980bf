// Package ocsf maps records of the OpenTelemetry schema (what the products
// build) onto OCSF events: the event is the record's body map, time,
// severity and event name stay on the record. The tables (tables.go) say
// which class and activity each event is; classes.go holds the OCSF facts.
package ocsf

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/internal/schema/table"
	"github.com/pamaudit/pamaudit/record"
)

// Mapper maps records. It is built once (the tables compiled) and reused
// from record to record; not safe for concurrent use. The record Map
// returns is valid until the next call.
type Mapper struct {
	keepOriginal bool
	products     [len(tables)]*compiled

	out      record.Record
	keys     table.KeyCache[int] // key → key id (0: no table names it)
	keyIDs   map[string]int
	keyOf    func(string) int
	idx      [nFields]int32 // per field, the index of its attribute, or -1 (-2: placed)
	unplaced []bool         // per attribute of the record, whether it goes to unmapped
	t        tree
}

// compiled is a product's table prepared for lookups.
type compiled struct {
	p       *product
	rows    *table.Index[crow]
	other   *crow         // a record no row matches
	product []record.Attr // metadata.product (flat) and metadata.version
}

// crow is a row with what it gives computed once.
type crow struct {
	*row
	key    table.Key
	fields []field        // by key id: the row's placements, the product's, the common ones
	head   [5]record.Attr // class_uid, category_uid, activity_id, activity_name ("": event.action), type_uid
	privs  record.Attr
	base   *crow // the Base Event this row falls back to
}

// New compiles the tables. keepOriginal puts the original text in
// raw_data when the body is that text (keep_original).
func New(keepOriginal bool) *Mapper {
	m := &Mapper{keepOriginal: keepOriginal, keyIDs: map[string]int{}}
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
	for _, p := range tables {
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
	for f, p := range tables {
		m.products[f] = m.compile(p)
	}
	return m
}

func (m *Mapper) compile(p *product) *compiled {
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
	c.setClass(r.class, r.activity, r.name)
	c.privs = record.Attr{Key: "privileges", Kind: record.KindStrings, Strs: r.privileges}
	c.base = c.fallback()
	return c
}

// setClass fills the class and activity members.
func (c *crow) setClass(cl *class, activity int, name string) {
	if name == "" {
		name = cl.activityName(activity)
		if activity == 99 {
			name = "" // the record's event.action
		}
	}
	// The captions of the ids (class_name, category_name, type_name) are
	// left out: OCSF makes them optional, consumers derive them, and each
	// member costs every record. activity_name stays: for 99 (Other) it is
	// the source's own name.
	c.head = [5]record.Attr{num("class_uid", cl.uid), num("category_uid", cl.cat.uid),
		num("activity_id", activity), str("activity_name", name), num("type_uid", cl.uid*100+activity)}
}

// headName is activity_name's index in crow.head.
const headName = 3

// fallback is the Base Event a row falls back to when a record lacks what
// its class requires: activity 99, named after the row's activity.
func (c *crow) fallback() *crow {
	name := c.name
	if name == "" && c.activity != 99 {
		name = c.class.activityName(c.activity)
	}
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
	if int(rec.Format) < len(m.products) {
		c = m.products[rec.Format]
	}
	r := c.lookup(rec)
	// Each attribute to its field; a field taken, or none, is unmapped.
	m.idx = noFields
	if cap(m.unplaced) < len(rec.Attrs) {
		m.unplaced = make([]bool, len(rec.Attrs))
	}
	m.unplaced = m.unplaced[:len(rec.Attrs)]
	for i := range rec.Attrs {
		f := r.fields[m.keys.Get(rec.Attrs[i].Key, m.keyOf)]
		if f == fNone || m.idx[f] >= 0 || !fits(f, &rec.Attrs[i]) {
			m.unplaced[i] = true
			continue
		}
		m.unplaced[i] = false
		m.idx[f] = int32(i)
	}
	cl := r.class
	if !m.satisfies(cl, r, rec) {
		r, cl = r.base, baseEvent
	}
	m.emit(c, r, cl, rec)
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

// fits reports whether an attribute's kind is the one its field takes.
func fits(f field, a *record.Attr) bool {
	switch f {
	case fSrcPort, fHTTPStatus:
		return a.Kind == record.KindInt
	}
	return a.Kind == record.KindString
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
// its actor.user: 'a' the acting user, 't' the user acted upon, 0 none.
func (m *Mapper) users(cl *class, r *crow) (user, actor byte) {
	target := m.any(fTargetName, fTargetUID, fTargetFullName)
	switch cl.role {
	case roleSubject:
		return 'a', 0
	case roleTarget:
		if !target && r.self {
			return 'a', 0
		}
		if cl.has&hActor != 0 {
			return 't', 'a'
		}
		return 't', 0
	case roleActor:
		if cl.has&hActor != 0 {
			return 0, 'a'
		}
	}
	return 0, 0
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

// satisfies reports whether the record has what the class requires (the
// user and entity objects need a name or uid).
func (m *Mapper) satisfies(cl *class, r *crow, rec *record.Record) bool {
	req := cl.required
	if req&hUser != 0 {
		u, _ := m.users(cl, r)
		if u == 0 || !m.any(whose(u)[0], whose(u)[1]) {
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

// emit builds the event in m.t.
func (m *Mapper) emit(c *compiled, r *crow, cl *class, rec *record.Record) {
	t := &m.t
	t.reset()
	t.add(r.head[:]...)
	if r.head[headName].Str == "" {
		name := &t.out[headName]
		name.Str = "Other"
		if a := m.attr(rec, fAction); a != nil {
			name.Str = a.Str
		}
	}
	sev := &severities[len(severities)-1]
	for i := range severities {
		if rec.SeverityNumber >= severities[i].min {
			sev = &severities[i]
			break
		}
	}
	t.push(num("severity_id", sev.id))
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
	m.place(rec, fStatusCode, "status_code")
	m.place(rec, fStatusDetail, "status_detail")
	tm := rec.Time
	if tm.IsZero() {
		tm = rec.ObservedTime // time is required: when the text has none, when it was seen
	}
	t.push(record.Attr{Key: "time", Kind: record.KindInt, Int: tm.UnixMilli()})
	if rec.HasMessage {
		t.push(str("message", rec.Body))
	}

	t.begin()
	m.place(rec, fCorrelation, "correlation_uid")
	m.place(rec, fAction, "event_code")
	if rec.TimeText != "" {
		t.push(str("original_time", rec.TimeText))
	}
	m.place(rec, fEventUID, "uid")
	t.add(c.product...) // and version
	t.end("metadata")

	user, actor := m.users(cl, r)
	if actor != 0 {
		t.begin()
		m.user(rec, actor, "user")
		if cl.has&hSession == 0 {
			m.object(rec, "session", fSession, "uid")
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
			id := 99
			for _, p := range authProtocols {
				if strings.EqualFold(p.name, a.Str) {
					id = p.id
				}
			}
			t.push(num("auth_protocol_id", id))
			m.place(rec, fAuthProtocol, "auth_protocol")
		}
	}
	if cl.has&hSession != 0 {
		m.object(rec, "session", fSession, "uid")
	}
	if cl.has&hSrc != 0 && m.any(fSrcAddr, fSrcPort) {
		t.begin()
		if a := m.attr(rec, fSrcAddr); a != nil {
			key := "hostname"
			if scan.IsIP(a.Str) {
				key = "ip"
			}
			m.place(rec, fSrcAddr, key)
		}
		m.place(rec, fSrcPort, "port")
		t.end("src_endpoint")
	}
	if cl.has&hDst != 0 && m.any(fDstHost, fDstHostPort) {
		t.begin()
		if !m.place(rec, fDstHost, "hostname") {
			if a := m.attr(rec, fDstHostPort); a != nil {
				host, port := a.Str, ""
				if i := strings.LastIndexByte(host, ':'); i > 0 && strings.IndexByte(host[:i], ':') < 0 {
					host, port = host[:i], host[i+1:]
				}
				t.push(str("hostname", host))
				if n, ok := scan.Atoi(port); ok {
					t.push(record.Attr{Key: "port", Kind: record.KindInt, Int: n})
				}
				m.idx[fDstHostPort] = -2
			}
		}
		t.end("dst_endpoint")
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
	if !m.place(rec, fOriginal, "raw_data") && !rec.HasMessage && m.keepOriginal {
		t.push(str("raw_data", rec.Body))
	}
	m.emitUnmapped(rec)

}

// object writes the object obj of one member, field f's attribute as key;
// without it, no object.
func (m *Mapper) object(rec *record.Record, obj string, f field, key string) {
	if m.idx[f] < 0 {
		return
	}
	m.t.begin()
	m.place(rec, f, key)
	m.t.end(obj)
}

// user writes the acting user ('a') or the user acted upon ('t') as the
// object key.
func (m *Mapper) user(rec *record.Record, u byte, key string) {
	m.t.begin()
	for i, f := range whose(u) {
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
