package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/docs/mdblock"
)

// Every key is checked whatever the output: a bad value of another
// output's key fails init too, naming the key.
func TestConfigChecksInactiveOutputs(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.pem")
	notPEM := filepath.Join(t.TempDir(), "ca.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		output, key, value string
	}{
		{"stdout", "otlp_endpoint", "collector:4318"},
		{"stdout", "otlp_timeout", "soon"},
		{"stdout", "otlp_compression", "zstd"},
		{"stdout", "otlp_headers", "novalue"},
		{"stdout", "forward_port", "99999"},
		{"stdout", "forward_timeout", "-1s"},
		{"stdout", keyTLS, "maybe"},
		{"stdout", keyTLSVerify, "maybe"},
		{"stdout", keyTLSCA, missing},
		{"stdout", keyTLSCA, notPEM},
		{"stdout", keyTLSCrt, missing},
		{"otlp", "forward_port", "http"},
		{"otlp", "forward_timeout", "later"},
		{"forward", "otlp_endpoint", "ftp://collector/v1/logs"},
		{"forward", "otlp_compression", "lz4"},
	} {
		props := map[string]string{"output": c.output, c.key: c.value}
		_, err := parseConfig(func(k string) string { return props[k] }, nil)
		if err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("output %s, %s %q: error %v does not name the key", c.output, c.key, c.value, err)
		}
	}
}

// A good value of another output's key is accepted, and warned about.
func TestConfigWarnsUnusedKeys(t *testing.T) {
	props := map[string]string{"output": "stdout", "otlp_endpoint": "http://collector:4318/v1/logs", "forward_tag": "x", "format": "capam"}
	cfg, err := parseConfig(func(k string) string { return props[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(cfg.warnings, "\n")
	for _, k := range []string{"otlp_endpoint", "forward_tag"} {
		if !strings.Contains(got, k+" is set but output is stdout") {
			t.Errorf("no warning for %s: %q", k, got)
		}
	}
	if strings.Contains(got, "format") {
		t.Errorf("a warning for a key the output uses: %q", got)
	}
	props = map[string]string{"output": "otlp", "otlp_endpoint": "http://collector:4318/v1/logs"}
	if cfg, err = parseConfig(func(k string) string { return props[k] }, nil); err != nil || len(cfg.warnings) != 0 {
		t.Errorf("otlp with its own keys: %v %q", err, cfg.warnings)
	}
}

// The harness logs the warning at init, with the instance.
func TestHarnessWarnsUnusedKeys(t *testing.T) {
	h := startHarness(t)
	if r := h.instance(0, map[string]string{"output": "stdout", "otlp_timeout": "5s"}); r != "init 0 1" {
		t.Fatalf("init: %s", r)
	}
	if !h.logged("[ warn] [output:pamaudit:0] config: otlp_timeout is set but output is stdout") {
		t.Errorf("no warning:\n%s", h.stderr.String())
	}
	h.refuses(1, map[string]string{"output": "stdout", "otlp_timeout": "soon"}, "otlp_timeout")
}

// Unknown keys: without PAMAUDIT_FLUENT_BIT_VERSION the plugin registers
// no config map, whatever Fluent Bit's registration structure, and a typo
// is ignored; with 5.1.1 it registers one, and Fluent Bit (here the
// harness, as 5.1.1 does) refuses the typo before the plugin's init.
func TestHarnessConfigMap(t *testing.T) {
	typo := map[string]string{"output": "stdout", "formt": "capam"}
	for _, def := range []string{"4", "5.0", "5.1.1"} {
		h := startHarnessArgs(t, releasePlugin, []string{"-def", def})
		if r := h.instance(0, typo); r != "init 0 1" {
			t.Errorf("-def %s, no version set: init with a typo: %s", def, r)
		}
		if !h.logged("unknown keys: ignored") {
			t.Errorf("-def %s: the log does not say unknown keys are ignored:\n%s", def, h.stderr.String())
		}
	}

	h := startHarness(t, fluentBitVersionEnv+"=5.1.1")
	if r := h.instance(0, typo); r != "init 0 -1" {
		t.Fatalf("5.1.1: init with a typo: %s, want -1 (refused before the plugin's init)", r)
	}
	if !h.logged("[config] pamaudit: unknown configuration property 'formt'") {
		t.Errorf("no unknown-property error:\n%s", h.stderr.String())
	}
	for _, k := range configKeys {
		if !strings.Contains(h.stderr.String(), " "+k) {
			t.Errorf("the config map does not hold %s", k)
		}
	}
	// Every example's output passes, in any case of its keys.
	for i, name := range []string{"otlp.conf", "forward-filter.conf", "stdout.conf", "syslog.conf"} {
		props := exampleOutput(t, name, map[string]string{"PAMAUDIT_OTLP_ENDPOINT": "http://127.0.0.1:4318/v1/logs", "PAMAUDIT_FORWARD_PORT": "24224"})
		upper := map[string]string{}
		for k, v := range props {
			upper[strings.ToUpper(k)] = v
		}
		if r := h.instance(i+1, upper); r != fmt.Sprintf("init %d 1", i+1) {
			t.Errorf("%s: init %s", name, r)
		}
	}
	if !h.logged("unknown keys: refused by Fluent Bit 5.1.1") {
		t.Errorf("the log does not say unknown keys are refused:\n%s", h.stderr.String())
	}

	h = startHarness(t, fluentBitVersionEnv+"=5.2.0")
	if r := h.instance(0, typo); r != "init 0 1" {
		t.Errorf("an unknown version: init with a typo: %s", r)
	}
	if !h.logged(fluentBitVersionEnv + "=5.2.0: not a version") {
		t.Errorf("no warning for an unknown version:\n%s", h.stderr.String())
	}
}

// Why the map waits for the version: given an older Fluent Bit's smaller
// registration structure, the plugin told it is 5.1.1 writes past its end
// (the harness's guard bytes catch it), as it would into Fluent Bit's heap.
func TestHarnessConfigMapNeedsTheVersion(t *testing.T) {
	cmd := exec.Command(harnessBinary.get(t), "-def", "5.0", releasePlugin.get(t))
	cmd.Env = append(os.Environ(), fluentBitVersionEnv+"=5.1.1")
	cmd.Stdin = strings.NewReader("quit\n")
	out, err := cmd.Output()
	if err == nil || !strings.Contains(string(out), "the plugin wrote byte 40 of a 40-byte registration structure") {
		t.Errorf("harness: %v\n%s", err, out)
	}
}

// docs/fluent-bit.md's configuration table lists every key the plugin
// reads, and no other.
func TestDocumentedKeys(t *testing.T) {
	b, err := os.ReadFile("../docs/fluent-bit.md")
	if err != nil {
		t.Fatal(err)
	}
	documented, ok := mdblock.TableKeys(string(b), "## Configuration")
	if !ok {
		t.Fatal("docs/fluent-bit.md has no Configuration section")
	}
	known := map[string]bool{}
	for _, k := range configKeys {
		known[k] = true
		if !documented[k] {
			t.Errorf("%s: the plugin reads it, docs/fluent-bit.md's table does not list it", k)
		}
	}
	for k := range documented {
		if !known[k] {
			t.Errorf("%s: docs/fluent-bit.md lists it, the plugin does not read it", k)
		}
	}
}
