package main

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/record"
)

// The OTLP/HTTP request body, written straight from core records as
// protobuf (opentelemetry/proto/collector/logs/v1 ExportLogsServiceRequest),
// without building pdata: building pdata cost about 19 allocations a record
// and a second pass to marshal it, and linking pdata made the plugin's .so
// larger, pages that stay resident in Fluent Bit. A record's LogRecord is
// written by protoRecord, a record.FieldWriter driven by Record.Write as
// pdataconv's Writer is: which fields a record has, in which order, with
// which keys, is the record's to say (its Stand, its unique keys), not a
// copy of pdataconv's calls. The bytes decode to exactly the pdata that
// internal/pdataconv.NewRecord builds, resources and scope included
// (TestOTLPProtoMatchesPdata).

// Field keys (field number << 3 | wire type) of the messages written here.
const (
	pbRequestResourceLogs = 1<<3 | 2 // ExportLogsServiceRequest.resource_logs
	pbResourceLogsRes     = 1<<3 | 2 // ResourceLogs.resource
	pbResourceScopeLogs   = 2<<3 | 2 // ResourceLogs.scope_logs
	pbResourceAttributes  = 1<<3 | 2 // Resource.attributes
	pbScopeLogsScope      = 1<<3 | 2 // ScopeLogs.scope
	pbScopeLogRecords     = 2<<3 | 2 // ScopeLogs.log_records
	pbScopeName           = 1<<3 | 2 // InstrumentationScope.name
	pbLogTime             = 1<<3 | 1 // LogRecord.time_unix_nano, fixed64
	pbLogSeverityNumber   = 2<<3 | 0
	pbLogSeverityText     = 3<<3 | 2
	pbLogBody             = 5<<3 | 2
	pbLogAttributes       = 6<<3 | 2
	pbLogObservedTime     = 11<<3 | 1 // fixed64
	pbLogEventName        = 12<<3 | 2
	pbKVKey               = 1<<3 | 2
	pbKVValue             = 2<<3 | 2
	pbAnyString           = 1<<3 | 2
	pbAnyBool             = 2<<3 | 0
	pbAnyInt              = 3<<3 | 0
	pbAnyArray            = 5<<3 | 2
	pbAnyKVList           = 6<<3 | 2
	pbArrayValues         = 1<<3 | 2
	pbKVListValues        = 1<<3 | 2 // KeyValueList.values
)

// otlpScope names the plugin as the records' instrumentation scope.
const otlpScope = "github.com/pamaudit/pamaudit/fluentbit"

// pbScope is every ScopeLogs' scope field: InstrumentationScope{name:
// otlpScope}.
var pbScope = func() []byte {
	b := binary.AppendUvarint([]byte{pbScopeLogsScope}, uint64(pbStringFieldLen(len(otlpScope))))
	return pbAppendString(b, pbScopeName, otlpScope)
}()

// protoWriter encodes a chunk's records as the request's ResourceLogs: one
// per distinct resource (kubernetes.go), in the order of each resource's
// first record, each with one ScopeLogs of scope otlpScope holding that
// resource's records in arrival order. Records without a resource share a
// ResourceLogs with an empty resource. Reused from chunk to chunk; not for
// concurrent use.
type protoWriter struct {
	groups []protoGroup // groups[:ng] are this chunk's; the rest keep their buffers
	ng     int
	index  map[string]int // resource key (appendResourceKey) -> its group
	last   int            // the group of the previous record
	key    []byte         // the resource key of the record being added
	rec    []byte         // the record being encoded, its buffer kept
	enc    protoRecord    // encodes a record into rec
	n      int            // records in the chunk
}

// protoGroup is one resource's ResourceLogs in the making.
type protoGroup struct {
	key      []byte // appendResourceKey of the resource
	resource []byte // the encoded Resource message
	records  []byte // the encoded log_records fields so far
}

func (w *protoWriter) reset() {
	w.ng, w.n, w.last = 0, 0, 0
	clear(w.index)
}

// size is the memory the writer's buffers hold, for scratch.trim.
func (w *protoWriter) size() int {
	n := cap(w.rec) + cap(w.key)
	for i := range w.groups {
		g := &w.groups[i]
		n += cap(g.key) + cap(g.resource) + cap(g.records)
	}
	return n
}

// group returns the group of the resource res, a new one after the others
// for a resource not seen yet in this chunk. Consecutive records mostly
// share their resource (one pod's log file), so the previous record's group
// is tried first.
func (w *protoWriter) group(res []core.Attr) *protoGroup {
	w.key = appendResourceKey(w.key[:0], res)
	if w.ng > 0 && bytes.Equal(w.groups[w.last].key, w.key) {
		return &w.groups[w.last]
	}
	if i, ok := w.index[string(w.key)]; ok {
		w.last = i
		return &w.groups[i]
	}
	if w.ng == len(w.groups) {
		w.groups = append(w.groups, protoGroup{})
	}
	w.last = w.ng
	w.ng++
	g := &w.groups[w.last]
	g.key = append(g.key[:0], w.key...)
	g.records = g.records[:0]
	// Resource attributes are strings, their keys unique (kubernetes.go).
	g.resource = appendAttrs(g.resource[:0], pbResourceAttributes, res)
	if w.index == nil {
		w.index = make(map[string]int)
	}
	w.index[string(g.key)] = w.last
	return g
}

// appendRequest appends the ExportLogsServiceRequest holding the chunk's
// records to b.
func (w *protoWriter) appendRequest(b []byte) []byte {
	for i := range w.groups[:w.ng] {
		g := &w.groups[i]
		sl := len(pbScope) + len(g.records)
		rl := 1 + pbVarintLen(uint64(len(g.resource))) + len(g.resource) + 1 + pbVarintLen(uint64(sl)) + sl
		b = append(b, pbRequestResourceLogs)
		b = binary.AppendUvarint(b, uint64(rl))
		b = append(b, pbResourceLogsRes)
		b = binary.AppendUvarint(b, uint64(len(g.resource)))
		b = append(b, g.resource...)
		b = append(b, pbResourceScopeLogs)
		b = binary.AppendUvarint(b, uint64(sl))
		b = append(b, pbScope...)
		b = append(b, g.records...)
	}
	return b
}

// add encodes rec as pdataconv.NewRecord builds it: a record nothing
// parsed replaces the Fluent Bit record (record.StandReplaces), so a new
// log record holds its observed time, text and attributes.
func (w *protoWriter) add(rec *core.Record, res []core.Attr) {
	g := w.group(res)
	rec.WhenUnparsed(record.StandReplaces)
	w.enc.b = w.rec[:0]
	rec.Write(&w.enc)
	b := w.enc.b
	w.rec, w.enc.b = b, nil
	g.records = append(g.records, pbScopeLogRecords)
	g.records = binary.AppendUvarint(g.records, uint64(len(b)))
	g.records = append(g.records, b...)
	w.n++
}

// protoRecord is the OTLP protobuf record.FieldWriter: it appends a
// LogRecord's fields to b. Fields that proto3 leaves out when zero are
// left out.
type protoRecord struct{ b []byte }

var _ record.FieldWriter = (*protoRecord)(nil)

func (e *protoRecord) Time(t time.Time) {
	if ts := timestamp(t); ts != 0 {
		e.b = pbAppendFixed64(e.b, pbLogTime, ts)
	}
}

func (e *protoRecord) ObservedTime(t time.Time) {
	if ts := timestamp(t); ts != 0 {
		e.b = pbAppendFixed64(e.b, pbLogObservedTime, ts)
	}
}

func (e *protoRecord) Severity(number int32, text string) {
	if number != 0 {
		e.b = append(e.b, pbLogSeverityNumber)
		e.b = binary.AppendUvarint(e.b, uint64(int64(number)))
	}
	if text != "" {
		e.b = pbAppendString(e.b, pbLogSeverityText, text)
	}
}

func (e *protoRecord) EventName(name string) {
	if name != "" {
		e.b = pbAppendString(e.b, pbLogEventName, name)
	}
}

// Body writes AnyValue{string_value}, set even when empty.
func (e *protoRecord) Body(body string) {
	e.b = append(e.b, pbLogBody)
	e.b = binary.AppendUvarint(e.b, uint64(pbStringFieldLen(len(body))))
	e.b = pbAppendString(e.b, pbAnyString, body)
}

// BodyMap writes AnyValue{kvlist_value}: lengths patched in once written.
func (e *protoRecord) BodyMap(members []core.Attr) {
	b := append(e.b, pbLogBody, 0)
	av := len(b)
	b = append(b, pbAnyKVList, 0)
	list := len(b)
	b = appendAttrs(b, pbKVListValues, members)
	b = pbPatchLen(b, list)
	e.b = pbPatchLen(b, av)
}

func (e *protoRecord) Attr(a *core.Attr) { e.b = appendScalar(e.b, pbLogAttributes, a.Key, a) }

func (e *protoRecord) AttrMap(key string, members []core.Attr) {
	e.b = pbAppendMap(e.b, pbLogAttributes, key, members)
}

// timestamp is pcommon.NewTimestampFromTime; a zero result is not written,
// as proto3 leaves zero scalars out.
func timestamp(t time.Time) uint64 { return uint64(t.UnixNano()) }

// appendAttrs appends the entries of the flat list (core.Attr: a map's
// members follow it; keys unique, record.Unique) as KeyValue fields field.
func appendAttrs(b []byte, field byte, list []core.Attr) []byte {
	for i := 0; i < len(list); i = record.Next(list, i) {
		if a := &list[i]; a.Kind == core.KindMap {
			b = pbAppendMap(b, field, a.Key, record.Members(list, i))
		} else {
			b = appendScalar(b, field, a.Key, a)
		}
	}
	return b
}

// pbAppendMap appends KeyValue{key, kvlist_value of members} as the field
// field (a log record's attributes, a map's members).
func pbAppendMap(b []byte, field byte, key string, members []core.Attr) []byte {
	// Lengths patched in once written.
	b = append(b, field, 0)
	kv := len(b)
	b = pbAppendString(b, pbKVKey, key)
	b = append(b, pbKVValue, 0)
	av := len(b)
	b = append(b, pbAnyKVList, 0)
	list := len(b)
	b = appendAttrs(b, pbKVListValues, members)
	b = pbPatchLen(b, list)
	b = pbPatchLen(b, av)
	return pbPatchLen(b, kv)
}

// appendScalar appends KeyValue{key, a's value} as the field field, a not
// a map.
func appendScalar(b []byte, field byte, key string, a *core.Attr) []byte {
	var vlen int // the AnyValue's length
	switch a.Kind {
	case core.KindInt:
		vlen = 1 + pbVarintLen(uint64(a.Int))
	case core.KindBool:
		vlen = 2
	case core.KindStrings:
		n := arrayLen(a.Strs)
		vlen = 1 + pbVarintLen(uint64(n)) + n
	default:
		vlen = pbStringFieldLen(len(a.Str))
	}
	kv := pbStringFieldLen(len(key)) + 1 + pbVarintLen(uint64(vlen)) + vlen
	b = append(b, field)
	b = binary.AppendUvarint(b, uint64(kv))
	b = pbAppendString(b, pbKVKey, key)
	b = append(b, pbKVValue)
	b = binary.AppendUvarint(b, uint64(vlen))
	switch a.Kind {
	case core.KindInt:
		b = append(b, pbAnyInt)
		b = binary.AppendUvarint(b, uint64(a.Int))
	case core.KindBool:
		v := byte(0)
		if a.Bool {
			v = 1
		}
		b = append(b, pbAnyBool, v)
	case core.KindStrings:
		b = append(b, pbAnyArray)
		b = binary.AppendUvarint(b, uint64(arrayLen(a.Strs)))
		for _, s := range a.Strs {
			b = append(b, pbArrayValues)
			b = binary.AppendUvarint(b, uint64(pbStringFieldLen(len(s))))
			b = pbAppendString(b, pbAnyString, s)
		}
	default:
		b = pbAppendString(b, pbAnyString, a.Str)
	}
	return b
}

// pbPatchLen writes the length of the message b[start:] into the one byte
// before it, reserved when the message was begun, moving the message on
// when its length takes more bytes than that.
func pbPatchLen(b []byte, start int) []byte {
	n := len(b) - start
	l := pbVarintLen(uint64(n))
	if l > 1 {
		b = append(b, make([]byte, l-1)...)
		copy(b[start+l-1:], b[start:start+n])
	}
	binary.PutUvarint(b[start-1:], uint64(n))
	return b
}

// arrayLen is the encoded length of an ArrayValue of strings.
func arrayLen(strs []string) int {
	n := 0
	for _, s := range strs {
		l := pbStringFieldLen(len(s))
		n += 1 + pbVarintLen(uint64(l)) + l
	}
	return n
}

// pbStringFieldLen is the length of a one-byte-key string field of n bytes.
func pbStringFieldLen(n int) int { return 1 + pbVarintLen(uint64(n)) + n }

func pbVarintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

func pbAppendString(b []byte, key byte, s string) []byte {
	b = append(b, key)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func pbAppendFixed64(b []byte, key byte, v uint64) []byte {
	return binary.LittleEndian.AppendUint64(append(b, key), v)
}
