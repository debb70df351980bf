package main

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/pamaudit/pamaudit/fluentbit/flbsim"
)

// The harness tests take their plugin settings from examples/fluent-bit, so
// the examples are what is tested, not copies that can drift.

// expandVars resolves Fluent Bit's ${VAR} and ${VAR:-default} references
// from vars, as Fluent Bit does from the environment.
func expandVars(s string, vars map[string]string) string {
	return flbsim.Expand(s, func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
}

// exampleSections returns the sections of a classic-format example, each
// with its keys in lower case and "[section]" for its header.
func exampleSections(t *testing.T, name string, vars map[string]string) []map[string]string {
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
	return sections
}

// exampleOutput returns the properties of the pamaudit [OUTPUT] section of a
// classic-format example.
func exampleOutput(t *testing.T, name string, vars map[string]string) map[string]string {
	t.Helper()
	for _, s := range exampleSections(t, name, vars) {
		if s["[section]"] == "[OUTPUT]" && s["name"] == "pamaudit" {
			delete(s, "[section]")
			return s
		}
	}
	t.Fatalf("%s has no pamaudit output", name)
	return nil
}

// exampleYAML returns the inputs and outputs of a YAML example, their keys
// in lower case and their values as strings.
func exampleYAML(t *testing.T, name string) (inputs, outputs []map[string]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "examples", "fluent-bit", name))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Pipeline struct {
			Inputs  []map[string]any `yaml:"inputs"`
			Outputs []map[string]any `yaml:"outputs"`
		} `yaml:"pipeline"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	conv := func(in []map[string]any) []map[string]string {
		var out []map[string]string
		for _, o := range in {
			m := map[string]string{}
			for k, v := range o {
				m[strings.ToLower(k)] = expandVars(strings.TrimSpace(strings.Trim(strings.TrimSpace(flbsim.YAMLValue(v)), `"`)), nil)
			}
			out = append(out, m)
		}
		return out
	}
	return conv(doc.Pipeline.Inputs), conv(doc.Pipeline.Outputs)
}

// The YAML examples configure the pamaudit output exactly as the classic
// ones do.
func TestExamplesYAMLMatchClassic(t *testing.T) {
	for _, name := range []string{"otlp", "forward-filter", "stdout", "syslog"} {
		classic := exampleOutput(t, name+".conf", nil)
		_, outputs := exampleYAML(t, name+".yaml")
		var out map[string]string
		for _, o := range outputs {
			if o["name"] == "pamaudit" {
				out = o
			}
		}
		if !reflect.DeepEqual(out, classic) {
			t.Errorf("%s: YAML %v, classic %v", name, out, classic)
		}
	}
}

// The syslog example listens with Fluent Bit's syslog input over TCP, one
// input per parser, the same in both formats.
func TestSyslogExampleInputs(t *testing.T) {
	var classic []map[string]string
	for _, s := range exampleSections(t, "syslog.conf", nil) {
		if s["[section]"] == "[INPUT]" {
			delete(s, "[section]")
			classic = append(classic, s)
		}
	}
	inputs, _ := exampleYAML(t, "syslog.yaml")
	if !reflect.DeepEqual(inputs, classic) {
		t.Errorf("YAML inputs %v, classic %v", inputs, classic)
	}
	parsers := map[string]bool{}
	ports := map[string]bool{}
	for _, in := range classic {
		if in["name"] != "syslog" || in["mode"] != "tcp" || in["port"] == "" || !strings.HasPrefix(in["tag"], "pam.syslog.") {
			t.Errorf("input %v", in)
		}
		parsers[in["parser"]], ports[in["port"]] = true, true
	}
	if len(classic) != 2 || !parsers["syslog-rfc5424"] || !parsers["syslog-rfc3164"] || len(ports) != 2 {
		t.Errorf("want one tcp input for each of syslog-rfc5424 and syslog-rfc3164 on two ports: %v", classic)
	}
}

// Every key the examples give the plugin is one it reads (or one of Fluent
// Bit's own output properties).
func TestExampleKeysKnown(t *testing.T) {
	known := map[string]bool{"name": true, "match": true, "workers": true, "retry_limit": true}
	for _, k := range configKeys {
		known[k] = true
	}
	for _, name := range []string{"otlp.conf", "forward-filter.conf", "stdout.conf", "syslog.conf"} {
		for k := range exampleOutput(t, name, nil) {
			if !known[k] {
				t.Errorf("%s: unknown key %q", name, k)
			}
		}
	}
}
