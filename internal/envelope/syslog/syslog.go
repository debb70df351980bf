// Package syslog reads the syslog headers records arrive behind: RFC 5424
// ("<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG") and the RFC 3164 shape
// "[<PRI>]TIME HOST TAG[[PID]]: MSG", with an RFC 3164 or an RFC 3339 time.
// It returns the header fields and the message's offset; the envelope layer
// hands the message to the product that reads it.
package syslog

import (
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/internal/scan"
)

// pri reads "<PRI>" (0 to 191) and returns it and its length, or -1 and 0.
func pri(s string) (int, int) {
	if len(s) < 3 || s[0] != '<' {
		return -1, 0
	}
	v := 0
	for i := 1; i < len(s) && i <= 4; i++ {
		if s[i] == '>' {
			if i == 1 || v > 191 {
				return -1, 0
			}
			return v, i + 1
		}
		if s[i] < '0' || s[i] > '9' {
			return -1, 0
		}
		v = v*10 + int(s[i]-'0')
	}
	return -1, 0
}

// field reads the field after the space at s[i] up to the next space:
// its start and end; ok is false without the space or the field.
func field(s string, i int) (start, end int, ok bool) {
	if i >= len(s) || s[i] != ' ' {
		return 0, 0, false
	}
	i++
	j := i
	for j < len(s) && s[j] != ' ' {
		j++
	}
	return i, j, j > i
}

// Parse reads the RFC 3164 or RFC 5424-lite header
// "[<PRI>]TIME HOST TAG[[PID]]: " at the start of s into h and returns
// the offset of the message; when ok is false, h holds nothing of use.
func Parse(s string, loc *time.Location, now time.Time, h *Header) (msg int, ok bool) {
	p, i := pri(s)
	t, n, ok := scan.SyslogTime(s[i:], loc, now)
	if !ok {
		return 0, false // most text read here is no header: h is not touched
	}
	h.reset()
	h.SetPRI(p)
	h.Time, h.TimeText = t, s[i:i+n]
	i += n
	i, j, ok := field(s, i)
	if !ok || j >= len(s) {
		return 0, false
	}
	h.Host = s[i:j]
	i = j + 1
	j = i
	for j < len(s) && s[j] != ':' && s[j] != ' ' && s[j] != '[' {
		j++
	}
	if j == i || j >= len(s) {
		return 0, false
	}
	h.App = s[i:j]
	if s[j] == '[' {
		// Usually digits; anything up to "]" is the PROCID, as go-syslog
		// reads it (process.pid is set only when it is a number).
		k := j + 1
		for k < len(s) && s[k] != ']' && s[k] != ' ' && s[k] != ':' {
			k++
		}
		if k >= len(s) || s[k] != ']' || k == j+1 {
			return 0, false
		}
		h.PID = s[j+1 : k]
		j = k + 1
	}
	if j >= len(s) || s[j] != ':' {
		return 0, false
	}
	j++
	if j < len(s) && s[j] == ' ' {
		j++
	}
	return j, true
}

// DecodeEscapes decodes rsyslog's escapes of control characters ("#012"
// for a line feed: rsyslog's default on receive, $EscapeControlCharactersOnReceive):
// '#' and three octal digits of a control character, 000 to 037 or 177.
// Any other '#' stays ("ticket #123"). ok is false when s holds none.
func DecodeEscapes(s string) (string, bool) {
	i := escapeAt(s, 0)
	if i < 0 {
		return s, false
	}
	b := make([]byte, 0, len(s))
	last := 0
	for ; i >= 0; i = escapeAt(s, i+4) {
		b = append(b, s[last:i]...)
		b = append(b, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
		last = i + 4
	}
	return string(append(b, s[last:]...)), true
}

// escapeAt returns the offset of the next control-character escape in s
// from i, or -1.
func escapeAt(s string, i int) int {
	for i < len(s) {
		k := strings.IndexByte(s[i:], '#')
		if k < 0 {
			return -1
		}
		k += i
		if k+3 < len(s) && (s[k+1] == '0' && s[k+2] <= '3' && s[k+2] >= '0' || s[k+1] == '1' && s[k+2] == '7') &&
			s[k+3] >= '0' && s[k+3] <= '7' && (s[k+1] == '0' || s[k+3] == '7') {
			return k
		}
		i = k + 1
	}
	return -1
}
