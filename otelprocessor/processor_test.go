package otelprocessor

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
)

var update = flag.Bool("update", false, "rewrite the expected golden files")

// observed is the observed timestamp of every input record.
var observed = pcommon.NewTimestampFromTime(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))

func init() {
	now = func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) }
}

// productLogs builds plog.Logs from the repository's testdata logs: one
// resource per file, one record per split record, the text as string body.
func productLogs(t testing.TB, files ...string) plog.Logs {
	t.Helper()
	ld := plog.NewLogs()
	for _, f := range files {
		in, err := os.ReadFile(filepath.Join("..", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("log.file.name", filepath.Base(f))
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName("filelog")
		sp := core.NewSplitter(bytes.NewReader(in), 0)
		for {
			text, err := sp.Next()
			if err == io.EOF {
				break
			}
			lr := sl.LogRecords().AppendEmpty()
			lr.SetObservedTimestamp(observed)
			lr.Body().SetStr(string(text))
			lr.Attributes().PutStr("log.file.path", "/var/log/"+f) // an existing attribute, kept
		}
	}
	return ld
}

func newProcessor(t testing.TB, cfg *Config, set processor.Settings) (processor.Logs, *consumertest.LogsSink) {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p, sink
}

// compareGolden compares with testdata/expected/<name>.yaml; -update writes it.
func compareGolden(t *testing.T, name string, got plog.Logs) {
	t.Helper()
	file := filepath.Join("testdata", "expected", name+".yaml")
	if *update {
		if err := golden.WriteLogsToFile(file, got); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := golden.ReadLogs(file)
	if err != nil {
		t.Fatalf("%v (go test ./otelprocessor -update writes it)", err)
	}
	if err := plogtest.CompareLogs(want, got); err != nil {
		t.Fatal(err)
	}
	// plogtest does not compare event names.
	if w, g := eventNames(want), eventNames(got); w != g {
		t.Fatalf("event names differ:\nwant %s\n got %s", w, g)
	}
}

func eventNames(ld plog.Logs) string {
	var names []string
	otlptest.ForEach(ld, func(lr plog.LogRecord) { names = append(names, lr.EventName()) })
	return strings.Join(names, ",")
}

func TestProcessorGolden(t *testing.T) {
	for _, product := range []string{"passman", "capam", "netwrix"} {
		t.Run(product, func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join("..", "testdata", product, "*.log"))
			var rel []string
			for _, f := range files {
				rel = append(rel, filepath.Join(product, filepath.Base(f)))
			}
			in := productLogs(t, rel...)
			n := in.LogRecordCount()
			p, sink := newProcessor(t, createDefaultConfig(), processortest.NewNopSettings(metadata.Type))
			if err := p.ConsumeLogs(context.Background(), in); err != nil {
				t.Fatal(err)
			}
			got := sink.AllLogs()[0]
			if got.LogRecordCount() != n {
				t.Fatalf("%d records out, %d in", got.LogRecordCount(), n)
			}
			compareGolden(t, product, got)
		})
	}
}

// Map bodies, an attribute source, failures and bodies with no text.
func TestProcessorSources(t *testing.T) {
	const line = "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = CheckoutCredentials, user_upn = alice@corp.example, business_result = success"
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	add := func(f func(plog.LogRecord)) {
		lr := lrs.AppendEmpty()
		lr.SetObservedTimestamp(observed)
		f(lr)
	}
	add(func(lr plog.LogRecord) { // map body, "log" key (Fluent Bit, Docker)
		m := lr.Body().SetEmptyMap()
		m.PutStr("log", line)
		m.PutStr("stream", "stdout")
	})
	add(func(lr plog.LogRecord) { // map body, "message" key wins over "msg"
		m := lr.Body().SetEmptyMap()
		m.PutStr("msg", "ignored")
		m.PutStr("message", "02 Dec 2008 10:23:47 F PASSWORD test1 1 10")
	})
	add(func(lr plog.LogRecord) { lr.Body().SetStr("not an audit line at all") })
	add(func(lr plog.LogRecord) { lr.Body().SetInt(42) })
	add(func(lr plog.LogRecord) {})
	add(func(lr plog.LogRecord) {
		lr.Body().SetStr(line)
		lr.Attributes().PutStr("user.name", "overwritten by the parsed value")
		lr.Attributes().PutStr("k8s.pod.name", "kept")
	})
	p, sink := newProcessor(t, createDefaultConfig(), processortest.NewNopSettings(metadata.Type))
	if err := p.ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "sources", sink.AllLogs()[0])

	// The text in an attribute; the body stays as it is.
	cfg := createDefaultConfig()
	cfg.Source = `attributes["log.raw"]`
	ld2 := plog.NewLogs()
	lr := ld2.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetObservedTimestamp(observed)
	lr.Attributes().PutStr("log.raw", line)
	p2, sink2 := newProcessor(t, cfg, processortest.NewNopSettings(metadata.Type))
	if err := p2.ConsumeLogs(context.Background(), ld2); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "attribute_source", sink2.AllLogs()[0])
}

func TestOnErrorDrop(t *testing.T) {
	in := productLogs(t, "passman/shapes.log") // its last line is not PassMan
	n := in.LogRecordCount()
	cfg := createDefaultConfig()
	cfg.OnError = onErrorDrop
	p, sink := newProcessor(t, cfg, processortest.NewNopSettings(metadata.Type))
	if err := p.ConsumeLogs(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	got := sink.AllLogs()[0]
	if got.LogRecordCount() != n-1 {
		t.Fatalf("%d records out of %d, want one dropped", got.LogRecordCount(), n)
	}
	otlptest.ForEach(got, func(lr plog.LogRecord) {
		if _, ok := lr.Attributes().Get("error.type"); ok {
			t.Error("a failed record was not dropped")
		}
	})
}

// The processor's own counters, per product.
func TestTelemetry(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	p, _ := newProcessor(t, createDefaultConfig(), set)
	in := productLogs(t, "passman/audit.log", "passman/shapes.log", "capam/seed.log")
	if err := p.ConsumeLogs(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]int64{
		"otelcol_processor_pamaudit_records_parsed": {"passman": 11 + 10, "capam": 2},
		"otelcol_processor_pamaudit_records_failed": {"unknown": 1, "capam": 2},
	}
	for name, byProduct := range want {
		m, err := tel.GetMetric(name)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
			v, _ := dp.Attributes.Value("product")
			got[v.AsString()] = dp.Value
		}
		for product, n := range byProduct {
			if got[product] != n {
				t.Errorf("%s{product=%s} = %d, want %d (all %v)", name, product, got[product], n, got)
			}
		}
	}
}
