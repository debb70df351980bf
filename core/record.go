package core

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
	sevTrace int32 = 1
	sevDebug int32 = 5
	sevInfo  int32 = 9
	sevWarn  int32 = 13
	sevError int32 = 17
	sevFatal int32 = 21
)

// severityText gives the text for the numbers above.
func severityText(n int32) string {
	switch {
	case n >= sevFatal:
		return "FATAL"
	case n >= sevError:
		return "ERROR"
	case n >= sevWarn:
		return "WARN"
	case n >= sevInfo:
		return "INFO"
	case n >= sevDebug:
		return "DEBUG"
	case n >= sevTrace:
		return "TRACE"
	}
	return ""
}

func (r *Record) reset() {
	r.Time = time.Time{}
	r.SeverityNumber = 0
	r.SeverityText = ""
	r.EventName = ""
	r.Body = ""
	r.Attrs = r.Attrs[:0]
	r.Format = FormatAuto
}

func (r *Record) setSeverity(n int32) {
	r.SeverityNumber = n
	r.SeverityText = severityText(n)
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

// index returns the position of key in Attrs, or -1.
func (r *Record) index(key string) int {
	for i := range r.Attrs {
		if r.Attrs[i].Key == key {
			return i
		}
	}
	return -1
}

// AppendJSON appends the record as one JSON object, the shape `pamaudit parse`
// prints:
//
//	{"time":…,"severity_number":…,"severity_text":…,"event_name":…,"body":…,"attributes":{…}}
//
// time is RFC 3339 with nanoseconds in UTC and is left out when unknown.
func (r *Record) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	if !r.Time.IsZero() {
		dst = append(dst, `"time":"`...)
		dst = r.Time.UTC().AppendFormat(dst, time.RFC3339Nano)
		dst = append(dst, `",`...)
	}
	dst = append(dst, `"severity_number":`...)
	dst = strconv.AppendInt(dst, int64(r.SeverityNumber), 10)
	dst = append(dst, `,"severity_text":`...)
	dst = appendJSONString(dst, r.SeverityText)
	dst = append(dst, `,"event_name":`...)
	dst = appendJSONString(dst, r.EventName)
	dst = append(dst, `,"body":`...)
	dst = appendJSONString(dst, r.Body)
	dst = append(dst, `,"attributes":{`...)
	for i := range r.Attrs {
		a := &r.Attrs[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, a.Key)
		dst = append(dst, ':')
		switch a.Kind {
		case KindInt:
			dst = strconv.AppendInt(dst, a.Int, 10)
		case KindBool:
			dst = strconv.AppendBool(dst, a.Bool)
		case KindStrings:
			dst = append(dst, '[')
			for j, s := range a.Strs {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = appendJSONString(dst, s)
			}
			dst = append(dst, ']')
		default:
			dst = appendJSONString(dst, a.Str)
		}
	}
	return append(dst, "}}"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD so
// the output is always valid JSON.
func appendJSONString(dst []byte, s string) []byte {
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
