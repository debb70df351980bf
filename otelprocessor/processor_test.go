package otelprocessor

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/parsetest/coretest"
	"github.com/pamaudit/pamaudit/internal/testutil"
	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
	"github.com/pamaudit/pamaudit/record"
)

// clock is the parsers' fixed clock in tests (syslog times without a year
// depend on it), the observed time of every input record, and the time of
// the golden files.
var clock = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func testNow() time.Time { return clock }

// observed is the observed timestamp of every input record.
var observed = pcommon.NewTimestampFromTime(clock)

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
	p, err := newFactory(testNow).CreateLogs(context.Background(), set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p, sink
}

// consume runs ld through a processor with cfg and returns its output.
func consume(t *testing.T, cfg *Config, ld plog.Logs) plog.Logs {
	t.Helper()
	p, sink := newProcessor(t, cfg, processortest.NewNopSettings(metadata.Type))
	if err := p.ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatal(err)
	}
	return sink.AllLogs()[0]
}

// Every testdata log through the processor gives, record by record, what
// pamaudit parse prints (the NDJSON goldens), and keeps what the collector
// put around the records.
func TestProcessorGolden(t *testing.T) {
	for _, f := range testutil.GoldenLogs(t, filepath.Join("..", "testdata")) {
		rel := filepath.Join(filepath.Base(filepath.Dir(f)), filepath.Base(f))
		t.Run(rel, func(t *testing.T) {
			want := otlptest.GoldenLines(t, f, "otel")
			texts := logTexts(productLogs(t, rel))
			got := consume(t, createDefaultConfig(), productLogs(t, rel))
			rl := got.ResourceLogs().At(0)
			if v, _ := rl.Resource().Attributes().Get("log.file.name"); v.Str() != filepath.Base(f) {
				t.Errorf("resource attributes changed: %v", rl.Resource().Attributes().AsRaw())
			}
			if name := rl.ScopeLogs().At(0).Scope().Name(); name != "filelog" {
				t.Errorf("scope name changed: %q", name)
			}
			lrs := rl.ScopeLogs().At(0).LogRecords()
			if lrs.Len() != len(want) {
				t.Fatalf("%d records out, %d golden", lrs.Len(), len(want))
			}
			ids := coretest.StreamUIDs(t, texts)
			for i, w := range want {
				if uid, want := otlptest.UID(lrs.At(i), "otel"), ids[i]; uid != want {
					t.Errorf("record %d: log.record.uid %q, want %q", i+1, uid, want)
				}
				if g := goldenJSON(t, lrs.At(i), "/var/log/"+rel, w); g != w {
					t.Errorf("record %d:\n got %s\nwant %s", i+1, g, w)
				}
			}
		})
	}
}

// In the ECS and OCSF schemas every testdata log through the processor
// gives, record by record, the document pamaudit parse --schema prints (the
// .ecs.ndjson and .ocsf.ndjson goldens, which the command's test and the
// plugin's compare with too): the OCSF event as a map body with time,
// severity and event name on the record, the ECS attributes beside them.
func TestProcessorSchemas(t *testing.T) {
	for _, f := range testutil.GoldenLogs(t, filepath.Join("..", "testdata")) {
		rel := filepath.Join(filepath.Base(filepath.Dir(f)), filepath.Base(f))
		for _, schema := range []string{"ecs", "ocsf"} {
			t.Run(rel+"/"+schema, func(t *testing.T) {
				want := otlptest.GoldenLines(t, f, schema)
				cfg := createDefaultConfig()
				cfg.Schema = schema
				texts := logTexts(productLogs(t, rel))
				lrs := consume(t, cfg, productLogs(t, rel)).ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
				ids := coretest.StreamUIDs(t, texts)
				if lrs.Len() != len(want) {
					t.Fatalf("%d records out, %d golden", lrs.Len(), len(want))
				}
				for i, w := range want {
					lr := lrs.At(i)
					if v, ok := lr.Attributes().Get("log.file.path"); !ok || v.Str() != "/var/log/"+rel {
						t.Errorf("record %d: the existing attribute log.file.path was not kept", i+1)
					}
					if schema == "ocsf" {
						if lr.Body().Type() != pcommon.ValueTypeMap || lr.Attributes().Len() != 1 {
							t.Errorf("record %d: body %s, attributes %v", i+1, lr.Body().Type(), lr.Attributes().AsRaw())
						}
						if lr.SeverityNumber() == 0 {
							t.Errorf("record %d: no severity on the record", i+1)
						}
					}
					if uid, want := otlptest.UID(lr, schema), ids[i]; uid != want {
						t.Errorf("record %d: identity %q, want %q", i+1, uid, want)
					}
					doc, level := otlptest.GoldenDoc(t, w)
					if got := otlptest.DocJSON(lr, schema, level, "log.file.path"); got != doc {
						t.Errorf("record %d:\n got %s\nwant %s", i+1, got, doc)
					}
				}
			})
		}
	}
}

// logTexts lists the bodies of ld's records.
func logTexts(ld plog.Logs) []string {
	var texts []string
	otlptest.ForEach(ld, func(lr plog.LogRecord) { texts = append(texts, lr.Body().Str()) })
	return texts
}

// goldenJSON prints lr as record.AppendJSON prints a record, less its
// identity (the goldens are the core's, which has none), after checking
// what the processor keeps of the input: its observed time and the
// attribute log.file.path (first, as productLogs put it; left out of the
// JSON). A record nothing parsed passes on with its severity unset, where
// pamaudit parse prints the parser's: that of the golden line is printed
// for it, so the rest still compares.
func goldenJSON(t *testing.T, lr plog.LogRecord, path, golden string) string {
	t.Helper()
	if lr.ObservedTimestamp() != observed {
		t.Errorf("observed time changed to %v", lr.ObservedTimestamp())
	}
	attrs := pcommon.NewMap()
	lr.Attributes().CopyTo(attrs)
	attrs.Remove(record.AttrLogRecordUID)
	first := true
	attrs.RemoveIf(func(k string, v pcommon.Value) bool {
		if first && (k != "log.file.path" || v.Str() != path) {
			t.Errorf("the existing attribute log.file.path was not kept first: %v", lr.Attributes().AsRaw())
		}
		drop := first
		first = false
		return drop
	})
	rec := record.Record{
		SeverityNumber: int32(lr.SeverityNumber()),
		SeverityText:   lr.SeverityText(),
		EventName:      lr.EventName(),
		Body:           lr.Body().Str(),
	}
	if lr.Body().Type() != pcommon.ValueTypeStr {
		t.Errorf("body is %s, not a string", lr.Body().Type())
	}
	if lr.Timestamp() != 0 {
		rec.Time = lr.Timestamp().AsTime()
	}
	if rec.EventName == "" {
		if rec.SeverityNumber != 0 || rec.SeverityText != "" {
			t.Errorf("unparsed record got severity %d %q", rec.SeverityNumber, rec.SeverityText)
		}
		var sev struct {
			Number int32  `json:"severity_number"`
			Text   string `json:"severity_text"`
		}
		if err := json.Unmarshal([]byte(golden), &sev); err != nil {
			t.Fatal(err)
		}
		rec.SeverityNumber, rec.SeverityText = sev.Number, sev.Text
	}
	attrs.Range(func(k string, v pcommon.Value) bool {
		a := record.Attr{Key: k}
		switch v.Type() {
		case pcommon.ValueTypeStr:
			a.Kind, a.Str = record.KindString, v.Str()
		case pcommon.ValueTypeInt:
			a.Kind, a.Int = record.KindInt, v.Int()
		case pcommon.ValueTypeBool:
			a.Kind, a.Bool = record.KindBool, v.Bool()
		case pcommon.ValueTypeSlice:
			a.Kind = record.KindStrings
			for _, e := range v.Slice().All() {
				if e.Type() != pcommon.ValueTypeStr {
					t.Errorf("attribute %s holds a %s", k, e.Type())
				}
				a.Strs = append(a.Strs, e.Str())
			}
		default:
			t.Errorf("attribute %s is a %s", k, v.Type())
		}
		rec.Attrs = append(rec.Attrs, a)
		return true
	})
	return string(rec.AppendJSON(nil))
}

// What only the processor does: read the text from a map body or an
// attribute (under every spelling of source), keep the attributes a record
// had, and pass on what has no text.
func TestProcessorSources(t *testing.T) {
	const line = "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = CheckoutCredentials, user_upn = alice@corp.example, business_result = success"
	// checkout is what line parses to.
	checkout := func(more ...any) map[string]any {
		m := map[string]any{
			"host.name": "pm-node1", "service.name": "passman", "process.executable.name": "passman-audit",
			"process.pid": int64(2301), "event.action": "CheckoutCredentials", "passman.category": "account",
			"user.name": "alice@corp.example", "user.domain": "corp.example", "event.outcome": "success",
		}
		for i := 0; i < len(more); i += 2 {
			m[more[i].(string)] = more[i+1]
		}
		return m
	}
	checkoutTime := time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC)
	bodySources := []string{"body", "log.body", ""}
	attrSources := []string{`attributes["log.raw"]`, `log.attributes["log.raw"]`, `attributes['log.raw']`}
	type want struct {
		event    string
		severity string
		time     time.Time
		body     any
		attrs    map[string]any
	}
	for _, tc := range []struct {
		name    string
		sources []string
		in      func(plog.LogRecord)
		want    want
	}{
		{"map body, log key (Fluent Bit, Docker)", bodySources, func(lr plog.LogRecord) {
			m := lr.Body().SetEmptyMap()
			m.PutStr("log", line)
			m.PutStr("stream", "stdout")
		}, want{"passman.checkout_credentials", "INFO", checkoutTime, line, checkout("stream", "stdout")}},
		{"map body, message key wins over msg", bodySources, func(lr plog.LogRecord) {
			m := lr.Body().SetEmptyMap()
			m.PutStr("msg", "ignored")
			m.PutStr("message", "02 Dec 2008 10:23:47 F PASSWORD test1 1 10")
		}, want{"capam.password", "WARN", time.Date(2008, 12, 2, 10, 23, 47, 0, time.UTC), "02 Dec 2008 10:23:47 F PASSWORD test1 1 10", map[string]any{
			"capam.status": "F", "event.outcome": "failure", "event.action": "PASSWORD", "user.name": "test1",
			"capam.password_quality_code": int64(1), "capam.reason_code": int64(10),
			"capam.reason":           "An explicit request to log the operation was received",
			"capam.password_quality": "Password too short", "msg": "ignored",
		}}},
		{"unparsed string body", bodySources, func(lr plog.LogRecord) { lr.Body().SetStr("not an audit line at all") },
			want{body: "not an audit line at all", attrs: map[string]any{
				record.AttrErrorType:    "unknown_format",
				record.AttrErrorMessage: `auto: unknown format at byte 0: "not an audit line at all"`,
			}}},
		{"int body", bodySources, func(lr plog.LogRecord) { lr.Body().SetInt(42) }, want{body: int64(42), attrs: map[string]any{}}},
		{"empty body", bodySources, func(plog.LogRecord) {}, want{attrs: map[string]any{}}},
		{"existing attributes", bodySources, func(lr plog.LogRecord) {
			lr.Body().SetStr(line)
			lr.Attributes().PutStr("user.name", "overwritten by the parsed value")
			lr.Attributes().PutStr("k8s.pod.name", "kept")
		}, want{"passman.checkout_credentials", "INFO", checkoutTime, line, checkout("k8s.pod.name", "kept")}},
		{"attribute source: the body becomes the text", attrSources, func(lr plog.LogRecord) {
			lr.Attributes().PutStr("log.raw", line)
		}, want{"passman.checkout_credentials", "INFO", checkoutTime, line, checkout("log.raw", line)}},
		{"attribute source, missing: passed on", attrSources, func(lr plog.LogRecord) {
			lr.Body().SetStr(line)
		}, want{body: line, attrs: map[string]any{}}},
	} {
		for _, source := range tc.sources {
			name := source
			if name == "" {
				name = "unset"
			}
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				ld := plog.NewLogs()
				lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
				lr.SetObservedTimestamp(observed)
				tc.in(lr)
				cfg := createDefaultConfig()
				cfg.Source = source
				got := consume(t, cfg, ld).ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
				w := tc.want
				if got.EventName() != w.event || got.SeverityText() != w.severity || got.ObservedTimestamp() != observed {
					t.Errorf("event %q severity %q observed %v, want %q %q %v", got.EventName(), got.SeverityText(), got.ObservedTimestamp(), w.event, w.severity, observed)
				}
				if tm := got.Timestamp(); (tm == 0) != w.time.IsZero() || tm != 0 && !tm.AsTime().Equal(w.time) {
					t.Errorf("time %v, want %v", tm, w.time)
				}
				if b := got.Body().AsRaw(); b != w.body {
					t.Errorf("body %#v, want %#v", b, w.body)
				}
				a := got.Attributes().AsRaw()
				// A record with a text has an identity; one passed on has none.
				_, errored := a[record.AttrErrorType]
				if uid := otlptest.TakeUID(a, "otel"); len(uid) != core.UIDLen && (w.event != "" || errored) || uid != "" && w.event == "" && !errored {
					t.Errorf("log.record.uid %q", uid)
				}
				if !reflect.DeepEqual(a, w.attrs) {
					t.Errorf("attributes\n got %v\nwant %v", a, w.attrs)
				}
			})
		}
	}
}

// ConsumeLogs calls at once, more than there are parsers: each gets a
// parser of its own (the race detector watches, make race), and every batch
// comes out as one alone does.
func TestProcessorConcurrent(t *testing.T) {
	in := productLogs(t, "passman/audit.log", "capam/detailed.log", "netwrix/pretty.log")
	want := consume(t, createDefaultConfig(), plogCopy(in))
	p, sink := newProcessor(t, createDefaultConfig(), processortest.NewNopSettings(metadata.Type))
	n := 4 * runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for range n {
		ld := plogCopy(in)
		wg.Go(func() {
			if err := p.ConsumeLogs(context.Background(), ld); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var m plog.JSONMarshaler
	w, _ := m.MarshalLogs(want)
	for i, got := range sink.AllLogs() {
		if g, _ := m.MarshalLogs(got); !bytes.Equal(g, w) {
			t.Fatalf("batch %d differs from the batch processed alone", i)
		}
	}
	if len(sink.AllLogs()) != n {
		t.Fatalf("%d batches out, %d in", len(sink.AllLogs()), n)
	}
}

func plogCopy(ld plog.Logs) plog.Logs {
	c := plog.NewLogs()
	ld.CopyTo(c)
	return c
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
		if _, ok := lr.Attributes().Get(record.AttrErrorType); ok {
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
		"otelcol_processor_pamaudit_records_parsed": {"passman": 11 + 12, "capam": 2},
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
			got[v.AsString()] += dp.Value
		}
		for product, n := range byProduct {
			if got[product] != n {
				t.Errorf("%s{product=%s} = %d, want %d (all %v)", name, product, got[product], n, got)
			}
		}
	}
}

// redact: {mode: hmac}: every secret becomes its keyed pseudonym, the same
// in the attributes, the original text and the map body's members passed
// on beside the record, and the same in every record.
func TestRedactHMAC(t *testing.T) {
	t.Setenv("PAMAUDIT_TEST_HMAC_KEY", "pamaudit-test-key-0123456789")
	cfg, err := loadConfig(t, "hmac")
	if err != nil {
		t.Fatal(err)
	}
	pseudo := func(v string) string {
		mac := hmac.New(sha256.New, []byte("pamaudit-test-key-0123456789"))
		mac.Write([]byte(v))
		return "hmac:" + hex.EncodeToString(mac.Sum(nil))[:16]
	}
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	lrs.AppendEmpty().Body().SetStr("2026-03-05T10:00:00Z pm-node1 passman: passman-audit(1): type = Login, user_upn = a@b, new_password = 'it\\'s s3cret'")
	m := lrs.AppendEmpty().Body().SetEmptyMap()
	m.PutStr("log", `{"msg":"token validate","password":"it's s3cret"}`)
	m.PutStr("db_password", "it's s3cret")
	m.PutInt("pin_secret", 1234)
	lrs.AppendEmpty().Body().SetStr("garbage Authorization: Bearer t0k3n-xyz")
	out := consume(t, cfg, ld)
	recs := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	get := func(i int, k string) string { v, _ := recs.At(i).Attributes().Get(k); return v.AsString() }
	p := pseudo("it's s3cret")
	for _, c := range []struct{ got, want string }{
		{get(0, "passman.new_password"), p},
		{recs.At(0).Body().Str(), "2026-03-05T10:00:00Z pm-node1 passman: passman-audit(1): type = Login, user_upn = a@b, new_password = '" + p + "'"},
		{get(1, "netwrix.password"), p},
		{get(1, "db_password"), p},
		{get(1, "pin_secret"), pseudo("1234")},
		{recs.At(2).Body().Str(), "garbage Authorization: Bearer " + pseudo("t0k3n-xyz")},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	var jm plog.JSONMarshaler
	b, _ := jm.MarshalLogs(out)
	for _, clear := range []string{"s3cret", "t0k3n", "1234", "[REDACTED]"} {
		if strings.Contains(string(b), clear) {
			t.Errorf("%q in the output: %s", clear, b)
		}
	}
}
