package otelprocessor

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
)

// The component tests mdatagen generates, by hand: the factory's default
// configuration is a valid config struct, and the processor built from it
// (with metadata.yaml's tests::config over it) shuts down whether started
// or not, and passes records on in between.

func TestComponentConfigStruct(t *testing.T) {
	if err := componenttest.CheckConfigStruct(NewFactory().CreateDefaultConfig()); err != nil {
		t.Fatal(err)
	}
}

func TestComponentLifecycle(t *testing.T) {
	factory := NewFactory()
	cm, err := confmaptest.LoadConf("metadata.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := factory.CreateDefaultConfig()
	sub, err := cm.Sub("tests::config")
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Unmarshal(&cfg); err != nil {
		t.Fatal(err)
	}
	create := func(t *testing.T, next *consumertest.LogsSink) processor.Logs {
		t.Helper()
		p, err := factory.CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, next)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("logs-shutdown", func(t *testing.T) {
		if err := create(t, new(consumertest.LogsSink)).Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("logs-lifecycle", func(t *testing.T) {
		sink := new(consumertest.LogsSink)
		p := create(t, sink)
		if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
			t.Fatal(err)
		}
		ld := plog.NewLogs()
		ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("test log message")
		if err := p.ConsumeLogs(context.Background(), ld); err != nil {
			t.Fatal(err)
		}
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := sink.LogRecordCount(); n != 1 {
			t.Fatalf("%d records passed on, want 1", n)
		}
	})
}

// The processor's telemetry, through the factory: records parsed by
// product, failed by product and error.type, by event name (a name the
// tables do not list is other; a record without one is not counted), and
// the secrets redacted by product, those of a map body's members passed on
// beside the record included.
func TestComponentMetrics(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	p, err := NewFactory().CreateLogs(context.Background(), set, createDefaultConfig(), new(consumertest.LogsSink))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for _, text := range []string{
		"2026-03-05T10:00:00Z pm-node1 passman: passman-audit(1): type = Login, user_upn = a@b, password = hunter22, old_password = hunter22",
		"2026-03-05T10:00:01Z pm-node1 passman: passman-audit(1): type = Login, user_upn = a@b, authorization = 'Bearer t0ken-1', password = other99",
		"2026-03-05T10:00:02Z pm-node1 passman: passman-audit(1): type = FlyToTheMoon, user_upn = a@b",
		`{"msg":"request finish","req":{"headers":{"cookie":"sid=abc`,
		"31 Feb 2008 10:23:47 P LOGIN root 59 2 console /bin/login",
		"not an audit line",
		"not an audit line either, password=hunter22",
	} {
		lrs.AppendEmpty().Body().SetStr(text)
	}
	m := lrs.AppendEmpty().Body().SetEmptyMap()
	m.PutStr("log", `{"msg":"token validate"}`)
	m.PutStr("db_password", "s3cr3t")
	m.PutStr("note", "Authorization: Basic dXNlcjpw")
	if err := p.ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		metric string
		want   map[string]int64 // by the data point's attributes, key=value joined with ','
	}{
		{"otelcol_processor_pamaudit_records_parsed", map[string]int64{"product=passman": 3, "product=netwrix": 1}},
		{"otelcol_processor_pamaudit_records_failed", map[string]int64{
			"error.type=malformed_json,product=netwrix": 1, "error.type=bad_timestamp,product=capam": 1,
			"error.type=unknown_format,product=unknown": 2}},
		{"otelcol_processor_pamaudit_events", map[string]int64{
			"event.name=passman.login": 2, "event.name=other": 1, "event.name=netwrix.request.finish": 1,
			"event.name=capam.login": 1, "event.name=netwrix.token.validate": 1}},
		{"otelcol_processor_pamaudit_secrets_redacted", map[string]int64{
			"product=passman": 3, "product=netwrix": 1 + 2, "product=unknown": 1}},
	} {
		got := map[string]int64{}
		md, err := tel.GetMetric(tc.metric)
		if err != nil {
			t.Fatal(err)
		}
		for _, dp := range md.Data.(metricdata.Sum[int64]).DataPoints {
			var kv []string
			for _, a := range dp.Attributes.ToSlice() {
				kv = append(kv, string(a.Key)+"="+a.Value.Emit())
			}
			got[strings.Join(kv, ",")] = dp.Value
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.metric, got, tc.want)
		}
	}
}
