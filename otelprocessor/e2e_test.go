package otelprocessor

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// distribution is where `make otelcol` builds otelcol-pamaudit from
// builder-config.yaml.
const distribution = "../build/otelcol-pamaudit/otelcol-pamaudit"

// e2eFiles are the testdata logs the end-to-end test feeds through the
// filelog receiver, by product (each product has its multiline settings).
var e2eFiles = map[string][]string{
	"passman": {"passman/audit.log", "passman/system.log", "passman/shapes.log"},
	"capam":   {"capam/summary.log", "capam/detailed.log", "capam/seed.log"},
	"netwrix": {"netwrix/bunyan.log", "netwrix/framed.log", "netwrix/pretty.log"},
}

// needDistribution skips the test when the distribution is not built,
// unless PAMAUDIT_E2E is set (make unit sets it): then it fails.
func needDistribution(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(distribution); err != nil {
		if os.Getenv("PAMAUDIT_E2E") != "" {
			t.Fatalf("%s is missing: run make otelcol", distribution)
		}
		t.Skipf("%s not built (make otelcol builds it; make test runs this test)", distribution)
	}
}

// output is the distribution's output, written while the test reads it.
type output struct {
	testutil.SyncBuffer
	exited <-chan struct{} // closed when the distribution has exited
}

// startDistribution runs the distribution on the configuration file, with
// env (NAME=value) added to the environment, until the test ends.
func startDistribution(t *testing.T, cfgFile string, env ...string) *output {
	t.Helper()
	out := &output{}
	cmd := exec.Command(distribution, "--config", cfgFile)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &out.SyncBuffer, &out.SyncBuffer
	out.exited = testutil.Start(t, cmd, os.Kill, 0).Done()
	return out
}

// waitRecords waits until count() reaches n, the timeout passes or the
// distribution exits, then a second more for records beyond n to show, and
// returns the count.
func waitRecords(out *output, count func() int, n int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for count() < n && time.Now().Before(deadline) {
		select {
		case <-out.exited:
			return count()
		case <-time.After(50 * time.Millisecond):
		}
	}
	time.Sleep(time.Second)
	return count()
}

// TestEndToEnd runs the distribution built from builder-config.yaml on the
// testdata logs (filelog receiver, pamaudit processor, OTLP/HTTP exporter)
// and compares what it exports with the golden records.
func TestEndToEnd(t *testing.T) {
	needDistribution(t)
	dir := t.TempDir()
	want := map[string][]string{} // golden NDJSON lines by file name
	total := 0
	for product, files := range e2eFiles {
		if err := os.MkdirAll(filepath.Join(dir, product), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			in, err := os.ReadFile(filepath.Join("..", "testdata", f))
			if err != nil {
				t.Fatal(err)
			}
			name := strings.ReplaceAll(f, "/", "-")
			if err := os.WriteFile(filepath.Join(dir, product, name), in, 0o644); err != nil {
				t.Fatal(err)
			}
			lines := otlptest.GoldenLines(t, filepath.Join("..", "testdata", f), "otel")
			want[name] = lines
			total += len(lines)
		}
	}

	sink := otlptest.NewReceiver(t, "127.0.0.1:0")

	// The example configuration's receivers, pointed at the copies.
	example, err := os.ReadFile("../examples/otelcol/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(example)
	for _, product := range core.DefaultProducts().Names() {
		cfg = strings.Replace(cfg, "[examples/logs/"+product+"*.log]", "["+filepath.Join(dir, product, "*.log")+"]", 1)
	}
	cfg = strings.Replace(cfg, "exporters:\n  debug:\n    verbosity: detailed\n",
		fmt.Sprintf("exporters:\n  otlp_http:\n    logs_endpoint: %s\n    compression: gzip\n", sink.URL), 1)
	cfg = strings.Replace(cfg, "exporters: [debug]", "exporters: [otlp_http]", 1)
	if strings.Contains(cfg, "[examples/logs") || !strings.Contains(cfg, "otlp_http") {
		t.Fatalf("could not adapt the example configuration:\n%s", cfg)
	}
	cfgFile := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	out := startDistribution(t, cfgFile)

	if n := waitRecords(out, sink.Count, total, 90*time.Second); n != total {
		t.Fatalf("collector exported %d records, want %d\n%s", n, total, out.String())
	}

	got := map[string][]string{}
	for _, lr := range sink.Records() {
		name, _ := lr.Attributes().Get("log.file.name")
		got[name.Str()] = append(got[name.Str()], otlptest.RecordJSON(lr, "log.file.name"))
	}
	for name, lines := range want {
		if len(got[name]) != len(lines) {
			t.Errorf("%s: %d records, want %d", name, len(got[name]), len(lines))
			continue
		}
		for i, w := range lines {
			if g := otlptest.Golden(t, w); g != got[name][i] {
				t.Errorf("%s record %d:\n got %s\nwant %s", name, i+1, got[name][i], g)
			}
		}
	}
}
