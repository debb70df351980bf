package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/internal/otlptest"
)

// syslogCase is a line as a sender writes it and the record Fluent Bit's
// syslog input makes of it with the parser named: the captures of the
// parser's regex (conf/parsers.conf), every value a string, empty captures
// left out (Skip_Empty_Values), the time key kept (Time_Keep On) and, when
// Fluent Bit could read it, the event time.
type syslogCase struct {
	parser string
	line   string
	rec    []kv
	want   map[string]any // attributes the record must have
}

var syslogCases = []syslogCase{
	{ // rsyslog forwarding PassMan's own line: the tag is passman, no PROCID
		parser: "syslog-rfc5424",
		line:   "<134>1 2026-03-05T10:16:02.000Z pm-node1 passman - - - passman-audit(2301): id = 18735, type = CheckoutCredentials, user_upn = alice@corp.example, user_address = 10.0.0.15, business_result = success, entity_type = account, entity_name = root, entity_path = 'Servers/Linux/db-prod-01'",
		rec: []kv{{"pri", "134"}, {"time", "2026-03-05T10:16:02.000Z"}, {"host", "pm-node1"}, {"ident", "passman"}, {"pid", "-"},
			{"msgid", "-"}, {"extradata", "-"}, {"message", "passman-audit(2301): id = 18735, type = CheckoutCredentials, user_upn = alice@corp.example, user_address = 10.0.0.15, business_result = success, entity_type = account, entity_name = root, entity_path = 'Servers/Linux/db-prod-01'"}},
		want: map[string]any{"host.name": "pm-node1", "service.name": "passman", "process.pid": int64(2301), "process.executable.name": "passman-audit",
			"passman.id": "18735", "event.action": "CheckoutCredentials", "user.name": "alice@corp.example", "client.address": "10.0.0.15",
			"event.outcome": "success", "passman.entity_path": "Servers/Linux/db-prod-01", "log.syslog.priority": int64(134)},
	},
	{ // the audit process itself as APP-NAME and PROCID, with MSGID and structured data
		parser: "syslog-rfc5424",
		line:   `<134>1 2026-03-05T10:15:30.123456+01:00 pm-node1 passman-audit 2301 AUDIT [origin ip="10.0.0.5"] id = 18734, type = Login, user_upn = alice@corp.example, user_address = ::ffff:10.0.0.15, business_result = success`,
		rec: []kv{{"pri", "134"}, {"time", "2026-03-05T10:15:30.123456+01:00"}, {"host", "pm-node1"}, {"ident", "passman-audit"}, {"pid", "2301"},
			{"msgid", "AUDIT"}, {"extradata", `[origin ip="10.0.0.5"]`}, {"message", "id = 18734, type = Login, user_upn = alice@corp.example, user_address = ::ffff:10.0.0.15, business_result = success"}},
		want: map[string]any{"host.name": "pm-node1", "service.name": "passman-audit", "process.pid": int64(2301),
			"passman.id": "18734", "event.action": "Login", "passman.category": "session", "user.name": "alice@corp.example",
			"log.syslog.msgid": "AUDIT", "log.syslog.structured_data.origin.ip": "10.0.0.5", "log.syslog.facility.code": int64(16), "log.syslog.severity.code": int64(6)},
	},
	{ // a classic BSD syslog line: the tag passman, the message PassMan's
		parser: "syslog-rfc3164",
		line:   "<134>Mar  5 10:20:00 pm-node2 passman: passman-audit(2417): id = 18737, activity_group = 900, type = DeleteAccount, user_upn = carol@corp.example, business_result = success, entity_type = account, entity_name = svc_backup, account = 33bb02",
		rec: []kv{{"pri", "134"}, {"time", "Mar  5 10:20:00"}, {"host", "pm-node2"}, {"ident", "passman"},
			{"message", "passman-audit(2417): id = 18737, activity_group = 900, type = DeleteAccount, user_upn = carol@corp.example, business_result = success, entity_type = account, entity_name = svc_backup, account = 33bb02"}},
		want: map[string]any{"host.name": "pm-node2", "service.name": "passman", "process.pid": int64(2417),
			"passman.id": "18737", "event.action": "DeleteAccount", "user.name": "carol@corp.example", "passman.entity_name": "svc_backup", "passman.account": "33bb02"},
	},
	{ // tag[pid]: the message holds only the key = value pairs
		parser: "syslog-rfc3164",
		line:   "<38>Mar  5 02:00:00 pm-node1 passman-audit[2301]: id = 1, type = Login, user_upn = bob@corp.example, business_result = failure",
		rec: []kv{{"pri", "38"}, {"time", "Mar  5 02:00:00"}, {"host", "pm-node1"}, {"ident", "passman-audit"}, {"pid", "2301"},
			{"message", "id = 1, type = Login, user_upn = bob@corp.example, business_result = failure"}},
		want: map[string]any{"host.name": "pm-node1", "service.name": "passman-audit", "process.pid": int64(2301),
			"passman.id": "1", "event.action": "Login", "event.outcome": "failure", "user.name": "bob@corp.example",
			"log.syslog.priority": int64(38), "log.syslog.facility.code": int64(4), "log.syslog.severity.code": int64(6)},
	},
}

// syslogHeaderKeys are the keys the syslog parsers add beside message.
var syslogHeaderKeys = []string{"pri", "time", "host", "ident", "pid", "msgid", "extradata"}

// The example syslog configuration, with records shaped as the syslog input
// emits them: each message-only record gets the event name, time and
// attributes of its whole line, and the header keys are not repeated.
func TestHarnessSyslogExample(t *testing.T) {
	recv := otlptest.NewReceiver(t, "127.0.0.1:0")
	h := startHarness(t)
	if r := h.instance(0, exampleOutput(t, "syslog.conf", map[string]string{"PAMAUDIT_OTLP_ENDPOINT": recv.URL})); r != "init 0 1" {
		t.Fatalf("init: %s", r)
	}
	var records, lines []byte
	for _, c := range syslogCases {
		records = append(records, event(chunkTime, c.rec...)...)
		lines = append(lines, event(chunkTime, kv{"log", c.line})...)
	}
	// The records first, then their whole lines (under log) to compare.
	for _, chunk := range [][]byte{records, lines} {
		if r := h.do("flush 0 pam.syslog %s", chunkFile(t, chunk)); r != "flush 0 1" {
			t.Fatalf("flush: %s", r)
		}
	}
	got := recv.Records()
	if len(got) != 2*len(syslogCases) {
		t.Fatalf("%d records, want %d", len(got), 2*len(syslogCases))
	}
	for i, c := range syslogCases {
		lr, whole := got[i], got[len(syslogCases)+i]
		attrs := lr.Attributes().AsRaw()
		for k, v := range c.want {
			if attrs[k] != v {
				t.Errorf("%s case %d: %s = %#v, want %#v", c.parser, i, k, attrs[k], v)
			}
		}
		for _, k := range syslogHeaderKeys {
			if _, ok := attrs[k]; ok {
				t.Errorf("%s case %d: the header key %s is repeated: %v", c.parser, i, k, attrs)
			}
		}
		if lr.EventName() == "" || lr.EventName() != whole.EventName() || lr.Timestamp() != whole.Timestamp() {
			t.Errorf("%s case %d: event %q at %v; the whole line: %q at %v", c.parser, i,
				lr.EventName(), lr.Timestamp().AsTime(), whole.EventName(), whole.Timestamp().AsTime())
		}
		if a, b := otlptest.RecordJSON(lr, "log.record.original"), otlptest.RecordJSON(whole, "log.record.original"); !sameButBody(a, b) {
			t.Errorf("%s case %d: attributes differ from the whole line's:\nmessage %s\nline    %s", c.parser, i, a, b)
		}
		if body := lr.Body().Str(); body != c.rec[len(c.rec)-1].v {
			t.Errorf("%s case %d: body %q, want the message", c.parser, i, body)
		}
	}
}

// sameButBody compares two RecordJSON renderings but for their bodies.
func sameButBody(a, b string) bool {
	cut := func(s string) string {
		i := strings.Index(s, `"body":`)
		j := strings.Index(s, `,"event_name"`)
		if i < 0 || j < i {
			return s
		}
		return s[:i] + s[j:]
	}
	return cut(a) == cut(b)
}

// The time key is read as the syslog framing reads a header's time: an RFC
// 3164 time in the timezone setting. Fluent Bit leaves the key out when its
// parser cannot read it; the record's time is then the event time.
func TestSyslogTime(t *testing.T) {
	cfg := testConfig(t, map[string]string{"timezone": "Europe/Berlin"})
	recs := convertAll(t, cfg, append(
		event(chunkTime, kv{"pri", "38"}, kv{"time", "Mar  5 02:00:00"}, kv{"host", "pm-node1"}, kv{"ident", "passman-audit"}, kv{"pid", "2301"}, kv{"message", "id = 1, type = Login"}),
		event(chunkTime, kv{"pri", "134"}, kv{"host", "pm-node1"}, kv{"ident", "passman"}, kv{"pid", "-"}, kv{"message", "passman-audit(7): id = 2, type = Logout"})...))
	// chunkTime (the clock) is in November 2026: March is this year's.
	if recs[0]["time"] != "2026-03-05T01:00:00Z" {
		t.Errorf("3164 time in Europe/Berlin: %v", recs[0]["time"])
	}
	if recs[1]["time"] != chunkTime.Format(time.RFC3339Nano) || recs[1]["event_name"] != "passman.logout" || attr(recs[1], "process.pid") != float64(7) {
		t.Errorf("no time key: %v, want the event time %v", recs[1], chunkTime)
	}
	for _, r := range recs {
		for _, k := range syslogHeaderKeys {
			if attr(r, k) != nil {
				t.Errorf("header key %s kept: %v", k, r)
			}
		}
	}
}

// What the header keys cannot say stays under its own name; a record whose
// text is not message, or with syslog_keys off, keeps its keys as they are.
func TestSyslogKeysKept(t *testing.T) {
	rec := []kv{{"pri", "999"}, {"time", "yesterday"}, {"host", "pm-node1"}, {"ident", "passman"}, {"pid", "main"}, {"msgid", "-"},
		{"extradata", "[not sd"}, {"message", "id = 1, type = Login"}}
	r := convertAll(t, testConfig(t, nil), event(chunkTime, rec...))[0]
	if attr(r, "pri") != "999" || attr(r, "time") != "yesterday" || attr(r, "extradata") != "[not sd" || attr(r, "pid") != "main" ||
		attr(r, "msgid") != nil || attr(r, "host") != nil || attr(r, "host.name") != "pm-node1" ||
		attr(r, "log.syslog.priority") != nil || r["time"] != chunkTime.Format(time.RFC3339Nano) {
		t.Errorf("unreadable header values: %v", r)
	}

	off := convertAll(t, testConfig(t, map[string]string{"syslog_keys": "off"}), event(chunkTime, rec...))[0]
	logKey := convertAll(t, testConfig(t, nil), event(chunkTime, kv{"log", "id = 1, type = Login"}, kv{"host", "pm-node1"}, kv{"ident", "passman"}))[0]
	for name, r := range map[string]map[string]any{"syslog_keys off": off, "text in log": logKey} {
		if r["event_name"] != "passman.login" || attr(r, "host") != "pm-node1" || attr(r, "ident") != "passman" || attr(r, "host.name") != nil {
			t.Errorf("%s: %v", name, r)
		}
	}
}

// Structured data from the extradata key is read as the line's header
// reads it, and a secret in it passes on redacted, as in the whole line.
func TestSyslogExtradataAsTheLine(t *testing.T) {
	const (
		sd  = `[auth password="hunter2xyz" user="alice"][meta note="a \"q\""]`
		msg = "id = 1, type = Login, user_upn = alice@corp.example"
	)
	recs := convertAll(t, testConfig(t, nil), append(
		event(chunkTime, kv{"pri", "134"}, kv{"host", "pm-node1"}, kv{"ident", "passman"}, kv{"pid", "2301"},
			kv{"msgid", "AUDIT"}, kv{"extradata", sd}, kv{"message", msg}),
		event(chunkTime, kv{"log", "<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 AUDIT " + sd + " " + msg})...))
	for _, k := range []string{"log.syslog.structured_data.auth.user", "log.syslog.structured_data.meta.note",
		"log.syslog.structured_data.auth.password", "log.syslog.msgid", "log.syslog.priority"} {
		if attr(recs[0], k) == nil || attr(recs[0], k) != attr(recs[1], k) {
			t.Errorf("%s: message %#v, line %#v", k, attr(recs[0], k), attr(recs[1], k))
		}
	}
	if attr(recs[0], "log.syslog.structured_data.meta.note") != `a "q"` || attr(recs[0], "extradata") != nil {
		t.Errorf("extradata not read: %v", recs[0])
	}
	for i, r := range recs {
		if b, _ := json.Marshal(r); strings.Contains(string(b), "hunter2xyz") {
			t.Errorf("record %d leaks the password: %s", i, b)
		}
	}
}

// A message too large to parse takes no header, so the syslog input's keys
// pass on as they came: pri, msgid and extradata would otherwise be in
// neither the record's attributes nor its own keys.
func TestSyslogKeysOfTooLargeKept(t *testing.T) {
	msg := "id = 1, type = Login, note = " + strings.Repeat("x", 600)
	r := convertAll(t, testConfig(t, map[string]string{"max_record_bytes": "512"}), event(chunkTime,
		kv{"pri", "134"}, kv{"host", "pm-node1"}, kv{"ident", "passman"}, kv{"pid", "2301"},
		kv{"msgid", "AUDIT"}, kv{"extradata", `[origin ip="10.0.0.5"]`}, kv{"message", msg}))[0]
	if attr(r, "error.type") != "record_too_large" {
		t.Fatalf("not too large: %v", r)
	}
	for k, want := range map[string]string{"pri": "134", "msgid": "AUDIT", "extradata": `[origin ip="10.0.0.5"]`, "host": "pm-node1", "ident": "passman"} {
		if got := attr(r, k); got != want {
			t.Errorf("%s = %#v, want %q: %v", k, got, want, r)
		}
	}
}
