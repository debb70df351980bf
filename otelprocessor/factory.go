package otelprocessor

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
)

var processorCapabilities = consumer.Capabilities{MutatesData: true}

// NewFactory returns the factory of the pamaudit logs processor.
func NewFactory() processor.Factory {
	return newFactory(time.Now)
}

// newFactory is NewFactory with the parsers' clock: syslog times without a
// year depend on it, so tests fix it.
func newFactory(now func() time.Time) processor.Factory {
	return processor.NewFactory(
		metadata.Type,
		func() component.Config { return createDefaultConfig() },
		processor.WithLogs(func(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
			p, err := newLogsProcessor(set, cfg.(*Config), now)
			if err != nil {
				return nil, err
			}
			return processorhelper.NewLogs(ctx, set, cfg, next, p.processLogs,
				processorhelper.WithCapabilities(processorCapabilities),
				processorhelper.WithShutdown(p.shutdown))
		}, metadata.LogsStability))
}
