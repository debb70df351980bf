package otelprocessor

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/record"
)

const (
	pmPairs    = "id = 18735, type = CheckoutCredentials, user_upn = alice@corp.example, user_address = ::ffff:10.20.30.40, entity_path = 'Servers/Linux/db-prod-01', business_result = Success"
	bunyanLine = `{"name":"s1_api","hostname":"nps01.example.com","pid":4121,"level":30,"msg":"request finish","req_id":"7f3e","time":"2020-03-28T15:01:56.900Z","req":{"method":"POST","url":"/api/v1/login","headers":{"cookie":"sid=abc123secret"}},"res":{"statusCode":200}}`
)

// receiverLine is a syslog line and what the collector's syslog receiver
// (stanza's syslog parser) makes of it: the full line stays the body, the
// message and the header go into attributes, the time into Timestamp.
type receiverLine struct {
	name, line string
	time       time.Time
	attrs      map[string]any
}

var receiverLines = []receiverLine{
	{"PassMan RFC 5424", `<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 AUDIT [meta seq="7"] passman-audit(2301): ` + pmPairs,
		time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC), map[string]any{
			"hostname": "pm-node1", "appname": "passman", "proc_id": "2301", "msg_id": "AUDIT",
			"message": "passman-audit(2301): " + pmPairs, "priority": int64(134), "facility": int64(16), "facility_text": "local0",
			"structured_data": map[string]any{"meta": map[string]any{"seq": "7"}}, "version": int64(1),
		}},
	{"PassMan RFC 3164", "<134>Mar  5 10:16:02 pm-node1 passman-audit[2301]: " + pmPairs,
		time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC), map[string]any{
			"hostname": "pm-node1", "appname": "passman-audit", "proc_id": "2301", "message": pmPairs,
			"priority": int64(134), "facility": int64(16), "facility_text": "local0",
		}},
	{"PassMan system line RFC 3164", "<30>Mar  5 10:16:05 pm-node1 passman: Started the PassMan service",
		time.Date(2026, 3, 5, 10, 16, 5, 0, time.UTC), map[string]any{
			"hostname": "pm-node1", "appname": "passman", "message": "Started the PassMan service",
			"priority": int64(30), "facility": int64(3), "facility_text": "daemon",
		}},
	{"Netwrix RFC 5424", "<14>1 2020-03-28T15:01:56Z collector01 fluentd - - - " + bunyanLine,
		time.Date(2020, 3, 28, 15, 1, 56, 0, time.UTC), map[string]any{
			"hostname": "collector01", "appname": "fluentd", "message": bunyanLine,
			"priority": int64(14), "facility": int64(1), "facility_text": "user", "version": int64(1),
		}},
}

// receiverRecord builds the record the receiver emits for l into ld.
func receiverRecord(t *testing.T, ld plog.Logs, l receiverLine) plog.LogRecord {
	t.Helper()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetObservedTimestamp(observed)
	lr.SetTimestamp(pcommon.NewTimestampFromTime(l.time))
	lr.SetSeverityNumber(plog.SeverityNumberInfo)
	lr.SetSeverityText("info")
	lr.Body().SetStr(l.line)
	if err := lr.Attributes().FromRaw(l.attrs); err != nil {
		t.Fatal(err)
	}
	return lr
}

// processReceived runs the receiver's record for l, changed by prepare,
// through the processor reading source, and returns it.
func processReceived(t *testing.T, l receiverLine, source string, prepare func(plog.LogRecord)) plog.LogRecord {
	t.Helper()
	ld := plog.NewLogs()
	prepare(receiverRecord(t, ld, l))
	cfg := createDefaultConfig()
	cfg.Source = source
	return consume(t, cfg, ld).ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
}

// parsed is what of a processed record the comparison looks at.
type parsed struct {
	event, severity string
	time            time.Time
	body            string
	attrs           map[string]any
}

// parsedOf returns lr's parsed fields, without the attributes the receiver
// wrote and without log.record.original (the full line or the message).
func parsedOf(lr plog.LogRecord, receiver map[string]any) parsed {
	attrs := lr.Attributes().AsRaw()
	for k := range receiver {
		delete(attrs, k)
	}
	delete(attrs, record.AttrLogRecordOriginal)
	// The identity is of the text as it came (a full line, or a message
	// and the header read off it), so it differs; TestUIDFaces checks it.
	delete(attrs, record.AttrLogRecordUID)
	return parsed{lr.EventName(), lr.SeverityText(), lr.Timestamp().AsTime(), lr.Body().AsString(), attrs}
}

// A message whose header the syslog receiver read gives, in the body or in
// attributes["message"], the event name and attributes the full line gives;
// the receiver's attributes are kept.
func TestSyslogReceiverHeader(t *testing.T) {
	for _, l := range receiverLines {
		t.Run(l.name, func(t *testing.T) {
			// The full line alone: what pamaudit gives without the receiver.
			ld := plog.NewLogs()
			ref := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
			ref.Body().SetStr(l.line)
			want := parsedOf(consume(t, createDefaultConfig(), ld).ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0), nil)
			if want.event == "" || want.attrs[record.AttrHostName] == nil || want.attrs[record.AttrSyslogPriority] == nil {
				t.Fatalf("the full line did not parse: %+v", want)
			}
			for _, tc := range []struct {
				name, source string
				prepare      func(lr plog.LogRecord)
			}{
				{"full line in the body", "body", func(plog.LogRecord) {}},
				{"message in the body", "body", func(lr plog.LogRecord) {
					// As a transform's set(body, attributes["message"]) leaves it.
					m, _ := lr.Attributes().Get("message")
					lr.Body().SetStr(m.Str())
					lr.Attributes().Remove("message")
				}},
				{"message attribute", `attributes["message"]`, func(plog.LogRecord) {}},
				{"message attribute, OTTL path", `log.attributes["message"]`, func(plog.LogRecord) {}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					got := processReceived(t, l, tc.source, tc.prepare)
					g := parsedOf(got, l.attrs)
					if want.body == l.line && g.body == l.attrs["message"] {
						// A PassMan record's body is the text it was read from.
						g.body = l.line
					}
					if !reflect.DeepEqual(g, want) {
						t.Errorf("\n got %+v\nwant %+v", g, want)
					}
					for k, v := range l.attrs {
						if k == "message" && tc.name == "message in the body" {
							continue
						}
						if k == "message" && strings.Contains(v.(string), "abc123secret") {
							// Kept, redacted: read from (the text) or passed on
							// beside the record (scrubbed as any other field).
							if m, _ := got.Attributes().Get(k); m.Str() != strings.ReplaceAll(v.(string), "sid=abc123secret", record.Redacted) {
								t.Errorf("attribute message = %q", m.Str())
							}
							continue
						}
						if g, ok := got.Attributes().Get(k); !ok || !reflect.DeepEqual(g.AsRaw(), v) {
							t.Errorf("receiver attribute %s = %v, want %v kept", k, g.AsRaw(), v)
						}
					}
				})
			}
		})
	}
}

// The header's fields map onto the contract's names; the record's own win
// (a Netwrix record's hostname and name).
func TestSyslogReceiverHeaderFields(t *testing.T) {
	want := map[string]map[string]any{
		"PassMan RFC 5424": {"host.name": "pm-node1", "service.name": "passman", "process.pid": int64(2301),
			"log.syslog.priority": int64(134), "log.syslog.facility.code": int64(16), "log.syslog.severity.code": int64(6),
			"log.syslog.msgid": "AUDIT", "log.syslog.structured_data.meta.seq": "7",
			"passman.entity_path": "Servers/Linux/db-prod-01", "passman.id": "18735"},
		"PassMan RFC 3164": {"host.name": "pm-node1", "service.name": "passman-audit", "process.pid": int64(2301),
			"log.syslog.priority": int64(134), "passman.entity_path": "Servers/Linux/db-prod-01"},
		"PassMan system line RFC 3164": {"host.name": "pm-node1", "service.name": "passman", "log.syslog.severity.code": int64(6)},
		"Netwrix RFC 5424": {"host.name": "nps01.example.com", "service.name": "s1_api", "process.pid": int64(4121),
			"log.syslog.priority": int64(14)},
	}
	events := map[string]string{
		"PassMan RFC 5424": "passman.checkout_credentials", "PassMan RFC 3164": "passman.checkout_credentials",
		"PassMan system line RFC 3164": "passman.system", "Netwrix RFC 5424": "netwrix.request.finish",
	}
	for _, l := range receiverLines {
		t.Run(l.name, func(t *testing.T) {
			got := processReceived(t, l, `attributes["message"]`, func(plog.LogRecord) {})
			if got.EventName() != events[l.name] {
				t.Errorf("event %q, want %q", got.EventName(), events[l.name])
			}
			if !got.Timestamp().AsTime().Equal(l.time) && l.name != "Netwrix RFC 5424" {
				t.Errorf("time %v, want the receiver's %v", got.Timestamp().AsTime(), l.time)
			}
			for k, v := range want[l.name] {
				if g, ok := got.Attributes().Get(k); !ok || g.AsRaw() != v {
					t.Errorf("%s = %v, want %v", k, g.AsRaw(), v)
				}
			}
		})
	}
}

// Without the receiver's attributes, or from another attribute than
// message, a message is parsed as it stands: no header is made up.
func TestSyslogReceiverHeaderOnlyFromItsAttributes(t *testing.T) {
	l := receiverLines[1] // RFC 3164: the message is the bare pairs
	for _, tc := range []struct {
		name, source string
		prepare      func(lr plog.LogRecord)
	}{
		{"no header attributes", "body", func(lr plog.LogRecord) {
			lr.Body().SetStr(pmPairs)
			lr.Attributes().RemoveIf(func(k string, _ pcommon.Value) bool { return k == "hostname" || k == "appname" })
		}},
		{"header attributes not strings", "body", func(lr plog.LogRecord) {
			lr.Body().SetStr(pmPairs)
			lr.Attributes().PutInt("hostname", 1)
			lr.Attributes().PutInt("appname", 2)
		}},
		{"another attribute", `attributes["raw"]`, func(lr plog.LogRecord) { lr.Attributes().PutStr("raw", pmPairs) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := processReceived(t, l, tc.source, tc.prepare)
			if got.EventName() != "passman.checkout_credentials" {
				t.Fatalf("event %q", got.EventName())
			}
			for _, k := range []string{"host.name", "service.name", "process.pid", "log.syslog.priority"} {
				if v, ok := got.Attributes().Get(k); ok {
					t.Errorf("%s = %v made up from a header the record has not", k, v.AsRaw())
				}
			}
		})
	}
}
