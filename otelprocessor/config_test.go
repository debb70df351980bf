package otelprocessor

import (
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

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
	if def := createDefaultConfig(); cfg.Source != def.Source || !cfg.KeepOriginal || cfg.OnError != "keep" || !cfg.Redact.Enabled {
		t.Errorf("defaults not kept: %+v", cfg)
	}
	cfg, err = loadConfig(t, "custom")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Formats, ",") != "passman,capam" || cfg.Timezone != "Europe/Berlin" || cfg.KeepOriginal ||
		cfg.OnError != "drop" || cfg.Redact.Headers[0] != "x-api-key" || cfg.Limits.MaxDepth != 16 {
		t.Errorf("custom config: %+v", cfg)
	}
	if a, _ := cfg.sourceAttribute(); a != "log.raw" {
		t.Errorf("source attribute %q", a)
	}
	opts := cfg.parserOptions()
	if len(opts.Formats) != 2 || !opts.NoOriginal || opts.MaxAttrs != 128 || opts.Location.String() != "Europe/Berlin" {
		t.Errorf("parser options: %+v", opts)
	}
}

// Every bad value fails at start with a message naming its key.
func TestConfigErrors(t *testing.T) {
	for name, key := range map[string]string{
		"bad_format":     "formats",
		"bad_source":     "source",
		"bad_timezone":   "timezone",
		"bad_on_error":   "on_error",
		"bad_header":     "redact::headers",
		"bad_limit":      "limits::max_depth",
		"bad_attributes": "limits::max_attributes",
		"unknown_key":    "formatz",
	} {
		_, err := loadConfig(t, name)
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: error %v does not name %q", name, err, key)
		}
	}
}
