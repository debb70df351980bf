package otelprocessor

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/core"
)

// Config is the pamaudit processor's configuration. Unknown keys are refused
// by the collector when it loads the file.
type Config struct {
	// Formats lists the formats to detect: passman, capam, netwrix. Empty
	// means all of them; one means every record is read as that format.
	Formats []string `mapstructure:"formats"`
	// Source is where the raw text is: "body" (a string body, or the
	// message, log or msg key of a map body) or attributes["name"].
	Source string `mapstructure:"source"`
	// Timezone is the IANA zone of times without an offset.
	Timezone string `mapstructure:"timezone"`
	// KeepOriginal adds log.record.original when the body is not the
	// original text.
	KeepOriginal bool `mapstructure:"keep_original"`
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
type RedactConfig struct {
	Enabled     bool     `mapstructure:"enabled"`
	Headers     []string `mapstructure:"headers"`
	KeyPatterns []string `mapstructure:"key_patterns"`
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
		KeepOriginal: true,
		OnError:      onErrorKeep,
		Redact:       RedactConfig{Enabled: true},
	}
}

// Validate checks every key; each message names the key it is about.
func (c *Config) Validate() error {
	var errs []error
	if _, err := c.formats(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.sourceAttribute(); err != nil {
		errs = append(errs, err)
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		errs = append(errs, fmt.Errorf("timezone: unknown time zone %q", c.Timezone))
	}
	if c.OnError != onErrorKeep && c.OnError != onErrorDrop {
		errs = append(errs, fmt.Errorf("on_error: %q is not keep or drop", c.OnError))
	}
	for _, h := range c.Redact.Headers {
		if strings.TrimSpace(h) == "" {
			errs = append(errs, errors.New("redact::headers: empty header name"))
		}
	}
	for _, k := range c.Redact.KeyPatterns {
		if strings.TrimSpace(k) == "" {
			errs = append(errs, errors.New("redact::key_patterns: empty pattern"))
		}
	}
	for _, l := range []struct {
		key string
		v   int
	}{
		{"limits::max_record_bytes", c.Limits.MaxRecordBytes},
		{"limits::max_attributes", c.Limits.MaxAttributes},
		{"limits::max_depth", c.Limits.MaxDepth},
		{"limits::max_value_bytes", c.Limits.MaxValueBytes},
	} {
		if l.v < 0 {
			errs = append(errs, fmt.Errorf("%s: must not be negative", l.key))
		}
	}
	if c.Limits.MaxAttributes > 0 && c.Limits.MaxAttributes < 8 {
		errs = append(errs, errors.New("limits::max_attributes: must be at least 8"))
	}
	return errors.Join(errs...)
}

func (c *Config) formats() ([]core.Format, error) {
	var fs []core.Format
	for _, name := range c.Formats {
		var f core.Format
		if err := f.UnmarshalText([]byte(name)); err != nil || f == core.FormatAuto {
			return nil, fmt.Errorf("formats: unknown format %q (want passman, capam or netwrix)", name)
		}
		fs = append(fs, f)
	}
	return fs, nil
}

// sourceAttribute returns the attribute named by source, or "" for the body.
func (c *Config) sourceAttribute() (string, error) {
	s := strings.TrimSpace(c.Source)
	if s == sourceBody || s == "" {
		return "", nil
	}
	if name, ok := strings.CutPrefix(s, "attributes["); ok {
		if name, ok = strings.CutSuffix(name, "]"); ok && len(name) > 2 && (name[0] == '"' && name[len(name)-1] == '"' || name[0] == '\'' && name[len(name)-1] == '\'') {
			return name[1 : len(name)-1], nil
		}
	}
	return "", fmt.Errorf(`source: %q is neither body nor attributes["name"]`, c.Source)
}

// parserOptions turns a validated Config into core options.
func (c *Config) parserOptions() core.Options {
	fs, _ := c.formats()
	loc, _ := time.LoadLocation(c.Timezone)
	opts := core.Options{
		Location:       loc,
		NoOriginal:     !c.KeepOriginal,
		NoRedact:       !c.Redact.Enabled,
		RedactHeaders:  c.Redact.Headers,
		RedactKeys:     c.Redact.KeyPatterns,
		MaxRecordBytes: c.Limits.MaxRecordBytes,
		MaxAttrs:       c.Limits.MaxAttributes,
		MaxDepth:       c.Limits.MaxDepth,
		MaxValueBytes:  c.Limits.MaxValueBytes,
	}
	if len(fs) == 1 {
		opts.Format = fs[0]
	} else {
		opts.Formats = fs
	}
	return opts
}
