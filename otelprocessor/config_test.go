package otelprocessor

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
)

func loadConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	id := component.NewID(metadata.Type)
	if name != "" {
		id = component.NewIDWithName(metadata.Type, name)
	}
	sub, err := cm.Sub(id.String())
	if err != nil {
		t.Fatal(err)
	}
	cfg := createDefaultConfig()
	if err := sub.Unmarshal(cfg); err != nil {
		return nil, err
	}
	return cfg, confmap.Validate(cfg)
}

func TestLoadConfig(t *testing.T) {
	cfg, err := loadConfig(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if def := createDefaultConfig(); cfg.Source != def.Source || !cfg.KeepOriginal || !cfg.OCSFCaptions || cfg.OnError != "keep" || !cfg.Redact.Enabled {
		t.Errorf("defaults not kept: %+v", cfg)
	}
	cfg, err = loadConfig(t, "custom")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Formats, ",") != "passman,capam" || cfg.Timezone != "Europe/Berlin" || cfg.KeepOriginal || cfg.OCSFCaptions ||
		cfg.OnError != "drop" || cfg.Redact.Headers[0] != "x-api-key" || cfg.Limits.MaxDepth != 16 {
		t.Errorf("custom config: %+v", cfg)
	}
	s, err := cfg.settings(nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.source != "log.raw" || !s.drop {
		t.Errorf("source attribute %q, drop %v", s.source, s.drop)
	}
	opts := s.parser.Options()
	if len(opts.Formats) != 2 || !opts.NoOriginal || !opts.NoOCSFCaptions || opts.MaxAttrs != 128 || opts.Location.String() != "Europe/Berlin" || opts.Schema != core.SchemaOCSF {
		t.Errorf("parser options: %+v", opts)
	}
}

// conditions are read from the file and parsed at start.
func TestLoadConditions(t *testing.T) {
	cfg, err := loadConfig(t, "selected")
	if err != nil {
		t.Fatal(err)
	}
	s, err := cfg.settings(nil)
	if err != nil || len(cfg.Conditions) != 2 || len(s.conditions) != 2 {
		t.Fatalf("conditions %q parsed into %d, error %v", cfg.Conditions, len(s.conditions), err)
	}
	if s, _ := createDefaultConfig().settings(nil); s.conditions != nil {
		t.Error("no conditions by default")
	}
}

// Every bad value fails at start with a message naming its key.
func TestConfigErrors(t *testing.T) {
	for name, key := range map[string]string{
		"bad_format":      "formats",
		"bad_source":      "source",
		"bad_timezone":    "timezone",
		"bad_on_error":    "on_error",
		"bad_schema":      "schema",
		"bad_header":      "redact::headers",
		"bad_limit":       "limits::max_depth",
		"bad_attributes":  "limits::max_attributes",
		"unknown_key":     "formatz",
		"bad_conditions":  "conditions[1]: ",
		"bad_redact_mode": "redact::mode",
		"bad_key_file":    "redact::key_file: cannot read the key file",
		"bad_key_env":     "redact::key_env: the environment variable PAMAUDIT_NO_SUCH_KEY is not set",
		"no_key":          "redact::mode: hmac needs a key",
	} {
		_, err := loadConfig(t, name)
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: error %v does not name %q", name, err, key)
		}
	}
}

// source takes OTTL's log context paths beside the short forms.
func TestSourceForms(t *testing.T) {
	for _, tc := range []struct {
		source, attr string
		ok           bool
	}{
		{"", "", true},
		{"body", "", true},
		{"log.body", "", true},
		{" log.body ", "", true},
		{`attributes["log.raw"]`, "log.raw", true},
		{`log.attributes["log.raw"]`, "log.raw", true},
		{`log.attributes['a b']`, "a b", true},
		{"log.", "", false},
		{"log.log.body", "", false},
		{"resource.attributes[\"x\"]", "", false},
		{`log.attributes[x]`, "", false},
		{`log.attributes[""]`, "", false},
		{"attributes", "", false},
	} {
		cfg := createDefaultConfig()
		cfg.Source = tc.source
		s, err := cfg.settings(nil)
		if (err == nil) != tc.ok || s.source != tc.attr {
			t.Errorf("source %q: attribute %q, error %v; want %q, ok %v", tc.source, s.source, err, tc.attr, tc.ok)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "source: ") {
			t.Errorf("source %q: error %q does not name the key", tc.source, err)
		}
	}
}

// Every key core.Options.Validate can name is renamed into a key the
// processor's configuration has, and each bad option comes back once.
func TestCoreKeys(t *testing.T) {
	for coreKey, key := range coreKeys {
		if !hasKey(reflect.TypeFor[Config](), strings.Split(key, "::")) {
			t.Errorf("%s is renamed %s, which the configuration does not have", coreKey, key)
		}
	}
	cfg := createDefaultConfig()
	cfg.Limits.MaxDepth = -1
	cfg.Redact.KeyPatterns = []string{" "}
	err := cfg.Validate()
	if err == nil || err.Error() != "limits::max_depth: must not be negative\nredact::key_patterns: empty name" {
		t.Errorf("errors %q", err)
	}
}

// hasKey reports whether the mapstructure path is a field of t.
func hasKey(t reflect.Type, path []string) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("mapstructure") != path[0] {
			continue
		}
		return len(path) == 1 || f.Type.Kind() == reflect.Struct && hasKey(f.Type, path[1:])
	}
	return false
}

// A processor's settings are compiled once, at creation: a bad key fails it
// once, named in the processor's syntax, and the workers' parsers share the
// settings (no worker checks or reads them again).
func TestCreateCompilesOnce(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.Limits.MaxAttributes = 3
	_, err := newLogsProcessor(processortest.NewNopSettings(metadata.Type), cfg, nil)
	if err == nil || strings.Count(err.Error(), "limits::max_attributes") != 1 || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %v, want limits::max_attributes once", err)
	}
	p, err := newLogsProcessor(processortest.NewNopSettings(metadata.Type), createDefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.shutdown(context.Background())
	if len(p.workers) != cap(p.workers) || len(p.workers) == 0 {
		t.Fatalf("%d workers of %d", len(p.workers), cap(p.workers))
	}
}
