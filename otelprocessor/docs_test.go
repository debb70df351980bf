package otelprocessor

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/confmap"
	yaml "go.yaml.in/yaml/v3"
)

// The processor settings the docs give exist: each `a::b` path of
// docs/reliability.md names a key of the configuration, and each
// `key: value` setting decodes into it (unknown keys refused, as the
// collector refuses them); `redact: {enabled: false}` turns redaction off.
func TestDocumentedSettings(t *testing.T) {
	doc, err := os.ReadFile("../docs/reliability.md")
	if err != nil {
		t.Fatal(err)
	}
	def := confmap.New()
	if err := def.Marshal(createDefaultConfig()); err != nil {
		t.Fatal(err)
	}
	spans := regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(string(doc), -1)
	paths, settings := 0, 0
	for _, m := range spans {
		s := m[1]
		switch {
		case regexp.MustCompile(`^[a-z_]+(::[a-z_]+)+$`).MatchString(s):
			paths++
			if !def.IsSet(s) {
				t.Errorf("docs/reliability.md: %s: the processor has no such setting", s)
			}
		case regexp.MustCompile(`^[a-z_]+: `).MatchString(s) && def.ToStringMap()[strings.SplitN(s, ":", 2)[0]] != nil:
			// A setting of one of the processor's keys (the redaction
			// table's `key: value` is a form of text, not a setting).
			settings++
			var raw map[string]any
			if err := yaml.Unmarshal([]byte(s), &raw); err != nil {
				t.Errorf("docs/reliability.md: %s: %v", s, err)
				continue
			}
			cfg := createDefaultConfig()
			if err := confmap.NewFromStringMap(raw).Unmarshal(cfg); err != nil {
				t.Errorf("docs/reliability.md: %s: %v", s, err)
				continue
			}
			if strings.HasPrefix(s, "redact:") && strings.Contains(s, "false") && cfg.Redact.Enabled {
				t.Errorf("docs/reliability.md: %s does not turn redaction off", s)
			}
		}
	}
	if paths == 0 || settings == 0 {
		t.Errorf("found %d paths and %d settings in docs/reliability.md: the test no longer reads it", paths, settings)
	}
	// What the docs once said, and is not so.
	if err := confmap.NewFromStringMap(map[string]any{"redact": false}).Unmarshal(createDefaultConfig()); err == nil {
		t.Error("redact: false decodes: say so in docs/reliability.md")
	}
}
