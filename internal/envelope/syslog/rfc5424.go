package syslog

import (
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/internal/scan"
)

// Is5424 is the cheap look: "<PRI>1 " at the start.
func Is5424(s string) bool {
	_, n := pri(s)
	return n > 0 && n+1 < len(s) && s[n] == '1' && s[n+1] == ' '
}

// Parse5424 reads an RFC 5424 header: <PRI>1 TIMESTAMP HOSTNAME APP-NAME
// PROCID MSGID STRUCTURED-DATA, each field "-" when nil, and the message
// after one space (a UTF-8 byte order mark before it is skipped), into h
// (its SD's memory reused), and returns the offset of the message. A time
// without an offset is read in loc.
func Parse5424(s string, loc *time.Location, h *Header) (msg int, ok bool) {
	h.reset()
	p, i := pri(s)
	if i == 0 || i+2 > len(s) || s[i] != '1' || s[i+1] != ' ' {
		return 0, false
	}
	h.SetPRI(p)
	i += 2
	if i < len(s) && s[i] == '-' {
		i++
	} else {
		t, n, ok := scan.RFC3339(s[i:], loc)
		if !ok {
			return 0, false
		}
		h.Time, h.TimeText = t, s[i:i+n]
		i += n
	}
	var fields [4]string
	for k := range fields {
		start, end, ok := field(s, i)
		if !ok {
			return 0, false
		}
		if f := s[start:end]; f != "-" {
			fields[k] = f
		}
		i = end
	}
	h.Host, h.App, h.PID, h.MsgID = fields[0], fields[1], fields[2], fields[3]
	if i >= len(s) || s[i] != ' ' {
		return 0, false
	}
	i++
	if i < len(s) && s[i] == '-' {
		i++
	} else {
		if h.SD, i, ok = readSD(s, i, h.SD); !ok {
			return 0, false
		}
	}
	if i < len(s) {
		if s[i] != ' ' {
			return 0, false
		}
		i++
		// rsyslog's RSYSLOG_SyslogProtocol23Format writes the MSG of a
		// message it received as RFC 3164 with that message's leading
		// space: "- - " then " passman-audit(2301): …".
		if i+1 < len(s) && s[i] == ' ' && s[i+1] != ' ' {
			i++
		}
	}
	if strings.HasPrefix(s[i:], "\ufeff") {
		i += 3
	}
	return i, true
}

// ReadSD reads RFC 5424 STRUCTURED-DATA standing on its own, as a
// pipeline that split the header keeps it (Fluent Bit's extradata): "-"
// for none, or one or more [SD-ID PARAM="VALUE" ...] elements that are the
// whole of s. The parameters are appended to sd[:0].
func ReadSD(s string, sd []Param) ([]Param, bool) {
	h := Header{SD: sd[:0]}
	ok := h.ReadSD(s)
	return h.SD, ok
}

// readSD reads one or more [SD-ID PARAM="VALUE" ...] elements from s[i:],
// appending their parameters to sd, and returns the offset after them.
func readSD(s string, i int, sd []Param) ([]Param, int, bool) {
	if i >= len(s) || s[i] != '[' {
		return sd, i, false
	}
	for i < len(s) && s[i] == '[' {
		i++
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != ']' {
			j++
		}
		if j == i || j >= len(s) {
			return sd, i, false
		}
		id := s[i:j]
		i = j
		for i < len(s) && s[i] == ' ' {
			i++
			k := i
			for k < len(s) && s[k] != '=' && s[k] != ' ' && s[k] != ']' {
				k++
			}
			if k == i || k+1 >= len(s) || s[k] != '=' || s[k+1] != '"' {
				return sd, i, false
			}
			name := s[i:k]
			v, end, ok := paramValue(s, k+2)
			if !ok {
				return sd, i, false
			}
			sd = append(sd, Param{ID: id, Name: name, Value: v})
			i = end
		}
		if i >= len(s) || s[i] != ']' {
			return sd, i, false
		}
		i++
	}
	return sd, i, true
}

// paramValue reads a PARAM-VALUE up to its closing quote, with \", \\ and
// \] unescaped, and returns the offset after the quote.
func paramValue(s string, i int) (string, int, bool) {
	esc := false
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '\\':
			esc = true
			j++
		case '"':
			if !esc {
				return s[i:j], j + 1, true
			}
			var b strings.Builder
			for k := i; k < j; k++ {
				if s[k] == '\\' && k+1 < j && (s[k+1] == '"' || s[k+1] == '\\' || s[k+1] == ']') {
					k++
				}
				b.WriteByte(s[k])
			}
			return b.String(), j + 1, true
		}
	}
	return "", len(s), false
}
