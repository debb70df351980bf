package cri

import (
	"testing"
	"time"
)

// criLine is a line and what its header says.
type criLine struct {
	name, line      string
	ok              bool
	stream, timeTxt string
	partial         bool
	msg             string
}

func TestParse(t *testing.T) {
	for _, tc := range []criLine{
		{"containerd full line", "2026-03-05T10:16:02.123456789Z stdout F passman-audit(2301): type = login",
			true, "stdout", "2026-03-05T10:16:02.123456789Z", false, "passman-audit(2301): type = login"},
		{"CRI-O partial line on stderr", "2026-03-05T10:16:02.5Z stderr P {\"msg\":\"token va",
			true, "stderr", "2026-03-05T10:16:02.5Z", true, `{"msg":"token va`},
		{"a tag with more flags", "2026-03-05T10:16:02Z stdout F:x hello", true, "stdout", "2026-03-05T10:16:02Z", false, "hello"},
		{"an empty message", "2026-03-05T10:16:02.000000000Z stdout F", true, "stdout", "2026-03-05T10:16:02.000000000Z", false, ""},
		{"an unknown stream", "2026-03-05T10:16:02.123456789Z stdin F hello", false, "", "", false, ""},
		{"an unknown tag", "2026-03-05T10:16:02.123456789Z stdout X hello", false, "", "", false, ""},
		{"a syslog line", "<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 - - hello", false, "", "", false, ""},
		{"a PassMan line with an RFC 3339 time", "2026-03-05T12:00:00Z pm-node1 passman: passman-audit(1): type = login", false, "", "", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := Parse(tc.line)
			if ok != tc.ok {
				t.Fatalf("ok %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if h.Stream != tc.stream || h.TimeText != tc.timeTxt || h.Partial != tc.partial || tc.line[h.Msg:] != tc.msg {
				t.Errorf("got %+v (message %q)", h, tc.line[h.Msg:])
			}
			if want, _ := time.Parse(time.RFC3339Nano, tc.timeTxt); !h.Time.Equal(want) {
				t.Errorf("time %v, want %v", h.Time, want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("2026-03-05T10:16:02.123456789Z stdout F hello")
	f.Add("2026-03-05T10:16:02Z stderr P:x ")
	f.Fuzz(func(t *testing.T, s string) {
		if h, ok := Parse(s); ok && (h.Msg > len(s) || h.TimeText != s[:len(h.TimeText)]) {
			t.Fatalf("%+v out of %q", h, s)
		}
	})
}
