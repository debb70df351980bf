package otelprocessor

import (
	"context"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/pamaudit/pamaudit/internal/otlptest"
)

// benchProducts are the records each benchmark cycles through, and the
// nearest OTTL the transform processor can do for each: split the header,
// split the key/value pairs or parse the JSON, set the time. It does none of
// pamaudit's mapping, classification or redaction.
var benchProducts = []struct {
	name  string
	files []string
	ottl  []string
}{
	{"passman", []string{"passman/audit.log"}, []string{
		`merge_maps(attributes, ExtractPatterns(body, "^(?P<ts>\\S+) (?P<host>\\S+) (?P<service>[^:\\[]+): (?P<process>[^(]+)\\((?P<pid>\\d+)\\): (?P<kv>.*)$"), "upsert")`,
		`merge_maps(attributes, ParseKeyValue(attributes["kv"], "=", ","), "upsert") where attributes["kv"] != nil`,
		`set(time, Time(attributes["ts"], "%Y-%m-%dT%H:%M:%SZ")) where attributes["ts"] != nil`,
	}},
	{"capam", []string{"capam/summary.log"}, []string{
		`merge_maps(attributes, ExtractPatterns(body, "^(?P<date>\\d{2} \\w{3} \\S{4}) (?P<clock>\\S+) (?P<status>\\w) (?P<event>\\S+) (?P<user>\\S+) (?P<stage>\\d+) (?P<reason>\\d+) (?P<terminal>\\S+) (?P<program>\\S+)"), "upsert")`,
		`set(time, Time(Concat([attributes["date"], attributes["clock"]], " "), "%d %b %Y %H:%M:%S")) where attributes["date"] != nil`,
	}},
	{"netwrix", []string{"netwrix/bunyan.log"}, []string{
		`merge_maps(attributes, ParseJSON(body), "upsert") where IsMatch(body, "^\\{")`,
		`set(time, Time(attributes["time"], "%Y-%m-%dT%H:%M:%S.%LZ")) where attributes["time"] != nil`,
	}},
}

// batch makes a batch of n records cycling through the product's records.
func batch(b testing.TB, files []string, n int) plog.Logs {
	src := productLogs(b, files...)
	recs := src.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i := 0; i < n; i++ {
		recs.At(i % recs.Len()).CopyTo(lrs.AppendEmpty())
	}
	return ld
}

// runBatches feeds fresh copies of the batch to the processor (cpuBatches:
// copying is not in ns/op, but is in cpu-ns/record).
func runBatches(b *testing.B, p consumer.Logs, ld plog.Logs) {
	ctx := context.Background()
	cpuBatches(b, ld, func(in plog.Logs) {
		if err := p.ConsumeLogs(ctx, in); err != nil {
			b.Fatal(err)
		}
	})
	b.ReportMetric(float64(b.N)*float64(ld.LogRecordCount())/b.Elapsed().Seconds(), "records/s")
}

func plogSize(ld plog.Logs) int {
	n := 0
	otlptest.ForEach(ld, func(lr plog.LogRecord) { n += len(lr.Body().Str()) })
	return n
}

func start(b *testing.B, f processor.Factory, cfg component.Config) processor.Logs {
	p, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), cfg, consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p
}

// BenchmarkProcessor: batches of 1000 records per product through pamaudit.
func BenchmarkProcessor(b *testing.B) {
	for _, prod := range benchProducts {
		b.Run(prod.name, func(b *testing.B) {
			p := start(b, newFactory(testNow), createDefaultConfig())
			runBatches(b, p, batch(b, prod.files, 1000))
		})
	}
}

// BenchmarkTransformProcessor: the same batches through the collector's
// transform processor doing the nearest OTTL equivalent.
func BenchmarkTransformProcessor(b *testing.B) {
	for _, prod := range benchProducts {
		b.Run(prod.name, func(b *testing.B) {
			f := transformprocessor.NewFactory()
			cfg := f.CreateDefaultConfig()
			stmts := make([]any, len(prod.ottl))
			for i, s := range prod.ottl {
				stmts[i] = s
			}
			cm := confmap.NewFromStringMap(map[string]any{
				"error_mode":     "ignore",
				"log_statements": []any{map[string]any{"context": "log", "statements": stmts}},
			})
			if err := cm.Unmarshal(cfg); err != nil {
				b.Fatal(err)
			}
			p := start(b, f, cfg)
			in := batch(b, prod.files, 1000)
			// The OTTL must do its work: check once that it extracted fields.
			check := plog.NewLogs()
			in.CopyTo(check)
			sink := new(consumertest.LogsSink)
			pc, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), cfg, sink)
			if err != nil {
				b.Fatal(err)
			}
			_ = pc.Start(context.Background(), nil)
			_ = pc.ConsumeLogs(context.Background(), check)
			if n := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Len(); n < 5 {
				b.Fatalf("the OTTL statements extracted only %d attributes", n)
			}
			_ = pc.Shutdown(context.Background())
			runBatches(b, p, in)
		})
	}
}
