// Package pdataconv writes records into OpenTelemetry pdata log records for
// the collector processor. The Fluent Bit plugin writes OTLP protobuf itself
// (without linking pdata), and its tests decode those bytes and hold them to
// what this package builds, so the two faces cannot build records
// differently. It is a record.FieldWriter driven by Record.Write, as the
// NDJSON, MessagePack and OTLP protobuf encodings are, so no face walks a
// record's fields itself.
package pdataconv

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/record"
)

// Writer writes records into pdata log records: it is the pdata
// record.FieldWriter. Its zero value is ready to use. A Writer that is
// reused spares the allocation a fresh one costs per record (Record.Write
// takes it as an interface); it must not be shared between goroutines.
type Writer struct {
	lr    plog.LogRecord
	attrs pcommon.Map
}

var _ record.FieldWriter = (*Writer)(nil)

// Fill writes rec into lr, over what lr holds. A parsed record sets the
// time (when the text has one), severity, event name, body and attributes;
// an attribute already on lr is overwritten only by a parsed attribute of
// the same key. A record nothing could parse annotates lr
// (record.StandAnnotates): it only adds its error.type and error.message
// (and, in the ECS schema, event.kind and ecs.version), and the rest of lr
// passes on unchanged. In the OCSF schema every record is an event (a parse
// failure a Base Event), written whole: its body map replaces lr's body.
// Fill reports whether rec was written whole.
func (w *Writer) Fill(lr plog.LogRecord, rec *record.Record) bool {
	rec.WhenUnparsed(record.StandAnnotates)
	w.Write(lr, rec)
	return rec.Stand == record.StandWhole
}

// NewRecord appends a fresh log record for rec to lrs: the way to build
// records from scratch (the Fluent Bit plugin). A record nothing could
// parse replaces what was received (record.StandReplaces): it keeps its
// text as body and every attribute it has; its time, severity and event
// name stay unset, as the collector processor leaves them.
func (w *Writer) NewRecord(lrs plog.LogRecordSlice, rec *record.Record) plog.LogRecord {
	lr := lrs.AppendEmpty()
	rec.WhenUnparsed(record.StandReplaces)
	w.Write(lr, rec)
	return lr
}

// Fill is Writer.Fill with a Writer of its own.
func Fill(lr plog.LogRecord, rec *record.Record) bool {
	var w Writer
	return w.Fill(lr, rec)
}

// NewRecord is Writer.NewRecord with a Writer of its own.
func NewRecord(lrs plog.LogRecordSlice, rec *record.Record) plog.LogRecord {
	var w Writer
	return w.NewRecord(lrs, rec)
}

// Write has rec write the fields its Stand says into lr, in one pass.
func (w *Writer) Write(lr plog.LogRecord, rec *record.Record) {
	w.lr, w.attrs = lr, lr.Attributes()
	w.attrs.EnsureCapacity(w.attrs.Len() + len(rec.Attrs))
	rec.Write(w)
	// A reused Writer must not keep the batch alive.
	w.lr, w.attrs = plog.LogRecord{}, pcommon.Map{}
}

// Time sets the timestamp.
func (w *Writer) Time(t time.Time) { w.lr.SetTimestamp(pcommon.NewTimestampFromTime(t)) }

// ObservedTime sets the observed timestamp, unless the log record has one:
// when it was observed first is kept.
func (w *Writer) ObservedTime(t time.Time) {
	if w.lr.ObservedTimestamp() == 0 {
		w.lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(t))
	}
}

// Severity sets the severity number and text.
func (w *Writer) Severity(number int32, text string) {
	w.lr.SetSeverityNumber(plog.SeverityNumber(number))
	w.lr.SetSeverityText(text)
}

// EventName sets the event name.
func (w *Writer) EventName(name string) { w.lr.SetEventName(name) }

// Body sets a string body.
func (w *Writer) Body(body string) {
	// The body most often is the text the record came from: setting it
	// again would cost a value allocation for nothing.
	if b := w.lr.Body(); b.Type() != pcommon.ValueTypeStr || b.Str() != body {
		b.SetStr(body)
	}
}

// BodyMap sets a map body (an OCSF event).
func (w *Writer) BodyMap(members []record.Attr) {
	putMembers(w.lr.Body().SetEmptyMap(), members)
}

// Attr puts one attribute, overwriting one of the same key in place.
func (w *Writer) Attr(a *record.Attr) { put(w.attrs, a) }

// AttrMap puts a map attribute (flat members, see record.Attr).
func (w *Writer) AttrMap(key string, members []record.Attr) {
	putMembers(w.attrs.PutEmptyMap(key), members)
}

// put puts a's value under its key in m, overwriting one of the same key.
func put(m pcommon.Map, a *record.Attr) {
	switch a.Kind {
	case record.KindInt:
		m.PutInt(a.Key, a.Int)
	case record.KindBool:
		m.PutBool(a.Key, a.Bool)
	case record.KindStrings:
		s := m.PutEmptySlice(a.Key)
		s.EnsureCapacity(len(a.Strs))
		for _, v := range a.Strs {
			s.AppendEmpty().SetStr(v)
		}
	default:
		m.PutStr(a.Key, a.Str)
	}
}

// putMembers puts the flat map members (see record.Attr) into m.
func putMembers(m pcommon.Map, members []record.Attr) {
	m.EnsureCapacity(record.Len(members))
	for i := 0; i < len(members); i = record.Next(members, i) {
		if a := &members[i]; a.Kind == record.KindMap {
			putMembers(m.PutEmptyMap(a.Key), record.Members(members, i))
		} else {
			put(m, a)
		}
	}
}
