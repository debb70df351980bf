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

// The header keys, in the order of syslogKeys' arrays.
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

// syslogKeys are which header keys a record has, by name: the keys are
// attributes in converter.extra like the record's other keys, found there
// by their names (sysField), and left out of the record by their names
// (dropped) when their values went into it.
type syslogKeys struct {
	seen [sysKeyCount]bool // a top-level key with a scalar value (one attribute)
	drop [sysKeyCount]bool // the value went into the record
}

func (s *syslogKeys) reset() { *s = syslogKeys{} }

// note records the top-level key k with the value v, when it is a header
// key and v a scalar.
func (s *syslogKeys) note(k []byte, v mpValue) {
	if v.kind != mpStr && v.kind != mpInt && v.kind != mpUint {
		return
	}
	for i, name := range syslogKeyNames {
		if string(k) == name {
			s.seen[i] = true
			return
		}
	}
}

// present reports whether the record holds a header key that names its
// source: host, ident or pid.
func (s *syslogKeys) present() bool {
	return s.seen[sysHost] || s.seen[sysIdent] || s.seen[sysPID]
}

// sysField returns header key i's value as text (its attribute's, redacted
// as the record's other keys), "" when absent or nil ("-", RFC 5424's nil
// value, which the parsers keep).
func (c *converter) sysField(i int) string {
	if !c.sys.seen[i] {
		return ""
	}
	a := &core.Attr{}
	for j := len(c.extra) - 1; j >= 0; j-- { // the last, as a map's last key wins
		if c.extra[j].Key == syslogKeyNames[i] {
			a = &c.extra[j]
			break
		}
	}
	var v string
	switch a.Kind {
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
		if c.sys.seen[f.key] {
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

// dropped reports whether key is a header key whose value went into the
// record.
func (s *syslogKeys) dropped(key string) bool {
	for i, name := range syslogKeyNames {
		if key == name {
			return s.drop[i]
		}
	}
	return false
}
