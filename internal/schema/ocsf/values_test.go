package ocsf

import (
	"strings"
	"testing"
)

// An address goes where OCSF's types take it: ip only when the facts' ip_t
// pattern matches, hostname only when hostname_t's does.
func TestEndpointKeyMatchesTypes(t *testing.T) {
	for _, s := range []string{"10.0.0.1", "::ffff:10.0.0.1", "fe80::1%eth0", "2001:db8::1", "pm-node1", "nps02.example.com",
		"ws-7", "pts/1", "_CRONJOB_", "host_name", "-bad", "bad-", "a..b", "trailing.", "console", "256.1.1.1", "1.2.3",
		"fe80::1%" + strings.Repeat("x", 40), "ex ample", "é.example"} {
		k := endpointKey(s)
		ip := typeRegexp(factTypes["ip_t"].Regex).MatchString(s) && len(s) <= factTypes["ip_t"].MaxLen
		host := typeRegexp(factTypes["hostname_t"].Regex).MatchString(s)
		switch {
		case k == "ip" && !ip, k == "hostname" && !host:
			t.Errorf("%q: %s, which OCSF's type refuses", s, k)
		case k == "name" && host:
			t.Errorf("%q: name, and it is a host name", s)
		}
	}
}

func TestTZOffset(t *testing.T) {
	for s, want := range map[string]int{
		"2026-03-05T10:15:30.123456+01:00":    60,
		"2026-03-05T11:05:00Z":                0,
		"2017-11-28 11:43:13.814351757 +0900": 540,
		"2026-12-03T10:23:20-0530":            -330,
		"2026-12-03T10:23:20+18:00":           1080,
		"28 Oct 2008 12:15:01":                -1,
		"1796293410.5":                        -1,
		"Apr  7 11:15:14":                     -1,
		"2026-03-05":                          -1,
		"2026-12-03T10:23:20+18:30":           -1, // out of OCSF's range
		"2026-12-03T10:23:20+01:75":           -1,
		"Z":                                   -1,
		"":                                    -1,
	} {
		got, ok := tzOffset(s)
		if !ok {
			got = -1
		}
		if got != want {
			t.Errorf("%q: %d, want %d", s, got, want)
		}
	}
}

func TestSplitHostPort(t *testing.T) {
	for s, want := range map[string][2]string{
		"nps.example.com:443": {"nps.example.com", "443"},
		"nps.example.com":     {"nps.example.com", ""},
		"[::1]:8443":          {"::1", "8443"},
		"[::1]":               {"::1", ""},
		"::1":                 {"::1", ""},
		"[::1":                {"", ""},
	} {
		if h, p := splitHostPort(s); h != want[0] || p != want[1] {
			t.Errorf("%q: %q %q, want %q", s, h, p, want)
		}
	}
}
