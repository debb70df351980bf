package main

import (
	"encoding"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/core"
)

// parseConfig is what the flags of pamaudit parse set: the parser's options,
// mapped onto core.Options as the flags are read, and the command's own.
type parseConfig struct {
	opts     core.Options
	settings *core.Settings // opts compiled by readFlags
	strict   bool
	files    []string
}

// option is one flag of pamaudit parse. The table (parseFlags) drives the
// parsing, the usage text and the naming of bad options: a new flag is a row
// there and a field it sets.
type option struct {
	name  string // as typed, without the dashes
	arg   string // the value's name in the usage; "" for a switch
	help  string
	key   string // the core.OptionError key it is checked under, if any
	value setter
}

// setter takes a flag's value.
type setter interface{ Set(string) error }

func parseFlags(c *parseConfig) []option {
	o := &c.opts
	products := core.DefaultProducts()
	names := products.Names()
	return []option{
		{"format", "NAME", "the format of every record: auto (detect each), " + products.OneOf() + " (default auto)", "format", textValue{&o.Format}},
		{"formats", "LIST", "with --format auto, detect only these formats, comma-separated (e.g. " + strings.Join(names[:min(2, len(names))], ",") + ")", "formats", formatsValue{&o.Formats}},
		{"schema", "NAME", "the output: otel (OpenTelemetry names, the default), ecs (ECS documents) or ocsf (OCSF events)", "schema", textValue{&o.Schema}},
		{"timezone", "ZONE", "IANA time zone of times without an offset, e.g. Europe/Berlin (default UTC)", "", zoneValue{&o.Location}},
		{"no-original", "", "do not add log.record.original", "", boolValue(&o.NoOriginal)},
		{"no-ocsf-captions", "", "with --schema ocsf, leave out the optional captions of the ids (class_name, category_name, activity_name, type_name, severity, status)", "", boolValue(&o.NoOCSFCaptions)},
		{"no-redact", "", "keep secrets in clear (for debugging only)", "", boolValue(&o.NoRedact)},
		{"redact-headers", "LIST", "more header or key names whose values are redacted, comma-separated", "redact_headers", listValue{&o.RedactHeaders}},
		{"redact-keys", "LIST", "more substrings of key names whose values are redacted, comma-separated", "redact_keys", listValue{&o.RedactKeys}},
		{"redact-mode", "MODE", "what replaces a secret: mask ([REDACTED], the default) or hmac (a keyed pseudonym, hmac: and 16 hex digits, the same for the same value; needs a key)", "redact_mode", textValue{&o.RedactMode}},
		{"redact-key-file", "FILE", "with --redact-mode hmac: the file that holds the key (at least 16 bytes; one trailing newline is dropped)", "redact_key_file", stringValue{&o.RedactKeyFile}},
		{"redact-key-env", "NAME", "with --redact-mode hmac: the environment variable that holds the key", "redact_key_env", stringValue{&o.RedactKeyEnv}},
		{"max-record-bytes", "N", fmt.Sprintf("longest record; a longer line or frame keeps this many bytes, the rest is dropped (error.type record_too_large) (default %d)", core.DefaultMaxRecordBytes), "max_record_bytes", intValue(&o.MaxRecordBytes)},
		{"max-attributes", "N", fmt.Sprintf("attributes per record, at least 8 (default %d)", core.DefaultMaxAttrs), "max_attributes", intValue(&o.MaxAttrs)},
		{"max-depth", "N", fmt.Sprintf("JSON nesting depth that is flattened (default %d)", core.DefaultMaxDepth), "max_depth", intValue(&o.MaxDepth)},
		{"max-value-bytes", "N", fmt.Sprintf("bytes per string value (default %d)", core.DefaultMaxValueBytes), "max_value_bytes", intValue(&o.MaxValueBytes)},
		{"strict", "", "exit 1 when a record could not be parsed", "", boolValue(&c.strict)},
	}
}

// errHelp is returned by readFlags for --help.
var errHelp = errors.New("help")

// readFlags reads args into c by the table: --name value, --name=value, a
// single dash too; flags and files may come in any order, "--" ends the
// flags and "-" is standard input. Every bad flag is reported, each naming
// the flag as typed; then the options are compiled once (core.Compile).
func readFlags(c *parseConfig, table []option, args []string) error {
	var errs []error
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			c.files = append(c.files, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			c.files = append(c.files, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		if name == "h" || name == "help" {
			return errHelp
		}
		o := lookup(table, name)
		if o == nil {
			errs = append(errs, fmt.Errorf("--%s: unknown flag", name))
			continue
		}
		switch {
		case o.arg == "" && !hasVal:
			val = "true"
		case o.arg != "" && !hasVal:
			if i+1 == len(args) {
				errs = append(errs, fmt.Errorf("--%s: needs a value (%s)", name, o.arg))
				continue
			}
			i++
			val = args[i]
		}
		if err := o.value.Set(val); err != nil {
			errs = append(errs, fmt.Errorf("--%s: %v", name, err))
		}
	}
	if c.opts.Format != core.FormatAuto && len(c.opts.Formats) > 0 {
		errs = append(errs, errors.New("--formats: only with --format auto"))
	}
	var err error
	if c.settings, err = core.Compile(c.opts); err != nil {
		errs = append(errs, flagNames(table, err)...)
	}
	return errors.Join(errs...)
}

// unjoin returns the errors joined in err (errors.Join), or err.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func lookup(table []option, name string) *option {
	for i := range table {
		if table[i].name == name {
			return &table[i]
		}
	}
	return nil
}

// flagNames returns the errors of core.Compile (joined), each naming the
// flag its key is set by.
func flagNames(table []option, err error) []error {
	errs := unjoin(err)
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
		var oe *core.OptionError
		if !errors.As(e, &oe) {
			continue
		}
		for _, o := range table {
			if o.key == oe.Key {
				out[i] = fmt.Errorf("--%s: %s", o.name, oe.Msg)
				break
			}
		}
	}
	return out
}

const parseUsage = `Usage: pamaudit parse [flags] [FILE...]

Reads the files, or standard input when none is given ("-" is standard input
too), parses each record and writes it as a JSON object on a line of its own:

  {"time":…,"severity_number":…,"severity_text":…,"event_name":…,
   "body":…,"attributes":{…}}

Records: lines grouped as the splitter does (pretty-printed JSON, indented
seaudit details, container runtime lines), or, when an input starts with
"<digits> <", octet-counted syslog (RFC 6587: MSG-LEN SP SYSLOG-MSG).

A record that cannot be parsed is written with error.type and error.message,
never skipped. Output is flushed after each record when standard output is a
pipe or a terminal, else when the input has been idle for 200ms. At the end a
summary per product goes to standard error.

Exit status: 0; 1 when a file cannot be read (or, with --strict, a record
failed); 2 for a bad flag; 130 on SIGINT and 143 on SIGTERM, after writing
every record read so far.

Flags:
`

// writeUsage prints the usage with the flags as users type them, each
// flag's help wrapped to 80 columns.
func writeUsage(w io.Writer, table []option) {
	const indent, width = 27, 80
	fmt.Fprint(w, parseUsage)
	for _, o := range table {
		f := "--" + o.name
		if o.arg != "" {
			f += " " + o.arg
		}
		line := fmt.Sprintf("  %-*s", indent-3, f)
		for _, word := range strings.Fields(o.help) {
			if len(line) > indent && len(line)+1+len(word) > width {
				fmt.Fprintln(w, line)
				line = strings.Repeat(" ", indent-1)
			}
			line += " " + word
		}
		fmt.Fprintln(w, line)
	}
}

// The flag values: each sets a field of core.Options (or the command's).

// parsedValue is a value parse reads from the flag's text; want says what
// the text must be, for the error.
type parsedValue[T any] struct {
	p     *T
	parse func(string) (T, error)
	want  string
}

func (v parsedValue[T]) Set(s string) error {
	x, err := v.parse(s)
	if err != nil {
		return fmt.Errorf("%q is not %s", s, v.want)
	}
	*v.p = x
	return nil
}

func boolValue(p *bool) parsedValue[bool] {
	return parsedValue[bool]{p, strconv.ParseBool, "true or false"}
}

func intValue(p *int) parsedValue[int] { return parsedValue[int]{p, strconv.Atoi, "a whole number"} }

// textValue is a value that reads itself from text (a format, a schema).
type textValue struct{ p encoding.TextUnmarshaler }

func (v textValue) Set(s string) error { return v.p.UnmarshalText([]byte(s)) }

// formatsValue appends a comma-separated list of formats; a repeated flag
// adds to it.
type formatsValue struct{ p *[]core.Format }

func (v formatsValue) Set(s string) error {
	for _, name := range strings.Split(s, ",") {
		var f core.Format
		if err := f.UnmarshalText([]byte(strings.TrimSpace(name))); err != nil || f == core.FormatAuto {
			return fmt.Errorf("unknown format %q (want %s)", name, core.DefaultProducts().OneOf())
		}
		*v.p = append(*v.p, f)
	}
	return nil
}

// listValue appends a comma-separated list of names; an empty name is kept
// for Options.Validate to report.
type listValue struct{ p *[]string }

func (v listValue) Set(s string) error {
	for _, name := range strings.Split(s, ",") {
		*v.p = append(*v.p, strings.TrimSpace(name))
	}
	return nil
}

type stringValue struct{ p *string }

func (v stringValue) Set(s string) error {
	*v.p = s
	return nil
}

type zoneValue struct{ p **time.Location }

func (v zoneValue) Set(s string) error {
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" {
		return fmt.Errorf("unknown time zone %q", s)
	}
	*v.p = loc
	return nil
}
