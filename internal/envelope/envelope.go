// Package envelope takes the framings off a record: the transport headers
// and wrappers pipelines put around an audit line (syslog RFC 5424 and
// RFC 3164, CRI, Docker's and Fluentd's JSON wrappers, Fluentd's stdout and
// out_file headers). It hands the payload and the framing's fields to the
// product that reads the payload; it knows no product.
package envelope

import (
	"errors"
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/internal/envelope/cri"
	"github.com/pamaudit/pamaudit/internal/envelope/fluentd"
	"github.com/pamaudit/pamaudit/internal/envelope/shipper"
	"github.com/pamaudit/pamaudit/internal/envelope/syslog"
	"github.com/pamaudit/pamaudit/internal/envelope/wrapper"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// Header is what a framing, or the pipeline that already read one, says
// about the record: its time, host, app name and process id, and the syslog
// fields (PRI, MSGID, structured data). It is the syslog package's: the
// framings here, a shipper's members and the faces' pipelines fill the one
// type, and its SyslogAttrs is the one mapping onto attributes.
type Header = syslog.Header

// FromShipper is the header a shipper's members give (shipper.Result).
func FromShipper(res *shipper.Result) Header {
	h := Header{Time: res.Time, TimeText: res.TimeText, Host: res.Host, App: res.App, PID: res.PID}
	h.SetSyslog(res.Severity, res.Facility)
	return h
}

// Frame is a record with its framings taken off. Inner framings win over
// outer ones: they stand closer to the record. A Frame is reused from record
// to record.
type Frame struct {
	// Header holds the framings' time, host, app name and pid, merged; their
	// syslog fields are in Attrs (Header.SyslogAttrs).
	Header
	Attrs   []record.Attr // the framings' own fields (log.syslog.*, log.iostream, fluentd.tag, container.*)
	Payload string        // the record inside the framings
	Orig    string        // the text the payload is part of, when a wrapper decoded it ("": the input)
	Offset  int           // the payload's offset in Orig, or in the input
	Syslog  bool          // a syslog header framed the record (or the pipeline read one)
	// Skip are the members of a JSON record that a framing read (Fluentd's
	// parser output keeps its log string and container fields beside the
	// record's own): the product leaves them out.
	Skip []string
	// Shipper is the row of the shipper JSON that framed the record, or nil.
	Shipper *shipper.Row
	// Decoded: the payload is a decoded copy of the text (rsyslog's
	// control-character escapes), so its offsets are not the text's.
	Decoded bool
	// Shippers: Unwrap reads shippers' JSON objects (shipper.Rows). The
	// caller sets it when no product reads JSON, or when the product that
	// walked the object found a shipper's member in it (ErrShipper): the
	// walk a Netwrix record needs anyway is the look, so its records pay
	// nothing for the shipper rows.
	Shippers bool

	sh  syslog.Header // a syslog framing's header, reused
	obj shipper.Object
}

// wrapperName names the row that decodes instead of cutting a header.
const wrapperName = "json"

// maxLayers bounds how many framings are taken off one record (a CRI line
// holding Fluentd's wrapper holding a syslog line is three).
const maxLayers = 4

// framing is one row of the detection table.
type framing struct {
	name  string
	sniff func(s string) bool // cheap look at the start
	take  func(f *Frame, s string, loc *time.Location, now time.Time) (msg int, decoded string, ok bool)
}

// framings are tried in order on the text, then again on the payload. The
// Fluentd header comes before syslog: "2020-03-28 15:01:56 +0000 tag: "
// would read as an RFC 3339 time, host "+0000" and app "tag". CRI comes
// before syslog for the same reason ("… stdout F …").
var framings = [...]framing{
	{"syslog-rfc5424", syslog.Is5424, takeRFC5424},
	{"fluentd-stdout", fluentdStdoutStart, takeFluentd(fluentd.ParseStdout)},
	{"fluentd-tsv", tsvStart, takeFluentd(fluentd.ParseTSV)},
	{"cri", criStart, takeCRI},
	{"syslog", syslogStart, takeSyslog},
	{wrapperName, braceStart, takeJSON},
}

// Unwrap takes the framings off s. pipeline, when not nil, is what the
// pipeline already read of a header it took off (a message-only record):
// it stands for the outermost framing.
func (f *Frame) Unwrap(s string, pipeline *Header, loc *time.Location, now time.Time) {
	f.Header = Header{}
	f.Attrs = f.Attrs[:0]
	f.Orig, f.Offset, f.Syslog = "", 0, false
	f.Skip, f.Shipper, f.Decoded = nil, nil, false
	if pipeline != nil {
		f.merge(pipeline)
		pipeline.SyslogAttrs(f.set)
		f.Syslog = pipeline.Host != "" || pipeline.App != ""
	}
	cur := s
	for layer := 0; layer < maxLayers; layer++ {
		took := false
		for i := range framings {
			fr := &framings[i]
			if !fr.sniff(cur) {
				continue
			}
			msg, decoded, ok := fr.take(f, cur, loc, now)
			if !ok {
				continue
			}
			if msg == 0 && decoded == "" {
				break // the text is the record, and a framing read some of its members
			}
			if decoded != "" || msg < 0 {
				f.Orig, f.Offset, cur = decoded, 0, decoded
			} else {
				f.Offset += msg
				cur = cur[msg:]
			}
			took = true
			break
		}
		if !took {
			break
		}
	}
	f.Payload = cur
	if f.Syslog && strings.IndexByte(cur, '#') >= 0 { // most payloads have none: the decoder's code is not run
		if d, ok := syslog.DecodeEscapes(cur); ok {
			f.Payload, f.Decoded = d, true
		}
	}
}

// merge lays h's time, host, app name and pid over what outer framings
// said.
func (f *Frame) merge(h *Header) {
	if !h.Time.IsZero() {
		f.Time, f.TimeText = h.Time, h.TimeText
	}
	if h.Host != "" {
		f.Host = h.Host
	}
	if h.App != "" {
		f.App = h.App
	}
	if h.PID != "" {
		f.PID = h.PID
	}
}

// set adds or replaces a framing attribute.
func (f *Frame) set(a record.Attr) {
	for i := range f.Attrs {
		if f.Attrs[i].Key == a.Key {
			f.Attrs[i] = a
			return
		}
	}
	f.Attrs = append(f.Attrs, a)
}

func (f *Frame) setStr(key, v string) {
	if v != "" {
		f.set(record.Attr{Key: key, Kind: record.KindString, Str: v})
	}
}

func digitStart(s string) bool { return len(s) > 0 && s[0] >= '0' && s[0] <= '9' }

// The sniffs of the framings that start with a time look past it, so a
// syslog line's time is not read three times over.

// fluentdStdoutStart: "YYYY-MM-DD HH:MM:SS[.fraction] ±".
func fluentdStdoutStart(s string) bool {
	if len(s) <= 27 || !digitStart(s) || s[4] != '-' || s[10] != ' ' {
		return false
	}
	e := fluentd.TimeEnd(s)
	return e > 0 && e+1 < len(s) && (s[e+1] == '+' || s[e+1] == '-')
}

// tsvStart: a time, then a TAB before any space.
func tsvStart(s string) bool {
	if !digitStart(s) {
		return false
	}
	i := strings.IndexByte(s, '\t')
	return i >= 19 && strings.IndexByte(s[:i], ' ') < 0
}

// criStart: a time, then " stdout " or " stderr ".
func criStart(s string) bool {
	if !digitStart(s) {
		return false
	}
	i := strings.IndexByte(s, ' ')
	return i >= 19 && i+8 <= len(s) && (s[i+1:i+8] == "stdout " || s[i+1:i+8] == "stderr ")
}

func syslogStart(s string) bool {
	return len(s) > 0 && (s[0] == '<' || s[0] >= '0' && s[0] <= '9' || s[0] >= 'A' && s[0] <= 'Z' || s[0] >= 'a' && s[0] <= 'z')
}

func braceStart(s string) bool {
	i := scan.SkipWS(s, 0)
	return i < len(s) && s[i] == '{'
}

// syslogFields takes the header a syslog framing read.
func (f *Frame) syslogFields() {
	f.merge(&f.sh)
	f.Syslog = true
	if f.sh.HasSyslogAttrs() { // else SyslogAttrs's code is not run
		f.sh.SyslogAttrs(f.set)
	}
}

func takeRFC5424(f *Frame, s string, loc *time.Location, _ time.Time) (int, string, bool) {
	msg, ok := syslog.Parse5424(s, loc, &f.sh)
	if !ok {
		return 0, "", false
	}
	f.syslogFields()
	return msg, "", true
}

func takeSyslog(f *Frame, s string, loc *time.Location, now time.Time) (int, string, bool) {
	msg, ok := syslog.Parse(s, loc, now, &f.sh)
	if !ok {
		return 0, "", false
	}
	f.syslogFields()
	return msg, "", true
}

// takeFluentd takes off one of Fluentd's line headers, read by parse.
func takeFluentd(parse func(string) (fluentd.Header, bool)) func(*Frame, string, *time.Location, time.Time) (int, string, bool) {
	return func(f *Frame, s string, _ *time.Location, _ time.Time) (int, string, bool) {
		h, ok := parse(s)
		return f.takeLine(ok, h.Time, h.TimeText, record.AttrFluentdTag, h.Tag, h.Msg)
	}
}

func takeCRI(f *Frame, s string, _ *time.Location, _ time.Time) (int, string, bool) {
	h, ok := cri.Parse(s)
	return f.takeLine(ok, h.Time, h.TimeText, record.AttrLogIostream, h.Stream, h.Msg)
}

// takeLine takes off a line header that was read (ok): its time, its one
// field (key: val) and where its message starts.
func (f *Frame) takeLine(ok bool, t time.Time, timeText, key, val string, msg int) (int, string, bool) {
	if !ok {
		return 0, "", false
	}
	f.merge(&Header{Time: t, TimeText: timeText})
	f.setStr(key, val)
	return msg, "", true
}

// takeJSON unwraps a JSON object that carries a record: a container
// runtime's or Fluentd's wrapper, or a shipper's object (shipper.Rows).
func takeJSON(f *Frame, s string, loc *time.Location, now time.Time) (int, string, bool) {
	w, ok := wrapper.Parse(s)
	if !ok || w.Log == "" {
		if !f.Shippers {
			return 0, "", false
		}
		return f.takeShipper(s, loc, now)
	}
	if t, n, ok := scan.RFC3339(w.Time, loc); ok && n == len(w.Time) {
		f.merge(&Header{Time: t, TimeText: w.Time})
	}
	f.setStr(record.AttrLogIostream, w.Stream)
	f.setStr(record.AttrContainerID, w.ContainerID)
	f.setStr(record.AttrContainerName, w.ContainerName)
	return -1, w.Log, true
}

// ErrShipper is what a product returns when the JSON object it walked has a
// member of a shipper's row (shipper.SigMember): the caller unwraps the
// text again with Frame.Shippers set.
var ErrShipper = errors.New("a shipper's JSON object")

// takeShipper reads a shipper's JSON object: its text member is the
// record, and its other members the framing's fields; or, for Fluentd's
// parser output, the object is the record and the framing members are
// left out of it.
func (f *Frame) takeShipper(s string, loc *time.Location, now time.Time) (int, string, bool) {
	if !f.obj.Read(s, scan.SkipWS(s, 0)) {
		return 0, "", false
	}
	res, ok := f.obj.Match(s, loc, now)
	if !ok {
		return 0, "", false
	}
	f.Shipper = res.Row
	if res.Row.Keep {
		f.setStr(record.AttrLogIostream, f.obj.String(s, "source"))
		f.setStr(record.AttrContainerID, f.obj.String(s, "container_id"))
		f.setStr(record.AttrContainerName, strings.TrimPrefix(f.obj.String(s, "container_name"), "/"))
		f.Skip = res.Row.Skip
		return 0, "", true
	}
	h := FromShipper(&res)
	f.merge(&h)
	h.SyslogAttrs(f.set)
	if res.Text == "" {
		return 0, "", false
	}
	return -1, res.Text, true
}

// HeaderEnd returns where the payload starts after the framing headers at
// the start of s (syslog, CRI, Fluentd; not the JSON wrappers), or 0 when s
// starts with none. The splitter uses it to find records that start behind a
// header.
func HeaderEnd(s string) int {
	var f Frame
	off := 0
	for layer := 0; layer < maxLayers; layer++ {
		took := false
		for i := range framings {
			fr := &framings[i]
			if fr.name == wrapperName || !fr.sniff(s[off:]) {
				continue
			}
			if msg, _, ok := fr.take(&f, s[off:], time.UTC, time.Time{}); ok && msg > 0 {
				off += msg
				took = true
				break
			}
		}
		if !took {
			break
		}
	}
	return off
}
