package otelprocessor

import (
	"context"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

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
