package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/internal/testutil"
)

// The tests here run the real Fluent Bit, when PAMAUDIT_FLUENT_BIT names its
// binary (built with the Go proxy, and the syslog input for the syslog
// example); CI has none, so they are skipped there. The examples run as
// shipped, from a directory laid out as a clone after make fluentbit
// (cloneRoot): fluent-bit -c examples/fluent-bit/NAME, with only the
// environment the files leave open. PAMAUDIT_FLUENT_BIT_PARSERS names Fluent
// Bit's stock parsers file (conf/parsers.conf in its source) for the
// syslog example, which reads it from that variable too.

func fluentBit(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("PAMAUDIT_FLUENT_BIT")
	if bin == "" {
		t.Skip("PAMAUDIT_FLUENT_BIT does not name a fluent-bit binary")
	}
	return bin
}

// freePort returns a TCP port nothing listens on now.
func freePort(t *testing.T) string {
	_, port, _ := net.SplitHostPort(testutil.FreeAddr(t))
	return port
}

// startFluentBit runs Fluent Bit with args from dir, with env added to the
// environment, until the test ends; it returns its standard output and its
// log.
func startFluentBit(t *testing.T, dir string, env map[string]string, args ...string) (stdout, stderr *testutil.SyncBuffer) {
	t.Helper()
	cmd := exec.Command(fluentBit(t), args...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout, stderr = &testutil.SyncBuffer{}, &testutil.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Cleanups run last first: the log is shown once Fluent Bit has stopped.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("fluent-bit %v log:\n%s", args, stderr.String())
		}
	})
	testutil.Start(t, cmd, os.Interrupt, 15*time.Second)
	return stdout, stderr
}

// realFluentBit is the runner of the examples in the real engine.
func realFluentBit(t *testing.T, root, name string, env map[string]string) (stdout, stderr *testutil.SyncBuffer) {
	return startFluentBit(t, root, env, "-c", "examples/fluent-bit/"+name)
}

func TestEngineExampleStdout(t *testing.T) {
	fluentBit(t)
	checkExampleStdout(t, realFluentBit)
}

func TestEngineExampleOTLP(t *testing.T) {
	fluentBit(t)
	checkExampleOTLP(t, realFluentBit)
}

func TestEngineExampleForwardFilter(t *testing.T) {
	fluentBit(t)
	checkExampleForwardFilter(t, realFluentBit)
}

func TestEngineExampleSyslog(t *testing.T) {
	bin := fluentBit(t)
	if !hasPlugin(t, bin, "syslog") {
		t.Skip("fluent-bit was built without the syslog input")
	}
	parsers := os.Getenv("PAMAUDIT_FLUENT_BIT_PARSERS")
	if parsers == "" {
		t.Skip("PAMAUDIT_FLUENT_BIT_PARSERS does not name Fluent Bit's stock parsers.conf")
	}
	checkExampleSyslog(t, realFluentBit, parsers)
}

// hasPlugin reports whether the fluent-bit binary was built with the input
// or output plugin name.
func hasPlugin(t *testing.T, bin, name string) bool {
	out, _ := exec.Command(bin, "-h").CombinedOutput()
	return regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(name) + `\s`).Match(out)
}

// ownConfig writes a configuration of the test's own (not an example): a
// tail input on file, the pamaudit output with props.
func ownConfig(t *testing.T, file string, props ...string) string {
	cfg := fmt.Sprintf("[SERVICE]\n    flush 1\n    grace 2\n\n[INPUT]\n    name tail\n    path %s\n    read_from_head true\n    tag pam\n\n[OUTPUT]\n    name pamaudit\n    match *\n    workers 1\n", file)
	for _, p := range props {
		cfg += "    " + p + "\n"
	}
	f := filepath.Join(t.TempDir(), "fluent-bit.conf")
	if err := os.WriteFile(f, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// The OTLP output over TLS with a CA and a client certificate made here,
// in a configuration of the test's own: the pamaudit.tls keys reach the
// plugin (Fluent Bit keeps its own tls keys), and every record arrives.
func TestEngineOTLPTLS(t *testing.T) {
	fluentBit(t)
	pki := newTestPKI(t)
	recv, url := otlpTLSReceiver(t, pki.serverTLS(pki.server, true))
	logFile, _ := filepath.Abs(filepath.Join("..", "testdata", "passman", "audit.log"))
	cfg := ownConfig(t, logFile, "output otlp", "otlp_endpoint "+url,
		"pamaudit.tls.ca_file "+pki.ca.File, "pamaudit.tls.crt_file "+pki.clientCrt, "pamaudit.tls.key_file "+pki.clientKey)
	startFluentBit(t, t.TempDir(), nil, "-e", releasePlugin.get(t), "-c", cfg)
	want := len(goldenLines(t, "passman/audit.log"))
	if n := recv.Wait(want, 30*time.Second); n != want {
		t.Fatalf("%d records arrived, want %d", n, want)
	}
	for _, lr := range recv.Records() {
		if !strings.HasPrefix(lr.EventName(), "passman.") {
			t.Errorf("record %q: %v", lr.EventName(), lr.Attributes().AsRaw())
		}
	}
}

// runToExit runs Fluent Bit until it exits (or 20 s pass) and returns its
// output and error.
func runToExit(t *testing.T, env []string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, fluentBit(t), args...)
	cmd.Env = append(os.Environ(), env...)
	return cmd.CombinedOutput()
}

// Fluent Bit refuses its own tls key for the plugin.
func TestEngineRefusesTLSKey(t *testing.T) {
	fluentBit(t)
	cfg := ownConfig(t, filepath.Join(t.TempDir(), "none.log"), "output stdout", "tls on")
	out, err := runToExit(t, nil, "-e", releasePlugin.get(t), "-c", cfg)
	if err == nil || !bytes.Contains(out, []byte("does not support TLS")) {
		t.Errorf("fluent-bit with tls on: %v\n%s", err, out)
	}
}

// A typo in a key: Fluent Bit 5.1.1 refuses it at start when the plugin
// registers its config map (PAMAUDIT_FLUENT_BIT_VERSION=5.1.1), and ignores
// it otherwise; with the map, every example key is accepted.
func TestEngineUnknownKey(t *testing.T) {
	bin := fluentBit(t)
	if v, _ := exec.Command(bin, "--version").Output(); !bytes.Contains(v, []byte("v5.1.1")) {
		t.Skipf("not Fluent Bit 5.1.1: %s", v)
	}
	logFile, _ := filepath.Abs(filepath.Join("..", "testdata", "passman", "audit.log"))
	cfg := ownConfig(t, logFile, "output stdout", "formt capam")
	out, err := runToExit(t, []string{fluentBitVersionEnv + "=5.1.1"}, "-e", releasePlugin.get(t), "-c", cfg)
	if err == nil || !bytes.Contains(out, []byte("unknown configuration property 'formt'")) {
		t.Errorf("a typo with the config map: %v\n%s", err, out)
	}
	stdout, _ := startFluentBit(t, t.TempDir(), nil, "-e", releasePlugin.get(t), "-c", cfg)
	if want := len(goldenLines(t, "passman/audit.log")); len(waitLines(stdout, want, 20*time.Second)) != want {
		t.Errorf("a typo without the config map: the records did not come out:\n%s", stdout.String())
	}
	stdout, _ = startFluentBit(t, cloneRoot(t), map[string]string{fluentBitVersionEnv: "5.1.1"}, "-c", "examples/fluent-bit/stdout.conf")
	if want := testutil.ExampleRecords(filepath.Join("..", "examples", "logs"))["capam"]; len(waitLines(stdout, want, 20*time.Second)) != want {
		t.Errorf("stdout.conf with the config map: the records did not come out:\n%s", stdout.String())
	}
}
