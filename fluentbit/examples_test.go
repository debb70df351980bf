package main

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// The harness tests take their plugin settings from examples/fluent-bit, so
// the examples are what is tested, not copies that can drift.

// expandVars resolves Fluent Bit's ${VAR} references from vars.
func expandVars(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, "${"+k+"}", v)
	}
	return s
}

// exampleOutput returns the properties of the pamaudit [OUTPUT] section of a
// classic-format example.
func exampleOutput(t *testing.T, name string, vars map[string]string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "examples", "fluent-bit", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sections []map[string]string
	var cur map[string]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			cur = map[string]string{"[section]": strings.ToUpper(line)}
			sections = append(sections, cur)
		case cur != nil:
			k, v, _ := strings.Cut(line, " ")
			cur[strings.ToLower(k)] = expandVars(strings.TrimSpace(v), vars)
		}
	}
	for _, s := range sections {
		if s["[section]"] == "[OUTPUT]" && s["name"] == "pamaudit" {
			delete(s, "[section]")
			return s
		}
	}
	t.Fatalf("%s has no pamaudit output", name)
	return nil
}

// The YAML examples configure the pamaudit output exactly as the classic
// ones do.
func TestExamplesYAMLMatchClassic(t *testing.T) {
	for _, name := range []string{"otlp", "forward-filter", "stdout"} {
		classic := exampleOutput(t, name+".conf", nil)
		b, err := os.ReadFile(filepath.Join("..", "examples", "fluent-bit", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Pipeline struct {
				Outputs []map[string]any `yaml:"outputs"`
			} `yaml:"pipeline"`
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s.yaml: %v", name, err)
		}
		var out map[string]string
		for _, o := range doc.Pipeline.Outputs {
			if o["name"] == "pamaudit" {
				out = map[string]string{}
				for k, v := range o {
					out[strings.ToLower(k)] = strings.TrimSpace(strings.Trim(strings.TrimSpace(toString(v)), `"`))
				}
			}
		}
		if !reflect.DeepEqual(out, classic) {
			t.Errorf("%s: YAML %v, classic %v", name, out, classic)
		}
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	}
	return ""
}

// Every key the examples give the plugin is one it reads (or one of Fluent
// Bit's own output properties).
func TestExampleKeysKnown(t *testing.T) {
	known := map[string]bool{"name": true, "match": true, "workers": true, "retry_limit": true}
	for _, k := range configKeys {
		known[k] = true
	}
	for _, name := range []string{"otlp.conf", "forward-filter.conf", "stdout.conf"} {
		for k := range exampleOutput(t, name, nil) {
			if !known[k] {
				t.Errorf("%s: unknown key %q", name, k)
			}
		}
	}
}
