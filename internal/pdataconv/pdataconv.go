// Package pdataconv writes core records into OpenTelemetry pdata log
// records. The collector processor and the Fluent Bit plugin's OTLP output
// both use it, so the two faces cannot build records differently.
package pdataconv

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
)

// Fill writes rec into lr. A parsed record (one with an event name) sets the
// time (when the text has one), severity, event name, body and attributes; an
// attribute already on lr is overwritten only by a parsed attribute of the
// same key. A record nothing could parse only adds its error.type and
// error.message: the rest of lr passes on unchanged. Fill reports whether rec
// was parsed.
func Fill(lr plog.LogRecord, rec *core.Record) bool {
	attrs := lr.Attributes()
	if rec.EventName == "" {
		for i := range rec.Attrs {
			a := &rec.Attrs[i]
			if a.Key == "error.type" || a.Key == "error.message" {
				putAttr(attrs, a)
			}
		}
		return false
	}
	if !rec.Time.IsZero() {
		lr.SetTimestamp(pcommon.NewTimestampFromTime(rec.Time))
	}
	if lr.ObservedTimestamp() == 0 {
		lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(rec.ObservedTime))
	}
	lr.SetSeverityNumber(plog.SeverityNumber(rec.SeverityNumber))
	lr.SetSeverityText(rec.SeverityText)
	lr.SetEventName(rec.EventName)
	lr.Body().SetStr(rec.Body)
	attrs.EnsureCapacity(attrs.Len() + len(rec.Attrs))
	for i := range rec.Attrs {
		putAttr(attrs, &rec.Attrs[i])
	}
	return true
}

// NewRecord appends a fresh log record for rec to lrs: the way to build
// records from scratch (the Fluent Bit plugin). A record nothing could parse
// keeps its text as body and every attribute it has; its severity stays
// unset, as the collector processor leaves it.
func NewRecord(lrs plog.LogRecordSlice, rec *core.Record) plog.LogRecord {
	lr := lrs.AppendEmpty()
	if !Fill(lr, rec) {
		lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(rec.ObservedTime))
		lr.Body().SetStr(rec.Body)
		attrs := lr.Attributes()
		attrs.EnsureCapacity(len(rec.Attrs))
		for i := range rec.Attrs {
			putAttr(attrs, &rec.Attrs[i])
		}
	}
	return lr
}

func putAttr(m pcommon.Map, a *core.Attr) {
	switch a.Kind {
	case core.KindInt:
		m.PutInt(a.Key, a.Int)
	case core.KindBool:
		m.PutBool(a.Key, a.Bool)
	case core.KindStrings:
		s := m.PutEmptySlice(a.Key)
		s.EnsureCapacity(len(a.Strs))
		for _, v := range a.Strs {
			s.AppendEmpty().SetStr(v)
		}
	default:
		m.PutStr(a.Key, a.Str)
	}
}
