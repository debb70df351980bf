package syslog

import (
	"time"

	"github.com/pamaudit/pamaudit/record"
)

// Header is a record's syslog header, whoever read it: this package from
// the text (Parse, Parse5424), a shipper's members, the collector's syslog
// receiver from its attributes, Fluent Bit's syslog input from its keys.
// SyslogAttrs is the one mapping of its syslog fields onto the record's
// attributes; the time, host, app name and pid are the framing's own
// (envelope.Frame).
type Header struct {
	Time      time.Time
	TimeText  string // the time as the header wrote it
	Host, App string // HOSTNAME; APP-NAME or TAG
	PID       string // PROCID or [pid]
	MsgID     string // RFC 5424 only
	SD        []Param

	sev, fac int8 // severity and facility + 1; 0 when not known
}

// Param is one parameter of RFC 5424 structured data.
type Param struct {
	ID, Name, Value string // Value is unescaped
}

// reset empties h, keeping SD's memory.
func (h *Header) reset() {
	*h = Header{SD: h.SD[:0]}
}

// SetPRI sets the severity and facility a PRI (0–191) gives; it reports
// false, changing nothing, for any other value.
func (h *Header) SetPRI(pri int) bool {
	if pri < 0 || pri > 191 {
		return false
	}
	h.SetSyslog(pri%8, pri/8)
	return true
}

// SetSyslog sets the severity (0–7) and facility (0–23); -1 for one not
// known.
func (h *Header) SetSyslog(severity, facility int) {
	h.sev, h.fac = int8(severity+1), int8(facility+1)
}

// Severity returns the severity, or -1.
func (h *Header) Severity() int { return int(h.sev) - 1 }

// Facility returns the facility, or -1.
func (h *Header) Facility() int { return int(h.fac) - 1 }

// HasSyslogAttrs reports whether SyslogAttrs has any to give: a file's
// line has no PRI, message id or structured data.
func (h *Header) HasSyslogAttrs() bool {
	return h.fac != 0 || h.sev != 0 || h.MsgID != "" || len(h.SD) > 0
}

// PRI returns facility*8 + severity, or -1 when either is not known.
func (h *Header) PRI() int {
	if h.sev == 0 || h.fac == 0 {
		return -1
	}
	return h.Facility()*8 + h.Severity()
}

// AddSD adds a structured data parameter.
func (h *Header) AddSD(id, name, value string) {
	h.SD = append(h.SD, Param{ID: id, Name: name, Value: value})
}

// ReadSD adds the structured data parameters of RFC 5424
// STRUCTURED-DATA standing on its own (see the function ReadSD); it
// reports false, leaving SD as it was, when s is not that.
func (h *Header) ReadSD(s string) bool {
	if s == "-" {
		return true
	}
	sd, end, ok := readSD(s, 0, h.SD)
	if ok && end == len(s) {
		h.SD = sd
	}
	return ok && end == len(s)
}

// SyslogAttrs calls put with each log.syslog.* attribute h gives, in the
// record's order: priority, facility code, severity code (each when
// known), msgid, and one structured_data.<SD-ID>.<PARAM-NAME> per
// parameter with a value.
func (h *Header) SyslogAttrs(put func(record.Attr)) {
	if p := h.PRI(); p >= 0 {
		put(record.Attr{Key: record.AttrSyslogPriority, Kind: record.KindInt, Int: int64(p)})
	}
	if h.fac > 0 {
		put(record.Attr{Key: record.AttrSyslogFacilityCode, Kind: record.KindInt, Int: int64(h.fac - 1)})
	}
	if h.sev > 0 {
		put(record.Attr{Key: record.AttrSyslogSeverityCode, Kind: record.KindInt, Int: int64(h.sev - 1)})
	}
	if h.MsgID != "" {
		put(record.Attr{Key: record.AttrSyslogMsgID, Kind: record.KindString, Str: h.MsgID})
	}
	for _, p := range h.SD {
		if p.Value != "" {
			put(record.Attr{Key: record.AttrSyslogStructuredData + "." + p.ID + "." + p.Name, Kind: record.KindString, Str: p.Value})
		}
	}
}
