package core

import (
	"errors"
	"slices"
	"strings"
	"unsafe"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/internal/envelope"
	"github.com/pamaudit/pamaudit/internal/envelope/shipper"
	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/record"
)

// The Parser composes the layers: the envelope layer takes the framings off
// the text, the products table picks the product for the payload, the
// product reads it into the record builder, and the builder finishes the
// record (redaction, body, severity, errors).

// Products is a products table: every product detection may pick, in
// detection order, with what each is read with (internal/product). A
// Parser is built over Options.Products, or DefaultProducts.
type (
	Products = product.Table
	Product  = product.Product
)

// MaxFormat is the highest Format a products table may give a product:
// arrays by Format have MaxFormat+1 entries.
const MaxFormat = product.MaxID

// DefaultProducts is every product pamaudit reads, in detection order:
// the first sniff that matches a payload (the text inside its framings)
// parses the record. Each sniff is a look at the start: a seaudit date and
// status letter, a JSON object, PassMan's "process(pid): " or key = value
// pairs with a type. The Splitter asks the same sniffers where records
// start.
func DefaultProducts() Products { return product.Default() }

// EventNames lists every event name the products' tables give, product by
// product (docs/schema.md). A record may have another: a PassMan type or a
// CA PAM resource class the tables do not list.
func EventNames() []string { return product.Default().Events() }

// detector is a table row as a Parser reads with it.
type detector struct {
	id     Format
	prefix string
	sniff  func(s string) bool
	claim  func(fr *envelope.Frame) bool
	read   product.Reader
}

// Parser turns the text of one record into a Record. A Parser is reused from
// record to record but must not be shared between goroutines: make one per
// goroutine.
type Parser struct {
	opts   Options
	b      *builder.Builder
	frame  envelope.Frame
	shaper *Shaper

	// detect: the rows detection may pick, in table order; forced: the
	// one row of Options.Format; syslogText: the row syslog-framed text
	// no row recognises goes to.
	detect     []detector
	forced     *detector
	syslogText *detector

	text []byte // Parse's copy of the text, reused (see Parse)

	// shippers: unwrap shippers' JSON objects before any product looks
	// (envelope.Frame.Shippers): no product that may be picked walks JSON.
	shippers bool
}

// NewParser compiles opts (Compile) and returns a Parser: for one parser.
// A face that makes several compiles once and calls Settings.NewParser.
func NewParser(opts Options) (*Parser, error) {
	s, err := Compile(opts)
	if err != nil {
		return nil, err
	}
	return s.NewParser(), nil
}

// NewParser returns a Parser of the settings; it checks and reads nothing.
func (s *Settings) NewParser() *Parser {
	opts := s.opts
	b := builder.New(builder.Settings{
		Location:      opts.Location,
		NoOriginal:    opts.NoOriginal,
		MaxAttrs:      opts.MaxAttrs,
		MaxValueBytes: opts.MaxValueBytes,
		Redact:        redact.NewKeyed(opts.RedactHeaders, opts.RedactKeys, !opts.NoRedact, opts.key()),
	})
	p := &Parser{
		shippers: true,
		opts:     opts,
		b:        b,
		shaper:   newShaper(opts),
	}
	p.detectors(opts)
	return p
}

// detectors builds the rows of the products table the Parser may pick,
// each with its reader.
func (p *Parser) detectors(opts Options) {
	for i := range opts.Products {
		row := &opts.Products[i]
		forced := opts.Format == row.ID
		if !forced && (opts.Format != FormatAuto || len(opts.Formats) > 0 && !slices.Contains(opts.Formats, row.ID)) {
			continue
		}
		if row.WalksJSON {
			p.shippers = false
		}
		d := detector{
			id: row.ID, prefix: row.Prefix(), sniff: row.Sniff, claim: row.Claim,
			read: row.New(p.b, product.Settings{MaxDepth: opts.MaxDepth, MaxAttrs: opts.MaxAttrs, Forced: forced}),
		}
		p.detect = append(p.detect, d)
	}
	for i := range p.detect {
		d := &p.detect[i]
		row := opts.Products.ByID(d.id)
		switch {
		case d.id == opts.Format:
			p.forced = d
		case row.SyslogText && p.syslogText == nil:
			p.syslogText = d
		}
	}
}

// Header is what a pipeline already read of a record's syslog header, for
// ParseMessage: the collector's syslog receiver keeps it in attributes
// (hostname, appname, proc_id, priority, msg_id, structured_data, the
// record's timestamp), Fluent Bit's syslog input in keys (host, ident, pid,
// pri, msgid, extradata, the event time). It is the header a syslog framing
// reads from a line, and maps onto the same attributes.
type Header = envelope.Header

// Parse parses one record. It always returns a Record, in the schema of
// Options.Schema: when the text cannot be parsed the Record keeps it as body
// with error.type and error.message, and the error (a *ParseError) says why.
// The Record is valid until the next call: its strings share a buffer
// the next Parse overwrites (copying each text into a new string made every
// record an allocation, and the collections it caused a fifth of the
// parse). Copy what you keep, or use ParseString.
func (p *Parser) Parse(b []byte) (*Record, error) {
	if len(b) == 0 {
		return p.parse("", nil, true)
	}
	p.text = append(p.text[:0], b...)
	return p.parse(unsafe.String(&p.text[0], len(p.text)), nil, true)
}

// ParseString is Parse for text that is already a string; the Record's
// strings may share its memory.
func (p *Parser) ParseString(s string) (*Record, error) {
	return p.parse(s, nil, false)
}

// ParseMessage parses the message of a record whose header a pipeline
// already took off: h stands for that header (time, host, app name, pid,
// PRI, MSGID, structured data), so the record gets the same attributes as
// the full line would. h may be nil.
func (p *Parser) ParseMessage(s string, h *Header) (*Record, error) {
	return p.parse(s, h, false)
}

// ParseCut makes the record of a text that was cut at the limit: the
// Splitter (or another reader of records) handed out its first bytes with
// cut. As a record longer than MaxRecordBytes, it is not parsed: the Record
// keeps the text as body, redacted as every text is (a value the cut ended
// is redacted as far as it goes), with error.type record_too_large and
// cut's message, which says how many bytes were dropped. Parse would read
// the first bytes as a whole record. The Record is valid until the next
// call, as Parse's. A nil cut is Parse.
func (p *Parser) ParseCut(b []byte, cut *CutError) (*Record, error) {
	if cut == nil {
		return p.Parse(b)
	}
	s := ""
	if len(b) > 0 {
		p.text = append(p.text[:0], b...)
		s = unsafe.String(&p.text[0], len(p.text))
	}
	s = trimRecord(s)
	p.b.Start(s, p.opts.Now(), true)
	p.b.Finish(s, cut)
	return p.shaper.built(p.b.Record()), cut
}

// Shipper reads a record that a pipeline hands over as members (a
// collector log's map body, a Fluent Bit record) when they are a shipper's
// layout (journald, GELF, Logstash, Vector, rsyslog: docs/schema.md,
// "Shippers' JSON"): it returns the member that holds the text, the text,
// and the header the other members make, for ParseMessage. get returns a
// member's value as text (nested members by dotted name), whether it is a
// string, and whether it is present. Fluentd's parser output is not a
// layout here: its log member is the text.
func (p *Parser) Shipper(get func(name string) (v string, isStr, ok bool)) (key, text string, h Header, ok bool) {
	res, ok := shipper.MatchFields(get, p.opts.Location, p.opts.Now())
	if !ok || res.Row.Keep {
		return "", "", Header{}, false
	}
	return res.TextMember, res.Text, envelope.FromShipper(&res), true
}

// SecretKey reports whether a field passed on beside the record, named
// key (nested keys dotted), holds a secret by its name.
func (p *Parser) SecretKey(key string) bool {
	r := p.b.Redactor()
	return r.IsSecret(key) || r.IsSecret(key[strings.LastIndexByte(key, '.')+1:])
}

// Scrub returns v, the value of a field a face passes on beside the
// record (a map body's other members, a Fluent Bit record's other keys,
// named key, nested keys dotted): what replaces a secret ("[REDACTED]", or
// v's pseudonym) when the name is a secret's, else v with every secret it
// embeds redacted, as the record's own text is. The result may share v's
// memory; it differs from v exactly when something was redacted.
func (p *Parser) Scrub(key, v string) string {
	r := p.b.Redactor()
	if !r.Enabled() || v == "" {
		return v
	}
	if p.SecretKey(key) {
		return r.Value(v, secretKind(key))
	}
	if len(v) < r.MinMention() || !redact.MayMention(v) {
		return v // most fields passed on: no ':', '=', '%' or "bearer "
	}
	sp := r.Find(v, 0, nil, redact.MayHoldBearer(v))
	if len(sp) == 0 {
		return v
	}
	return string(r.Replace(nil, v, sp))
}

// secretKind is what the value of a secret named key (dotted) is made of.
func secretKind(key string) redact.Kind {
	return redact.KindOf(key[strings.LastIndexByte(key, '.')+1:])
}

// IdentityText is the text a record's identity (UIDer) is worked out
// from, after the parse of text: text itself, or, when the parse redacted
// secrets in it, the record's original text as it is emitted, with them
// redacted (RedactedText). An identity is then never a function of a
// secret: a hash of the clear text would let whoever reads the record test
// guesses of a short secret (a PIN, a weak password) against it. Records
// that held no secret keep the identity of their text. Valid until the
// next parse.
func (p *Parser) IdentityText(text string) string {
	if t, ok := p.RedactedText(); ok {
		return t
	}
	return text
}

// RedactedText is the last parsed record's original text as it is emitted,
// with its secrets redacted, and whether the parse redacted any (when it
// did not, the text is the one parsed). Valid until the next parse.
func (p *Parser) RedactedText() (string, bool) {
	if p.b.Redactions() == 0 {
		return "", false
	}
	return p.b.Emitted(), true
}

// Redactions returns how many distinct secret values the last record
// (Parse, ParseString, ParseMessage, ParseCut) had redacted: in its text,
// its attributes and its body. Scrub's are not counted.
func (p *Parser) Redactions() int { return p.b.Redactions() }

// ShipperMember reports whether a record's top-level member named name may
// make it a shipper's layout (see Shipper): a face that sees none need not
// call Shipper.
func ShipperMember(name string) bool { return shipper.SigMember(name) }

// parse parses s; reuse: the Record's strings may share the parser's
// buffers (Parse), else they stay valid after the next parse (ParseString,
// ParseMessage: the collector processor keeps them in pdata).
func (p *Parser) parse(s string, h *Header, reuse bool) (*Record, error) {
	s = trimRecord(s)
	b := p.b
	now := p.opts.Now()
	b.Start(s, now, reuse)
	var err error
	if len(s) > p.opts.MaxRecordBytes {
		err = record.ErrAt(p.opts.Format, p.opts.MaxRecordBytes, ErrTooLarge)
		b.Finish(s, err)
		return p.shaper.built(b.Record()), err
	}
	fr := &p.frame
	fr.Shippers = p.shippers
	for {
		fr.Unwrap(s, h, p.opts.Location, now)
		fr.Into(b)
		if f := p.pick(fr); f == nil {
			err = record.ErrAt(p.opts.Format, 0, ErrUnknownFormat)
		} else {
			b.SetFormat(f.id, f.prefix)
			err = f.read.Parse(fr)
			if err != nil && errors.Is(err, envelope.ErrShipper) && !fr.Shippers {
				// The walk found a shipper's member: unwrap again, reading
				// shippers' objects, from a fresh record.
				fr.Shippers = true
				b.Start(s, now, reuse)
				continue
			}
			if err != nil && errors.Is(err, ErrUnknownFormat) {
				b.SetFormat(FormatAuto, "") // the product looked closer and declined it
			}
		}
		b.Finish(s, err) // the original text, when the framings said one (Into)
		return p.shaper.built(b.Record()), err
	}
}

// pick returns the table row for the payload: the forced format, or the
// first whose sniff matches, or the first whose service the framing
// names, or the row of syslog-framed free text (PassMan's system lines).
func (p *Parser) pick(fr *envelope.Frame) *detector {
	if p.opts.Format != FormatAuto {
		return p.forced
	}
	s := fr.Payload
	for i := range p.detect {
		if p.detect[i].sniff(s) {
			return &p.detect[i]
		}
	}
	for i := range p.detect {
		if c := p.detect[i].claim; c != nil && c(fr) {
			return &p.detect[i]
		}
	}
	if fr.Syslog {
		return p.syslogText
	}
	return nil
}

// trimRecord drops a UTF-8 byte order mark and the line ending.
func trimRecord(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
