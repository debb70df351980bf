package otelprocessor

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
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

// otlpSink is an OTLP/HTTP logs receiver for the test.
type otlpSink struct {
	mu   sync.Mutex
	logs []plog.Logs
	n    int
}

func (s *otlpSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	req := plogotlp.NewExportRequest()
	if err == nil {
		err = req.UnmarshalProto(b)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.logs = append(s.logs, req.Logs())
	s.n += req.Logs().LogRecordCount()
	s.mu.Unlock()
	resp, _ := plogotlp.NewExportResponse().MarshalProto()
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(resp)
}

func (s *otlpSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// TestEndToEnd runs the distribution built from builder-config.yaml on the
// testdata logs (filelog receiver, pamaudit processor, OTLP/HTTP exporter)
// and compares what it exports with the golden records.
func TestEndToEnd(t *testing.T) {
	if _, err := os.Stat(distribution); err != nil {
		if os.Getenv("PAMAUDIT_E2E") != "" {
			t.Fatalf("%s is missing: run make otelcol", distribution)
		}
		t.Skipf("%s not built (make otelcol builds it; make test runs this test)", distribution)
	}
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
			g, err := os.ReadFile(filepath.Join("..", "testdata", strings.TrimSuffix(f, ".log")+".ndjson"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(g)), "\n")
			want[name] = lines
			total += len(lines)
		}
	}

	sink := &otlpSink{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: sink, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	// The example configuration's receivers, pointed at the copies.
	example, err := os.ReadFile("../examples/otelcol/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(example)
	for _, product := range []string{"passman", "capam", "netwrix"} {
		cfg = strings.Replace(cfg, "[examples/logs/"+product+"*.log]", "["+filepath.Join(dir, product, "*.log")+"]", 1)
	}
	cfg = strings.Replace(cfg, "exporters:\n  debug:\n    verbosity: detailed\n",
		fmt.Sprintf("exporters:\n  otlp_http:\n    endpoint: http://%s\n    compression: gzip\n", ln.Addr()), 1)
	cfg = strings.Replace(cfg, "exporters: [debug]", "exporters: [otlp_http]", 1)
	if strings.Contains(cfg, "[examples/logs") || !strings.Contains(cfg, "otlp_http") {
		t.Fatalf("could not adapt the example configuration:\n%s", cfg)
	}
	cfgFile := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, distribution, "--config", cfgFile)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })

	deadline := time.Now().Add(90 * time.Second)
	for sink.count() < total && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second) // anything beyond the expected count would show now
	if n := sink.count(); n != total {
		t.Fatalf("collector exported %d records, want %d\n%s", n, total, out.String())
	}

	got := map[string][]string{}
	sink.mu.Lock()
	for _, ld := range sink.logs {
		forEach(ld, func(lr plog.LogRecord) {
			name, _ := lr.Attributes().Get("log.file.name")
			got[name.Str()] = append(got[name.Str()], recordJSON(lr))
		})
	}
	sink.mu.Unlock()
	for name, lines := range want {
		if len(got[name]) != len(lines) {
			t.Errorf("%s: %d records, want %d", name, len(got[name]), len(lines))
			continue
		}
		for i, w := range lines {
			if g := normalize(t, w, strings.Contains(w, `"event_name":""`)); g != got[name][i] {
				t.Errorf("%s record %d:\n got %s\nwant %s", name, i+1, got[name][i], g)
			}
		}
	}
}

// recordJSON renders an exported record as pamaudit parse prints it, less
// the filelog receiver's own attributes.
func recordJSON(lr plog.LogRecord) string {
	attrs := lr.Attributes().AsRaw()
	delete(attrs, "log.file.name")
	m := map[string]any{
		"event_name": lr.EventName(),
		"body":       lr.Body().AsString(),
		"attributes": attrs,
	}
	if lr.EventName() != "" {
		m["severity_number"] = int(lr.SeverityNumber())
		m["severity_text"] = lr.SeverityText()
	}
	if lr.Timestamp() != 0 {
		m["time"] = lr.Timestamp().AsTime().UTC().Format(time.RFC3339Nano)
	}
	b, _ := json.Marshal(m)
	var v any
	_ = json.Unmarshal(b, &v)
	b, _ = json.Marshal(v)
	return string(b)
}

// normalize re-encodes a golden line the way recordJSON does; a record no
// format parsed passes the collector with its severity unset.
func normalize(t *testing.T, line string, unparsed bool) string {
	var v map[string]any
	if err := json.Unmarshal([]byte(line), &v); err != nil {
		t.Fatal(err)
	}
	if unparsed {
		delete(v, "severity_number")
		delete(v, "severity_text")
	}
	b, _ := json.Marshal(v)
	return string(b)
}
