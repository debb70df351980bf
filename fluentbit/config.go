package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/core"
)

// config is one [OUTPUT] instance's configuration. Keys are read through a
// getter (Fluent Bit's property lookup, case-insensitive); values that are
// words are compared in any case. It is built at init and only read after,
// by every worker of the instance.
type config struct {
	parser     *core.Settings // compiled once, shared by every converter's parser; nil when a key is wrong
	sourceKeys []string       // the first present key holds the raw text
	syslogKeys bool           // read a syslog input's header keys (syslog.go)

	output string // otlp, forward or stdout

	statsInterval time.Duration // log the counts this often (stats.go); 0: only at exit

	otlpEndpoint string
	otlpHeaders  map[string]string
	otlpTimeout  time.Duration
	otlpGzip     bool

	forwardAddr    string
	forwardTag     string // "" means the input tag plus ".parsed"
	forwardTimeout time.Duration

	tls *tls.Config // nil: no TLS (otlp: an http:// endpoint)

	// warnings are logged at init: keys that are valid but unused, such as
	// otlp_endpoint under output stdout.
	warnings []string
}

const (
	outputOTLP    = "otlp"
	outputForward = "forward"
	outputStdout  = "stdout"
)

// configKeys lists every key the plugin reads, for the docs and the tests.
var configKeys = []string{
	"format", "source_key", "syslog_keys", "timezone", "schema", "ocsf_captions", "keep_original", "redact", "redact_headers", "redact_keys",
	"redact_mode", "redact_key_file", "redact_key_env", "stats_interval",
	"max_record_bytes", "max_attributes", "max_depth", "max_value_bytes",
	"output", "otlp_endpoint", "otlp_headers", "otlp_timeout", "otlp_compression",
	"forward_host", "forward_port", "forward_tag", "forward_timeout",
	keyTLS, keyTLSVerify, keyTLSCA, keyTLSCrt, keyTLSKey, keyTLSVhost,
}

// formatNames are the values of the format key: auto, then the products.
var formatNames = "auto, " + core.DefaultProducts().OneOf()

// parseConfig reads and checks every key; each error is a
// *core.OptionError that names the key. now is the parsers' clock (nil:
// time.Now).
func parseConfig(get func(key string) string, now func() time.Time) (*config, error) {
	c := &config{
		sourceKeys:   core.DefaultSourceKeys, // shared: never modified
		syslogKeys:   true,
		output:       outputOTLP,
		otlpEndpoint: "http://127.0.0.1:4318/v1/logs",
		otlpTimeout:  10 * time.Second,
		otlpGzip:     true,
	}
	var errs []error
	fail := func(key, format string, args ...any) {
		errs = append(errs, &core.OptionError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	val := func(key string) string { return strings.TrimSpace(get(key)) }
	opts := core.Options{Now: now}

	// The parser's keys map onto core.Options, which Compile checks below;
	// here only what is not a value of the right type fails.
	if v := val("format"); v != "" {
		if err := opts.Format.UnmarshalText([]byte(v)); err != nil {
			fail("format", "%q is not %s", v, formatNames)
		}
	}
	if v := val("source_key"); v != "" {
		c.sourceKeys = []string{v}
	}
	if v := val("timezone"); v != "" {
		loc, err := time.LoadLocation(v)
		if err != nil {
			fail("timezone", "unknown time zone %q", v)
		}
		opts.Location = loc
	}
	if v := val("schema"); v != "" {
		if err := opts.Schema.UnmarshalText([]byte(v)); err != nil {
			fail("schema", "%q is not otel, ecs or ocsf", v)
		}
	}
	for _, b := range []struct {
		key string
		dst *bool // set to the value, or to !value when neg (core options are negative)
		neg bool
	}{{"keep_original", &opts.NoOriginal, true}, {"redact", &opts.NoRedact, true}, {"syslog_keys", &c.syslogKeys, false},
		{"ocsf_captions", &opts.NoOCSFCaptions, true}} {
		if v := val(b.key); v != "" {
			on, ok := parseBool(v)
			if !ok {
				fail(b.key, "%q is not on or off", v)
			}
			*b.dst = on != b.neg
		}
	}
	opts.RedactHeaders = splitList(val("redact_headers"))
	opts.RedactKeys = splitList(val("redact_keys"))
	if v := val("redact_mode"); v != "" {
		if err := opts.RedactMode.UnmarshalText([]byte(v)); err != nil {
			fail("redact_mode", "%q is not mask or hmac", v)
		}
	}
	opts.RedactKeyFile = val("redact_key_file")
	opts.RedactKeyEnv = val("redact_key_env")
	if v := val("stats_interval"); v != "" {
		if on, ok := parseBool(v); ok && !on || v == "0" {
			c.statsInterval = 0
		} else if d, err := parseDuration(v); err != nil {
			fail("stats_interval", "%q is not a duration (10m, 1h; 0 or off: only at exit)", v)
		} else {
			c.statsInterval = d
		}
	}
	for _, l := range []struct {
		key string
		dst *int
	}{
		{"max_record_bytes", &opts.MaxRecordBytes}, {"max_attributes", &opts.MaxAttrs},
		{"max_depth", &opts.MaxDepth}, {"max_value_bytes", &opts.MaxValueBytes},
	} {
		if v := val(l.key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				fail(l.key, "%q is not a number", v)
				continue
			}
			*l.dst = n
		}
	}
	// Its *core.OptionError keys are the plugin's key names. A key that
	// failed above kept its zero value, which Compile accepts: no key is
	// reported twice.
	var err error
	if c.parser, err = core.Compile(opts); err != nil {
		errs = append(errs, err)
	}

	if v := strings.ToLower(val("output")); v != "" {
		c.output = v
	}
	switch c.output {
	case outputOTLP, outputForward, outputStdout:
	default:
		fail("output", "%q is not otlp, forward or stdout", c.output)
	}

	// Every output's keys are checked, whichever output is active: a bad
	// otlp_timeout fails under output stdout too, so that switching the
	// output later does not uncover it. A key of another output that is
	// set is only warned about.
	c.parseOTLP(val, fail)
	c.parseForward(val, fail)
	switch c.output {
	case outputOTLP:
		c.tls = parseTLS(val, c.otlpEndpoint, fail)
	case outputForward:
		c.tls = parseTLS(val, "", fail)
	default:
		checkTLS(val, fail)
	}
	for _, k := range configKeys {
		if val(k) != "" && !keyUsed(k, c.output) {
			c.warnings = append(c.warnings, fmt.Sprintf("%s is set but output is %s: it is not used", k, c.output))
		}
	}
	return c, errors.Join(errs...)
}

// parseOTLP reads the otlp output's keys, with their defaults.
func (c *config) parseOTLP(val func(string) string, fail func(key, format string, args ...any)) {
	if v := val("otlp_endpoint"); v != "" {
		c.otlpEndpoint = v
	}
	if u, err := url.Parse(c.otlpEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fail("otlp_endpoint", "%q is not an http or https URL", c.otlpEndpoint)
	}
	if v := val("otlp_headers"); v != "" {
		c.otlpHeaders = map[string]string{}
		for _, h := range splitList(v) {
			k, hv, ok := strings.Cut(h, "=")
			if !ok || strings.TrimSpace(k) == "" {
				fail("otlp_headers", "%q is not name=value", h)
				continue
			}
			c.otlpHeaders[strings.TrimSpace(k)] = strings.TrimSpace(hv)
		}
	}
	if v := val("otlp_timeout"); v != "" {
		d, err := parseDuration(v)
		if err != nil {
			fail("otlp_timeout", "%q is not a duration (10s, 500ms)", v)
		}
		c.otlpTimeout = d
	}
	switch v := strings.ToLower(val("otlp_compression")); v {
	case "", "gzip":
	case "none", "off":
		c.otlpGzip = false
	default:
		fail("otlp_compression", "%q is not gzip or none", v)
	}
}

// parseForward reads the forward output's keys, with their defaults.
func (c *config) parseForward(val func(string) string, fail func(key, format string, args ...any)) {
	host, port := val("forward_host"), val("forward_port")
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = "24224"
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		fail("forward_port", "%q is not a port number", port)
	}
	c.forwardAddr = net.JoinHostPort(host, port)
	c.forwardTag = val("forward_tag")
	c.forwardTimeout = 10 * time.Second
	if v := val("forward_timeout"); v != "" {
		d, err := parseDuration(v)
		if err != nil {
			fail("forward_timeout", "%q is not a duration (10s, 500ms)", v)
		}
		c.forwardTimeout = d
	}
}

// keyUsed reports whether key matters with the output: the otlp_* keys
// only with otlp, the forward_* keys only with forward, the TLS keys with
// either.
func keyUsed(key, output string) bool {
	switch {
	case strings.HasPrefix(key, "otlp_"):
		return output == outputOTLP
	case strings.HasPrefix(key, "forward_"):
		return output == outputForward
	case strings.HasPrefix(key, keyTLS):
		return output == outputOTLP || output == outputForward
	}
	return true
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "on", "true", "yes", "1":
		return true, true
	case "off", "false", "no", "0":
		return false, true
	}
	return false, false
}

// parseDuration accepts Go durations and Fluent Bit's bare seconds.
func parseDuration(v string) (time.Duration, error) {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err == nil && d <= 0 {
		err = errors.New("not positive")
	}
	return d, err
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
