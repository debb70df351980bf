package main

import (
	"strconv"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/scan"
)

// Records from Fluent Bit's syslog input. Its syslog-rfc5424 and
// syslog-rfc3164 parsers (conf/parsers.conf) split the line into pri, time,
// host, ident, pid, msgid, extradata and message: the text is only the
// message, its header is in the other keys. Those keys are the header
// ParseMessage takes (core.Header, PRI, MSGID and structured data too), so
// a message-only record gets the attributes the full line would; each key
// whose value went into the record is dropped.

// The header keys, in the order of syslogKeys.at.
const (
	sysPRI = iota
	sysTime
	sysHost
	sysIdent
	sysPID
	sysMsgID
	sysExtradata
	sysKeyCount
)

var syslogKeyNames = [sysKeyCount]string{"pri", "time", "host", "ident", "pid", "msgid", "extradata"}

// syslogKeys are where a record's header keys are in converter.extra: the
// index of each, or -1.
type syslogKeys struct {
	at   [sysKeyCount]int
	drop [sysKeyCount]bool // the value went into the record
}

func (s *syslogKeys) reset() {
	for i := range s.at {
		s.at[i] = -1
		s.drop[i] = false
	}
}

// note records that the top-level key k is about to be added at index at
// of extra, when it is a header key with a scalar value (one attribute).
func (s *syslogKeys) note(k []byte, v mpValue, at int) {
	if v.kind != mpStr && v.kind != mpInt && v.kind != mpUint {
		return
	}
	for i, name := range syslogKeyNames {
		if string(k) == name {
			s.at[i] = at
			return
		}
	}
}

// present reports whether the record holds a header key that names its
// source: host, ident or pid.
func (s *syslogKeys) present() bool {
	return s.at[sysHost] >= 0 || s.at[sysIdent] >= 0 || s.at[sysPID] >= 0
}

// field returns header key i's value as text, "" when absent or nil ("-",
// RFC 5424's nil value, which the parsers keep).
func (c *converter) sysField(i int) string {
	at := c.sys.at[i]
	if at < 0 {
		return ""
	}
	var v string
	switch a := &c.extra[at]; a.Kind {
	case core.KindInt:
		v = strconv.FormatInt(a.Int, 10)
	case core.KindString:
		v = a.Str
	}
	if v == "-" {
		c.sys.drop[i] = true
		return ""
	}
	return v
}

// syslogHeader reads into h the header of a syslog input's record from
// its keys: all of it, the syslog fields too, so ParseMessage maps it as
// the syslog framing maps a line's. The time is the time key read as the
// syslog framing reads a header's (RFC 3339, or RFC 3164 in the timezone
// setting with the year inferred); when it is absent or unreadable, the
// event time, which Fluent Bit's parser took from it or, failing that,
// from the clock.
func (c *converter) syslogHeader(h *core.Header, event time.Time) {
	*h = core.Header{Time: event, SD: h.SD[:0]}
	for _, f := range []struct {
		key int
		dst *string
	}{{sysHost, &h.Host}, {sysIdent, &h.App}} {
		if c.sys.at[f.key] >= 0 {
			*f.dst = c.sysField(f.key)
			c.sys.drop[f.key] = true
		}
	}
	if s := c.sysField(sysPID); s != "" {
		if _, ok := scan.Atoi(s); ok {
			h.PID = s
			c.sys.drop[sysPID] = true
		}
	}
	if s := c.sysField(sysTime); s != "" {
		if t, n, ok := scan.SyslogTime(s, c.loc, c.now()); ok && n == len(s) {
			h.Time = t
			c.sys.drop[sysTime] = true
		}
	}
	if s := c.sysField(sysPRI); s != "" {
		if p, err := strconv.Atoi(s); err == nil && h.SetPRI(p) {
			c.sys.drop[sysPRI] = true
		}
	}
	if s := c.sysField(sysMsgID); s != "" {
		h.MsgID = s
		c.sys.drop[sysMsgID] = true
	}
	if s := c.sysField(sysExtradata); s != "" && h.ReadSD(s) {
		c.sys.drop[sysExtradata] = true
	}
}

// dropped reports whether extra[i] is a header key whose value went into the
// record.
func (s *syslogKeys) dropped(i int) bool {
	for k, at := range s.at {
		if at == i {
			return s.drop[k]
		}
	}
	return false
}
