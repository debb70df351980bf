package core

import (
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/internal/product/capam"
	"github.com/pamaudit/pamaudit/internal/product/netwrix"
	"github.com/pamaudit/pamaudit/internal/product/passman"
	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/record"
)

// The Parser composes the layers: a detection table picks the product, the
// product reads the text into the record builder, and the builder finishes
// the record (redaction, body, severity, errors).

// product is one row of the detection table.
type product struct {
	id     Format
	prefix string              // the attribute namespace
	sniff  func(s string) bool // cheap look at the record's start
	parse  func(p *Parser, s string) error
}

// products is tried in order by FormatAuto: the first sniff that matches
// parses the record. CA PAM and Netwrix come before PassMan because a
// syslog-framed Netwrix record also starts with a syslog time. The Splitter
// asks the same sniffers where records start.
var products = [...]product{
	{FormatCAPAM, "capam.", capam.Sniff, func(p *Parser, s string) error { return p.capam.Parse(s) }},
	{FormatNetwrix, "netwrix.", netwrix.Sniff, func(p *Parser, s string) error { return p.netwrix.Parse(s) }},
	{FormatPassMan, "passman.", passman.Sniff, func(p *Parser, s string) error { return p.passman.Parse(s) }},
}

// Parser turns the text of one record into a Record. A Parser is reused from
// record to record but must not be shared between goroutines: make one per
// goroutine.
type Parser struct {
	opts    Options
	allowed uint8 // bit per Format that detection may pick
	b       *builder.Builder

	passman *passman.Parser
	capam   *capam.Parser
	netwrix *netwrix.Parser
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
	b := builder.New(builder.Settings{
		Location:      opts.Location,
		NoOriginal:    opts.NoOriginal,
		MaxAttrs:      opts.MaxAttrs,
		MaxValueBytes: opts.MaxValueBytes,
		Redact:        redact.New(opts.RedactHeaders, opts.RedactKeys, !opts.NoRedact),
	})
	return &Parser{
		opts:    opts,
		allowed: allowed,
		b:       b,
		passman: passman.New(b),
		capam:   capam.New(b),
		netwrix: netwrix.New(b, opts.MaxDepth, opts.MaxAttrs),
	}, nil
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
	s = trimRecord(s)
	b := p.b
	b.Start(s, p.opts.Now())
	var err error
	switch f := p.pick(s); {
	case len(s) > p.opts.MaxRecordBytes:
		err = record.ErrAt(p.opts.Format, p.opts.MaxRecordBytes, ErrTooLarge)
	case f == nil:
		err = record.ErrAt(p.opts.Format, 0, ErrUnknownFormat)
	default:
		b.SetFormat(f.id, f.prefix)
		err = f.parse(p, s)
	}
	b.Finish(s, err)
	if err != nil {
		return &b.Rec, err
	}
	return &b.Rec, nil
}

// pick returns the table row for s: the forced format, or the first whose
// sniff matches.
func (p *Parser) pick(s string) *product {
	for i := range products {
		f := &products[i]
		if p.opts.Format == f.id || (p.opts.Format == FormatAuto && p.allowed&(1<<f.id) != 0 && f.sniff(s)) {
			return f
		}
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
