package envelope

import (
	"reflect"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/record"
)

func TestUnwrap(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, text, payload string
		host, app, pid      string
		time                time.Time
		attrs               map[string]any
		decoded, syslog     bool
	}{
		{name: "bare JSON", text: `{"msg":"x"}`, payload: `{"msg":"x"}`},
		{name: "PassMan header", text: "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = 1",
			payload: "passman-audit(2301): id = 1", host: "pm-node1", app: "passman", syslog: true,
			time: time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC)},
		{name: "RFC 3164 with tag[pid]", text: "<134>Mar  5 10:16:02 pm-node1 passman-audit[2301]: id = 1",
			payload: "id = 1", host: "pm-node1", app: "passman-audit", pid: "2301", syslog: true,
			time:  time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC),
			attrs: map[string]any{record.AttrSyslogPriority: int64(134), record.AttrSyslogFacilityCode: int64(16), record.AttrSyslogSeverityCode: int64(6)}},
		{name: "RFC 5424 with structured data and BOM", text: "<13>1 2026-04-07T11:15:14.003Z nps-web-1 s1_api 77 REQ [origin ip=\"10.0.0.5\"] \ufeff{\"msg\":\"x\"}",
			payload: `{"msg":"x"}`, host: "nps-web-1", app: "s1_api", pid: "77", syslog: true,
			time: time.Date(2026, 4, 7, 11, 15, 14, 3e6, time.UTC),
			attrs: map[string]any{record.AttrSyslogMsgID: "REQ", record.AttrSyslogStructuredData + ".origin.ip": "10.0.0.5",
				record.AttrSyslogPriority: int64(13), record.AttrSyslogFacilityCode: int64(1), record.AttrSyslogSeverityCode: int64(5)}},
		{name: "CRI", text: "2026-03-05T10:16:02.123456789Z stderr F hello", payload: "hello",
			time: time.Date(2026, 3, 5, 10, 16, 2, 123456789, time.UTC), attrs: map[string]any{record.AttrLogIostream: "stderr"}},
		{name: "Fluentd stdout header", text: "2020-03-28 15:01:56 +0100 docker.s1_api.1.x: {}", payload: "{}",
			time: time.Date(2020, 3, 28, 14, 1, 56, 0, time.UTC), attrs: map[string]any{record.AttrFluentdTag: "docker.s1_api.1.x"}},
		{name: "Fluentd out_file", text: "2020-03-28T15:01:56+0000\tdocker.s1_api\t{}", payload: "{}",
			time: time.Date(2020, 3, 28, 15, 1, 56, 0, time.UTC), attrs: map[string]any{record.AttrFluentdTag: "docker.s1_api"}},
		{name: "Docker json-file", text: `{"log":"{\"msg\":\"x\"}\n","stream":"stdout","time":"2026-04-07T11:16:00Z"}`,
			payload: `{"msg":"x"}`, decoded: true, time: time.Date(2026, 4, 7, 11, 16, 0, 0, time.UTC),
			attrs: map[string]any{record.AttrLogIostream: "stdout"}},
		{name: "Fluentd log-string wrapper inside a CRI line", text: `2026-03-05T10:16:02Z stdout F {"source":"stdout","log":"id = 1","container_id":"0f1e","container_name":"/api.1"}`,
			payload: "id = 1", decoded: true, time: time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC),
			attrs: map[string]any{record.AttrContainerID: "0f1e", record.AttrContainerName: "api.1", record.AttrLogIostream: "stdout"}},
		{name: "a record with other members is no wrapper", text: `{"log":"x","msg":"y"}`, payload: `{"log":"x","msg":"y"}`},
		{name: "a seaudit line has no syslog header", text: "28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login",
			payload: "28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f Frame
			f.Unwrap(tc.text, nil, time.UTC, now)
			if f.Payload != tc.payload {
				t.Errorf("payload %q, want %q", f.Payload, tc.payload)
			}
			if !tc.decoded && tc.text[f.Offset:] != f.Payload {
				t.Errorf("offset %d does not point at the payload", f.Offset)
			}
			if tc.decoded != (f.Orig != "") {
				t.Errorf("decoded %v, want %v", f.Orig != "", tc.decoded)
			}
			if f.Host != tc.host || f.App != tc.app || f.PID != tc.pid || f.Syslog != tc.syslog || !f.Time.Equal(tc.time) {
				t.Errorf("header %+v syslog %v", f.Header, f.Syslog)
			}
			got := map[string]any{}
			for _, a := range f.Attrs {
				if a.Kind == record.KindInt {
					got[a.Key] = a.Int
				} else {
					got[a.Key] = a.Str
				}
			}
			for k, v := range tc.attrs {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
			if len(got) != len(tc.attrs) {
				t.Errorf("attributes %v, want %v", got, tc.attrs)
			}
		})
	}
}

// The pipeline's header is the outermost framing: the text's own wins.
func TestUnwrapPipelineHeader(t *testing.T) {
	var f Frame
	f.Unwrap("id = 1, type = Login", &Header{Host: "h", App: "passman", PID: "9"}, time.UTC, time.Now())
	if f.Host != "h" || f.App != "passman" || f.PID != "9" || !f.Syslog || f.Payload != "id = 1, type = Login" {
		t.Errorf("%+v", f)
	}
	f.Unwrap("<134>Mar  5 10:16:02 node2 app2[7]: x", &Header{Host: "h", App: "a"}, time.UTC, time.Now())
	if f.Host != "node2" || f.App != "app2" || f.PID != "7" {
		t.Errorf("inner header lost: %+v", f.Header)
	}
}

// A pipeline's header with every syslog field (the collector's syslog
// receiver, Fluent Bit's syslog keys) gives the framing the attributes, in
// order, the full line gives; an inner header's fields win one by one.
func TestUnwrapPipelineSyslogFields(t *testing.T) {
	const line = `<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 AUDIT [meta seq="7" note="a \"q\""] id = 1, type = Login`
	var full, msg Frame
	full.Unwrap(line, nil, time.UTC, time.Now())
	h := Header{Time: full.Time, Host: "pm-node1", App: "passman", PID: "2301", MsgID: "AUDIT"}
	h.SetPRI(134)
	h.AddSD("meta", "seq", "7")
	h.AddSD("meta", "note", `a "q"`)
	msg.Unwrap("id = 1, type = Login", &h, time.UTC, time.Now())
	if len(full.Attrs) != 6 || !reflect.DeepEqual(msg.Attrs, full.Attrs) || msg.Host != full.Host || msg.App != full.App || msg.PID != full.PID {
		t.Errorf("\nmessage %+v %+v\nline    %+v %+v", msg.Header, msg.Attrs, full.Header, full.Attrs)
	}

	h = Header{Host: "h", App: "a", MsgID: "OUTER"}
	h.SetSyslog(3, -1)
	h.AddSD("meta", "seq", "1")
	h.AddSD("outer", "only", "o")
	msg.Unwrap(`<14>1 - node2 app2 - - [meta seq="2"] x`, &h, time.UTC, time.Now())
	want := []record.Attr{
		{Key: record.AttrSyslogSeverityCode, Kind: record.KindInt, Int: 6},
		{Key: record.AttrSyslogMsgID, Kind: record.KindString, Str: "OUTER"},
		{Key: record.AttrSyslogStructuredData + ".meta.seq", Kind: record.KindString, Str: "2"},
		{Key: record.AttrSyslogStructuredData + ".outer.only", Kind: record.KindString, Str: "o"},
		{Key: record.AttrSyslogPriority, Kind: record.KindInt, Int: 14},
		{Key: record.AttrSyslogFacilityCode, Kind: record.KindInt, Int: 1},
	}
	if !reflect.DeepEqual(msg.Attrs, want) {
		t.Errorf("\n got %+v\nwant %+v", msg.Attrs, want)
	}
}

func TestHeaderEnd(t *testing.T) {
	for text, want := range map[string]int{
		"<13>Apr  7 11:15:14 nps-web-1 secureone-api: {": len("<13>Apr  7 11:15:14 nps-web-1 secureone-api: "),
		"2026-03-05T10:16:02Z stdout F {":                len("2026-03-05T10:16:02Z stdout F "),
		"{":                                              0,
		"hello {":                                        0,
	} {
		if got := HeaderEnd(text); got != want {
			t.Errorf("HeaderEnd(%q) = %d, want %d", text, got, want)
		}
	}
}
