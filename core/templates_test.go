package core

import (
	"reflect"
	"testing"
)

// Syslog servers' stock file and forwarding templates, by name, each with
// the same PassMan audit line (and a detailed seaudit record as rsyslog's
// imfile reads it, control characters escaped): every one gives the
// record the bare line gives, and the header's host, app name and pid.
func TestSyslogServerTemplates(t *testing.T) {
	const msg = "passman-audit(2301): type = Login, user_upn = alice@corp.example, user_address = 10.0.0.5, business_result = success"
	bare := testParser(t, Options{})
	want, err := bare.ParseString("2026-12-03T10:25:00Z pm-node1 passman: " + msg)
	if err != nil {
		t.Fatal(err)
	}
	wantAttrs := recordAttrs(want)
	for _, tc := range []struct{ template, line string }{
		{"rsyslog RSYSLOG_TraditionalFileFormat", "Dec  3 10:25:00 pm-node1 passman[2301]: " + msg},
		{"rsyslog RSYSLOG_FileFormat", "2026-12-03T10:25:00.123456+00:00 pm-node1 passman[2301]: " + msg},
		{"rsyslog RSYSLOG_SyslogProtocol23Format (received as RFC 3164)", "<86>1 2026-12-03T10:25:00.123456+00:00 pm-node1 passman 2301 - -  " + msg},
		{"rsyslog RSYSLOG_SyslogProtocol23Format (received as RFC 5424)", "<86>1 2026-12-03T10:25:00.123456+00:00 pm-node1 passman 2301 - - " + msg},
		{"rsyslog RSYSLOG_ForwardFormat", "<86>2026-12-03T10:25:00.123456+00:00 pm-node1 passman[2301]: " + msg},
		{"rsyslog RSYSLOG_TraditionalForwardFormat", "<86>Dec  3 10:25:00 pm-node1 passman[2301]: " + msg},
		{"syslog-ng default file template", "Dec  3 10:25:00 pm-node1 passman[2301]: " + msg},
		{"syslog-ng ISODATE file template", "2026-12-03T10:25:00+00:00 pm-node1 passman[2301]: " + msg},
		{"syslog-ng syslog() driver (RFC 5424)", "<86>1 2026-12-03T10:25:00+00:00 pm-node1 passman 2301 - [meta sequenceId=\"7\"] " + msg},
	} {
		t.Run(tc.template, func(t *testing.T) {
			p := testParser(t, Options{})
			r, err := p.ParseString(tc.line)
			if err != nil || r.EventName != want.EventName {
				t.Fatalf("%q, %v: want %s", r.EventName, err, want.EventName)
			}
			if got := recordAttrs(r); !reflect.DeepEqual(got, wantAttrs) {
				t.Errorf("attributes\n got %v\nwant %v", got, wantAttrs)
			}
			for k, v := range map[string]any{"host.name": "pm-node1", "service.name": "passman", "process.pid": int64(2301)} {
				a, ok := r.Get(k)
				if !ok || (a.Kind == KindInt && a.Int != v) || (a.Kind == KindString && a.Str != v) {
					t.Errorf("%s = %v, want %v", k, a, v)
				}
			}
		})
	}

	// rsyslog's imfile (control characters escaped on receive by default):
	// a detailed seaudit record on one line gives the attributes of the
	// record as seaudit wrote it; "#123" that is no escape stays.
	detailed := "28 Oct 2008 12:15:01 P LOGIN root 59 2 console /usr/sbin/sshd\n    Status: Permitted\n    Note: see ticket #123"
	wantD, err := bare.ParseString("2026-12-03T10:25:10+00:00 ca-host01 seaudit: " + detailed)
	if err != nil {
		t.Fatal(err)
	}
	wantDAttrs := recordAttrs(wantD)
	escaped := "2026-12-03T10:25:10+00:00 ca-host01 seaudit: 28 Oct 2008 12:15:01 P LOGIN root 59 2 console /usr/sbin/sshd#012    Status: Permitted#012    Note: see ticket #123"
	r, err := testParser(t, Options{}).ParseString(escaped)
	if err != nil || r.EventName != wantD.EventName {
		t.Fatalf("imfile record: %q, %v", r.EventName, err)
	}
	if got := recordAttrs(r); !reflect.DeepEqual(got, wantDAttrs) {
		t.Errorf("imfile record attributes\n got %v\nwant %v", got, wantDAttrs)
	}
	if r.Body != escaped {
		t.Errorf("the original is not kept as received: %q", r.Body)
	}
}
