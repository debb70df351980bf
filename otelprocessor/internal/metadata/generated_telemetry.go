// Code generated from metadata.yaml in mdatagen's shape (mdatagen does not install here; TestMetadataYAML keeps them in step). DO NOT EDIT.

package metadata

import (
	"errors"
	"sync"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"go.opentelemetry.io/collector/component"
)

func Meter(settings component.TelemetrySettings) metric.Meter {
	return settings.MeterProvider.Meter(ScopeName)
}

func Tracer(settings component.TelemetrySettings) trace.Tracer {
	return settings.TracerProvider.Tracer(ScopeName)
}

// TelemetryBuilder provides an interface for components to report telemetry
// as defined in metadata and user config.
type TelemetryBuilder struct {
	meter                            metric.Meter
	mu                               sync.Mutex
	registrations                    []metric.Registration
	ProcessorPamauditEvents          metric.Int64Counter
	ProcessorPamauditRecordsFailed   metric.Int64Counter
	ProcessorPamauditRecordsParsed   metric.Int64Counter
	ProcessorPamauditSecretsRedacted metric.Int64Counter
}

// TelemetryBuilderOption applies changes to default builder.
type TelemetryBuilderOption interface {
	apply(*TelemetryBuilder)
}

type telemetryBuilderOptionFunc func(mb *TelemetryBuilder)

func (tbof telemetryBuilderOptionFunc) apply(mb *TelemetryBuilder) {
	tbof(mb)
}

// Shutdown unregister all registered callbacks for async instruments.
func (builder *TelemetryBuilder) Shutdown() {
	builder.mu.Lock()
	defer builder.mu.Unlock()
	for _, reg := range builder.registrations {
		reg.Unregister()
	}
}

// NewTelemetryBuilder provides a struct with methods to update all internal telemetry
// for a component
func NewTelemetryBuilder(settings component.TelemetrySettings, options ...TelemetryBuilderOption) (*TelemetryBuilder, error) {
	builder := TelemetryBuilder{}
	for _, op := range options {
		op.apply(&builder)
	}
	builder.meter = Meter(settings)
	var err, errs error
	builder.ProcessorPamauditEvents, err = builder.meter.Int64Counter(
		"otelcol_processor_pamaudit_events",
		metric.WithDescription("Number of log records by event name, for records that got one; the event names of docs/schema.md, other for any other (a PassMan type or a CA PAM class the tables do not list)."),
		metric.WithUnit("{record}"),
	)
	errs = errors.Join(errs, err)
	builder.ProcessorPamauditRecordsFailed, err = builder.meter.Int64Counter(
		"otelcol_processor_pamaudit_records_failed",
		metric.WithDescription("Number of log records that could not be parsed, by product (unknown when no format matched) and error.type (why)."),
		metric.WithUnit("{record}"),
	)
	errs = errors.Join(errs, err)
	builder.ProcessorPamauditRecordsParsed, err = builder.meter.Int64Counter(
		"otelcol_processor_pamaudit_records_parsed",
		metric.WithDescription("Number of log records parsed, by product."),
		metric.WithUnit("{record}"),
	)
	errs = errors.Join(errs, err)
	builder.ProcessorPamauditSecretsRedacted, err = builder.meter.Int64Counter(
		"otelcol_processor_pamaudit_secrets_redacted",
		metric.WithDescription("Number of secret values redacted (masked or replaced by keyed pseudonyms), by product; a value found more than once in a record counts once, and each field passed on beside the record that held secrets counts one."),
		metric.WithUnit("{secret}"),
	)
	errs = errors.Join(errs, err)
	return &builder, errs
}
