package main

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/pamaudit/pamaudit/core"
)

// A MessagePack writer for the forward output: append functions for the few
// types it sends, and recordWriter, which encodes a record.

// recordWriter encodes a record as the map `pamaudit parse` prints (time,
// severity_number, severity_text, event_name, body, attributes). It is a
// record.FieldWriter driven by Record.Write, so the map holds what NDJSON and
// OTLP hold, in the same order. Reused from record to record; not for
// concurrent use.
type recordWriter struct {
	b      []byte
	head   int // offset of the record map's header
	attrAt int // offset of the room kept for the attributes map's header
	attrs  int // attributes written
	tbuf   []byte
}

// attrHeaderRoom is the room kept for the attributes map's header: the
// largest (map 32). Write gives the attributes one at a time, so their count
// is known only at the end.
const attrHeaderRoom = 5

// appendRecord appends rec to b as a map.
func (w *recordWriter) appendRecord(b []byte, rec *core.Record) []byte {
	w.b, w.head, w.attrs = b, len(b), 0
	// severity_number, severity_text, event_name, body and attributes; Time
	// adds one.
	w.b = appendMapHeader(w.b, 5)
	rec.Write(w)
	w.endAttrs()
	b, w.b = w.b, nil // the caller owns the bytes
	return b
}

func (w *recordWriter) Time(t time.Time) {
	w.b[w.head]++ // a fixmap header: its low bits count the pairs
	w.b = appendStr(w.b, "time")
	w.tbuf = t.UTC().AppendFormat(w.tbuf[:0], time.RFC3339Nano)
	w.b = appendStr(w.b, w.tbuf)
}

func (w *recordWriter) Severity(number int32, text string) {
	w.b = appendStr(w.b, "severity_number")
	w.b = appendInt(w.b, int64(number))
	w.b = appendStr(w.b, "severity_text")
	w.b = appendStr(w.b, text)
}

func (w *recordWriter) EventName(name string) {
	w.b = appendStr(w.b, "event_name")
	w.b = appendStr(w.b, name)
}

func (w *recordWriter) Body(body string) {
	w.b = appendStr(w.b, "body")
	w.b = appendStr(w.b, body)
}

func (w *recordWriter) Attr(a *core.Attr) {
	if w.attrs == 0 {
		w.b = appendStr(w.b, "attributes")
		w.attrAt = len(w.b)
		w.b = append(w.b, make([]byte, attrHeaderRoom)...)
	}
	w.attrs++
	w.b = appendStr(w.b, a.Key)
	switch a.Kind {
	case core.KindInt:
		w.b = appendInt(w.b, a.Int)
	case core.KindBool:
		w.b = appendBool(w.b, a.Bool)
	case core.KindStrings:
		w.b = appendArrayHeader(w.b, len(a.Strs))
		for _, s := range a.Strs {
			w.b = appendStr(w.b, s)
		}
	default:
		w.b = appendStr(w.b, a.Str)
	}
}

// endAttrs writes the attributes map's header, in its smallest form, into the
// room kept for it and moves the attributes up to close the gap; without
// attributes it writes an empty map.
func (w *recordWriter) endAttrs() {
	if w.attrs == 0 {
		w.b = appendStr(w.b, "attributes")
		w.b = appendMapHeader(w.b, 0)
		return
	}
	var room [attrHeaderRoom]byte
	h := appendMapHeader(room[:0], w.attrs)
	at := w.attrAt + copy(w.b[w.attrAt:], h)
	w.b = append(w.b[:at], w.b[w.attrAt+attrHeaderRoom:]...)
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
