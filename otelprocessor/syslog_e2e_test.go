package otelprocessor

import (
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/pdataconv"
	"github.com/pamaudit/pamaudit/internal/testutil"
	"github.com/pamaudit/pamaudit/record"
)

// dialWhenUp connects to addr once the collector listens there, trying for
// at most timeout.
func dialWhenUp(t *testing.T, addr string, timeout time.Duration, out *output) net.Conn {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("the collector does not listen on %s after %v: %v\n%s", addr, timeout, err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sentLine is one syslog line the test sends, and what its record must
// carry besides what the full line parses to.
type sentLine struct {
	rfc  string // "5424" or "3164"
	line string
	key  string         // the attribute that tells the records apart
	want map[string]any // attributes the record must have
}

// syslogLines are PassMan and Netwrix lines in both syslog formats. The
// RFC 3164 times are now's (they have no year: the receiver and the parser
// both take the current one).
func syslogLines(now time.Time) []sentLine {
	stamp := now.UTC().Format(time.Stamp)
	pm := func(id string) string {
		return "id = " + id + ", type = CheckoutCredentials, user_upn = alice@corp.example, user_address = ::ffff:10.20.30.40, entity_path = 'Servers/Linux/db-prod-01', business_result = Success"
	}
	nx := func(id string) string {
		return `{"name":"s1_api","hostname":"nps01.example.com","pid":4121,"level":30,"msg":"request finish","req_id":"` + id +
			`","time":"2020-03-28T15:01:56.900Z","req":{"method":"POST","url":"/api/v1/login","headers":{"cookie":"sid=abc123secret"}},"res":{"statusCode":200}}`
	}
	pmWant := func(id, service string, more ...any) map[string]any {
		m := map[string]any{"host.name": "pm-node1", "service.name": service, "process.pid": int64(2301),
			"passman.id": id, "passman.entity_path": "Servers/Linux/db-prod-01", "user.name": "alice@corp.example",
			"client.address": "10.20.30.40", "event.action": "CheckoutCredentials", "event.outcome": "success"}
		for i := 0; i < len(more); i += 2 {
			m[more[i].(string)] = more[i+1]
		}
		return m
	}
	nxWant := func(id string) map[string]any {
		return map[string]any{"host.name": "nps01.example.com", "service.name": "s1_api", "process.pid": int64(4121),
			"netwrix.req_id": id, "http.request.method": "POST", "http.response.status_code": int64(200)}
	}
	return []sentLine{
		{"5424", `<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 AUDIT [meta seq="7"] passman-audit(2301): ` + pm("501"), "passman.id",
			pmWant("501", "passman", "log.syslog.priority", int64(134), "log.syslog.msgid", "AUDIT", "log.syslog.structured_data.meta.seq", "7")},
		{"3164", "<134>" + stamp + " pm-node1 passman-audit[2301]: " + pm("502"), "passman.id",
			pmWant("502", "passman-audit", "log.syslog.severity.code", int64(6))},
		{"5424", "<14>1 2020-03-28T15:01:56Z collector01 fluentd - - - " + nx("a501"), "netwrix.req_id", nxWant("a501")},
		{"3164", "<14>" + stamp + " collector01 netwrix[4121]: " + nx("a502"), "netwrix.req_id", nxWant("a502")},
	}
}

// fullLine is what pamaudit makes of the full line by itself: the event
// name and every attribute but log.record.original.
func fullLine(t *testing.T, line string) (string, map[string]any) {
	t.Helper()
	p, err := core.NewParser(core.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := p.ParseString(line)
	if err != nil {
		t.Fatalf("the full line does not parse: %v", err)
	}
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	var w pdataconv.Writer
	w.Fill(lr, rec)
	attrs := lr.Attributes().AsRaw()
	delete(attrs, record.AttrLogRecordOriginal)
	return rec.EventName, attrs
}

// receiverAttrs are the attributes the syslog receiver writes.
var receiverAttrs = []string{"hostname", "appname", "proc_id", "msg_id", "message", "priority", "facility", "facility_text", "structured_data", "version"}

// TestSyslogEndToEnd runs the distribution on examples/otelcol/syslog.yaml,
// sends PassMan and Netwrix lines over TCP in RFC 5424 and RFC 3164, and
// checks that both pipelines (the message in the body, the message
// attribute) export each with the full line's event name and attributes.
func TestSyslogEndToEnd(t *testing.T) {
	needDistribution(t)
	addr5424, addr3164 := testutil.FreeAddr(t), testutil.FreeAddr(t)
	body, message := otlptest.NewReceiver(t, "127.0.0.1:0"), otlptest.NewReceiver(t, "127.0.0.1:0")
	out := startDistribution(t, "../examples/otelcol/syslog.yaml",
		"PAMAUDIT_SYSLOG_RFC5424="+addr5424, "PAMAUDIT_SYSLOG_RFC3164="+addr3164,
		"PAMAUDIT_OTLP_BODY="+body.URL, "PAMAUDIT_OTLP_MESSAGE="+message.URL)

	lines := syslogLines(time.Now())
	conns := map[string]net.Conn{
		"5424": dialWhenUp(t, addr5424, 60*time.Second, out),
		"3164": dialWhenUp(t, addr3164, 60*time.Second, out),
	}
	for _, l := range lines {
		c := conns[l.rfc]
		_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := fmt.Fprintf(c, "%s\n", l.line); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range conns {
		_ = c.Close()
	}

	for name, sink := range map[string]*otlptest.Receiver{"logs/body": body, "logs/message": message} {
		t.Run(name, func(t *testing.T) {
			if n := waitRecords(out, sink.Count, len(lines), 90*time.Second); n != len(lines) {
				t.Fatalf("%d records exported, want %d\n%s", n, len(lines), out.String())
			}
			byKey := map[string]plog.LogRecord{}
			for _, lr := range sink.Records() {
				for _, l := range lines {
					if v, ok := lr.Attributes().Get(l.key); ok {
						byKey[v.Str()] = lr
					}
				}
			}
			for _, l := range lines {
				lr, ok := byKey[l.want[l.key].(string)]
				if !ok {
					t.Errorf("RFC %s %s=%v: no record", l.rfc, l.key, l.want[l.key])
					continue
				}
				checkSyslogRecord(t, name, l, lr)
			}
		})
	}
}

// checkSyslogRecord checks one exported record against its line.
func checkSyslogRecord(t *testing.T, pipeline string, l sentLine, lr plog.LogRecord) {
	t.Helper()
	id := fmt.Sprintf("RFC %s %s=%v", l.rfc, l.key, l.want[l.key])
	event, want := fullLine(t, l.line)
	if lr.EventName() != event {
		t.Errorf("%s: event %q, want %q", id, lr.EventName(), event)
	}
	got := lr.Attributes().AsRaw()
	if v, ok := got[record.AttrErrorType]; ok {
		t.Errorf("%s: error.type %v", id, v)
	}
	if strings.Contains(fmt.Sprint(got, lr.Body().AsString()), "abc123secret") {
		t.Errorf("%s: the cookie in clear", id)
	}
	for k, v := range l.want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s: %s = %v, want %v", id, k, got[k], v)
		}
	}
	// The full line's attributes, no more: besides them only the
	// receiver's, log.record.original and the identity (of the message and
	// the header the receiver read: TestUIDFaces).
	delete(got, record.AttrLogRecordOriginal)
	if uid := otlptest.TakeUID(got, "otel"); len(uid) != core.UIDLen {
		t.Errorf("%s: log.record.uid %q", id, uid)
	}
	for _, k := range receiverAttrs {
		delete(got, k)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: attributes\n got %v\nwant %v (the full line's)", id, got, want)
	}
	if _, ok := lr.Attributes().Get("message"); ok == (pipeline == "logs/body") {
		t.Errorf("%s: attribute message present %v in %s", id, ok, pipeline)
	}
	if h, _ := lr.Attributes().Get("hostname"); h.Str() == "" {
		t.Errorf("%s: the receiver's hostname was not kept", id)
	}
	if lr.Timestamp() == 0 {
		t.Errorf("%s: no time", id)
	}
}
