package syslog

import (
	"strings"
	"testing"
	"time"

	gosyslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/leodido/go-syslog/v4/rfc5424"
)

// go-syslog is what the collector's syslog receiver parses with: our header
// readers must agree with it wherever it accepts a line. (We are more
// lenient: go-syslog's rejections are not checked.)

var rfc5424Lines = []string{
	`<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 - - passman-audit(2301): id = 18735, type = CheckoutCredentials`,
	`<134>1 2026-03-05T10:16:02.123456+01:00 pm-node1 passman 2301 ID47 - id = 1, type = Login`,
	`<13>1 2026-04-07T11:15:14.003Z nps-web-1 s1_api - - [origin ip="10.0.0.5" software="nps"][meta seq="7"] {"msg":"token validate"}`,
	`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] ` + "\ufeff" + `An application event log entry...`,
	`<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.`,
	`<34>1 - - - - - -`,
	`<34>1 2026-03-05T10:16:02Z host app - - [x@1 a="q\"uo\]te\\d"] msg`,
	`<78>1 2016-01-15T00:04:01+00:00 host1 CROND 10391 - [meta sequenceId="29"] some_message`,
}

var rfc3164Lines = []string{
	`<134>Mar  5 10:16:02 pm-node1 passman-audit[2301]: id = 18735, type = CheckoutCredentials`,
	`<30>Mar  5 10:00:07 pm-node2 kernel: eth0: link up, 1000 Mbps, full duplex`,
	`<13>Apr  7 11:15:14 nps-web-1 secureone-api: {"level":30,"msg":"token validate"}`,
	`<34>Oct 11 22:14:15 mymachine su[230]: 'su root' failed for lonvick on /dev/pts/8`,
	`<14>Dec 31 23:59:59 host app: end of year`,
}

func checkRFC5424(t *testing.T, line string) (checked bool) {
	t.Helper()
	m, err := rfc5424.NewParser().Parse([]byte(line))
	if err != nil || m == nil {
		return false
	}
	want := m.(*rfc5424.SyslogMessage)
	var got Header
	msg, ok := Parse5424(line, time.UTC, &got)
	if !ok {
		t.Fatalf("go-syslog reads %q, we do not", line)
	}
	agree(t, line, &want.Base, &got, msg)
	if *want.Priority != uint8(got.PRI()) {
		t.Errorf("%q: PRI %d, go-syslog %d", line, got.PRI(), *want.Priority)
	}
	if s(want.MsgID) != got.MsgID {
		t.Errorf("%q: msgid %q, go-syslog %q", line, got.MsgID, s(want.MsgID))
	}
	sd := map[string]map[string]string{}
	for _, p := range got.SD {
		if sd[p.ID] == nil {
			sd[p.ID] = map[string]string{}
		}
		sd[p.ID][p.Name] = p.Value
	}
	if want.StructuredData != nil {
		for id, params := range *want.StructuredData {
			for k, v := range params {
				if sd[id][k] != v {
					t.Errorf("%q: [%s %s] %q, go-syslog %q", line, id, k, sd[id][k], v)
				}
			}
		}
	}
	return true
}

func checkRFC3164(t *testing.T, line string) bool {
	t.Helper()
	now := time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC)
	m, err := rfc3164.NewParser(rfc3164.WithYear(rfc3164.Year{YYYY: 2026}), rfc3164.WithTimezone(time.UTC)).Parse([]byte(line))
	if err != nil || m == nil {
		return false
	}
	want := m.(*rfc3164.SyslogMessage)
	// Only the shape we read as a header: "HOST TAG[PID]: MSG". go-syslog
	// also reads lines without a host ("<0>Apr 10 00:00:00 0:" as app "0")
	// or without a message (the tag is then the message), and past a colon
	// with no space after it its message is off; those are not compared.
	host, app, msg := s(want.Hostname), s(want.Appname), s(want.Message)
	tag := app + ":"
	if pid := s(want.ProcID); pid != "" {
		tag = app + "[" + pid + "]:"
	}
	if !plainName(host) || !plainName(app) || msg == "" || strings.HasPrefix(msg, app) || !strings.Contains(line, " "+tag+" ") || strings.HasSuffix(strings.TrimRight(line, " "), tag) {
		return false
	}
	var got Header
	at, ok := Parse(line, time.UTC, now, &got)
	if !ok {
		t.Fatalf("go-syslog reads %q, we do not", line)
	}
	if !plainName(got.Host) {
		return false // the line's host word holds '[' or the like
	}
	agree(t, line, &want.Base, &got, at)
	return true
}

// agree compares what both readers share: time, host, app, pid, message.
func agree(t *testing.T, line string, want *gosyslog.Base, got *Header, msg int) {
	t.Helper()
	if want.Timestamp != nil && !want.Timestamp.Equal(got.Time) {
		t.Errorf("%q: time %v, go-syslog %v", line, got.Time, *want.Timestamp)
	}
	for _, f := range []struct{ name, got, want string }{
		{"host", got.Host, s(want.Hostname)},
		{"app", got.App, s(want.Appname)},
		{"pid", got.PID, s(want.ProcID)},
		{"message", line[msg:], trimBOM(s(want.Message))},
	} {
		if f.got != f.want {
			t.Errorf("%q: %s %q, go-syslog %q", line, f.name, f.got, f.want)
		}
	}
}

// plainName: a host or tag of letters, digits, '.', '-' and '_', the names
// real senders use (go-syslog's reading of others, such as "0[0", differs
// from every syslog daemon's and is not compared).
func plainName(n string) bool {
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return n != ""
}

func s(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func trimBOM(m string) string {
	if len(m) >= 3 && m[:3] == "\ufeff" {
		return m[3:]
	}
	return m
}

func TestRFC5424AgreesWithGoSyslog(t *testing.T) {
	for _, line := range rfc5424Lines {
		if !checkRFC5424(t, line) {
			t.Errorf("go-syslog rejects the table's line %q", line)
		}
	}
}

func TestRFC3164AgreesWithGoSyslog(t *testing.T) {
	for _, line := range rfc3164Lines {
		if !checkRFC3164(t, line) {
			t.Errorf("go-syslog rejects the table's line %q", line)
		}
	}
}

func FuzzRFC5424(f *testing.F) {
	for _, l := range rfc5424Lines {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkRFC5424(t, line)
		Parse5424(line, time.UTC, &Header{}) // never panics
	})
}

func FuzzRFC3164(f *testing.F) {
	for _, l := range rfc3164Lines {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkRFC3164(t, line)
	})
}
