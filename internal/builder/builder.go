// Package builder holds the record under construction: every product adds
// its attributes through it, under the record's limits, and marks the spans
// of secret values; Finish then redacts the original text, fills the body,
// severity and error attributes. A Builder is reused from record to record
// and is not safe for concurrent use.
//
// Its parts, each in its own file: the record and its limits (this file),
// the key index that keeps keys unique (keys.go), the names cache of raw
// names and keys (names.go), the secret spans and their propagation
// (secrets.go), the offsets from the product's text to the redacted
// original (offsets.go), the tamper marks (anomaly.go).
package builder

import (
	"strings"
	"time"
	"unsafe"

	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// Builder builds one record at a time.
type Builder struct {
	rec       record.Record
	loc       *time.Location // zone of times without offset
	hasMsg    bool           // Body holds a human message, not the original text
	truncated int            // what limits cut from the current record
	prefix    string         // product namespace of the current record, "passman." …
	framing   int            // rec.Attrs[:framing] came from the framing: the record's own fields replace them

	noOriginal    bool
	maxAttrs      int
	maxValueBytes int

	keys keyIndex
	sec  secrets
	off  offsets

	gen       uint64     // the current record's stamp (Repeat)
	prev      [2]int     // Previous
	repeats   []repeated // Repeat's fields the cache does not hold
	anomalies []string   // pamaudit.anomaly
	dups      []dupKey   // repeated keys (DuplicateKey)
	errMsg    []byte     // error.message, when the record's strings are reused (errorMessage)
	outcome   string     // event.outcome as set (SetOutcome; made unknown by finishAnomalies)

	names names // last: its direct-mapped cache is 2 KiB, the fields above are touched by every record
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
		loc:           s.Location,
		noOriginal:    s.NoOriginal,
		maxAttrs:      s.MaxAttrs,
		maxValueBytes: s.MaxValueBytes,
		names:         newNames(),
		sec:           newSecrets(s.Redact),
	}
	b.rec.Attrs = make([]record.Attr, 0, 32)
	return b
}

// Start begins the record of text s at time now. reuse: the record's
// strings need only last until the next record, so the redacted text may be
// built in a reused buffer.
func (b *Builder) Start(s string, now time.Time, reuse bool) {
	b.rec.Reset()
	b.sec.startText(s, reuse)
	b.keys.reset()
	b.off = offsets{}
	b.hasMsg = false
	b.truncated = 0
	b.prefix = ""
	b.framing = 0
	b.gen++
	b.repeats = b.repeats[:0]
	b.anomalies = nil // a record's marks are its own: they outlive the next Start
	b.dups = b.dups[:0]
	b.outcome = ""
	b.rec.ObservedTime = now
}

// Emitted is the record's original text as Finish emitted it (as body
// or log.record.original, whether kept or not): its secrets redacted. ""
// before Finish.
func (b *Builder) Emitted() string { return b.sec.emitted }

// Record is the record under construction; after Finish, the record built.
func (b *Builder) Record() *record.Record { return &b.rec }

// Location is the zone of times without offset.
func (b *Builder) Location() *time.Location { return b.loc }

// Redactor is the redaction of the records built.
func (b *Builder) Redactor() *redact.Redactor { return &b.sec.r }

// SetFormat names the product that reads the record, and its namespace.
func (b *Builder) SetFormat(f record.Format, prefix string) {
	b.rec.Format = f
	b.prefix = prefix
}

// Prefix is the product namespace of the current record ("passman.").
func (b *Builder) Prefix() string { return b.prefix }

// SetMessage makes msg the record's body: a human message, so that Finish
// keeps the original text beside it.
func (b *Builder) SetMessage(msg string) {
	b.rec.Body = msg
	b.hasMsg = true
}

// AddTruncated counts n things a product's own limits cut from the record.
func (b *Builder) AddTruncated(n int) { b.truncated += n }

// SetOriginal says that the record's original text is orig, not the input
// (an unwrapped record): Finish redacts it and keeps it as body or original.
func (b *Builder) SetOriginal(orig string) { b.sec.orig = orig }

// SecretSpan records a secret span of the product's text; Quote marks a
// JSON value that is not a string, so its replacement keeps the JSON valid.
func (b *Builder) SecretSpan(s redact.Span) {
	s.Start, s.End = b.off.span(s.Start, s.End)
	b.sec.add(s)
}

// SecretValue records that s[start:end] of the product's text holds the
// secret value v (unescaped) of kind, and returns what replaces v in the
// record's attributes: the same as replaces it in the original text.
func (b *Builder) SecretValue(start, end int, v string, kind redact.Kind) string {
	if start < end {
		start, end = b.off.span(start, end)
		b.sec.add(redact.Span{Start: start, End: end, Value: v, Form: redact.FormKnown, Kind: kind})
	}
	return b.sec.r.Value(v, kind)
}

// Secret records that s[start:end] is a secret value, as it is (a bearer
// token), to be redacted in the original text.
func (b *Builder) Secret(start, end int) {
	if start < end {
		start, end = b.off.span(start, end)
		b.sec.add(redact.Span{Start: start, End: end})
	}
}

// Bearer is redact.Bearer for a value of the current record.
func (b *Builder) Bearer(v string) (start, end int, ok bool) {
	if b.sec.bearerSeen != 1 {
		// Inlined: where the text holds no "bearer " (most records), a
		// value costs a compare, not a call.
		start, end, ok = b.bearer(v)
	}
	return
}

func (b *Builder) bearer(v string) (int, int, bool) {
	if !b.sec.mayBearer() || b.sec.noBearerIn(v) {
		return 0, 0, false
	}
	return redact.Bearer(v)
}

// Redactions returns how many distinct secret values the last record
// redacted (Finish counts them).
func (b *Builder) Redactions() int { return len(b.sec.values) }

// SetBase says where the product's text (the payload inside the framings)
// starts in the original text: the spans and error offsets the product
// gives are shifted by it.
func (b *Builder) SetBase(off int) { b.off.base = off }

// SetDecoded says that the product reads p, a decoded copy of the text
// (control-character escapes decoded), whose offsets are not the text's:
// the secret values the product finds in it are scrubbed from the text by
// value.
func (b *Builder) SetDecoded(p string) {
	b.sec.decoded, b.sec.decodedAt, b.off.base = p, b.off.base, 0
}

// Frame adds what the framing says of the record (time, host, app, pid and
// its own fields) before the product reads it. The record's own fields
// replace these: Framed tells a product a key holds only the framing's
// value.
func (b *Builder) Frame(t time.Time, timeText, host, app, pid string, attrs []record.Attr) {
	if !t.IsZero() {
		b.rec.Time, b.rec.TimeText = t, timeText
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
		// A structured-data parameter named as a secret (the only framing
		// fields whose names the sender chooses; one a pipeline handed over
		// is not in the text): its value is replaced, and scrubbed from
		// every string.
		if a.Kind == record.KindString && a.Str != "" && strings.HasPrefix(a.Key, record.AttrSyslogStructuredData) &&
			b.sec.r.IsSecret(a.Key[strings.LastIndexByte(a.Key, '.')+1:]) {
			kind := redact.KindOf(a.Key[strings.LastIndexByte(a.Key, '.')+1:])
			b.sec.found(a.Str, a.Str, kind)
			a.Str = b.sec.r.Value(a.Str, kind)
		}
		b.Add(a)
	}
	b.framing = len(b.rec.Attrs)
}

// Framed reports whether key is absent or holds only the framing's value,
// so a record's own field may take it.
func (b *Builder) Framed(key string) bool {
	if b.keys.gen == 0 && !b.keys.has(key) {
		return true // not added: the filter spares the search
	}
	i := b.rec.Index(key)
	return i < 0 || i < b.framing
}

// Finish fills what every record gets: body or original text (record.Redacted),
// severity, error attributes and the truncation count.
func (b *Builder) Finish(s string, err error) {
	r := &b.rec
	if b.sec.orig != "" {
		s = b.sec.orig
	}
	if len(b.dups) > 0 || len(b.anomalies) > 0 {
		b.finishAnomalies() // most records have none: its code is not run
	}
	original := b.sec.redact(r, s, b.hasMsg)
	b.sec.emitted = original
	if len(b.sec.spans) > 0 && b.prefix != "" {
		b.dropKeysInSecrets(s)
	}
	r.HasMessage = b.hasMsg
	if b.hasMsg {
		if !b.noOriginal && r.Body != original {
			r.Attrs = append(r.Attrs, record.Attr{Key: record.AttrLogRecordOriginal, Kind: record.KindString, Str: original})
		}
	} else {
		r.Body = original
	}
	if b.truncated > 0 && b.prefix != "" {
		r.Attrs = append(r.Attrs, record.Attr{Key: b.prefix + "truncated", Kind: record.KindInt, Int: int64(b.truncated)})
	}
	if err != nil {
		b.off.quote(err, s, original, b.sec.spans, &b.sec.r)
		r.Attrs = append(r.Attrs,
			record.Attr{Key: record.AttrErrorType, Kind: record.KindString, Str: record.ErrorCode(err)},
			record.Attr{Key: record.AttrErrorMessage, Kind: record.KindString, Str: b.errorMessage(err)})
	}
	if r.SeverityNumber == 0 {
		sev := record.SevInfo
		if b.outcome == record.OutcomeFailure {
			sev = record.SevWarn
		}
		r.SetSeverity(sev)
	}
}

// errorMessage is err.Error(): for a ParseError of a record whose strings
// last only until the next (Start's reuse), written in the builder's own
// buffer, so a record that failed allocates no message.
func (b *Builder) errorMessage(err error) string {
	pe, ok := err.(*record.ParseError)
	if !ok || !b.sec.reuse {
		return err.Error()
	}
	b.errMsg = pe.AppendError(b.errMsg[:0])
	return unsafe.String(unsafe.SliceData(b.errMsg), len(b.errMsg))
}

// Add appends an attribute under the record's limits; the last value of a
// duplicated key wins. What the limits cut is counted.
func (b *Builder) Add(a record.Attr) {
	switch a.Kind {
	case record.KindString:
		b.sec.noteForeign(a.Str)
	case record.KindStrings:
		for _, v := range a.Strs {
			b.sec.noteForeign(v)
		}
	}
	if p := b.slot(a.Key); p != nil {
		*p = a
	}
}

// AddTableStr is AddStr for a value that is the product's own constant text
// (a code table's meaning, an event rule's text), never input: it is not a
// string Finish need search. It reports whether the limits kept it.
func (b *Builder) AddTableStr(key, v string) bool {
	p := b.slot(key)
	if p != nil {
		p.Key, p.Str, p.Strs, p.Int, p.Kind, p.Bool = key, v, nil, 0, record.KindString, false
	}
	return p != nil
}

// slot returns where the attribute of key goes: the place of the key when
// the record has it, else a new place at the end; nil when the limits cut
// it. The Add functions write their value there, in place: building an
// Attr to copy it in cost a fifth of a PassMan parse.
func (b *Builder) slot(key string) *record.Attr {
	if b.keys.gen != 0 {
		return b.slotIndexed(key)
	}
	r := &b.rec
	if b.keys.seen(key) {
		if i := r.Index(key); i >= 0 {
			return &r.Attrs[i]
		}
	}
	p := b.grow()
	if len(r.Attrs) == indexFrom {
		b.keys.build(r.Attrs, b.maxAttrs)
	}
	return p
}

// slotIndexed is slot through the key index's hash table.
func (b *Builder) slotIndexed(key string) *record.Attr {
	r := &b.rec
	i, e := b.keys.lookup(r.Attrs, key)
	if i >= 0 {
		return &r.Attrs[i]
	}
	p := b.grow()
	if p != nil {
		*e = keySlot{b.keys.gen, int32(len(r.Attrs) - 1)}
	}
	return p
}

// grow returns a new place at the end of the attributes, or nil when the
// limit cuts it.
func (b *Builder) grow() *record.Attr {
	r := &b.rec
	n := len(r.Attrs)
	if n >= b.maxAttrs {
		b.truncated++
		return nil
	}
	if n < cap(r.Attrs) {
		r.Attrs = r.Attrs[:n+1]
	} else {
		r.Attrs = append(r.Attrs, record.Attr{})
	}
	return &r.Attrs[n]
}

func (b *Builder) AddStr(key, v string) {
	if len(v) > b.maxValueBytes {
		n := b.maxValueBytes
		for n > 0 && v[n]&0xC0 == 0x80 {
			n--
		}
		v = v[:n]
		b.truncated++
	}
	// noteForeign, written out: as a call it cost every value a call.
	if x := &b.sec; !x.foreign && len(v) >= x.minMent && !within(v, x.text) && !within(v, x.orig) {
		x.foreign = true
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

// SetOutcome sets event.outcome, one of the record package's constants.
// Only SetOutcome writes event.outcome: Finish reads the severity rule's
// outcome from b.outcome, not by a search of the attributes.
func (b *Builder) SetOutcome(o string) {
	if b.AddTableStr(record.AttrEventOutcome, o) {
		b.outcome = o
	}
}

// Field returns the namespace key of a raw name or dotted path and whether
// its last segment names a secret. Both are cached per product by raw name,
// so the hot path neither builds keys nor scans names.
func (b *Builder) Field(name string) *Field {
	// A product's records repeat few names: a slot chosen by a hash of a
	// few bytes, confirmed by one compare, finds nearly all of them without
	// the map's hashing of the whole name.
	slot := &b.names.fields[scan.Slot256(name)]
	if f := *slot; f != nil && f.format == b.rec.Format && f.raw == name {
		return f
	}
	f := b.names.fieldSlow(name, b.rec.Format, b.prefix, &b.sec.r)
	*slot = f
	return f
}

// Intern returns k as a string, from the cache when it was seen before, so
// that keys built in scratch space cost no allocation in steady state.
func (b *Builder) Intern(k []byte) string { return b.names.Intern(k) }

// KeyBuf returns the builder's scratch space for a key, holding prefix:
// the product appends the rest and interns it with InternKey.
func (b *Builder) KeyBuf(prefix string) []byte { return append(b.names.scratch[:0], prefix...) }

// InternKey is Intern for a key built in KeyBuf's space, which it keeps
// for the next key.
func (b *Builder) InternKey(k []byte) string {
	b.names.scratch = k
	return b.names.Intern(k)
}
