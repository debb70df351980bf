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
// kinds (string, int, bool, array of strings, map).
const (
	KindString Kind = iota + 1
	KindInt
	KindBool
	KindStrings
	KindMap // a map (the OCSF schema's objects): its members follow it (Members)
)

// Attr is one attribute of a Record: a key and a typed value. Only the field
// that matches Kind is meaningful.
//
// A map is flat: an Attr of KindMap is followed, in the same slice, by its
// members and theirs (preorder), Int of them in all. Members and Next walk
// it. So an Attr stays three words of pointers and a map costs no slice of
// its own: building one copies each member once.
type Attr struct {
	Key  string
	Str  string
	Strs []string
	Int  int64
	Kind Kind
	Bool bool
}

// Members returns the members of the map m[i] (flat, as m is).
func Members(m []Attr, i int) []Attr { return m[i+1 : i+1+int(m[i].Int)] }

// Next returns the index of the member of m after m[i], past m[i]'s own
// members when it is a map.
func Next(m []Attr, i int) int {
	if m[i].Kind == KindMap {
		return i + 1 + int(m[i].Int)
	}
	return i + 1
}

// Len returns how many members the flat map m has, not counting theirs.
func Len(m []Attr) int {
	n := 0
	for i := 0; i < len(m); i = Next(m, i) {
		n++
	}
	return n
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
	BodyMap        []Attr // when not nil the body is this map (an OCSF event; flat, see Attr), and Body is unused
	Attrs          []Attr
	Format         Format // the product that parsed it; FormatAuto when none did
	Schema         Schema // the names and shape of the fields (Options.Schema)

	// What the schema layer reads besides the fields.
	TimeText   string // Time as the text wrote it (OCSF metadata.original_time); "" when unknown
	HasMessage bool   // Body is the source's human message, not the original text

	// Stand is how the record stands to what the face received; Write
	// passes the fields it says. A face sets it (WhenUnparsed); the
	// parser leaves StandWhole.
	Stand Stand
}

// Stand is how a record stands to what a face received: the log record a
// pipeline handed it (a collector log record, a Fluent Bit record). It says
// which of the record's fields Write passes, so no encoder asks whether the
// record was parsed.
type Stand uint8

const (
	// StandWhole: the record is the event, every field passed. A parsed
	// record always; any record a document encoding prints.
	StandWhole Stand = iota
	// StandReplaces: nothing parsed the record, and it replaces what the
	// face received with a new log record: its observed time, text and
	// attributes. Time, severity and event name are not passed: nothing
	// read them, and a new log record leaves them unset (the Fluent Bit
	// plugin's OTLP).
	StandReplaces
	// StandAnnotates: nothing parsed the record, and what the face
	// received passes on as it was, annotated: only the record's notes
	// (IsNote) are passed (the collector processor).
	StandAnnotates
)

// Parsed reports whether a product read the record: it has an event name,
// or it is an event whole (an OCSF event, a parse failure's Base Event too).
func (r *Record) Parsed() bool { return r.EventName != "" || r.BodyMap != nil }

// WhenUnparsed sets the record's Stand to s when nothing parsed it; a
// parsed record stays StandWhole.
func (r *Record) WhenUnparsed(s Stand) {
	if !r.Parsed() {
		r.Stand = s
	}
}

// IsNote tells the attributes a record nothing parsed adds to what a face
// received (StandAnnotates): error.type and error.message, and the ECS
// schema's event.kind (pipeline_error) and ecs.version.
func IsNote(a *Attr) bool {
	switch a.Key {
	case AttrErrorType, AttrErrorMessage, AttrEventKind, AttrECSVersion:
		return a.Kind != KindMap
	}
	return false
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
	for _, s := range severityTexts {
		if n >= s.min {
			return s.text
		}
	}
	return ""
}

// severityTexts are the texts of the severity ranges, from the highest
// down.
var severityTexts = [...]struct {
	min  int32
	text string
}{{SevFatal, "FATAL"}, {SevError, "ERROR"}, {SevWarn, "WARN"}, {SevInfo, "INFO"}, {SevDebug, "DEBUG"}, {SevTrace, "TRACE"}}

// Reset empties the record for the next parse, keeping its memory.
func (r *Record) Reset() {
	r.Time = time.Time{}
	r.SeverityNumber = 0
	r.SeverityText = ""
	r.EventName = ""
	r.Body = ""
	r.BodyMap = nil
	r.Attrs = r.Attrs[:0]
	r.Format = FormatAuto
	r.Schema = SchemaOTel
	r.TimeText = ""
	r.HasMessage = false
	r.Stand = StandWhole
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
// them: time (only when known), observed time, severity, event name, body
// (a string, or a map with BodyMap), then each attribute (AttrMap for a
// map), as many of them as the record's Stand says. Maps come as their
// flat members (see Attr), which the writer walks with Next and Members;
// their keys, as the record's, are unique (Unique). NDJSON, the Fluent Bit
// plugin's MessagePack and OTLP protobuf, and the pdata conversion are
// FieldWriters, so the encodings cannot drift apart.
type FieldWriter interface {
	Time(t time.Time)
	ObservedTime(t time.Time)
	Severity(number int32, text string)
	EventName(name string)
	Body(body string)
	BodyMap(members []Attr)
	Attr(a *Attr)
	AttrMap(key string, members []Attr)
}

// Write passes the record's fields to w, in order: those its Stand says.
func (r *Record) Write(w FieldWriter) {
	if r.Stand == StandAnnotates {
		for i := 0; i < len(r.Attrs); i = Next(r.Attrs, i) {
			if a := &r.Attrs[i]; IsNote(a) {
				w.Attr(a)
			}
		}
		return
	}
	whole := r.Stand == StandWhole
	if whole && !r.Time.IsZero() {
		w.Time(r.Time)
	}
	w.ObservedTime(r.ObservedTime)
	if whole {
		w.Severity(r.SeverityNumber, r.SeverityText)
		w.EventName(r.EventName)
	}
	if r.BodyMap != nil {
		w.BodyMap(r.BodyMap)
	} else {
		w.Body(r.Body)
	}
	for i := 0; i < len(r.Attrs); i = Next(r.Attrs, i) {
		if a := &r.Attrs[i]; a.Kind == KindMap {
			w.AttrMap(a.Key, Members(r.Attrs, i))
		} else {
			w.Attr(a)
		}
	}
}

// AppendJSON appends the record as one JSON object, the document
// `pamaudit parse` prints. Its shape is the record's Schema's (DocNames):
//
//	otel: {"time":…,"severity_number":…,"severity_text":…,"event_name":…,"body":…,"attributes":{…}}
//	ecs:  {"@timestamp":…,"log.level":…,"message":…,"event.kind":…,…}  (attributes at the top)
//	ocsf: the OCSF event (the body map) alone
//
// time is RFC 3339 with nanoseconds in UTC and is left out when unknown
// (ECS: the observed time stands in, as @timestamp is required).
func (r *Record) AppendJSON(dst []byte) []byte {
	w := jsonWriter{b: dst, names: &DocNames[r.Schema]}
	w.open()
	r.Write(&w)
	return w.close()
}

// DocName is how a document encoding lays out one schema's records: the
// keys of the record's fields ("" leaves the field out) and where the
// attributes go.
type DocName struct {
	Time, SeverityNumber, SeverityText, EventName, Body string
	Attributes                                          string // "" puts them at the top, beside the fields
	BodyIsDoc                                           bool   // the body map is the document (OCSF)
	// ObservedForTime: the observed time stands in for an unknown time
	// (ECS requires @timestamp, and the observed time is the best known).
	ObservedForTime bool
}

// DocNames is the document layout of each schema; NDJSON and the forward
// output's MessagePack both follow it.
var DocNames = [...]DocName{
	SchemaOTel: {Time: "time", SeverityNumber: "severity_number", SeverityText: "severity_text", EventName: "event_name", Body: "body", Attributes: "attributes"},
	// ECS: @timestamp, log.level and message are the ECS names of the
	// record's time, severity and body; the event name is in event.code.
	SchemaECS:  {Time: "@timestamp", SeverityText: "log.level", Body: "message", ObservedForTime: true},
	SchemaOCSF: {BodyIsDoc: true},
}

// jsonWriter is the NDJSON FieldWriter.
type jsonWriter struct {
	b      []byte
	names  *DocName
	fields int // members written in the current object
	attrs  int
	timed  bool // the time is written
}

func (w *jsonWriter) open() { w.b = append(w.b, '{') }

func (w *jsonWriter) close() []byte {
	if w.names.Attributes != "" {
		if w.attrs == 0 {
			w.key(w.names.Attributes)
			w.b = append(w.b, '{')
		}
		w.b = append(w.b, '}')
	}
	return append(w.b, '}')
}

// key writes a member's key, after a comma unless it is the first.
func (w *jsonWriter) key(k string) {
	if w.fields > 0 {
		w.b = append(w.b, ',')
	}
	w.fields++
	w.b = AppendJSONString(w.b, k)
	w.b = append(w.b, ':')
}

func (w *jsonWriter) Time(t time.Time) {
	if w.names.Time == "" {
		return
	}
	w.key(w.names.Time)
	w.b = append(w.b, '"')
	w.b = t.UTC().AppendFormat(w.b, time.RFC3339Nano)
	w.b = append(w.b, '"')
	w.timed = true
}

func (w *jsonWriter) ObservedTime(t time.Time) {
	if w.names.ObservedForTime && !w.timed && !t.IsZero() {
		w.Time(t)
	}
}

func (w *jsonWriter) Severity(n int32, text string) {
	if w.names.SeverityNumber != "" {
		w.key(w.names.SeverityNumber)
		w.b = strconv.AppendInt(w.b, int64(n), 10)
	}
	if w.names.SeverityText != "" {
		w.key(w.names.SeverityText)
		w.b = AppendJSONString(w.b, text)
	}
}

func (w *jsonWriter) EventName(s string) {
	if w.names.EventName != "" {
		w.key(w.names.EventName)
		w.b = AppendJSONString(w.b, s)
	}
}

func (w *jsonWriter) Body(s string) {
	if w.names.Body != "" {
		w.key(w.names.Body)
		w.b = AppendJSONString(w.b, s)
	}
}

func (w *jsonWriter) BodyMap(m []Attr) {
	if w.names.BodyIsDoc {
		w.members(m) // the document is the map: its members are the object's
		return
	}
	if w.names.Body != "" {
		w.key(w.names.Body)
		w.object(m)
	}
}

func (w *jsonWriter) Attr(a *Attr) {
	if w.attrKey(a.Key) {
		w.value(a)
	}
}

func (w *jsonWriter) AttrMap(key string, m []Attr) {
	if w.attrKey(key) {
		w.object(m)
	}
}

// attrKey writes an attribute's key where the layout puts attributes, and
// reports whether it has a place for them.
func (w *jsonWriter) attrKey(k string) bool {
	switch {
	case w.names.BodyIsDoc:
		return false // the document is the body map
	case w.names.Attributes == "":
		w.key(k)
		return true
	}
	if w.attrs == 0 {
		w.key(w.names.Attributes)
		w.b = append(w.b, '{')
	} else {
		w.b = append(w.b, ',')
	}
	w.attrs++
	w.b = AppendJSONString(w.b, k)
	w.b = append(w.b, ':')
	return true
}

// object writes the flat map m as a JSON object.
func (w *jsonWriter) object(m []Attr) {
	fields := w.fields
	w.fields = 0
	w.b = append(w.b, '{')
	w.members(m)
	w.b = append(w.b, '}')
	w.fields = fields
}

// members writes the members of the flat map m in the open object.
func (w *jsonWriter) members(m []Attr) {
	for i := 0; i < len(m); i = Next(m, i) {
		w.key(m[i].Key)
		if m[i].Kind == KindMap {
			w.object(Members(m, i))
		} else {
			w.value(&m[i])
		}
	}
}

func (w *jsonWriter) value(a *Attr) {
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
