// Package record is the bottom layer of pamaudit: the Record every parser
// fills and every face encodes, its attribute names, its errors, and the one
// field visitor (Write) that drives every encoding.
package record

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Kind is the type of an attribute value.
type Kind uint8

// Attribute value kinds; they map one to one onto OpenTelemetry's AnyValue
// kinds (string, int, bool, array of strings).
const (
	KindString Kind = iota + 1
	KindInt
	KindBool
	KindStrings
)

// Attr is one attribute of a Record: a key and a typed value. Only the field
// that matches Kind is meaningful.
type Attr struct {
	Key  string
	Str  string
	Strs []string
	Int  int64
	Kind Kind
	Bool bool
}

// Record is one audit event, shaped like an OpenTelemetry LogRecord.
//
// A Record returned by Parser.Parse is owned by the Parser and is valid only
// until the next call to Parse: its slices are reused. Copy what you keep.
type Record struct {
	Time           time.Time // the event's own time; zero when unknown
	ObservedTime   time.Time // when the parser saw the record
	SeverityNumber int32     // OpenTelemetry severity number (INFO = 9)
	SeverityText   string
	EventName      string // <product>.<event>
	Body           string
	Attrs          []Attr
	Format         Format // the product that parsed it; FormatAuto when none did
}

// OpenTelemetry severity numbers (the first of each range).
const (
	SevTrace int32 = 1
	SevDebug int32 = 5
	SevInfo  int32 = 9
	SevWarn  int32 = 13
	SevError int32 = 17
	SevFatal int32 = 21
)

// SeverityText gives the text for a severity number.
func SeverityText(n int32) string {
	switch {
	case n >= SevFatal:
		return "FATAL"
	case n >= SevError:
		return "ERROR"
	case n >= SevWarn:
		return "WARN"
	case n >= SevInfo:
		return "INFO"
	case n >= SevDebug:
		return "DEBUG"
	case n >= SevTrace:
		return "TRACE"
	}
	return ""
}

// Reset empties the record for the next parse, keeping its memory.
func (r *Record) Reset() {
	r.Time = time.Time{}
	r.SeverityNumber = 0
	r.SeverityText = ""
	r.EventName = ""
	r.Body = ""
	r.Attrs = r.Attrs[:0]
	r.Format = FormatAuto
}

// SetSeverity sets the severity number and its text.
func (r *Record) SetSeverity(n int32) {
	r.SeverityNumber = n
	r.SeverityText = SeverityText(n)
}

// Get returns the attribute with the given key.
func (r *Record) Get(key string) (Attr, bool) {
	for i := range r.Attrs {
		if r.Attrs[i].Key == key {
			return r.Attrs[i], true
		}
	}
	return Attr{}, false
}

// Index returns the position of key in Attrs, or -1.
func (r *Record) Index(key string) int {
	for i := range r.Attrs {
		if r.Attrs[i].Key == key {
			return i
		}
	}
	return -1
}

// FieldWriter receives a record's fields in the order every encoding writes
// them: time (only when known), severity, event name, body, then each
// attribute. NDJSON, the Fluent Bit MessagePack writer and the pdata
// conversion are FieldWriters, so the three encodings cannot drift apart.
type FieldWriter interface {
	Time(t time.Time)
	Severity(number int32, text string)
	EventName(name string)
	Body(body string)
	Attr(a *Attr)
}

// Write passes the record's fields to w, in order.
func (r *Record) Write(w FieldWriter) {
	if !r.Time.IsZero() {
		w.Time(r.Time)
	}
	w.Severity(r.SeverityNumber, r.SeverityText)
	w.EventName(r.EventName)
	w.Body(r.Body)
	for i := range r.Attrs {
		w.Attr(&r.Attrs[i])
	}
}

// AppendJSON appends the record as one JSON object, the shape `pamaudit parse`
// prints:
//
//	{"time":…,"severity_number":…,"severity_text":…,"event_name":…,"body":…,"attributes":{…}}
//
// time is RFC 3339 with nanoseconds in UTC and is left out when unknown.
func (r *Record) AppendJSON(dst []byte) []byte {
	w := jsonWriter{b: append(dst, '{')}
	r.Write(&w)
	if w.attrs == 0 {
		w.b = append(w.b, `,"attributes":{`...)
	}
	return append(w.b, "}}"...)
}

// jsonWriter is the NDJSON FieldWriter.
type jsonWriter struct {
	b     []byte
	attrs int
}

func (w *jsonWriter) Time(t time.Time) {
	w.b = append(w.b, `"time":"`...)
	w.b = t.UTC().AppendFormat(w.b, time.RFC3339Nano)
	w.b = append(w.b, `",`...)
}

func (w *jsonWriter) Severity(n int32, text string) {
	w.b = append(w.b, `"severity_number":`...)
	w.b = strconv.AppendInt(w.b, int64(n), 10)
	w.b = append(w.b, `,"severity_text":`...)
	w.b = AppendJSONString(w.b, text)
}

func (w *jsonWriter) EventName(s string) {
	w.b = append(w.b, `,"event_name":`...)
	w.b = AppendJSONString(w.b, s)
}

func (w *jsonWriter) Body(s string) {
	w.b = append(w.b, `,"body":`...)
	w.b = AppendJSONString(w.b, s)
}

func (w *jsonWriter) Attr(a *Attr) {
	if w.attrs == 0 {
		w.b = append(w.b, `,"attributes":{`...)
	} else {
		w.b = append(w.b, ',')
	}
	w.attrs++
	w.b = AppendJSONString(w.b, a.Key)
	w.b = append(w.b, ':')
	switch a.Kind {
	case KindInt:
		w.b = strconv.AppendInt(w.b, a.Int, 10)
	case KindBool:
		w.b = strconv.AppendBool(w.b, a.Bool)
	case KindStrings:
		w.b = append(w.b, '[')
		for j, s := range a.Strs {
			if j > 0 {
				w.b = append(w.b, ',')
			}
			w.b = AppendJSONString(w.b, s)
		}
		w.b = append(w.b, ']')
	default:
		w.b = AppendJSONString(w.b, a.Str)
	}
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD so
// the output is always valid JSON.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
