// Package fluentd reads the line headers Fluentd's outputs write before a
// record: the stdout and file outputs'
//
//	2020-03-28 15:01:56 +0000 docker.s1_api.1.<task id>: {…}
//
// and out_file's tab-separated layout
//
//	2020-03-28T15:01:56+00:00<TAB>docker.s1_api<TAB>{…}
package fluentd

import (
	"time"

	"github.com/pamaudit/pamaudit/internal/scan"
)

// Header is the time and tag before a record.
type Header struct {
	Time     time.Time
	TimeText string // the time as the line wrote it
	Tag      string
	Msg      int // offset of the record
}

// ParseStdout reads "YYYY-MM-DD HH:MM:SS[.fraction] ±hhmm TAG: " at the
// start of s (Fluentd writes the fraction when time_format asks for it,
// as its stdout output's documented example does).
func ParseStdout(s string) (Header, bool) {
	var h Header
	if len(s) < 27 || s[10] != ' ' {
		return h, false
	}
	e := TimeEnd(s)
	if e < 0 {
		return h, false
	}
	t, n, ok := scan.RFC3339(s[:e], time.UTC)
	if !ok || n != e {
		return h, false
	}
	off, m, ok := scan.Offset(s, e+1)
	if !ok {
		return h, false
	}
	i := e + 1 + m
	if i >= len(s) || s[i] != ' ' {
		return h, false
	}
	i++
	j := i
	for j < len(s) && s[j] != ':' && s[j] != ' ' {
		j++
	}
	if j == i || j+1 >= len(s) || s[j] != ':' || s[j+1] != ' ' {
		return h, false
	}
	h.Time, h.TimeText = t.Add(-time.Duration(off)*time.Second), s[:e+1+m]
	h.Tag = s[i:j]
	h.Msg = j + 2
	return h, true
}

// TimeEnd returns the end of "YYYY-MM-DD HH:MM:SS[.fraction]" followed by
// a space at the start of s, or -1.
func TimeEnd(s string) int {
	if len(s) < 20 || s[19] != ' ' && s[19] != '.' {
		return -1
	}
	i := 19
	if s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 20 {
			return -1
		}
	}
	if i >= len(s) || s[i] != ' ' {
		return -1
	}
	return i
}

// ParseTSV reads "TIME<TAB>TAG<TAB>" at the start of s; TIME is RFC 3339
// with or without a colon in its offset.
func ParseTSV(s string) (Header, bool) {
	var h Header
	t, n, ok := scan.RFC3339(s, time.UTC)
	if !ok || n >= len(s) || s[n] != '\t' {
		return h, false
	}
	i := n + 1
	j := i
	for j < len(s) && s[j] != '\t' && s[j] != ' ' {
		j++
	}
	if j == i || j >= len(s) || s[j] != '\t' {
		return h, false
	}
	h.Time, h.TimeText, h.Tag, h.Msg = t, s[:n], s[i:j], j+1
	return h, true
}
