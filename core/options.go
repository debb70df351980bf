package core

import (
	"errors"
	"strings"
	"time"
)

// Options configure a Parser. The zero value is ready to use: automatic
// detection, UTC, original text kept, redaction on, default limits.
type Options struct {
	Format   Format         // one format for every record; FormatAuto detects
	Formats  []Format       // with FormatAuto: detect only these (none: all)
	Location *time.Location // zone of times without offset; nil means UTC
	Schema   Schema         // names and shape of the records: SchemaOTel (the default), SchemaECS, SchemaOCSF

	NoOriginal bool // do not emit log.record.original
	NoRedact   bool // keep secrets in clear (for debugging only)

	// NoOCSFCaptions leaves out of OCSF events the optional captions of
	// the ids (class_name, category_name, activity_name, type_name,
	// severity, status); activity_name stays for activity 99 (Other),
	// where it is the source's own name.
	NoOCSFCaptions bool

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
	if o.Schema > SchemaOCSF {
		bad("schema", "unknown schema "+o.Schema.String()+" (want otel, ecs or ocsf)")
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
