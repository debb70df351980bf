package syslog

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/record"
)

// attrsOf returns what SyslogAttrs puts, in order, as "key=value".
func attrsOf(h *Header) []string {
	var out []string
	h.SyslogAttrs(func(a record.Attr) {
		v := a.Str
		if a.Kind == record.KindInt {
			v = fmt.Sprint(a.Int)
		}
		out = append(out, a.Key+"="+v)
	})
	return out
}

// The header a line's framing reads maps onto the log.syslog.* attributes,
// in the record's order.
func TestSyslogAttrsOfLines(t *testing.T) {
	now := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, line string
		want       []string
	}{
		{"PassMan RFC 5424 with MSGID and structured data",
			`<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 AUDIT [meta seq="7"] passman-audit(2301): id = 18735, type = Login`,
			[]string{"log.syslog.priority=134", "log.syslog.facility.code=16", "log.syslog.severity.code=6",
				"log.syslog.msgid=AUDIT", "log.syslog.structured_data.meta.seq=7"}},
		{"syslog-ng RFC 5424, two elements, escaped quote",
			`<86>1 2026-12-03T10:25:00+00:00 pm-node1 passman 2301 - [meta sequenceId="7" note="a \"q\""][origin ip="10.0.0.5"] id = 1, type = Login`,
			[]string{"log.syslog.priority=86", "log.syslog.facility.code=10", "log.syslog.severity.code=6",
				"log.syslog.structured_data.meta.sequenceId=7", `log.syslog.structured_data.meta.note=a "q"`,
				"log.syslog.structured_data.origin.ip=10.0.0.5"}},
		{"rsyslog forwarding a 3164 message as 5424, all nil",
			"<14>1 2020-03-28T15:01:56Z collector01 fluentd - - - {\"msg\":\"x\"}",
			[]string{"log.syslog.priority=14", "log.syslog.facility.code=1", "log.syslog.severity.code=6"}},
		{"structured data with an empty value",
			`<134>1 2026-03-05T10:16:02Z pm-node1 passman - - [meta seq=""] x`,
			[]string{"log.syslog.priority=134", "log.syslog.facility.code=16", "log.syslog.severity.code=6"}},
		{"PassMan RFC 3164", "<134>Mar  5 10:16:02 pm-node1 passman-audit[2301]: id = 1, type = Login",
			[]string{"log.syslog.priority=134", "log.syslog.facility.code=16", "log.syslog.severity.code=6"}},
		{"kernel PRI 0", "<0>Mar  5 10:00:07 pm-node2 kernel: panic",
			[]string{"log.syslog.priority=0", "log.syslog.facility.code=0", "log.syslog.severity.code=0"}},
		{"RFC 3164 without PRI (a file written by rsyslog)", "Mar  5 10:16:05 pm-node1 passman: Started",
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h Header
			var ok bool
			if Is5424(tc.line) {
				_, ok = Parse5424(tc.line, time.UTC, &h)
			} else {
				_, ok = Parse(tc.line, time.UTC, now, &h)
			}
			if !ok {
				t.Fatalf("%q not read", tc.line)
			}
			if got := attrsOf(&h); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// The headers the faces fill (from a shipper's members, the collector's
// syslog receiver, Fluent Bit's syslog keys) map as a line's would.
func TestSyslogAttrsOfPipelineHeaders(t *testing.T) {
	for _, tc := range []struct {
		name string
		fill func(h *Header)
		want []string
	}{
		{"journald PRIORITY=6, no facility", func(h *Header) { h.SetSyslog(6, -1) },
			[]string{"log.syslog.severity.code=6"}},
		{"GELF level 3 and facility 4", func(h *Header) { h.SetSyslog(3, 4) },
			[]string{"log.syslog.priority=35", "log.syslog.facility.code=4", "log.syslog.severity.code=3"}},
		{"receiver: priority 134, msg_id AUDIT, structured_data meta.seq", func(h *Header) {
			h.SetPRI(134)
			h.MsgID = "AUDIT"
			h.AddSD("meta", "seq", "7")
		}, []string{"log.syslog.priority=134", "log.syslog.facility.code=16", "log.syslog.severity.code=6",
			"log.syslog.msgid=AUDIT", "log.syslog.structured_data.meta.seq=7"}},
		{"Fluent Bit: pri 999 is not a PRI", func(h *Header) {
			if h.SetPRI(999) {
				t.Error("SetPRI(999) took it")
			}
		}, nil},
		{`Fluent Bit: extradata [origin ip="10.0.0.5"]`, func(h *Header) {
			if !h.ReadSD(`[origin ip="10.0.0.5"]`) {
				t.Error("extradata not read")
			}
		}, []string{"log.syslog.structured_data.origin.ip=10.0.0.5"}},
		{"Fluent Bit: extradata [not sd", func(h *Header) {
			h.AddSD("kept", "k", "v")
			if h.ReadSD("[not sd") {
				t.Error("[not sd read as structured data")
			}
		}, []string{"log.syslog.structured_data.kept.k=v"}},
		{"nothing known", func(*Header) {}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h Header
			tc.fill(&h)
			if got := attrsOf(&h); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestPRIOfSeverityAndFacility(t *testing.T) {
	var h Header
	if h.PRI() != -1 || h.Severity() != -1 || h.Facility() != -1 {
		t.Errorf("zero header: PRI %d, severity %d, facility %d", h.PRI(), h.Severity(), h.Facility())
	}
	for pri := 0; pri <= 191; pri++ {
		if !h.SetPRI(pri) || h.PRI() != pri || h.Severity() != pri%8 || h.Facility() != pri/8 {
			t.Fatalf("SetPRI(%d): PRI %d, severity %d, facility %d", pri, h.PRI(), h.Severity(), h.Facility())
		}
	}
	h.SetSyslog(5, -1)
	if h.PRI() != -1 || h.Severity() != 5 || h.Facility() != -1 {
		t.Errorf("severity only: PRI %d, severity %d, facility %d", h.PRI(), h.Severity(), h.Facility())
	}
}

// ReadSD reads the STRUCTURED-DATA field on its own, as Fluent Bit's
// syslog parsers keep it in extradata.
func TestReadSD(t *testing.T) {
	for _, tc := range []struct {
		name, sd string
		want     []Param
		ok       bool
	}{
		{"one element", `[origin ip="10.0.0.5"]`, []Param{{"origin", "ip", "10.0.0.5"}}, true},
		{"RFC 5424's example", `[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]`,
			[]Param{{"exampleSDID@32473", "iut", "3"}, {"exampleSDID@32473", "eventSource", "Application"}, {"exampleSDID@32473", "eventID", "1011"}}, true},
		{"two elements", `[meta seq="7"][origin ip="10.0.0.5" software="rsyslogd"]`,
			[]Param{{"meta", "seq", "7"}, {"origin", "ip", "10.0.0.5"}, {"origin", "software", "rsyslogd"}}, true},
		{"escapes", `[meta note="a \"q\" \\ \]"]`, []Param{{"meta", "note", `a "q" \ ]`}}, true},
		{"element without parameters", `[timeQuality]`, nil, true},
		{"nil", "-", nil, true},
		{"empty", "", nil, false},
		{"unclosed", "[not sd", nil, false},
		{"unclosed value", `[meta seq="7]`, nil, false},
		{"text after", `[meta seq="7"] passman-audit(2301): id = 1`, nil, false},
		{"space before", ` [meta seq="7"]`, nil, false},
		{"unquoted value", `[meta seq=7]`, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ReadSD(tc.sd, make([]Param, 3))
			if ok != tc.ok {
				t.Fatalf("ReadSD(%q) ok = %v", tc.sd, ok)
			}
			if ok && len(got) == 0 {
				got = nil
			}
			if ok && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ReadSD(%q)\n got %q\nwant %q", tc.sd, got, tc.want)
			}
		})
	}
}

// The structured data read on its own is what the line's reader reads.
func FuzzReadSD(f *testing.F) {
	for _, sd := range []string{`[meta seq="7"]`, `[meta sequenceId="7" note="a \"q\""][origin ip="10.0.0.5"]`, `[x]`, `[a b="]"]`, `[a b=""`} {
		f.Add(sd)
	}
	f.Fuzz(func(t *testing.T, sd string) {
		got, ok := ReadSD(sd, nil)
		line := "<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 AUDIT " + sd + " id = 1"
		var h Header
		msg, lineOK := Parse5424(line, time.UTC, &h)
		whole := lineOK && line[msg:] == "id = 1"
		if ok && sd != "-" && (!whole || !reflect.DeepEqual(got, h.SD) && len(got)+len(h.SD) > 0) {
			t.Errorf("ReadSD(%q) = %q; the line's reader: %v %q", sd, got, whole, h.SD)
		}
	})
}
