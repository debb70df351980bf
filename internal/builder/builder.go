// Package builder holds the record under construction: every product adds
// its attributes through it, under the record's limits, and marks the spans
// of secret values; Finish then redacts the original text, fills the body,
// severity and error attributes. A Builder is reused from record to record
// and is not safe for concurrent use.
package builder

import (
	"errors"
	"strings"
	"time"
	"unsafe"

	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// Builder builds one record at a time.
type Builder struct {
	Rec       record.Record
	Now       time.Time      // the clock's time for this record
	Loc       *time.Location // zone of times without offset
	HasMsg    bool           // Body holds a human message, not the original text
	Orig      string         // the original text when it is not the input (an unwrapped record)
	Truncated int            // what limits cut from the current record
	Scratch   []byte         // scratch space for building keys
	Redact    redact.Redactor

	noOriginal    bool
	maxAttrs      int
	maxValueBytes int

	spans      []redact.Span // secret values in the current text, to redact the original
	base       int           // offset of the product's text (the payload) in the original
	framing    int           // Rec.Attrs[:framing] came from the framing: the record's own fields replace them
	keyBits    uint64        // filter of the keys in Rec.Attrs (see Add)
	keyIdx     []keySlot     // for records of many attributes: key → place (see slotIndexed)
	keyGen     uint32        // stamps keyIdx's entries of the current record; 0: not in use
	lastGen    uint32
	bearerSeen int8                 // the text may hold a bearer token: 0 not looked yet, 1 no, 2 yes (mayBearer)
	text       string               // the text of the current record, as Start got it
	needles    []redact.Needle      // secret values found in decoded strings (scrubDecoded), to replace in every string
	secrets    []string             // the distinct secret values redacted in the current record (Redactions)
	decoded    string               // the payload, when it is a decoded copy of the text (SetDecoded)
	own        []redact.Span        // the product's spans of the text (Finish), for redactView
	foreign    bool                 // an attribute holds a string that is not part of the text (scrubDecoded)
	minMent    int                  // Redact.MinMention
	reuse      bool                 // the record's strings need only last until the next record (Start)
	redacted   []byte               // the redacted text, when reuse
	fields     [256]*Field          // direct-mapped cache of Field by scan.Slot256
	prefix     string               // product namespace of the current record, "passman." …
	keys       map[string]string    // interned attribute keys
	nsKeys     [8]map[string]*Field // product namespace fields by raw name, per format

	gen       uint64     // the current record's stamp (Repeat)
	prev      [2]int     // Previous
	repeats   []repeated // Repeat's fields the cache does not hold
	anomalies []string   // pamaudit.anomaly
	dups      []dupKey   // repeated keys (DuplicateKey)
}

// Settings configure a Builder.
type Settings struct {
	Location      *time.Location
	NoOriginal    bool
	MaxAttrs      int
	MaxValueBytes int
	Redact        redact.Redactor
}

// New returns a Builder.
func New(s Settings) *Builder {
	b := &Builder{
		Loc:           s.Location,
		Redact:        s.Redact,
		noOriginal:    s.NoOriginal,
		maxAttrs:      s.MaxAttrs,
		maxValueBytes: s.MaxValueBytes,
		keys:          make(map[string]string, 64),
		minMent:       s.Redact.MinMention(),
	}
	b.Rec.Attrs = make([]record.Attr, 0, 32)
	return b
}

// Start begins the record of text s at time now. reuse: the record's
// strings need only last until the next record, so the redacted text may be
// built in a reused buffer.
func (b *Builder) Start(s string, now time.Time, reuse bool) {
	b.reuse = reuse
	b.Rec.Reset()
	b.spans = b.spans[:0]
	b.HasMsg = false
	b.Truncated = 0
	b.keyBits = 0
	b.keyGen = 0
	b.prefix = ""
	b.Orig = ""
	b.base = 0
	b.framing = 0
	b.text = s
	b.foreign = false
	b.needles = b.needles[:0]
	b.secrets = b.secrets[:0]
	b.decoded = ""
	b.gen++
	b.repeats = b.repeats[:0]
	b.anomalies = nil // a record's marks are its own: they outlive the next Start
	b.dups = b.dups[:0]
	b.Now = now
	b.Rec.ObservedTime = now
	b.bearerSeen = 0
}

// SetFormat names the product that reads the record, and its namespace.
func (b *Builder) SetFormat(f record.Format, prefix string) {
	b.Rec.Format = f
	b.prefix = prefix
}

// Prefix is the product namespace of the current record ("passman.").
func (b *Builder) Prefix() string { return b.prefix }

// SecretSpan records a secret span of the product's text; Quote marks a
// JSON value that is not a string, so its replacement keeps the JSON valid.
func (b *Builder) SecretSpan(s redact.Span) {
	s.Start += b.base
	s.End += b.base
	b.spans = append(b.spans, s)
}

// SecretValue records that s[start:end] of the product's text holds the
// secret value v (unescaped) of kind, and returns what replaces v in the
// record's attributes: the same as replaces it in the original text.
func (b *Builder) SecretValue(start, end int, v string, kind redact.Kind) string {
	if start < end {
		b.spans = append(b.spans, redact.Span{Start: b.base + start, End: b.base + end, Value: v, Form: redact.FormKnown, Kind: kind})
	}
	return b.Redact.Value(v, kind)
}

// Redactions returns how many distinct secret values the last record
// redacted (Finish counts them).
func (b *Builder) Redactions() int { return len(b.secrets) }

// counted adds the secrets of v, a secret value of kind (each cookie's
// value, a scheme's credential, else v), to the record's distinct secret
// values, unless they are redacted already.
func (b *Builder) counted(v string, kind redact.Kind) {
	if v == "" {
		return
	}
	n := len(b.secrets)
	b.secrets = redact.AppendSecrets(b.secrets, v, kind)
	add := b.secrets[n:]
	b.secrets = b.secrets[:n]
	// add lies past the kept ones: appending a kept one moves nothing back.
next:
	for _, u := range add {
		if b.Redact.Redacted(u, redact.KindWhole) {
			continue
		}
		for _, w := range b.secrets {
			if w == u {
				continue next
			}
		}
		b.secrets = append(b.secrets, u)
	}
}

// found adds the secret value v of kind, written raw where it was found
// (in a string the format did not read it from), to the values replaced
// in every string.
func (b *Builder) found(raw, v string, kind redact.Kind) {
	b.counted(v, kind)
	b.needles = b.Redact.Needles(b.needles, raw, v, kind, minPropagated)
}

// SetBase says where the product's text (the payload inside the framings)
// starts in the original text: the spans and error offsets the product
// gives are shifted by it.
func (b *Builder) SetBase(off int) { b.base = off }

// SetDecoded says that the product reads p, a decoded copy of the text
// (control-character escapes decoded), whose offsets are not the text's:
// the secret values the product finds in it are scrubbed from the text by
// value.
func (b *Builder) SetDecoded(p string) { b.decoded, b.base = p, 0 }

// Frame adds what the framing says of the record (time, host, app, pid and
// its own fields) before the product reads it. The record's own fields
// replace these: Framed tells a product a key holds only the framing's
// value.
func (b *Builder) Frame(t time.Time, timeText, host, app, pid string, attrs []record.Attr) {
	if !t.IsZero() {
		b.Rec.Time, b.Rec.TimeText = t, timeText
	}
	if host != "" {
		b.AddStr(record.AttrHostName, host)
	}
	if app != "" {
		b.AddStr(record.AttrServiceName, app)
	}
	if n, ok := scan.Atoi(pid); ok {
		b.AddInt(record.AttrProcessPID, n)
	}
	for _, a := range attrs {
		b.Add(a)
	}
	b.framing = len(b.Rec.Attrs)
}

// Framed reports whether key is absent or holds only the framing's value,
// so a record's own field may take it.
func (b *Builder) Framed(key string) bool {
	i := b.Rec.Index(key)
	return i < 0 || i < b.framing
}

// Finish fills what every record gets: body or original text (record.Redacted),
// severity, error attributes and the truncation count.
func (b *Builder) Finish(s string, err error) {
	r := &b.Rec
	if b.Orig != "" {
		s = b.Orig
	}
	// Every text is searched for secret names with their values, in any
	// quoting form: text kept whole (an escaped JSON record in a string, a
	// query string, key = value text in a value, columns) may embed secrets
	// the format did not read as such. A secret found so is redacted in
	// every value too, as are bearer tokens anywhere in it.
	b.finishAnomalies()
	if b.decoded != "" {
		for _, x := range b.spans {
			b.foundIn(b.decoded, x)
		}
		b.spans = b.spans[:0]
		if b.Redact.Enabled() {
			// The decoded text ends values where the text's escapes did not.
			for _, x := range b.Redact.Find(b.decoded, 0, nil, true) {
				b.foundIn(b.decoded, x)
			}
		}
	}
	n := len(b.spans)
	b.own = append(b.own[:0], b.spans...)
	// Find's own bearer search is the look when the product took none.
	mayBearer := true
	if s == b.text && b.bearerSeen != 0 {
		mayBearer = b.bearerSeen == 2
	}
	b.looseSecrets(s, mayBearer)
	if len(b.spans) > n {
		b.propagate(s, n)
	}
	if s != b.text && b.Redact.Enabled() {
		// The record is a text a wrapper decoded: the outer framings'
		// fields (a syslog header's structured data) come from the input,
		// which the searches above did not see.
		for _, x := range b.Redact.Find(b.text, 0, nil, b.bearerSeen != 1) {
			b.foundIn(b.text, x)
		}
	}
	original := b.redactSpans(s)
	// Strings that are not part of the text (a JSON string unescaped, a
	// value unquoted) were not seen by the searches above: each is searched
	// itself. Every value found is scrubbed from every string of the
	// record, the original too.
	b.scrubDecoded(s)
	if len(b.needles) > 0 {
		// One pass per string, leftmost and at one place longest: a
		// value may hold a shorter one ("token" in "x-access-token=…"),
		// and no replacement is searched again.
		b.scrubAll()
		original = b.scrubFound(original)
	}
	r.HasMessage = b.HasMsg
	if b.HasMsg {
		if !b.noOriginal && r.Body != original {
			r.Attrs = append(r.Attrs, record.Attr{Key: record.AttrLogRecordOriginal, Kind: record.KindString, Str: original})
		}
	} else {
		r.Body = original
	}
	if b.Truncated > 0 && b.prefix != "" {
		r.Attrs = append(r.Attrs, record.Attr{Key: b.prefix + "truncated", Kind: record.KindInt, Int: int64(b.Truncated)})
	}
	if err != nil {
		var pe *record.ParseError
		if errors.As(err, &pe) {
			pe.Offset += b.base // the product's offset, in the whole text
			pe.SetQuote(original, b.redactedOffset(s, pe.Offset))
		}
		r.Attrs = append(r.Attrs,
			record.Attr{Key: record.AttrErrorType, Kind: record.KindString, Str: record.ErrorCode(err)},
			record.Attr{Key: record.AttrErrorMessage, Kind: record.KindString, Str: err.Error()})
	}
	if r.SeverityNumber == 0 {
		sev := record.SevInfo
		if a, ok := r.Get(record.AttrEventOutcome); ok && a.Str == record.OutcomeFailure {
			sev = record.SevWarn
		}
		r.SetSeverity(sev)
	}
}

// minPropagated: shorter secret values are not searched for in other fields
// (a one-digit secret would blank every digit).
const minPropagated = 3

// propagate adds to found the secret values that the found spans of s
// hold: a value a format read as its own column ("cookie = x" split into
// three) is still a secret, wherever it is.
// The spans from n on are the new ones; one that overlaps a span the format
// found was redacted in its value already.
func (b *Builder) propagate(s string, n int) {
new:
	for _, x := range b.spans[n:] {
		if x.End > len(s) {
			continue
		}
		if x.Kind == redact.KindCookies {
			// A cookie's pairs: those outside the format's spans are
			// secrets too (a format may read "sid=x" as a pair of its own).
			b.foundOutside(s, x, b.spans[:n])
			continue
		}
		for _, y := range b.spans[:n] {
			if x.Start < y.End && y.Start < x.End {
				continue new
			}
		}
		b.foundIn(s, x)
	}
}

// foundOutside adds to found the words of the parts of s[x] that no span
// of ys covers.
func (b *Builder) foundOutside(s string, x redact.Span, ys []redact.Span) {
	for pos := x.Start; pos < x.End; {
		next, covered := x.End, false
		for _, y := range ys {
			if y.Start <= pos && pos < y.End {
				pos, covered = y.End, true
				break
			}
			if y.Start > pos && y.Start < next {
				next = y.Start
			}
		}
		if !covered {
			b.foundIn(s, redact.Span{Start: pos, End: next, Kind: x.Kind, Form: x.Form})
			pos = next
		}
	}
}

// scrubDecoded searches, as looseSecrets searches the text, every string of
// the record that does not lie in the text (s, or the input it was decoded
// from), redacts what it finds there, and adds the values to found.
func (b *Builder) scrubDecoded(s string) {
	if !b.Redact.Enabled() {
		return
	}
	r := &b.Rec
	min := b.minMent
	views := len(b.own) > 0
	// Most records hold only views of the text and no secret: nothing to
	// do but for the body. Else two compares per string, no call.
	for i := range r.Attrs {
		if !views && !b.foreign {
			break
		}
		a := &r.Attrs[i]
		switch {
		case a.Kind == record.KindString:
			switch {
			case views && within(a.Str, s):
				a.Str = b.redactView(s, a.Str)
			case len(a.Str) >= min && !within(a.Str, s) && !within(a.Str, b.text):
				a.Str = b.scrubOne(a.Str)
			}
		case a.Kind == record.KindStrings:
			for j, v := range a.Strs {
				if len(v) < min || within(v, s) || within(v, b.text) {
					continue
				}
				if w := b.scrubOne(v); w != v {
					a.Strs = append([]string(nil), a.Strs...) // the product's slice may be shared
					a.Strs[j] = w
				}
			}
		}
	}
	if b.HasMsg {
		switch {
		case views && within(r.Body, s):
			r.Body = b.redactView(s, r.Body)
		case len(r.Body) >= min && !within(r.Body, s) && !within(r.Body, b.text):
			r.Body = b.scrubOne(r.Body)
		}
	}
}

// redactView returns v, a string that lies in s, with the product's secret
// spans of s that reach into it replaced: a product that set a value from
// the text (a message as the body) without its own redaction still emits
// none. (The searches' spans reach views by value: found.)
func (b *Builder) redactView(s, v string) string {
	off := int(uintptr(unsafe.Pointer(unsafe.StringData(v))) - uintptr(unsafe.Pointer(unsafe.StringData(s))))
	end := off + len(v)
	var local []redact.Span
	for _, x := range b.own {
		if x.Start >= end || x.End <= off {
			continue
		}
		y := x
		y.Start, y.End = max(x.Start, off)-off, min(x.End, end)-off
		if (y.Start != x.Start-off || y.End != x.End-off) && y.Form == redact.FormKnown {
			y.Form, y.Value = redact.FormBare, "" // a part of the value: what the view holds of it
		}
		local = append(local, y)
	}
	if len(local) == 0 {
		return v
	}
	return string(b.Redact.Replace(nil, v, local))
}

// scrubOne redacts the secrets Find finds in v, a string that does not lie
// in the text, and adds their values to the needles.
func (b *Builder) scrubOne(v string) string {
	if !redact.MayMention(v) {
		return v
	}
	sp := b.Redact.Find(v, 0, nil, true)
	if len(sp) == 0 {
		return v
	}
	for _, x := range sp {
		b.foundIn(v, x)
	}
	return string(b.Redact.Replace(nil, v, sp))
}

// foundIn adds the secret value v[x] to the values replaced in every
// string (found): as it stands and unescaped, word by word (columns split
// a value with spaces, "sid=…; x=…"), a cookie's values alone too.
func (b *Builder) foundIn(v string, x redact.Span) {
	if x.Start < 0 || x.End > len(v) || x.Start >= x.End {
		return
	}
	b.found(v[x.Start:x.End], redact.SpanValue(v, x), x.Kind)
}

// scrubAll redacts the found values in every string of the record.
func (b *Builder) scrubAll() {
	b.eachString(b.scrubFound)
	if b.HasMsg {
		b.Rec.Body = b.scrubFound(b.Rec.Body)
	}
}

// eachString replaces every string attribute value v with f(v).
func (b *Builder) eachString(f func(string) string) {
	r := &b.Rec
	for i := range r.Attrs {
		a := &r.Attrs[i]
		switch a.Kind {
		case record.KindString:
			a.Str = f(a.Str)
		case record.KindStrings:
			for j, v := range a.Strs {
				if w := f(v); w != v {
					a.Strs = append([]string(nil), a.Strs...) // the product's slice may be shared
					a.Strs[j] = w
				}
			}
		}
	}
}

// scrubFound replaces in v every value scrubDecoded found.
func (b *Builder) scrubFound(v string) string { return redact.ReplaceNeedles(v, b.needles) }

// within reports whether v lies in the memory of s.
func within(v, s string) bool {
	if len(v) == 0 || len(s) == 0 {
		return true
	}
	p, q := uintptr(unsafe.Pointer(unsafe.StringData(v))), uintptr(unsafe.Pointer(unsafe.StringData(s)))
	return p >= q && p+uintptr(len(v)) <= q+uintptr(len(s))
}

// Add appends an attribute under the record's limits; the last value of a
// duplicated key wins. What the limits cut is counted.
func (b *Builder) Add(a record.Attr) {
	switch a.Kind {
	case record.KindString:
		b.noteForeign(a.Str)
	case record.KindStrings:
		for _, v := range a.Strs {
			b.noteForeign(v)
		}
	}
	if p := b.slot(a.Key); p != nil {
		*p = a
	}
}

// noteForeign notes a string value that is not part of the text (nor of
// the decoded original): Finish searches the record's strings for secrets
// only when there is one. Two compares per value spare every record that
// has none a pass over its attributes.
func (b *Builder) noteForeign(v string) {
	if !b.foreign && len(v) >= b.minMent && !within(v, b.text) && !within(v, b.Orig) {
		b.foreign = true
	}
}

// AddTableStr is AddStr for a value that is the product's own constant text
// (a code table's meaning, an event rule's text), never input: it is not a
// string Finish need search.
func (b *Builder) AddTableStr(key, v string) {
	if p := b.slot(key); p != nil {
		p.Key, p.Str, p.Strs, p.Int, p.Kind, p.Bool = key, v, nil, 0, record.KindString, false
	}
}

// slot returns where the attribute of key goes: the place of the key when
// the record has it, else a new place at the end; nil when the limits cut
// it. The Add functions write their value there, in place: building an
// Attr to copy it in cost a fifth of a PassMan parse.
func (b *Builder) slot(key string) *record.Attr {
	if b.keyGen != 0 {
		return b.slotIndexed(key)
	}
	r := &b.Rec
	// keyBits is a one-word filter of the keys already added: most keys are
	// new, and the filter spares them the linear search.
	bit := uint64(1) << ((uint(len(key))*31 + uint(key[len(key)-1])) & 63)
	if b.keyBits&bit != 0 {
		if i := r.Index(key); i >= 0 {
			return &r.Attrs[i]
		}
	}
	b.keyBits |= bit
	p := b.grow()
	if len(r.Attrs) == indexFrom {
		b.startIndex()
	}
	return p
}

// indexFrom: past this many attributes the one-word filter is full, and
// the linear search made a record's cost grow with the square of its
// fields; keys are then found through keyIdx.
const indexFrom = 24

// grow returns a new place at the end of the attributes, or nil when the
// limit cuts it.
func (b *Builder) grow() *record.Attr {
	r := &b.Rec
	n := len(r.Attrs)
	if n >= b.maxAttrs {
		b.Truncated++
		return nil
	}
	if n < cap(r.Attrs) {
		r.Attrs = r.Attrs[:n+1]
	} else {
		r.Attrs = append(r.Attrs, record.Attr{})
	}
	return &r.Attrs[n]
}

// keySlot is an entry of keyIdx: the place of a key in Rec.Attrs, for the
// record stamped gen.
type keySlot struct {
	gen uint32
	at  int32
}

// startIndex puts the current record's keys (each once: slot keeps them
// unique) into keyIdx, under a new stamp, so nothing is cleared per record.
func (b *Builder) startIndex() {
	if b.keyIdx == nil {
		size := 64
		for size < 2*b.maxAttrs { // at most half full: probes stay short and end
			size *= 2
		}
		b.keyIdx = make([]keySlot, size)
	}
	b.lastGen++
	if b.lastGen == 0 { // wrapped: old stamps could match again
		clear(b.keyIdx)
		b.lastGen = 1
	}
	b.keyGen = b.lastGen
	mask := len(b.keyIdx) - 1
	for i := range b.Rec.Attrs {
		h := hashKey(b.Rec.Attrs[i].Key) & mask
		for b.keyIdx[h].gen == b.keyGen {
			h = (h + 1) & mask
		}
		b.keyIdx[h] = keySlot{b.keyGen, int32(i)}
	}
}

// slotIndexed is slot through keyIdx (linear probing).
func (b *Builder) slotIndexed(key string) *record.Attr {
	r := &b.Rec
	mask := len(b.keyIdx) - 1
	for h := hashKey(key) & mask; ; h = (h + 1) & mask {
		e := &b.keyIdx[h]
		if e.gen != b.keyGen {
			p := b.grow()
			if p != nil {
				*e = keySlot{b.keyGen, int32(len(r.Attrs) - 1)}
			}
			return p
		}
		if r.Attrs[e.at].Key == key {
			return &r.Attrs[e.at]
		}
	}
}

// hashKey is FNV-1a.
func hashKey(k string) int {
	h := uint32(2166136261)
	for i := 0; i < len(k); i++ {
		h = (h ^ uint32(k[i])) * 16777619
	}
	return int(h)
}

func (b *Builder) AddStr(key, v string) {
	if len(v) > b.maxValueBytes {
		n := b.maxValueBytes
		for n > 0 && v[n]&0xC0 == 0x80 {
			n--
		}
		v = v[:n]
		b.Truncated++
	}
	// noteForeign, written out: as a call it cost every value a call.
	if !b.foreign && len(v) >= b.minMent && !within(v, b.text) && !within(v, b.Orig) {
		b.foreign = true
	}
	if p := b.slot(key); p != nil {
		// Field by field: a struct literal is moved in whole, through the
		// collector's bulk write barrier while it marks.
		p.Key, p.Str, p.Strs, p.Int, p.Kind, p.Bool = key, v, nil, 0, record.KindString, false
	}
}

func (b *Builder) AddInt(key string, v int64) {
	if p := b.slot(key); p != nil {
		p.Key, p.Str, p.Strs, p.Int, p.Kind, p.Bool = key, "", nil, v, record.KindInt, false
	}
}

func (b *Builder) AddBool(key string, v bool) {
	if p := b.slot(key); p != nil {
		p.Key, p.Str, p.Strs, p.Int, p.Kind, p.Bool = key, "", nil, 0, record.KindBool, v
	}
}

// Intern returns k as a string, from the cache when it was seen before, so
// that keys built in scratch space cost no allocation in steady state.
func (b *Builder) Intern(k []byte) string {
	if s, ok := b.keys[string(k)]; ok {
		return s
	}
	s := string(k)
	if len(b.keys) < maxInternedKeys {
		b.keys[s] = s
	}
	return s
}

// Field is what the parser knows of a raw field name: its key in the
// product namespace and whether its value is a secret.
type Field struct {
	Key    string      // the key in the product namespace
	Secret bool        // the value is a secret
	Kind   redact.Kind // what a secret value is made of
	raw    string      // the raw name, owned by the cache
	format record.Format

	gen    uint64 // the stamp of the last record that held it (Repeat); uncachedGen: not cached
	v0, v1 int    // where its value was in that record
}

// Field returns the namespace key of a raw name or dotted path and whether
// its last segment names a secret. Both are cached per product by raw name,
// so the hot path neither builds keys nor scans names.
func (b *Builder) Field(name string) *Field {
	// A product's records repeat few names: a slot chosen by a hash of a
	// few bytes, confirmed by one compare, finds nearly all of them without
	// the map's hashing of the whole name.
	slot := &b.fields[scan.Slot256(name)]
	if f := *slot; f != nil && f.format == b.Rec.Format && f.raw == name {
		return f
	}
	f := b.fieldSlow(name)
	*slot = f
	return f
}

func (b *Builder) fieldSlow(name string) *Field {
	m := b.nsKeys[b.Rec.Format]
	if f, ok := m[name]; ok {
		return f
	}
	k := append(b.Scratch[:0], b.prefix...)
	last := name
	for rest := name; ; {
		seg, tail, more := strings.Cut(rest, ".")
		if seg == "" {
			k = append(k, '_') // an empty JSON key still names a field
		} else {
			k = scan.AppendSnake(k, seg)
		}
		last = seg
		if !more {
			break
		}
		k = append(k, '.')
		rest = tail
	}
	b.Scratch = k
	key := string(k)
	// A secret by its raw name ("Set-Cookie") or by its key ("set_cookie").
	secret := b.Redact.IsSecret(last) || b.Redact.IsSecret(key[strings.LastIndexByte(key, '.')+1:])
	f := &Field{Key: key, Secret: secret, raw: strings.Clone(name), format: b.Rec.Format}
	if secret {
		if f.Kind = redact.KindOf(last); f.Kind == redact.KindWhole {
			f.Kind = redact.KindOf(key[strings.LastIndexByte(key, '.')+1:])
		}
	}
	if m == nil {
		m = make(map[string]*Field, 64)
		b.nsKeys[b.Rec.Format] = m
	}
	if len(m) < maxInternedKeys {
		m[f.raw] = f
	} else {
		f.gen = uncachedGen
	}
	return f
}

// SetOutcome sets event.outcome, one of the record package's constants.
func (b *Builder) SetOutcome(o string) { b.AddTableStr(record.AttrEventOutcome, o) }

// Secret records that s[start:end] is a secret value, as it is (a bearer
// token), to be redacted in the original text.
func (b *Builder) Secret(start, end int) {
	if start < end {
		b.spans = append(b.spans, redact.Span{Start: b.base + start, End: b.base + end})
	}
}

// maxInternedKeys bounds the key cache: hostile input must not grow it
// without end.
const maxInternedKeys = 8192

// redactSpans returns s with every recorded secret span replaced. Without
// secrets it returns s itself (no copy).
func (b *Builder) redactSpans(s string) string {
	if len(b.spans) == 0 {
		return s
	}
	for _, x := range b.spans {
		if x.End <= len(s) {
			b.counted(redact.SpanValue(s, x), x.Kind)
		}
	}
	if b.reuse {
		// No allocation per record that holds a secret: without garbage
		// the collector stays idle, and its write barriers off.
		b.redacted = b.Redact.Replace(b.redacted[:0], s, b.spans)
		return unsafe.String(unsafe.SliceData(b.redacted), len(b.redacted))
	}
	b.Scratch = b.Redact.Replace(b.Scratch[:0], s, b.spans)
	return string(b.Scratch)
}

// mayBearer reports whether the text may hold a bearer token: one look at
// the whole text, taken when a product first asks (Bearer), spares every
// value the bearer-token scan; products that ask for none do not pay it.
func (b *Builder) mayBearer() bool {
	if b.bearerSeen == 0 {
		b.bearerSeen = 1
		if redact.MayHoldBearer(b.text) {
			b.bearerSeen = 2
		}
	}
	return b.bearerSeen == 2
}

// Bearer is redact.Bearer for a value of the current record.
func (b *Builder) Bearer(v string) (int, int, bool) {
	if !b.mayBearer() {
		return 0, 0, false
	}
	return redact.Bearer(v)
}

// redactedOffset maps an offset of the text s to the redacted text (spans
// are sorted by redactSpans); an offset inside a secret maps to its start.
func (b *Builder) redactedOffset(s string, off int) int {
	return b.Redact.MapOffset(s, b.spans, off)
}

// looseSecrets finds secrets in text: a secret name followed by ':' or '='
// in any quoting form (see secretValue) and its value, and bearer tokens. The
// spans go to the redaction of the original.
func (b *Builder) looseSecrets(s string, bearer bool) {
	if b.Redact.Enabled() {
		b.spans = b.Redact.Find(s, 0, b.spans, bearer)
	}
}
