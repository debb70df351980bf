package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The tests here run the real Fluent Bit, when PAMAUDIT_FLUENT_BIT names its
// binary (built with its syslog input, Go proxy and TLS); CI has none, so
// they are skipped there. PAMAUDIT_FLUENT_BIT_PARSERS names Fluent Bit's
// stock parsers file (conf/parsers.conf in its source), default
// /etc/fluent-bit/parsers.conf.

func fluentBit(t *testing.T) (bin, parsers string) {
	t.Helper()
	bin = os.Getenv("PAMAUDIT_FLUENT_BIT")
	if bin == "" {
		t.Skip("PAMAUDIT_FLUENT_BIT does not name a fluent-bit binary")
	}
	parsers = os.Getenv("PAMAUDIT_FLUENT_BIT_PARSERS")
	if parsers == "" {
		parsers = "/etc/fluent-bit/parsers.conf"
	}
	return bin, parsers
}

// freePort returns a TCP port nothing listens on now.
func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// engineConfig is an example configuration made runnable here: the plugin
// given with -e rather than a plugins file, the parsers file and ports
// replaced, and extra lines added to the pamaudit output.
func engineConfig(t *testing.T, example string, replace map[string]string, outputExtra ...string) string {
	b, err := os.ReadFile(filepath.Join("..", "examples", "fluent-bit", example))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "plugins_file") {
			continue
		}
		for from, to := range replace {
			line = strings.ReplaceAll(line, from, to)
		}
		out = append(out, line)
		if f := strings.Fields(line); len(f) == 2 && f[0] == "name" && f[1] == "pamaudit" {
			for _, e := range outputExtra {
				out = append(out, "    "+e)
			}
		}
	}
	f := filepath.Join(t.TempDir(), example)
	if err := os.WriteFile(f, []byte(strings.Join(out, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// runFluentBit runs Fluent Bit on config until the test ends; it returns
// its log.
func runFluentBit(t *testing.T, bin, config string, env ...string) *syncBuffer {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-e", releasePlugin.get(t), "-c", config)
	cmd.Env = append(os.Environ(), env...)
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cancel()
			<-done
		}
		cancel()
		if t.Failed() {
			t.Logf("fluent-bit log:\n%s", log.String())
		}
	})
	return log
}

// hasPlugin reports whether the fluent-bit binary was built with the input
// or output plugin name.
func hasPlugin(t *testing.T, bin, name string) bool {
	out, _ := exec.Command(bin, "-h").CombinedOutput()
	return regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(name) + `\s`).Match(out)
}

// otlp.conf in the real engine, its output over TLS with a CA and a client
// certificate made here: the pamaudit.tls keys reach the plugin (Fluent
// Bit keeps its own tls keys), and the PassMan lines appended to the tailed
// file arrive.
func TestEngineOTLPTLS(t *testing.T) {
	bin, _ := fluentBit(t)
	pki := newTestPKI(t)
	recv, url := otlpTLSReceiver(t, pki.serverTLS(pki.server, true))
	dir := t.TempDir()
	logFile := filepath.Join(dir, "passman", "audit.log")
	for _, d := range []string{"passman", "seaudit", "netwrix"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(logFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	multiline, _ := filepath.Abs(filepath.Join("..", "examples", "fluent-bit", "parsers_multiline.conf"))
	cfg := engineConfig(t, "otlp.conf",
		map[string]string{"/var/log/": dir + "/", "parsers_multiline.conf": multiline},
		"pamaudit.tls.ca_file "+pki.ca.file, "pamaudit.tls.crt_file "+pki.clientCrt, "pamaudit.tls.key_file "+pki.clientKey)
	log := runFluentBit(t, bin, cfg, "PAMAUDIT_OTLP_ENDPOINT="+url)
	for i := 0; i < 100 && !strings.Contains(log.String(), "inotify_fs_add"); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	lines, err := os.ReadFile(filepath.Join("..", "testdata", "passman", "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(logFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write(lines)
	f.Close()
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

// syslog.conf in the real engine, its OTLP output over TLS with a CA and a
// client certificate made here: each line sent over TCP, to the RFC 5424 or
// the RFC 3164 input, arrives with the attributes of its whole line.
func TestEngineSyslogTLS(t *testing.T) {
	bin, parsers := fluentBit(t)
	if !hasPlugin(t, bin, "syslog") {
		t.Skip("fluent-bit was built without the syslog input")
	}
	pki := newTestPKI(t)
	recv, url := otlpTLSReceiver(t, pki.serverTLS(pki.server, true))
	p5424, p3164 := freePort(t), freePort(t)
	cfg := engineConfig(t, "syslog.conf",
		map[string]string{"/etc/fluent-bit/parsers.conf": parsers, "5140": p5424, "5141": p3164, "0.0.0.0": "127.0.0.1"},
		"pamaudit.tls.ca_file "+pki.ca.file, "pamaudit.tls.crt_file "+pki.clientCrt, "pamaudit.tls.key_file "+pki.clientKey)
	log := runFluentBit(t, bin, cfg, "PAMAUDIT_OTLP_ENDPOINT="+url)

	for _, c := range syslogCases {
		port := p5424
		if c.parser == "syslog-rfc3164" {
			port = p3164
		}
		var conn net.Conn
		var err error
		for i := 0; i < 100; i++ {
			if conn, err = net.Dial("tcp", "127.0.0.1:"+port); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("the syslog input on %s: %v\n%s", port, err, log.String())
		}
		_, _ = conn.Write([]byte(c.line + "\n"))
		conn.Close()
	}
	if n := recv.Wait(len(syslogCases), 20*time.Second); n != len(syslogCases) {
		t.Fatalf("%d records arrived, want %d", n, len(syslogCases))
	}
	for _, lr := range recv.Records() {
		attrs := lr.Attributes().AsRaw()
		var c *syslogCase
		for i := range syslogCases {
			if syslogCases[i].want["passman.id"] == attrs["passman.id"] {
				c = &syslogCases[i]
			}
		}
		if c == nil {
			t.Errorf("unexpected record %v", attrs)
			continue
		}
		for k, v := range c.want {
			if attrs[k] != v {
				t.Errorf("%s: %s = %#v, want %#v (%v)", c.parser, k, attrs[k], v, attrs)
			}
		}
		for _, k := range syslogHeaderKeys {
			if _, ok := attrs[k]; ok {
				t.Errorf("%s: the header key %s is repeated: %v", c.parser, k, attrs)
			}
		}
		if !strings.HasPrefix(lr.EventName(), "passman.") || lr.Timestamp() == 0 {
			t.Errorf("%s: event %q at %v", c.parser, lr.EventName(), lr.Timestamp())
		}
	}
}

// Fluent Bit refuses its own tls key for the plugin.
func TestEngineRefusesTLSKey(t *testing.T) {
	bin, _ := fluentBit(t)
	multiline, _ := filepath.Abs(filepath.Join("..", "examples", "fluent-bit", "parsers_multiline.conf"))
	cfg := engineConfig(t, "otlp.conf", map[string]string{"/var/log/": t.TempDir() + "/", "parsers_multiline.conf": multiline}, "tls on")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-e", releasePlugin.get(t), "-c", cfg).CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte("does not support TLS")) {
		t.Errorf("fluent-bit with tls on: %v\n%s", err, out)
	}
}
