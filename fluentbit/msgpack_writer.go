package main

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/record"
)

// A MessagePack writer for the forward output: append functions for the few
// types it sends, and recordWriter, which encodes a record.

// recordWriter encodes a record as the map `pamaudit parse` prints, in the
// layout of the record's schema (record.DocNames): otel's time,
// severity_number, severity_text, event_name, body and attributes; ECS's
// fields and attributes side by side; the OCSF event alone. It is a
// record.FieldWriter driven by Record.Write, so the map holds what NDJSON
// and OTLP hold, in the same order. Reused from record to record; not for
// concurrent use.
type recordWriter struct {
	b      []byte
	names  *record.DocName
	head   int  // offset of the room kept for the record map's header
	fields int  // pairs written in the record map
	attrAt int  // offset of the room kept for the attributes map's header
	attrs  int  // attributes written
	timed  bool // the time is written
	tbuf   []byte
}

// headerRoom is the room kept for a map header whose count is known only at
// the end: the largest form (map 32). Write gives the fields one at a time.
const headerRoom = 5

// appendRecord appends rec to b as a map.
func (w *recordWriter) appendRecord(b []byte, rec *core.Record) []byte {
	w.b, w.names, w.fields, w.attrs = b, &record.DocNames[rec.Schema], 0, 0
	w.head = len(w.b)
	w.b = append(w.b, make([]byte, headerRoom)...)
	w.timed = false
	rec.Write(w)
	if w.names.Attributes != "" {
		w.endAttrs()
	}
	w.b = closeMap(w.b, w.head, w.fields)
	b, w.b = w.b, nil // the caller owns the bytes
	return b
}

// key writes the key of a pair of the record map.
func (w *recordWriter) key(k string) {
	w.fields++
	w.b = appendStr(w.b, k)
}

func (w *recordWriter) Time(t time.Time) {
	if w.names.Time == "" {
		return
	}
	w.key(w.names.Time)
	w.tbuf = t.UTC().AppendFormat(w.tbuf[:0], time.RFC3339Nano)
	w.b = appendStr(w.b, w.tbuf)
	w.timed = true
}

func (w *recordWriter) ObservedTime(t time.Time) {
	if w.names.ObservedForTime && !w.timed && !t.IsZero() {
		w.Time(t)
	}
}

func (w *recordWriter) Severity(number int32, text string) {
	if w.names.SeverityNumber != "" {
		w.key(w.names.SeverityNumber)
		w.b = appendInt(w.b, int64(number))
	}
	if w.names.SeverityText != "" {
		w.key(w.names.SeverityText)
		w.b = appendStr(w.b, text)
	}
}

func (w *recordWriter) EventName(name string) {
	if w.names.EventName != "" {
		w.key(w.names.EventName)
		w.b = appendStr(w.b, name)
	}
}

func (w *recordWriter) Body(body string) {
	if w.names.Body != "" {
		w.key(w.names.Body)
		w.b = appendStr(w.b, body)
	}
}

func (w *recordWriter) BodyMap(members []core.Attr) {
	if w.names.BodyIsDoc {
		// The record is the map: its members are the record's pairs.
		for i := 0; i < len(members); i = record.Next(members, i) {
			w.key(members[i].Key)
			w.b = appendMember(w.b, members, i)
		}
		return
	}
	if w.names.Body != "" {
		w.key(w.names.Body)
		w.b = appendMap(w.b, members)
	}
}

func (w *recordWriter) Attr(a *core.Attr) {
	if w.attrKey(a.Key) {
		w.b = appendAttrValue(w.b, a)
	}
}

func (w *recordWriter) AttrMap(key string, members []core.Attr) {
	if w.attrKey(key) {
		w.b = appendMap(w.b, members)
	}
}

// attrKey writes an attribute's key where the layout puts attributes, and
// reports whether it has a place for them.
func (w *recordWriter) attrKey(k string) bool {
	switch {
	case w.names.BodyIsDoc:
		return false // the record is the body map
	case w.names.Attributes == "":
		w.key(k)
		return true
	}
	if w.attrs == 0 {
		w.key(w.names.Attributes)
		w.attrAt = len(w.b)
		w.b = append(w.b, make([]byte, headerRoom)...)
	}
	w.attrs++
	w.b = appendStr(w.b, k)
	return true
}

// endAttrs closes the attributes map; without attributes it writes an
// empty one.
func (w *recordWriter) endAttrs() {
	if w.attrs == 0 {
		w.key(w.names.Attributes)
		w.b = appendMapHeader(w.b, 0)
		return
	}
	w.b = closeMap(w.b, w.attrAt, w.attrs)
}

// closeMap writes the header of a map of n pairs, in its smallest form, into
// the room kept for it at b[at:] and moves the pairs up to close the gap.
func closeMap(b []byte, at, n int) []byte {
	var room [headerRoom]byte
	h := appendMapHeader(room[:0], n)
	end := at + copy(b[at:], h)
	return append(b[:end], b[at+headerRoom:]...)
}

// appendValue writes an attribute's value.
func appendAttrValue(b []byte, a *core.Attr) []byte {
	switch a.Kind {
	case core.KindInt:
		return appendInt(b, a.Int)
	case core.KindBool:
		return appendBool(b, a.Bool)
	case core.KindStrings:
		b = appendArrayHeader(b, len(a.Strs))
		for _, s := range a.Strs {
			b = appendStr(b, s)
		}
		return b
	}
	return appendStr(b, a.Str)
}

// appendMember writes the value of members[i] of a flat map.
func appendMember(b []byte, members []core.Attr, i int) []byte {
	if members[i].Kind == core.KindMap {
		return appendMap(b, record.Members(members, i))
	}
	return appendAttrValue(b, &members[i])
}

// appendMap writes the flat map members (see record.Attr) as a map.
func appendMap(b []byte, members []core.Attr) []byte {
	b = appendMapHeader(b, record.Len(members))
	for i := 0; i < len(members); i = record.Next(members, i) {
		b = appendStr(b, members[i].Key)
		b = appendMember(b, members, i)
	}
	return b
}

func appendMapHeader(b []byte, n int) []byte   { return appendHeader(b, n, 0x80, 0xde) }
func appendArrayHeader(b []byte, n int) []byte { return appendHeader(b, n, 0x90, 0xdc) }

// appendHeader writes a map or array header: the fix form (fix|n) below 16,
// else c16 with 16 bits or the next code with 32 bits of length.
func appendHeader(b []byte, n int, fix, c16 byte) []byte {
	switch {
	case n < 16:
		return append(b, fix|byte(n))
	case n <= math.MaxUint16:
		return append(b, c16, byte(n>>8), byte(n))
	}
	return append(b, c16+1, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// appendStr writes a str; it takes bytes too, so formatted text needs no
// string copy.
func appendStr[S string | []byte](b []byte, s S) []byte {
	n := len(s)
	switch {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n <= math.MaxUint8:
		b = append(b, 0xd9, byte(n))
	case n <= math.MaxUint16:
		b = append(b, 0xda, byte(n>>8), byte(n))
	default:
		b = append(b, 0xdb, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, s...)
}

func appendInt(b []byte, v int64) []byte {
	if v >= 0 && v < 128 {
		return append(b, byte(v))
	}
	if v < 0 && v >= -32 {
		return append(b, byte(int8(v)))
	}
	b = append(b, 0xd3)
	return binary.BigEndian.AppendUint64(b, uint64(v))
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 0xc3)
	}
	return append(b, 0xc2)
}

// appendEventTime writes Fluent's EventTime: ext type 0, seconds and
// nanoseconds as two big-endian uint32.
func appendEventTime(b []byte, t time.Time) []byte {
	b = append(b, 0xd7, 0x00)
	b = binary.BigEndian.AppendUint32(b, uint32(t.Unix()))
	return binary.BigEndian.AppendUint32(b, uint32(t.Nanosecond()))
}
