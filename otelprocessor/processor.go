package otelprocessor

import (
	"context"
	"runtime"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/pdataconv"
	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
	"github.com/pamaudit/pamaudit/record"
)

type logsProcessor struct {
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder
	source    string // attribute holding the text; "" for the body
	drop      bool   // on_error: drop
	// workers are built once, one per CPU: a core.Parser is reused but not
	// shared, and ConsumeLogs may run concurrently, so each call takes one.
	workers chan *worker
	// product attribute sets, by core.Format, built once.
	products [4]metric.MeasurementOption
	unknown  metric.MeasurementOption
}

// worker is what one ConsumeLogs call needs to itself.
type worker struct {
	parser *core.Parser
	conv   pdataconv.Writer
}

// newLogsProcessor builds the processor; now is the parsers' clock.
func newLogsProcessor(set processor.Settings, cfg *Config, now func() time.Time) (*logsProcessor, error) {
	s, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	s.opts.Now = now
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	p := &logsProcessor{
		logger:    set.Logger,
		telemetry: tb,
		source:    s.source,
		drop:      s.drop,
		workers:   make(chan *worker, runtime.GOMAXPROCS(0)),
	}
	for range cap(p.workers) {
		parser, err := core.NewParser(s.opts)
		if err != nil {
			tb.Shutdown()
			return nil, err
		}
		p.workers <- &worker{parser: parser}
	}
	for f := core.FormatPassMan; f <= core.FormatNetwrix; f++ {
		p.products[f] = metric.WithAttributeSet(attribute.NewSet(attribute.String("product", f.String())))
	}
	p.unknown = metric.WithAttributeSet(attribute.NewSet(attribute.String("product", "unknown")))
	return p, nil
}

func (p *logsProcessor) shutdown(context.Context) error {
	p.telemetry.Shutdown()
	return nil
}

// counts are a batch's records per product: index 0 counts those no
// format matched.
type counts struct{ parsed, failed [4]int64 }

func (p *logsProcessor) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	// With a worker per CPU, waiting for one is waiting for a CPU.
	w := <-p.workers
	defer func() { p.workers <- w }()
	var n counts
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		sls := rls.At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			lrs.RemoveIf(func(lr plog.LogRecord) bool {
				return p.processRecord(w, lr, &n) && p.drop
			})
		}
	}
	for f := core.FormatPassMan; f <= core.FormatNetwrix; f++ {
		if n.parsed[f] > 0 {
			p.telemetry.ProcessorPamauditRecordsParsed.Add(ctx, n.parsed[f], p.products[f])
		}
		if n.failed[f] > 0 {
			p.telemetry.ProcessorPamauditRecordsFailed.Add(ctx, n.failed[f], p.products[f])
		}
	}
	if n.failed[core.FormatAuto] > 0 {
		p.telemetry.ProcessorPamauditRecordsFailed.Add(ctx, n.failed[core.FormatAuto], p.unknown)
	}
	return ld, nil
}

// processRecord parses one record in place and reports whether it failed.
func (p *logsProcessor) processRecord(w *worker, lr plog.LogRecord, n *counts) bool {
	text, key, ok := p.text(lr)
	if !ok {
		// Nothing to parse (an empty or non-text body): passed on as it is.
		return false
	}
	var rest pcommon.Map
	if key != "" {
		// The body is a map whose other keys become attributes.
		rest = pcommon.NewMap()
		lr.Body().Map().CopyTo(rest)
		rest.Remove(key)
	}
	rec, err := w.parser.ParseString(text)
	parsed := w.conv.Fill(lr, rec)
	if !parsed && rec.Body != text && strings.Contains(rec.Body, record.Redacted) {
		// Unparsed, but the text held secrets: it passes on redacted.
		if p.source != "" {
			lr.Attributes().PutStr(p.source, rec.Body)
		} else if key != "" {
			lr.Body().Map().PutStr(key, rec.Body)
		} else {
			lr.Body().SetStr(rec.Body)
		}
	}
	if parsed && key != "" {
		attrs := lr.Attributes()
		rest.Range(func(k string, v pcommon.Value) bool {
			if _, exists := attrs.Get(k); !exists {
				v.CopyTo(attrs.PutEmpty(k))
			}
			return true
		})
	}
	if err != nil {
		n.failed[rec.Format]++
		return true
	}
	n.parsed[rec.Format]++
	return false
}

// text returns the raw text of lr and, for a map body, the key it came from.
func (p *logsProcessor) text(lr plog.LogRecord) (text, key string, ok bool) {
	if p.source != "" {
		v, ok := lr.Attributes().Get(p.source)
		if !ok || v.Type() != pcommon.ValueTypeStr {
			return "", "", false
		}
		return v.Str(), "", true
	}
	body := lr.Body()
	switch body.Type() {
	case pcommon.ValueTypeStr:
		return body.Str(), "", body.Str() != ""
	case pcommon.ValueTypeMap:
		m := body.Map()
		for _, k := range core.DefaultSourceKeys {
			if v, ok := m.Get(k); ok && v.Type() == pcommon.ValueTypeStr {
				return v.Str(), k, true
			}
		}
	}
	return "", "", false
}
