package fluentd

import (
	"testing"
	"time"
)

func TestParseStdout(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		ok         bool
		tag, msg   string
		at         time.Time
	}{
		{"stdout output (testdata/netwrix/fluentd.log)", `2020-03-28 15:01:56 +0000 docker.s1_api.1.k3m9x2: {"name":"s1_api"}`,
			true, "docker.s1_api.1.k3m9x2", `{"name":"s1_api"}`, time.Date(2020, 3, 28, 15, 1, 56, 0, time.UTC)},
		{"with a fraction and an offset", `2026-03-05 12:00:12.250 +0100 docker.s1_api.1.x: {"log":"x"}`,
			true, "docker.s1_api.1.x", `{"log":"x"}`, time.Date(2026, 3, 5, 11, 0, 12, 250e6, time.UTC)},
		{"no tag", `2020-03-28 15:01:56 +0000 : {}`, false, "", "", time.Time{}},
		{"no space after the tag's colon", `2020-03-28 15:01:56 +0000 docker.x:{}`, false, "", "", time.Time{}},
		{"no offset", `2020-03-28 15:01:56 docker.x: {}`, false, "", "", time.Time{}},
		{"an RFC 3339 time", `2020-03-28T15:01:56+00:00 docker.x: {}`, false, "", "", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := ParseStdout(tc.line)
			if ok != tc.ok {
				t.Fatalf("ok %v, want %v", ok, tc.ok)
			}
			if ok && (h.Tag != tc.tag || tc.line[h.Msg:] != tc.msg || !h.Time.Equal(tc.at)) {
				t.Errorf("got %+v (record %q)", h, tc.line[h.Msg:])
			}
		})
	}
}

func TestTimeEnd(t *testing.T) {
	for s, want := range map[string]int{
		"2020-03-28 15:01:56 +0000 x: ":        19,
		"2020-03-28 15:01:56.123456 +0000 x: ": 26,
		"2020-03-28 15:01:56. +0000 x: ":       -1,
		"2020-03-28 15:01:56+0000 x: ":         -1,
		"2020-03-28 15:01":                     -1,
	} {
		if got := TimeEnd(s); got != want {
			t.Errorf("TimeEnd(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestParseTSV(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		ok         bool
		tag, msg   string
	}{
		{"out_file (testdata/netwrix/fluentd.log)", "2020-03-28T15:03:00+00:00\tdocker.s1_api\t{\"name\":\"s1_api\"}", true, "docker.s1_api", `{"name":"s1_api"}`},
		{"offset without a colon", "2020-03-28T15:03:00+0000\tdocker.s1_api\t{}", true, "docker.s1_api", "{}"},
		{"space instead of the second tab", "2020-03-28T15:03:00+00:00\tdocker.s1_api {}", false, "", ""},
		{"no tag", "2020-03-28T15:03:00+00:00\t\t{}", false, "", ""},
		{"stdout layout", `2020-03-28 15:01:56 +0000 docker.x: {}`, false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := ParseTSV(tc.line)
			if ok != tc.ok {
				t.Fatalf("ok %v, want %v", ok, tc.ok)
			}
			if ok && (h.Tag != tc.tag || tc.line[h.Msg:] != tc.msg || h.TimeText != tc.line[:len(h.TimeText)] || h.Time.IsZero()) {
				t.Errorf("got %+v (record %q)", h, tc.line[h.Msg:])
			}
		})
	}
}
