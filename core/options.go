package core

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Options configure a Parser. The zero value is ready to use: automatic
// detection, UTC, original text kept, redaction on, default limits.
// Compile checks them and applies the defaults, once, into Settings that
// every Parser and Shaper of a face is made from.
type Options struct {
	Format   Format         // one format for every record; FormatAuto detects
	Formats  []Format       // with FormatAuto: detect only these (none: all)
	Products Products       // the products table, in detection order; nil: DefaultProducts
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

	// RedactMode is what replaces a secret value: RedactMask ("[REDACTED]",
	// the default) or RedactHMAC, a keyed pseudonym ("hmac:" and 16 hex
	// digits of the value's HMAC-SHA256), the same for the same value in
	// every string of a record and in every record under the same key. The
	// key comes from a file (RedactKeyFile) or an environment variable
	// (RedactKeyEnv), one of them; it is read once, by Compile, and never
	// written anywhere.
	RedactMode    RedactMode
	RedactKeyFile string
	RedactKeyEnv  string
	hmacKey       *hmacKey // what Validate read (a pointer: printing Options shows no key)

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

// RedactMode is what replaces a secret value (Options.RedactMode).
type RedactMode uint8

const (
	RedactMask RedactMode = iota // "[REDACTED]"
	RedactHMAC                   // "hmac:" + 16 hex digits of the value's HMAC-SHA256 under a key
)

var redactModes = [...]string{RedactMask: "mask", RedactHMAC: "hmac"}

func (m RedactMode) String() string {
	if int(m) < len(redactModes) {
		return redactModes[m]
	}
	return fmt.Sprintf("RedactMode(%d)", uint8(m))
}

// UnmarshalText reads mask or hmac (any case); empty is mask.
func (m *RedactMode) UnmarshalText(b []byte) error {
	s := strings.ToLower(strings.TrimSpace(string(b)))
	if s == "" {
		*m = RedactMask
		return nil
	}
	for i, n := range redactModes {
		if s == n {
			*m = RedactMode(i)
			return nil
		}
	}
	return fmt.Errorf("%q is not mask or hmac", string(b))
}

// MinKeyBytes is the shortest key RedactHMAC takes: 128 bits.
const MinKeyBytes = 16

// hmacKey is a key as Validate read it, with where from.
type hmacKey struct {
	from string // "file:<path>" or "env:<name>"
	key  []byte
}

// readKey reads the key of RedactHMAC from the file or the environment
// variable the options name; the error names the option (never the key).
func (o *Options) readKey() (*hmacKey, *OptionError) {
	var k hmacKey
	switch {
	case o.RedactKeyFile != "" && o.RedactKeyEnv != "":
		return nil, &OptionError{"redact_key_file", "only one of redact_key_file and redact_key_env"}
	case o.RedactKeyFile != "":
		k.from = "file:" + o.RedactKeyFile
		if o.hmacKey != nil && o.hmacKey.from == k.from {
			return o.hmacKey, nil
		}
		b, err := os.ReadFile(o.RedactKeyFile)
		if err != nil {
			msg := "cannot read the key file"
			var pe *os.PathError
			if errors.As(err, &pe) {
				msg += ": " + pe.Err.Error()
			}
			return nil, &OptionError{"redact_key_file", msg + " (" + o.RedactKeyFile + ")"}
		}
		k.key = trimNewline(b)
		if len(k.key) < MinKeyBytes {
			return nil, &OptionError{"redact_key_file", fmt.Sprintf("the key in %s is %d bytes, at least %d are needed", o.RedactKeyFile, len(k.key), MinKeyBytes)}
		}
	case o.RedactKeyEnv != "":
		k.from = "env:" + o.RedactKeyEnv
		if o.hmacKey != nil && o.hmacKey.from == k.from {
			return o.hmacKey, nil
		}
		v, ok := os.LookupEnv(o.RedactKeyEnv)
		if !ok {
			return nil, &OptionError{"redact_key_env", "the environment variable " + o.RedactKeyEnv + " is not set"}
		}
		k.key = trimNewline([]byte(v))
		if len(k.key) < MinKeyBytes {
			return nil, &OptionError{"redact_key_env", fmt.Sprintf("the key in %s is %d bytes, at least %d are needed", o.RedactKeyEnv, len(k.key), MinKeyBytes)}
		}
	default:
		return nil, &OptionError{"redact_mode", "hmac needs a key: redact_key_file or redact_key_env"}
	}
	return &k, nil
}

// trimNewline drops one line ending, which a key written by echo has.
func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// key returns the key of RedactHMAC, or nil for the mask.
func (o *Options) key() []byte {
	if o.RedactMode != RedactHMAC || o.NoRedact || o.hmacKey == nil {
		return nil
	}
	return o.hmacKey.key
}

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
	products := o.Products
	if products == nil {
		products = DefaultProducts()
	} else if err := products.Check(); err != nil {
		bad("products", err.Error())
	}
	if o.Format != FormatAuto && products.ByID(o.Format) == nil {
		bad("format", "unknown format "+products.Name(o.Format))
	}
	if o.Schema > SchemaOCSF {
		bad("schema", "unknown schema "+o.Schema.String()+" (want otel, ecs or ocsf)")
	}
	for _, f := range o.Formats {
		if f == FormatAuto || products.ByID(f) == nil {
			bad("formats", "unknown format "+products.Name(f)+" (want "+products.OneOf()+")")
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
	switch {
	case o.RedactMode > RedactHMAC:
		bad("redact_mode", "unknown mode "+o.RedactMode.String()+" (want mask or hmac)")
	case o.RedactMode == RedactHMAC && o.NoRedact:
		bad("redact_mode", "hmac with redaction off")
	case o.RedactMode == RedactHMAC:
		if k, err := o.readKey(); err != nil {
			errs = append(errs, err)
		} else {
			o.hmacKey = k
		}
	case o.RedactKeyFile != "":
		bad("redact_key_file", "a key is only read with redact_mode hmac")
	case o.RedactKeyEnv != "":
		bad("redact_key_env", "a key is only read with redact_mode hmac")
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
