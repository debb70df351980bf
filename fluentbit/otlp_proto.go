package main

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/record"
)

// The OTLP/HTTP request body, written straight from core records as
// protobuf (opentelemetry/proto/collector/logs/v1 ExportLogsServiceRequest),
// without building pdata: building pdata cost about 19 allocations a record
// and a second pass to marshal it. The bytes decode to exactly the pdata
// that internal/pdataconv.NewRecord builds (TestOTLPProtoMatchesPdata), so
// the plugin and the collector processor still cannot send different
// records. The resource and scope come from a pdata template, marshalled
// once: whatever the instance puts there is sent as pdata would send it.

// Field keys (field number << 3 | wire type) of the messages written here.
const (
	pbRequestResourceLogs = 1<<3 | 2 // ExportLogsServiceRequest.resource_logs
	pbResourceScopeLogs   = 2<<3 | 2 // ResourceLogs.scope_logs
	pbScopeLogRecords     = 2<<3 | 2 // ScopeLogs.log_records
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
	pbArrayValues         = 1<<3 | 2
)

// otlpEnvelope is the request around the log records: the resource logs'
// and scope logs' own fields (resource, scope, schema URLs), as pdata
// marshals them.
type otlpEnvelope struct {
	resourceFields []byte // ResourceLogs fields but scope_logs
	scopeFields    []byte // ScopeLogs fields but log_records
}

// newOTLPEnvelope marshals a template with one resource logs holding one
// scope logs and no records, and keeps their fields.
func newOTLPEnvelope(tmpl plog.Logs) (*otlpEnvelope, error) {
	if tmpl.ResourceLogs().Len() != 1 || tmpl.ResourceLogs().At(0).ScopeLogs().Len() != 1 || tmpl.LogRecordCount() != 0 {
		return nil, errors.New("otlp template: want one resource, one scope, no records")
	}
	var m plog.ProtoMarshaler
	b, err := m.MarshalLogs(tmpl)
	if err != nil {
		return nil, err
	}
	e := &otlpEnvelope{}
	rl, err := pbOnlyField(b, pbRequestResourceLogs)
	if err != nil {
		return nil, err
	}
	var sl []byte
	if e.resourceFields, sl, err = pbSplitField(rl, pbResourceScopeLogs); err != nil {
		return nil, err
	}
	if e.scopeFields, _, err = pbSplitField(sl, pbScopeLogRecords); err != nil {
		return nil, err
	}
	return e, nil
}

// appendRequest appends the request holding records, the encoded
// LogRecord fields (pbScopeLogRecords, length, record) of protoWriter.
func (e *otlpEnvelope) appendRequest(b, records []byte) []byte {
	sl := len(e.scopeFields) + len(records)
	rl := len(e.resourceFields) + 1 + pbVarintLen(uint64(sl)) + sl
	b = append(b, pbRequestResourceLogs)
	b = binary.AppendUvarint(b, uint64(rl))
	b = append(b, e.resourceFields...)
	b = append(b, pbResourceScopeLogs)
	b = binary.AppendUvarint(b, uint64(sl))
	b = append(b, e.scopeFields...)
	return append(b, records...)
}

// pbOnlyField returns the value of the one length-delimited field key that b
// holds.
func pbOnlyField(b []byte, key byte) ([]byte, error) {
	rest, v, err := pbSplitField(b, key)
	if err == nil && (v == nil || len(rest) != 0) {
		err = errors.New("otlp template: unexpected fields")
	}
	return v, err
}

// pbSplitField splits the message b into its fields but the length-delimited
// field key, and that field's value (the last, if repeated; nil if absent).
func pbSplitField(b []byte, key byte) (rest, value []byte, err error) {
	for len(b) > 0 {
		k, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, nil, errors.New("otlp template: bad key")
		}
		size := n
		switch k & 7 {
		case 0:
			_, m := binary.Uvarint(b[n:])
			if m <= 0 {
				return nil, nil, errors.New("otlp template: bad varint")
			}
			size += m
		case 1:
			size += 8
		case 5:
			size += 4
		case 2:
			l, m := binary.Uvarint(b[n:])
			if m <= 0 || l > uint64(len(b)-n-m) {
				return nil, nil, errors.New("otlp template: bad length")
			}
			if k == uint64(key) {
				value = b[n+m : n+m+int(l)]
				b = b[n+m+int(l):]
				continue
			}
			size += m + int(l)
		default:
			return nil, nil, errors.New("otlp template: unexpected wire type")
		}
		if size > len(b) {
			return nil, nil, errors.New("otlp template: truncated")
		}
		rest = append(rest, b[:size]...)
		b = b[size:]
	}
	return rest, value, nil
}

// protoWriter encodes records as ScopeLogs.log_records fields. Reused from
// chunk to chunk; not for concurrent use.
type protoWriter struct {
	grouped bool    // a record carried a resource: the chunk takes otlpSink's path
	records []byte  // the encoded log_records fields of the chunk so far
	rec     []byte  // the record being encoded
	n       int     // records in records
	bits    []uint8 // the record's keys' keyBit
}

func (w *protoWriter) reset() {
	w.records = w.records[:0]
	w.n = 0
	w.grouped = false
}

// add encodes rec as pdataconv.NewRecord builds it: a parsed record (one
// with an event name) with its time when known, observed time, severity,
// event name, body and attributes; any other with its observed time, body
// and attributes, error.type and error.message first. Attributes keep the
// first position of a key and its last value, as pcommon.Map.Put does.
func (w *protoWriter) add(rec *core.Record, res []core.Attr) {
	if len(res) > 0 {
		w.grouped = true // one ResourceLogs per resource: otlpSink builds it
	}
	b := w.rec[:0]
	parsed := rec.EventName != ""
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
		b = pbAppendString(b, pbLogEventName, rec.EventName)
	}
	// body: AnyValue{string_value}, set even when empty.
	b = append(b, pbLogBody)
	b = binary.AppendUvarint(b, uint64(pbStringFieldLen(len(rec.Body))))
	b = pbAppendString(b, pbAnyString, rec.Body)

	attrs := rec.Attrs
	dups := w.attrCollisions(attrs)
	if !parsed {
		// error.type and error.message first, then the rest (Fill, then
		// NewRecord's own loop).
		for i := range attrs {
			if isErrorAttr(attrs[i].Key) {
				b = w.appendAttr(b, attrs, i, &dups)
			}
		}
		for i := range attrs {
			if !isErrorAttr(attrs[i].Key) {
				b = w.appendAttr(b, attrs, i, &dups)
			}
		}
	} else {
		for i := range attrs {
			b = w.appendAttr(b, attrs, i, &dups)
		}
	}
	w.rec = b
	w.records = append(w.records, pbScopeLogRecords)
	w.records = binary.AppendUvarint(w.records, uint64(len(b)))
	w.records = append(w.records, b...)
	w.n++
}

func isErrorAttr(k string) bool {
	return k == record.AttrErrorType || k == record.AttrErrorMessage
}

// timestamp is pcommon.NewTimestampFromTime; a zero result is not written,
// as proto3 leaves zero scalars out.
func timestamp(t time.Time) uint64 { return uint64(pcommon.NewTimestampFromTime(t)) }

// keyFilter is a 256-bit filter of attribute keys: a key whose bit is set
// once is unique in its record, so only the keys that share a bit are
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

// attrCollisions returns the filter of the bits two or more keys share, and
// keeps each key's bit in w.bits for appendAttr.
func (w *protoWriter) attrCollisions(attrs []core.Attr) keyFilter {
	var seen, twice keyFilter
	w.bits = w.bits[:0]
	for i := range attrs {
		bit := keyBit(attrs[i].Key)
		w.bits = append(w.bits, uint8(bit))
		i, m := bit>>6, uint64(1)<<(bit&63)
		twice[i] |= seen[i] & m
		seen[i] |= m
	}
	return twice
}

// appendAttr appends attrs[i] as a LogRecord attribute; a key that may
// repeat is written at its first position with its last value.
func (w *protoWriter) appendAttr(b []byte, attrs []core.Attr, i int, dups *keyFilter) []byte {
	a := &attrs[i]
	if bit := w.bits[i]; dups[bit>>6]&(1<<(bit&63)) != 0 {
		for j := 0; j < i; j++ {
			if attrs[j].Key == a.Key {
				return b // written at j
			}
		}
		for j := len(attrs) - 1; j > i; j-- {
			if attrs[j].Key == a.Key {
				last := attrs[j]
				last.Key = a.Key
				a = &last
				break
			}
		}
	}
	vlen := anyValueLen(a)
	kv := pbStringFieldLen(len(a.Key)) + 1 + pbVarintLen(uint64(vlen)) + vlen
	b = append(b, pbLogAttributes)
	b = binary.AppendUvarint(b, uint64(kv))
	b = pbAppendString(b, pbKVKey, a.Key)
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

// anyValueLen is the encoded length of a's value as an AnyValue.
func anyValueLen(a *core.Attr) int {
	switch a.Kind {
	case core.KindInt:
		return 1 + pbVarintLen(uint64(a.Int))
	case core.KindBool:
		return 2
	case core.KindStrings:
		n := arrayLen(a.Strs)
		return 1 + pbVarintLen(uint64(n)) + n
	}
	return pbStringFieldLen(len(a.Str))
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
