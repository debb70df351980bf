package otelprocessor

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl/contexts/ottllog"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl/ottlfuncs"
	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"

	"github.com/pamaudit/pamaudit/core"
)

// Config is the pamaudit processor's configuration. Unknown keys are refused
// by the collector when it loads the file.
type Config struct {
	// Formats lists the formats to detect: passman, capam, netwrix. Empty
	// means all of them; one means every record is read as that format.
	Formats []string `mapstructure:"formats"`
	// Source is where the raw text is: "body" or "log.body" (a string
	// body, or the message, log or msg key of a map body), or
	// attributes["name"] or log.attributes["name"] (OTTL's log context).
	Source string `mapstructure:"source"`
	// Conditions are OTTL conditions in the log context (body,
	// attributes["k"], resource.attributes["k"], …), ORed: a record is
	// parsed when one of them is true, and passes on untouched otherwise.
	// Empty means every record is parsed.
	Conditions []string `mapstructure:"conditions"`
	// Timezone is the IANA zone of times without an offset.
	Timezone string `mapstructure:"timezone"`
	// KeepOriginal adds log.record.original when the body is not the
	// original text.
	KeepOriginal bool `mapstructure:"keep_original"`
	// Schema is the output schema: otel (OpenTelemetry names, the default),
	// ecs (ECS names in the attributes) or ocsf (the OCSF event as a map
	// body).
	Schema string `mapstructure:"schema"`
	// OCSFCaptions adds to OCSF events the optional captions of the ids
	// (class_name, category_name, activity_name, type_name, severity,
	// status).
	OCSFCaptions bool `mapstructure:"ocsf_captions"`
	// OnError is what happens to a record that cannot be parsed: keep (pass
	// it on with error.type and error.message) or drop.
	OnError string `mapstructure:"on_error"`
	// Redact configures secret redaction.
	Redact RedactConfig `mapstructure:"redact"`
	// Limits bound the work and output of one record.
	Limits LimitsConfig `mapstructure:"limits"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// RedactConfig: the contract's headers (cookie, set-cookie, authorization,
// x-access-token, proxy-authorization) and keys containing password or
// secret are always redacted while Enabled; Headers and KeyPatterns add more.
// Mode is what replaces a secret value: mask ([REDACTED]) or hmac (a keyed
// pseudonym, hmac: and 16 hex digits of its HMAC-SHA256), whose key is read
// at start from KeyFile or from the environment variable KeyEnv.
type RedactConfig struct {
	Enabled     bool     `mapstructure:"enabled"`
	Headers     []string `mapstructure:"headers"`
	KeyPatterns []string `mapstructure:"key_patterns"`
	Mode        string   `mapstructure:"mode"`
	KeyFile     string   `mapstructure:"key_file"`
	KeyEnv      string   `mapstructure:"key_env"`
}

// LimitsConfig: 0 means the default.
type LimitsConfig struct {
	MaxRecordBytes int `mapstructure:"max_record_bytes"`
	MaxAttributes  int `mapstructure:"max_attributes"`
	MaxDepth       int `mapstructure:"max_depth"`
	MaxValueBytes  int `mapstructure:"max_value_bytes"`
}

const (
	onErrorKeep = "keep"
	onErrorDrop = "drop"
	sourceBody  = "body"
)

func createDefaultConfig() *Config {
	return &Config{
		Source:       sourceBody,
		Timezone:     "UTC",
		Schema:       "otel",
		OCSFCaptions: true,
		KeepOriginal: true,
		OnError:      onErrorKeep,
		Redact:       RedactConfig{Enabled: true, Mode: "mask"},
	}
}

// Validate checks every key; each message names the key it is about.
func (c *Config) Validate() error {
	_, err := c.settings(nil)
	return err
}

// settings is a checked Config, in the terms the processor works with.
type settings struct {
	parser *core.Settings // compiled once, shared by the workers' parsers; nil when a key is wrong
	source string         // the attribute holding the text; "" for the body
	drop   bool           // on_error: drop
	// conditions select the records to parse; nil: every record.
	conditions []*ottl.Condition[*ottllog.TransformContext]
}

// settings maps the configuration onto the parser's options and the
// processor's own settings, and checks every key once: the keys only the
// processor has here, the parser's options by core.Compile, whose keys are
// renamed into the processor's. now is the parsers' clock (nil: time.Now).
func (c *Config) settings(now func() time.Time) (settings, error) {
	var errs []error
	bad := func(key, msg string) { errs = append(errs, &core.OptionError{Key: key, Msg: msg}) }
	s := settings{drop: c.OnError == onErrorDrop}
	opts := core.Options{
		NoOriginal:     !c.KeepOriginal,
		NoOCSFCaptions: !c.OCSFCaptions,
		NoRedact:       !c.Redact.Enabled,
		RedactHeaders:  c.Redact.Headers,
		RedactKeys:     c.Redact.KeyPatterns,
		RedactKeyFile:  c.Redact.KeyFile,
		RedactKeyEnv:   c.Redact.KeyEnv,
		MaxRecordBytes: c.Limits.MaxRecordBytes,
		MaxAttrs:       c.Limits.MaxAttributes,
		MaxDepth:       c.Limits.MaxDepth,
		MaxValueBytes:  c.Limits.MaxValueBytes,
		Now:            now,
	}
	var fs []core.Format
	for _, name := range c.Formats {
		var f core.Format
		if err := f.UnmarshalText([]byte(name)); err != nil || f == core.FormatAuto {
			bad("formats", fmt.Sprintf("unknown format %q (want %s)", name, core.DefaultProducts().OneOf()))
			continue
		}
		fs = append(fs, f)
	}
	if len(fs) == 1 {
		opts.Format = fs[0]
	} else {
		opts.Formats = fs
	}
	var ok bool
	if s.source, ok = sourceAttribute(c.Source); !ok {
		bad("source", fmt.Sprintf(`%q is none of body, log.body, attributes["name"], log.attributes["name"]`, c.Source))
	}
	conds, condErrs := parseConditions(c.Conditions)
	s.conditions = conds
	errs = append(errs, condErrs...)
	if loc, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		bad("timezone", fmt.Sprintf("unknown time zone %q", c.Timezone))
	} else {
		opts.Location = loc
	}
	if err := opts.Schema.UnmarshalText([]byte(c.Schema)); err != nil {
		bad("schema", fmt.Sprintf("%q is not otel, ecs or ocsf", c.Schema))
	}
	if err := opts.RedactMode.UnmarshalText([]byte(c.Redact.Mode)); err != nil {
		bad("redact::mode", fmt.Sprintf("%q is not mask or hmac", c.Redact.Mode))
	}
	if c.OnError != onErrorKeep && c.OnError != onErrorDrop {
		bad("on_error", fmt.Sprintf("%q is not keep or drop", c.OnError))
	}
	var err error
	if s.parser, err = core.Compile(opts); err != nil {
		errs = append(errs, processorKeys(err)...)
	}
	return s, errors.Join(errs...)
}

// coreKeys are the processor's names for the keys of core.OptionError.
var coreKeys = map[string]string{
	"format":           "formats",
	"formats":          "formats",
	"max_record_bytes": "limits::max_record_bytes",
	"max_attributes":   "limits::max_attributes",
	"max_depth":        "limits::max_depth",
	"max_value_bytes":  "limits::max_value_bytes",
	"redact_headers":   "redact::headers",
	"redact_keys":      "redact::key_patterns",
	"redact_mode":      "redact::mode",
	"redact_key_file":  "redact::key_file",
	"redact_key_env":   "redact::key_env",
}

// processorKeys returns the errors of core.Compile (joined) with the
// keys of its option errors in the processor's syntax.
func processorKeys(err error) []error {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		var oe *core.OptionError
		if errors.As(e, &oe) {
			if key, ok := coreKeys[oe.Key]; ok {
				e = &core.OptionError{Key: key, Msg: oe.Msg}
			}
		}
		out[i] = e
	}
	return out
}

// sourceAttribute reads source: the attribute it names, or "" for the body.
// It takes OTTL's log context paths, log.body and
// log.attributes["name"], and the short forms without log.
func sourceAttribute(source string) (attr string, ok bool) {
	s := strings.TrimSpace(source)
	if s == "" {
		return "", true // unset: the body
	}
	if s = strings.TrimPrefix(s, "log."); s == sourceBody {
		return "", true
	}
	if name, ok := strings.CutPrefix(s, "attributes["); ok {
		if name, ok = strings.CutSuffix(name, "]"); ok && len(name) > 2 && (name[0] == '"' && name[len(name)-1] == '"' || name[0] == '\'' && name[len(name)-1] == '\'') {
			return name[1 : len(name)-1], true
		}
	}
	return "", false
}

// parseConditions parses the conditions as the contrib processors parse
// theirs (filterottl): OTTL's log context with the standard converters
// (IsMatch, Concat, …). Each error names the condition's key,
// conditions[i] (0-based, as the collector names list items).
func parseConditions(conds []string) ([]*ottl.Condition[*ottllog.TransformContext], []error) {
	if len(conds) == 0 {
		return nil, nil
	}
	// The parser logs nothing while parsing; the processor's condition
	// sequence logs with the collector's logger.
	parser, err := ottllog.NewParser(ottlfuncs.StandardConverters[*ottllog.TransformContext](), component.TelemetrySettings{Logger: zap.NewNop()})
	if err != nil {
		return nil, []error{&core.OptionError{Key: "conditions", Msg: err.Error()}}
	}
	var errs []error
	out := make([]*ottl.Condition[*ottllog.TransformContext], 0, len(conds))
	for i, c := range conds {
		cond, err := parser.ParseCondition(c)
		if err != nil {
			errs = append(errs, &core.OptionError{Key: fmt.Sprintf("conditions[%d]", i), Msg: fmt.Sprintf("%q: %v", c, err)})
			continue
		}
		out = append(out, cond)
	}
	if errs != nil {
		return nil, errs
	}
	return out, nil
}
