package pdataconv

import (
	"reflect"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/internal/testutil"
	"github.com/pamaudit/pamaudit/record"
)

var (
	eventTime = time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC)
	seen      = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
)

func parsed() *record.Record {
	return &record.Record{
		Time: eventTime, ObservedTime: seen, SeverityNumber: record.SevWarn, SeverityText: "WARN",
		EventName: "passman.login", Body: "text",
		Attrs: []record.Attr{
			{Key: record.AttrUserName, Kind: record.KindString, Str: "alice"},
			{Key: record.AttrProcessPID, Kind: record.KindInt, Int: 7},
			{Key: "passman.ok", Kind: record.KindBool, Bool: true},
			{Key: record.AttrUserRoles, Kind: record.KindStrings, Strs: []string{"a", "b"}},
		},
	}
}

func unparsed() *record.Record {
	return &record.Record{
		ObservedTime: seen, SeverityNumber: record.SevInfo, SeverityText: "INFO", Body: "garbage",
		Attrs: []record.Attr{
			{Key: "passman.x", Kind: record.KindString, Str: "y"},
			{Key: record.AttrErrorType, Kind: record.KindString, Str: "malformed_record"},
			{Key: record.AttrErrorMessage, Kind: record.KindString, Str: "bad"},
		},
	}
}

// state is what a test compares of a log record; attribute order included.
type state struct {
	time, observed time.Time
	sev            int32
	sevText, event string
	body           any
	keys           []string
	attrs          map[string]any
}

func stateOf(lr plog.LogRecord) state {
	s := state{sev: int32(lr.SeverityNumber()), sevText: lr.SeverityText(), event: lr.EventName(),
		body: lr.Body().AsRaw(), attrs: lr.Attributes().AsRaw()}
	if lr.Timestamp() != 0 {
		s.time = lr.Timestamp().AsTime()
	}
	if lr.ObservedTimestamp() != 0 {
		s.observed = lr.ObservedTimestamp().AsTime()
	}
	for k := range lr.Attributes().All() {
		s.keys = append(s.keys, k)
	}
	return s
}

func TestWriter(t *testing.T) {
	existing := func(lr plog.LogRecord) {
		lr.Body().SetStr("raw")
		lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(eventTime))
		lr.Attributes().PutStr(record.AttrUserName, "before")
		lr.Attributes().PutStr("k8s.pod.name", "kept")
	}
	fill := func(rec *record.Record) func(*Writer, plog.LogRecordSlice) {
		return func(w *Writer, lrs plog.LogRecordSlice) {
			lr := lrs.AppendEmpty()
			existing(lr)
			w.Fill(lr, rec)
		}
	}
	newRecord := func(rec *record.Record) func(*Writer, plog.LogRecordSlice) {
		return func(w *Writer, lrs plog.LogRecordSlice) { w.NewRecord(lrs, rec) }
	}
	for _, tc := range []struct {
		name  string
		write func(*Writer, plog.LogRecordSlice)
		want  state
	}{
		{"fill parsed: every field; a parsed attribute overwrites in place", fill(parsed()), state{
			time: eventTime, observed: eventTime, sev: record.SevWarn, sevText: "WARN", event: "passman.login", body: "text",
			keys: []string{record.AttrUserName, "k8s.pod.name", record.AttrProcessPID, "passman.ok", record.AttrUserRoles},
			attrs: map[string]any{record.AttrUserName: "alice", "k8s.pod.name": "kept", record.AttrProcessPID: int64(7),
				"passman.ok": true, record.AttrUserRoles: []any{"a", "b"}},
		}},
		{"fill unparsed: the error attributes only", fill(unparsed()), state{
			observed: eventTime, body: "raw",
			keys: []string{record.AttrUserName, "k8s.pod.name", record.AttrErrorType, record.AttrErrorMessage},
			attrs: map[string]any{record.AttrUserName: "before", "k8s.pod.name": "kept",
				record.AttrErrorType: "malformed_record", record.AttrErrorMessage: "bad"},
		}},
		{"new parsed", newRecord(parsed()), state{
			time: eventTime, observed: seen, sev: record.SevWarn, sevText: "WARN", event: "passman.login", body: "text",
			keys: []string{record.AttrUserName, record.AttrProcessPID, "passman.ok", record.AttrUserRoles},
			attrs: map[string]any{record.AttrUserName: "alice", record.AttrProcessPID: int64(7),
				"passman.ok": true, record.AttrUserRoles: []any{"a", "b"}},
		}},
		{"new unparsed: text and attributes in the record's order; no severity", newRecord(unparsed()), state{
			observed: seen, body: "garbage",
			keys:  []string{"passman.x", record.AttrErrorType, record.AttrErrorMessage},
			attrs: map[string]any{"passman.x": "y", record.AttrErrorType: "malformed_record", record.AttrErrorMessage: "bad"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A reused Writer writes as a fresh one does.
			var w Writer
			lrs := plog.NewLogRecordSlice()
			tc.write(&w, lrs)
			tc.write(&w, lrs)
			for i := range lrs.Len() {
				if got := stateOf(lrs.At(i)); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("record %d:\n got %+v\nwant %+v", i, got, tc.want)
				}
			}
		})
	}
}

// Nested maps (flat, see record.Attr), as a map body and as a map
// attribute, come out of pdata as NDJSON writes them.
func TestNestedMaps(t *testing.T) {
	rec := testutil.NestedMapsRecord()
	rec.ObservedTime = seen
	want := testutil.NestedMaps
	if record.Len(rec.BodyMap) != 3 {
		t.Errorf("Len %d, want 3", record.Len(rec.BodyMap))
	}
	lrs := plog.NewLogRecordSlice()
	lr := NewRecord(lrs, rec)
	if got := lr.Body().Map().AsRaw(); !reflect.DeepEqual(got, want) {
		t.Errorf("body %v, want %v", got, want)
	}
	if got := lr.Attributes().AsRaw(); !reflect.DeepEqual(got, map[string]any{"top": want}) {
		t.Errorf("attributes %v", got)
	}
	const js = `{"severity_number":0,"severity_text":"","event_name":"e","body":{"a":1,"m":{"n":{"deep":"x"},"b":true,"s":["p","q"]},"z":"last"},"attributes":{"top":{"a":1,"m":{"n":{"deep":"x"},"b":true,"s":["p","q"]},"z":"last"}}}`
	if got := string(rec.AppendJSON(nil)); got != js {
		t.Errorf("NDJSON\n got %s\nwant %s", got, js)
	}
}
