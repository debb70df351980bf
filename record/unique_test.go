package record

import (
	"reflect"
	"testing"
	"time"
)

func s(k, v string) Attr { return Attr{Key: k, Kind: KindString, Str: v} }

func TestUnique(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in, want []Attr
	}{
		{"unique keys stay as they are",
			[]Attr{s("user.name", "alice"), s("host.name", "h")},
			[]Attr{s("user.name", "alice"), s("host.name", "h")}},
		{"a face's log.record.uid after a Fluent Bit key of that name: first position, last value",
			[]Attr{s(AttrLogRecordUID, "from-the-input"), s("fluentbit.tag", "pam"), s(AttrLogRecordUID, "uid")},
			[]Attr{s(AttrLogRecordUID, "uid"), s("fluentbit.tag", "pam")}},
		{"a map's members are made unique, and its count follows",
			[]Attr{{Key: "unmapped", Kind: KindMap, Int: 3}, s("a", "1"), s("b", "2"), s("a", "3"), s("z", "z")},
			[]Attr{{Key: "unmapped", Kind: KindMap, Int: 2}, s("a", "3"), s("b", "2"), s("z", "z")}},
		{"a repeated map key takes the last map whole",
			[]Attr{{Key: "m", Kind: KindMap, Int: 1}, s("x", "1"), s("k", "v"), {Key: "m", Kind: KindMap, Int: 2}, s("y", "2"), s("y", "3")},
			[]Attr{{Key: "m", Kind: KindMap, Int: 1}, s("y", "3"), s("k", "v")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Unique(append([]Attr(nil), tc.in...)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

// fields records what Write passes, by field.
type fields []string

func (f *fields) Time(time.Time)         { *f = append(*f, "time") }
func (f *fields) ObservedTime(time.Time) { *f = append(*f, "observed") }
func (f *fields) Severity(int32, string) { *f = append(*f, "severity") }
func (f *fields) EventName(string)       { *f = append(*f, "event") }
func (f *fields) Body(string)            { *f = append(*f, "body") }
func (f *fields) BodyMap([]Attr)         { *f = append(*f, "bodymap") }
func (f *fields) Attr(a *Attr)           { *f = append(*f, a.Key) }
func (f *fields) AttrMap(k string, _ []Attr) {
	*f = append(*f, k+"{}")
}

// A record nothing parsed passes what its Stand says; a parsed one stays
// whole whatever the face asks.
func TestWriteStand(t *testing.T) {
	seen := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	unparsed := func() *Record {
		return &Record{Time: seen, ObservedTime: seen, SeverityNumber: SevInfo, SeverityText: "INFO", Body: "garbage", Schema: SchemaECS,
			Attrs: []Attr{s(AttrECSVersion, "8"), s(AttrEventKind, "pipeline_error"), s(AttrHostName, "h"), s(AttrErrorType, "unknown_format"), s(AttrErrorMessage, "m")}}
	}
	parsed := &Record{Time: seen, EventName: "passman.login", Body: "text", Attrs: []Attr{s(AttrUserName, "alice")}}
	for _, tc := range []struct {
		name  string
		rec   *Record
		stand Stand
		want  fields
	}{
		{"a document prints an unparsed record whole", unparsed(), StandWhole,
			fields{"time", "observed", "severity", "event", "body", AttrECSVersion, AttrEventKind, AttrHostName, AttrErrorType, AttrErrorMessage}},
		{"the plugin's OTLP: a new record of text and attributes", unparsed(), StandReplaces,
			fields{"observed", "body", AttrECSVersion, AttrEventKind, AttrHostName, AttrErrorType, AttrErrorMessage}},
		{"the processor: notes on the record it received", unparsed(), StandAnnotates,
			fields{AttrECSVersion, AttrEventKind, AttrErrorType, AttrErrorMessage}},
		{"a parsed record stays whole", parsed, StandAnnotates,
			fields{"time", "observed", "severity", "event", "body", AttrUserName}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.stand != StandWhole {
				tc.rec.WhenUnparsed(tc.stand)
			}
			var got fields
			tc.rec.Write(&got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}
