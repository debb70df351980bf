package scan

import (
	"testing"
	"time"
)

func TestAtoi(t *testing.T) {
	for s, want := range map[string]int64{"2301": 2301, "0": 0, "": -1, "-1": -1, "12a": -1, "99999999999999999999": -1} {
		n, ok := Atoi(s)
		if ok != (want >= 0) || ok && n != want {
			t.Errorf("Atoi(%q) = %d, %v", s, n, ok)
		}
	}
}

func TestIP(t *testing.T) {
	for s, want := range map[string]bool{"10.0.0.1": true, "::ffff:10.0.0.1": true, "fe80::1": true, "pm-node1": false, "10.0.0": false, "": false} {
		if IsIP(s) != want {
			t.Errorf("IsIP(%q) = %v", s, !want)
		}
	}
	if got := UnmapIPv4("::ffff:10.0.0.1"); got != "10.0.0.1" {
		t.Errorf("UnmapIPv4 = %q", got)
	}
	if got := UnmapIPv4("fe80::1"); got != "fe80::1" {
		t.Errorf("UnmapIPv4 of an IPv6 address = %q", got)
	}
}

func TestFold(t *testing.T) {
	// Secret names as records write them: "Authorization:", "X_Access_Token=".
	if i := IndexFold("GET / Authorization: Bearer x", "authorization"); i != 6 {
		t.Errorf("IndexFold = %d", i)
	}
	if ContainsFold("no secret here", "password") {
		t.Error("ContainsFold found a password")
	}
	if i := IndexFoldDash("h X_Access_Token=abc", "x-access-token"); i != 2 {
		t.Errorf("IndexFoldDash = %d", i)
	}
	if !EqualFoldDash("Set_Cookie", "set-cookie") || EqualFoldDash("Set-Cookies", "set-cookie") {
		t.Error("EqualFoldDash")
	}
}

func TestSnake(t *testing.T) {
	// Names from the products' records, and their keys.
	for _, c := range [][2]string{
		{"requestIP", "request_ip"}, {"User name", "user_name"}, {"sAMAccountName", "sam_account_name"},
		{"authInfo", "auth_info"}, {"Content-Length", "content_length"}, {"business_result", "business_result"},
		{"distinguishedName", "distinguished_name"},
	} {
		if got := Snake(c[0]); got != c[1] {
			t.Errorf("Snake(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func TestSkipWS(t *testing.T) {
	if i := SkipWS(" \t\n\r{", 0); i != 4 {
		t.Errorf("SkipWS = %d", i)
	}
	if i, nbsp := SkipSpace("\u00a0 {", 0); i != 3 || !nbsp {
		t.Errorf("SkipSpace = %d, %v", i, nbsp)
	}
}

func TestKV(t *testing.T) {
	if !IsKVSep(',') || IsKVSep('=') || !IsKeyChar('_') || IsKeyChar('=') {
		t.Error("key = value classes")
	}
}

func TestSlot256(t *testing.T) {
	if Slot256("user.name") != Slot256([]byte("user.name")) {
		t.Error("a string and its bytes take different slots")
	}
}

func TestTimes(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, s string
		read    func(string) (time.Time, int, bool)
		want    time.Time
		n       int
	}{
		{"RFC 5424 header", "2026-03-05T10:16:02.123456Z pm-node1", func(s string) (time.Time, int, bool) { return RFC3339(s, time.UTC) },
			time.Date(2026, 3, 5, 10, 16, 2, 123456000, time.UTC), 27},
		{"Python asctime", "2019-08-29 20:13:31,120 INFO", func(s string) (time.Time, int, bool) { return RFC3339(s, time.UTC) },
			time.Date(2019, 8, 29, 20, 13, 31, 120e6, time.UTC), 23},
		{"offset", "2026-03-05T10:16:02+01:00", func(s string) (time.Time, int, bool) { return RFC3339(s, time.UTC) },
			time.Date(2026, 3, 5, 9, 16, 2, 0, time.UTC), 25},
		{"RFC 3164 header, this year", "Mar  5 10:16:02 pm-node1", func(s string) (time.Time, int, bool) { return RFC3164(s, time.UTC, now) },
			time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC), 15},
		{"RFC 3164 header, last year (a month ahead)", "Dec 24 10:16:02 pm-node1", func(s string) (time.Time, int, bool) { return SyslogTime(s, time.UTC, now) },
			time.Date(2025, 12, 24, 10, 16, 2, 0, time.UTC), 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, n, ok := tc.read(tc.s)
			if !ok || n != tc.n || !got.Equal(tc.want) {
				t.Errorf("got %v, %d, %v; want %v, %d", got, n, ok, tc.want, tc.n)
			}
		})
	}
	for _, bad := range []string{"2026-02-30T10:16:02Z", "2026-03-05T25:16:02Z", "Foo  5 10:16:02", ""} {
		if _, _, ok := SyslogTime(bad, time.UTC, now); ok {
			t.Errorf("read %q", bad)
		}
	}
	if off, n, ok := Offset("-0430", 0); !ok || off != -(4*3600+30*60) || n != 5 {
		t.Errorf("Offset = %d, %d, %v", off, n, ok)
	}
}

func TestAlnumLower(t *testing.T) {
	for in, want := range map[string]string{"": "", "Basic dXNlcg==": "basicdxnlcg", "passman.entity_type": "passmanentitytype", "A-b_C.9 \u00e9": "abc9"} {
		if got := AlnumLower(in); got != want {
			t.Errorf("AlnumLower(%q) = %q, want %q", in, got, want)
		}
	}
}
