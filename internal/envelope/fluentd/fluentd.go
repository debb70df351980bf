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

// ParseStdout reads "YYYY-MM-DD HH:MM:SS ±hhmm TAG: " at the start of s.
func ParseStdout(s string) (Header, bool) {
	var h Header
	if len(s) < 27 || s[10] != ' ' || s[19] != ' ' {
		return h, false
	}
	t, n, ok := scan.RFC3339(s[:19], time.UTC)
	if !ok || n != 19 {
		return h, false
	}
	off, m, ok := scan.Offset(s, 20)
	if !ok {
		return h, false
	}
	i := 20 + m
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
	h.Time, h.TimeText = t.Add(-time.Duration(off)*time.Second), s[:20+m]
	h.Tag = s[i:j]
	h.Msg = j + 2
	return h, true
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
