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
// larger, pages that stay resident in Fluent Bit. The bytes decode to
// exactly the pdata that internal/pdataconv.NewRecord builds, resources and
// scope included (TestOTLPProtoMatchesPdata), so the plugin and the
// collector processor still cannot send different records.

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
	rec    []byte         // the record being encoded
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
	// Resource attributes are strings; a key given twice keeps its first
	// position and its last value, as pcommon.Map.PutStr does.
	g.resource = appendAttrs(g.resource[:0], pbResourceAttributes, res, passAll)
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

// add encodes rec as pdataconv.NewRecord builds it: a parsed record (one
// with an event name, or an OCSF event: a body map) with its time when
// known, observed time, severity, event name, body and attributes; any
// other with its observed time, body and attributes, the error attributes
// (error.type, error.message, ECS's event.kind and ecs.version) first.
// Attributes, and the members of every map, keep the first position of a
// key and its last value, as pcommon.Map.Put does.
func (w *protoWriter) add(rec *core.Record, res []core.Attr) {
	g := w.group(res)
	b := w.rec[:0]
	parsed := rec.EventName != "" || rec.BodyMap != nil
	if parsed && !rec.Time.IsZero() {
		if ts := timestamp(rec.Time); ts != 0 {
			b = pbAppendFixed64(b, pbLogTime, ts)
		}
	}
	if ts := timestamp(rec.ObservedTime); ts != 0 {
		b = pbAppendFixed64(b, pbLogObservedTime, ts)
	}
	if parsed {
		if rec.SeverityNumber != 0 {
			b = append(b, pbLogSeverityNumber)
			b = binary.AppendUvarint(b, uint64(int64(rec.SeverityNumber)))
		}
		if rec.SeverityText != "" {
			b = pbAppendString(b, pbLogSeverityText, rec.SeverityText)
		}
		if rec.EventName != "" {
			b = pbAppendString(b, pbLogEventName, rec.EventName)
		}
	}
	if rec.BodyMap != nil {
		// AnyValue{kvlist_value}: lengths patched in once written.
		b = append(b, pbLogBody, 0)
		av := len(b)
		b = append(b, pbAnyKVList, 0)
		list := len(b)
		b = appendAttrs(b, pbKVListValues, rec.BodyMap, passAll)
		b = pbPatchLen(b, list)
		b = pbPatchLen(b, av)
	} else {
		// AnyValue{string_value}, set even when empty.
		b = append(b, pbLogBody)
		b = binary.AppendUvarint(b, uint64(pbStringFieldLen(len(rec.Body))))
		b = pbAppendString(b, pbAnyString, rec.Body)
	}
	if parsed {
		b = appendAttrs(b, pbLogAttributes, rec.Attrs, passAll)
	} else {
		// Fill's error attributes, then NewRecord's loop over them all.
		b = appendAttrs(b, pbLogAttributes, rec.Attrs, passErrors)
		b = appendAttrs(b, pbLogAttributes, rec.Attrs, passRest)
	}
	w.rec = b
	g.records = append(g.records, pbScopeLogRecords)
	g.records = binary.AppendUvarint(g.records, uint64(len(b)))
	g.records = append(g.records, b...)
	w.n++
}

// isErrorAttr tells the attributes pdataconv puts first for a record
// nothing parsed.
func isErrorAttr(k string) bool {
	return k == record.AttrErrorType || k == record.AttrErrorMessage || k == record.AttrEventKind || k == record.AttrECSVersion
}

// timestamp is pcommon.NewTimestampFromTime; a zero result is not written,
// as proto3 leaves zero scalars out.
func timestamp(t time.Time) uint64 { return uint64(t.UnixNano()) }

// keyFilter is a 256-bit filter of attribute keys: a key whose bit is set
// once is unique among its siblings, so only the keys that share a bit are
// compared in full. The parser already merges repeated keys, so real
// duplicates are rare.
type keyFilter [4]uint64

func keyBit(k string) uint {
	n := len(k)
	if n == 0 {
		return 0
	}
	h := uint32(n) | uint32(k[n-1])<<8 | uint32(k[n/2])<<16 | uint32(k[n/3])<<24
	return uint((h * 0x9E3779B1) >> 24)
}

func (f *keyFilter) has(bit uint) bool { return f[bit>>6]&(1<<(bit&63)) != 0 }

// attrPass is which entries of a list appendAttrs writes: all of them, or,
// for a record nothing parsed, pdataconv's two passes: the error attributes
// that are not maps (Fill), then the others (NewRecord).
type attrPass uint8

const (
	passAll attrPass = iota
	passErrors
	passRest
)

// errorPut tells whether pdataconv puts a in its first pass (Fill).
func errorPut(a *core.Attr) bool { return a.Kind != core.KindMap && isErrorAttr(a.Key) }

// appendAttrs appends the entries of the flat list (core.Attr: a map's
// members follow it) as KeyValue fields field, as pcommon.Map.Put builds a
// map of them in the pass given: a key at the position of its first put,
// with the value of its last entry.
func appendAttrs(b []byte, field byte, list []core.Attr, pass attrPass) []byte {
	var seen, twice keyFilter
	var bits [32]uint8 // the first entries' keyBit, for the loop below
	for i := 0; i < len(list); i = record.Next(list, i) {
		bit := keyBit(list[i].Key)
		if i < len(bits) {
			bits[i] = uint8(bit)
		}
		j, m := bit>>6, uint64(1)<<(bit&63)
		twice[j] |= seen[j] & m
		seen[j] |= m
	}
	if pass == passAll && twice == (keyFilter{}) {
		// Every key unique: the common case, written as it comes.
		for i := 0; i < len(list); i++ {
			a := &list[i]
			if a.Kind != core.KindMap {
				b = appendScalar(b, field, a.Key, a)
				continue
			}
			b = appendKeyValue(b, field, a.Key, list, i)
			i += int(a.Int)
		}
		return b
	}
	for i := 0; i < len(list); i = record.Next(list, i) {
		a := &list[i]
		v := i // the entry whose value is written
		bit := uint(0)
		if i < len(bits) {
			bit = uint(bits[i])
		} else {
			bit = keyBit(a.Key)
		}
		if !twice.has(bit) {
			if pass == passErrors && !errorPut(a) || pass == passRest && errorPut(a) {
				continue
			}
		} else {
			if !firstPut(list, i, pass) {
				continue
			}
			for j := record.Next(list, i); j < len(list); j = record.Next(list, j) {
				if list[j].Key == a.Key {
					v = j
				}
			}
		}
		b = appendKeyValue(b, field, a.Key, list, v)
	}
	return b
}

// firstPut tells whether list[i], whose key may repeat, is where pass puts
// its key first.
func firstPut(list []core.Attr, i int, pass attrPass) bool {
	a := &list[i]
	switch {
	case pass == passErrors && !errorPut(a):
		return false
	case pass == passRest && isErrorAttr(a.Key):
		for j := 0; j < len(list); j = record.Next(list, j) {
			if list[j].Key == a.Key && errorPut(&list[j]) {
				return false // put in the first pass
			}
		}
	}
	for j := 0; j < i; j = record.Next(list, j) {
		if list[j].Key == a.Key && (pass != passErrors || errorPut(&list[j])) {
			return false
		}
	}
	return true
}

// appendKeyValue appends KeyValue{key, list[v]'s value} as the field field
// (a log record's or resource's attributes, a map's members).
func appendKeyValue(b []byte, field byte, key string, list []core.Attr, v int) []byte {
	a := &list[v]
	if a.Kind == core.KindMap {
		// AnyValue{kvlist_value}: lengths patched in once written.
		b = append(b, field, 0)
		kv := len(b)
		b = pbAppendString(b, pbKVKey, key)
		b = append(b, pbKVValue, 0)
		av := len(b)
		b = append(b, pbAnyKVList, 0)
		members := len(b)
		b = appendAttrs(b, pbKVListValues, record.Members(list, v), passAll)
		b = pbPatchLen(b, members)
		b = pbPatchLen(b, av)
		return pbPatchLen(b, kv)
	}
	return appendScalar(b, field, key, a)
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
