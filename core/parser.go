package core

import (
	"errors"
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/internal/jsonwalk"
	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// format is one row of the detection table.
type format struct {
	id    Format
	sniff func(s string) bool // cheap look at the record's start
	parse func(p *Parser, s string) error
}

// formats is tried in order by FormatAuto: the first sniff that matches
// parses the record. CA PAM and Netwrix come before PassMan because a
// syslog-framed Netwrix record also starts with a syslog time.
var formats = [...]format{
	{FormatCAPAM, sniffCAPAM, (*Parser).parseCAPAM},
	{FormatNetwrix, sniffNetwrix, (*Parser).parseNetwrix},
	{FormatPassMan, sniffPassMan, (*Parser).parsePassMan},
}

// Options configure a Parser. The zero value is ready to use: automatic
// detection, UTC, original text kept, redaction on, default limits.
type Options struct {
	Format   Format         // one format for every record; FormatAuto detects
	Formats  []Format       // with FormatAuto: detect only these (none: all)
	Location *time.Location // zone of times without offset; nil means UTC

	NoOriginal bool // do not emit log.record.original
	NoRedact   bool // keep secrets in clear (for debugging only)

	RedactHeaders []string // header or key names whose values are redacted, besides the contract's
	RedactKeys    []string // substrings of key names whose values are redacted, besides password and secret

	MaxRecordBytes int // larger records are not parsed (error.type record_too_large); default 1 MiB
	MaxAttrs       int // attributes per record; default 256
	MaxDepth       int // JSON nesting depth that is flattened; default 32
	MaxValueBytes  int // bytes per string value; default 16 KiB

	Now func() time.Time // the clock, for observed time and year inference; default time.Now
}

// Default limits.
const (
	DefaultMaxRecordBytes = 1 << 20
	DefaultMaxAttrs       = 256
	DefaultMaxDepth       = 32
	DefaultMaxValueBytes  = 16 << 10
)

// Parser turns the text of one record into a Record. A Parser is reused from
// record to record but must not be shared between goroutines: make one per
// goroutine.
type Parser struct {
	opts    Options
	allowed uint8 // bit per Format that detection may pick
	redact  redact.Redactor
	rec     Record

	now       time.Time
	spans     []redact.Span // secret values in the current text, to redact the original
	hasMsg    bool          // Body holds a human message, not the original text
	truncated int           // what limits cut from the current record
	keyBits   uint64        // filter of the keys in rec.Attrs (see add)
	mayBearer bool          // the text may hold a bearer token
	fieldN    int           // fields looked up in the current record (see field)
	posCache  [64]*nsField
	prefix    string // product namespace of the current record, "passman." …
	orig      string // the original text when it is not the input (an unwrapped Docker record)

	keys    map[string]string      // interned attribute keys
	paths   map[string]*pathInfo   // JSON paths seen, with their mapping
	nsKeys  [4]map[string]*nsField // product namespace fields by raw name, per format
	scratch []byte
	json    jsonwalk.Walker[*pathInfo]
}

// maxInternedKeys bounds the key cache: hostile input must not grow it
// without end.
const maxInternedKeys = 8192

// DefaultSourceKeys are the keys a face reads a record's text from, first
// present wins, when the record it is handed is a map (a Fluent Bit record,
// a collector log with a map body): syslog inputs put the text in message,
// container runtimes in log, bunyan in msg.
var DefaultSourceKeys = []string{"message", "log", "msg"}

// OptionError is an option that is wrong. Key is the option's name in snake
// case (max_attributes, redact_headers), which each face maps onto its own
// syntax (the processor's limits::max_attributes).
type OptionError struct {
	Key string
	Msg string
}

func (e *OptionError) Error() string { return e.Key + ": " + e.Msg }

// Validate checks every option, once, and returns every one that is wrong,
// each an *OptionError naming its key (joined with errors.Join).
func (o *Options) Validate() error {
	var errs []error
	bad := func(key, msg string) { errs = append(errs, &OptionError{key, msg}) }
	if o.Format > FormatNetwrix {
		bad("format", "unknown format "+o.Format.String())
	}
	for _, f := range o.Formats {
		if f == FormatAuto || f > FormatNetwrix {
			bad("formats", "unknown format "+f.String()+" (want passman, capam or netwrix)")
		}
	}
	for _, l := range []struct {
		key string
		v   int
	}{
		{"max_record_bytes", o.MaxRecordBytes},
		{"max_attributes", o.MaxAttrs},
		{"max_depth", o.MaxDepth},
		{"max_value_bytes", o.MaxValueBytes},
	} {
		if l.v < 0 {
			bad(l.key, "must not be negative")
		}
	}
	if o.MaxAttrs > 0 && o.MaxAttrs < 8 {
		bad("max_attributes", "must be at least 8")
	}
	for _, l := range []struct {
		key   string
		names []string
	}{{"redact_headers", o.RedactHeaders}, {"redact_keys", o.RedactKeys}} {
		for _, n := range l.names {
			if strings.TrimSpace(n) == "" {
				bad(l.key, "empty name")
			}
		}
	}
	return errors.Join(errs...)
}

// NewParser validates opts (Options.Validate) and returns a Parser.
func NewParser(opts Options) (*Parser, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	for _, l := range []struct {
		v   *int
		def int
	}{
		{&opts.MaxRecordBytes, DefaultMaxRecordBytes},
		{&opts.MaxAttrs, DefaultMaxAttrs},
		{&opts.MaxDepth, DefaultMaxDepth},
		{&opts.MaxValueBytes, DefaultMaxValueBytes},
	} {
		if *l.v == 0 {
			*l.v = l.def
		}
	}
	allowed := uint8(0)
	for _, f := range opts.Formats {
		allowed |= 1 << f
	}
	if allowed == 0 {
		allowed = 0xff
	}
	p := &Parser{
		allowed: allowed,
		opts:    opts,
		redact:  redact.New(opts.RedactHeaders, opts.RedactKeys, !opts.NoRedact),
		keys:    make(map[string]string, 64),
	}
	p.rec.Attrs = make([]Attr, 0, 32)
	// A few times the attribute limit leaves room for duplicated keys and
	// mapped fields.
	p.json = jsonwalk.Walker[*pathInfo]{Info: p.pathInfo, MaxDepth: opts.MaxDepth, MaxLeaves: 4 * opts.MaxAttrs}
	return p, nil
}

// Parse parses one record. It always returns a Record: when the text cannot
// be parsed the Record keeps it as body with error.type and error.message,
// and the error (a *ParseError) says why. The Record is valid until the next
// call.
func (p *Parser) Parse(b []byte) (*Record, error) {
	return p.ParseString(string(b))
}

// ParseString is Parse for text that is already a string; the Record's
// strings may share its memory.
func (p *Parser) ParseString(s string) (*Record, error) {
	r := &p.rec
	r.Reset()
	p.spans = p.spans[:0]
	p.hasMsg = false
	p.truncated = 0
	p.keyBits = 0
	p.fieldN = 0
	p.prefix = ""
	p.orig = ""
	p.now = p.opts.Now()
	r.ObservedTime = p.now

	s = trimRecord(s)
	// One look at the whole text spares every value the bearer-token scan.
	// (Anchored on the rare first letter: "earer" would stop at every 'e'.)
	p.mayBearer = strings.Contains(s, "Bearer ") || strings.Contains(s, "bearer ") || strings.Contains(s, "BEARER ")
	var err error
	switch f := p.pick(s); {
	case len(s) > p.opts.MaxRecordBytes:
		err = record.ErrAt(p.opts.Format, p.opts.MaxRecordBytes, ErrTooLarge)
	case f == nil:
		err = record.ErrAt(p.opts.Format, 0, ErrUnknownFormat)
	default:
		r.Format = f.id
		p.prefix = prefixes[f.id]
		err = f.parse(p, s)
	}
	p.finish(s, err)
	if err != nil {
		return r, err
	}
	return r, nil
}

var prefixes = [...]string{FormatPassMan: "passman.", FormatCAPAM: "capam.", FormatNetwrix: "netwrix."}

// pick returns the table row for s: the forced format, or the first whose
// sniff matches.
func (p *Parser) pick(s string) *format {
	for i := range formats {
		f := &formats[i]
		if p.opts.Format == f.id || (p.opts.Format == FormatAuto && p.allowed&(1<<f.id) != 0 && f.sniff(s)) {
			return f
		}
	}
	return nil
}

// finish fills what every record gets: body or original text (record.Redacted),
// severity, error attributes and the truncation count.
func (p *Parser) finish(s string, err error) {
	r := &p.rec
	if p.orig != "" {
		s = p.orig
	}
	// Every text is searched for secret names with their values, in any
	// quoting form: text kept whole (an escaped JSON record in a string, a
	// query string, key = value text in a value, columns) may embed secrets
	// the format did not read as such. A secret found so is redacted in
	// every value too. What the format could not read is searched for bearer
	// tokens as well. (A bad timestamp leaves the rest read by the format.)
	n := len(p.spans)
	p.looseSecrets(s, err != nil && !errors.Is(err, ErrBadTimestamp))
	if len(p.spans) > n {
		p.propagate(s, n)
	}
	original := p.redactSpans(s)
	if p.hasMsg {
		if !p.opts.NoOriginal && r.Body != original {
			r.Attrs = append(r.Attrs, Attr{Key: attrLogRecordOriginal, Kind: KindString, Str: original})
		}
	} else {
		r.Body = original
	}
	if p.truncated > 0 && p.prefix != "" {
		r.Attrs = append(r.Attrs, Attr{Key: p.prefix + "truncated", Kind: KindInt, Int: int64(p.truncated)})
	}
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.SetQuote(original, p.redactedOffset(pe.Offset))
		}
		r.Attrs = append(r.Attrs,
			Attr{Key: attrErrorType, Kind: KindString, Str: record.ErrorCode(err)},
			Attr{Key: attrErrorMessage, Kind: KindString, Str: err.Error()})
	}
	if r.SeverityNumber == 0 {
		sev := record.SevInfo
		if a, ok := r.Get(attrEventOutcome); ok && a.Str == outcomeFailure {
			sev = record.SevWarn
		}
		r.SetSeverity(sev)
	}
}

// minPropagated: shorter secret values are not searched for in other fields
// (a one-digit secret would blank every digit).
const minPropagated = 3

// propagate redacts, in every string value, the secret values that found
// spans of s hold: a value a format read as its own column ("cookie = x"
// split into three) is still a secret.
// The spans from n on are the new ones; one that overlaps a span the format
// found was redacted in its value already.
func (p *Parser) propagate(s string, n int) {
	r := &p.rec
new:
	for _, x := range p.spans[n:] {
		if x.End > len(s) || x.End-x.Start < minPropagated {
			continue
		}
		for _, y := range p.spans[:n] {
			if x.Start < y.End && y.Start < x.End {
				continue new
			}
		}
		// Word by word: columns split a value with spaces ("sid=…; x=…").
		for _, v := range strings.FieldsFunc(s[x.Start:x.End], isValueSep) {
			if len(v) < minPropagated {
				continue
			}
			for i := range r.Attrs {
				a := &r.Attrs[i]
				if a.Kind == KindString && strings.Contains(a.Str, v) {
					a.Str = strings.ReplaceAll(a.Str, v, record.Redacted)
				}
			}
			if p.hasMsg && strings.Contains(r.Body, v) {
				r.Body = strings.ReplaceAll(r.Body, v, record.Redacted)
			}
		}
	}
}

func isValueSep(c rune) bool {
	return c == ' ' || c == ';' || c == ',' || c == '\t' || c == '"' || c == '\'' || c == '\\'
}

// trimRecord drops a UTF-8 byte order mark and the line ending.
func trimRecord(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// add appends an attribute under the record's limits; the last value of a
// duplicated key wins. What the limits cut is counted.
func (p *Parser) add(a Attr) {
	r := &p.rec
	// keyBits is a one-word filter of the keys already added: most keys are
	// new, and the filter spares them the linear search.
	bit := uint64(1) << ((uint(len(a.Key))*31 + uint(a.Key[len(a.Key)-1])) & 63)
	if p.keyBits&bit != 0 {
		if i := r.Index(a.Key); i >= 0 {
			r.Attrs[i] = a
			return
		}
	}
	p.keyBits |= bit
	if len(r.Attrs) >= p.opts.MaxAttrs {
		p.truncated++
		return
	}
	r.Attrs = append(r.Attrs, a)
}

func (p *Parser) addStr(key, v string) {
	if len(v) > p.opts.MaxValueBytes {
		n := p.opts.MaxValueBytes
		for n > 0 && v[n]&0xC0 == 0x80 {
			n--
		}
		v = v[:n]
		p.truncated++
	}
	p.add(Attr{Key: key, Kind: KindString, Str: v})
}

func (p *Parser) addInt(key string, v int64) { p.add(Attr{Key: key, Kind: KindInt, Int: v}) }

func (p *Parser) addBool(key string, v bool) { p.add(Attr{Key: key, Kind: KindBool, Bool: v}) }

// intern returns b as a string, from the cache when it was seen before, so
// that keys built in scratch space cost no allocation in steady state.
func (p *Parser) intern(b []byte) string {
	if s, ok := p.keys[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(p.keys) < maxInternedKeys {
		p.keys[s] = s
	}
	return s
}

// nsField is what the parser knows of a raw field name: its key in the
// product namespace and whether its value is a secret.
type nsField struct {
	raw    string // the raw name, owned by the cache
	key    string
	secret bool
	format Format
}

// nsKey returns the product-namespace key for a raw field name or dotted
// path: the prefix and each segment in snake case.
func (p *Parser) nsKey(name string) string { return p.field(name).key }

// field returns the namespace key of a raw name or dotted path and whether
// its last segment names a secret. Both are cached per product by raw name,
// so the hot path neither builds keys nor scans names.
func (p *Parser) field(name string) *nsField {
	// Records of one source repeat their fields in the same order: the n-th
	// field of this record is most likely the n-th of the last one, which a
	// string compare confirms without hashing.
	slot := &p.posCache[p.fieldN%len(p.posCache)]
	p.fieldN++
	if f := *slot; f != nil && f.format == p.rec.Format && f.raw == name {
		return f
	}
	f := p.fieldSlow(name)
	*slot = f
	return f
}

func (p *Parser) fieldSlow(name string) *nsField {
	m := p.nsKeys[p.rec.Format]
	if f, ok := m[name]; ok {
		return f
	}
	b := append(p.scratch[:0], p.prefix...)
	last := name
	for rest := name; ; {
		seg, tail, more := strings.Cut(rest, ".")
		if seg == "" {
			b = append(b, '_') // an empty JSON key still names a field
		} else {
			b = scan.AppendSnake(b, seg)
		}
		last = seg
		if !more {
			break
		}
		b = append(b, '.')
		rest = tail
	}
	p.scratch = b
	key := string(b)
	// A secret by its raw name ("Set-Cookie") or by its key ("set_cookie").
	secret := p.redact.IsSecret(last) || p.redact.IsSecret(key[strings.LastIndexByte(key, '.')+1:])
	f := &nsField{key: key, secret: secret, raw: strings.Clone(name), format: p.rec.Format}
	if m == nil {
		m = make(map[string]*nsField, 64)
		p.nsKeys[p.rec.Format] = m
	}
	if len(m) < maxInternedKeys {
		m[f.raw] = f
	}
	return f
}

// setOutcome sets event.outcome.
func (p *Parser) setOutcome(o string) { p.add(Attr{Key: attrEventOutcome, Kind: KindString, Str: o}) }

// secret records that s[start:end] is a secret value, to be redacted in the
// original text.
func (p *Parser) secret(start, end int) {
	if start < end {
		p.spans = append(p.spans, redact.Span{Start: start, End: end})
	}
}
