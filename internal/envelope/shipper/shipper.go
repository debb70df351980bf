// Package shipper reads the JSON objects log shippers write around a
// message: journald's JSON export, GELF, Logstash and ECS JSON, Vector,
// Fluent Bit's JSON output, rsyslog's JSON templates, and Fluentd's parser
// output (the log string beside the fields parsed from it). Each is a row
// of Rows: which member holds the text, and which give time, host, app
// name, process id and syslog severity. The envelope layer hands the text
// on to be detected like any payload.
package shipper

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/internal/jsonwalk"
	"github.com/pamaudit/pamaudit/internal/scan"
)

// Conv is how a member's value is read.
type Conv uint8

const (
	Str         Conv = iota // a string, as it is
	RFC3339                 // an RFC 3339 time
	SyslogTime              // an RFC 3164 or RFC 3339 time
	UnixMicro               // microseconds since the epoch, digits in a string or a number
	UnixSeconds             // seconds since the epoch, a number with a fraction
	SevCode                 // a syslog severity, 0 to 7 (a number or digits)
	SevName                 // a syslog severity name (info, warning, err, …)
	PRI                     // a syslog PRI, digits
	FacCode                 // a syslog facility code
)

// ConvDoc says how each Conv reads, for docs/schema.md ("" for a string).
var ConvDoc = [...]string{
	Str:         "",
	RFC3339:     " (RFC 3339)",
	SyslogTime:  " (RFC 3339 or RFC 3164)",
	UnixMicro:   " (µs since the epoch)",
	UnixSeconds: " (seconds since the epoch, with a fraction)",
	SevCode:     " (syslog severity 0–7)",
	SevName:     " (syslog severity name)",
	PRI:         " (syslog PRI)",
	FacCode:     " (syslog facility)",
}

// Field is a member that gives one of the framing's fields.
type Field struct {
	Name string // the member; a dotted name reaches into objects ("host.name")
	Conv Conv
}

// Row is one shipper's layout. A row applies when the object has one of
// Sig's members and a string in one of Text's (the first present wins).
type Row struct {
	Name string
	Doc  string // where the layout is documented, for docs/schema.md
	Sig  []string
	Text []string
	// Keep: the object itself is the record (Fluentd's parser output):
	// Text is its copy of the record, the rest of Skip are framing members.
	Keep bool
	Skip []string

	Time, Host, App, PID, Sev []Field
}

// Rows are tried in order; the first that applies reads the object. A
// row's Sig names only members that the products' own records do not have.
var Rows = [...]Row{
	{
		Name: "journald JSON export", Doc: "`journalctl -o json`",
		Sig:  []string{"__REALTIME_TIMESTAMP", "__CURSOR", "_HOSTNAME", "SYSLOG_IDENTIFIER", "_BOOT_ID"},
		Text: []string{"MESSAGE"},
		Time: []Field{{"__REALTIME_TIMESTAMP", UnixMicro}},
		Host: []Field{{"_HOSTNAME", Str}},
		App:  []Field{{"SYSLOG_IDENTIFIER", Str}, {"_COMM", Str}},
		PID:  []Field{{"SYSLOG_PID", Str}, {"_PID", Str}},
		Sev:  []Field{{"PRIORITY", SevCode}, {"SYSLOG_FACILITY", FacCode}},
	},
	{
		Name: "GELF 1.1", Doc: "Graylog Extended Log Format",
		Sig:  []string{"short_message", "full_message"},
		Text: []string{"full_message", "short_message"},
		Time: []Field{{"timestamp", UnixSeconds}},
		Host: []Field{{"host", Str}},
		App:  []Field{{"_app_name", Str}, {"_appname", Str}, {"_application_name", Str}, {"_program", Str}, {"_tag", Str}},
		PID:  []Field{{"_pid", Str}, {"_procid", Str}},
		Sev:  []Field{{"level", SevCode}, {"_facility_code", FacCode}},
	},
	{
		Name: "rsyslog JSON (jsonmesg, RSYSLOG_StdJSONFmt)", Doc: "rsyslog's `jsonmesg` property and `RSYSLOG_StdJSONFmt` template",
		Sig:  []string{"timereported", "syslogtag", "fromhost", "rawmsg", "timegenerated"},
		Text: []string{"msg", "message"},
		Time: []Field{{"timereported", SyslogTime}, {"timegenerated", SyslogTime}},
		Host: []Field{{"hostname", Str}, {"fromhost", Str}},
		App:  []Field{{"app-name", Str}, {"programname", Str}},
		PID:  []Field{{"procid", Str}},
		Sev:  []Field{{"pri", PRI}, {"syslogseverity", SevCode}, {"priority", SevName}, {"syslogfacility", FacCode}},
	},
	{
		Name: "Logstash and ECS JSON", Doc: "Logstash's `json` codec, ECS loggers",
		Sig:  []string{"@timestamp"},
		Text: []string{"message", "event.original"},
		Time: []Field{{"@timestamp", RFC3339}},
		Host: []Field{{"host.name", Str}, {"host.hostname", Str}, {"host", Str}, {"logsource", Str}},
		App:  []Field{{"log.syslog.appname", Str}, {"process.name", Str}, {"program", Str}},
		PID:  []Field{{"log.syslog.procid", Str}, {"process.pid", Str}, {"pid", Str}},
		Sev:  []Field{{"log.syslog.priority", PRI}, {"log.syslog.severity.code", SevCode}, {"log.syslog.facility.code", FacCode}},
	},
	{
		Name: "Vector", Doc: "Vector's log events (file, syslog sources)",
		Sig:  []string{"source_type", "appname"},
		Text: []string{"message"},
		Time: []Field{{"timestamp", RFC3339}},
		Host: []Field{{"hostname", Str}, {"host", Str}},
		App:  []Field{{"appname", Str}},
		PID:  []Field{{"procid", Str}},
		Sev:  []Field{{"severity", SevName}},
	},
	{
		Name: "Fluent Bit JSON", Doc: "Fluent Bit's JSON output of its tail (`date`, `log`) and syslog (`pri`, `ident`, `message`) inputs",
		Sig: []string{"date"}, // json_date_key's default; ident alone is the plugin's syslog keys

		Text: []string{"log", "message"},
		Time: []Field{{"date", UnixSeconds}, {"time", SyslogTime}},
		Host: []Field{{"host", Str}, {"hostname", Str}},
		App:  []Field{{"ident", Str}},
		PID:  []Field{{"pid", Str}},
		Sev:  []Field{{"pri", PRI}},
	},
	{
		Name: "Fluentd parser output", Doc: "a Fluentd parser filter with `reserve_data`: the `log` string beside the fields parsed from it",
		Sig:  []string{"container_id", "container_name", "source"},
		Text: []string{"log"},
		Keep: true,
		Skip: []string{"log", "source", "container_id", "container_name"},
	},
}

// sigNames are the members of every row's Sig.
var sigNames = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range Rows {
		for _, n := range r.Sig {
			m[n] = true
		}
	}
	return m
}()

// sigFirst has, per first byte of a name, a bit per length (up to 63)
// of the Sig members: most names are ruled out without a map lookup.
var sigFirst = func() (t [256]uint64) {
	for n := range sigNames {
		if len(n) < 64 {
			t[n[0]] |= 1 << len(n)
		}
	}
	return t
}()

func mayBeSig(name string) bool {
	return len(name) > 0 && len(name) < 64 && sigFirst[name[0]]&(1<<len(name)) != 0
}

// SigMember reports whether a top-level member named name is in some row's
// Sig: a record without one is no shipper's, and need not be matched.
func SigMember(name string) bool { return mayBeSig(name) && sigNames[name] }

// Member is one member of the object: its name, the object it is in, and
// its raw value.
type Member struct {
	Name   string
	Parent int  // index of the object member it is in, -1 at the top
	V0, V1 int  // the value's text (a string's content, without quotes)
	Str    bool // a string
	Esc    bool // a string with escapes
	Obj    bool // an object: its members follow
}

// Object is the members read of one object. It is reused.
type Object struct {
	Members []Member
}

// maxMembers bounds what is read of one object.
const maxMembers = 64

// maxNest: members of objects this deep are read ("log.syslog.appname").
const maxNest = 3

// productOnly are member names that no row reads and that a product's own
// records start with (bunyan writes "name" first): the look stops there.
var productOnly = [...]string{"name", "v", "req_id", "asctime", "levelname", "type", "action", "authData", "authInfo"}

// Read reads the members of the object at s[i] (a '{'), and reports
// whether it may be a shipper's. A first look reads only the top-level
// member names, and stops at the first member only a product's record
// has; the object is read whole, into its nested objects, only when one
// of its names is in some row's Sig.
func (o *Object) Read(s string, i int) bool {
	o.Members = o.Members[:0]
	if sig, _ := o.look(s, i); !sig {
		return false
	}
	_, ok := o.read(s, i, -1, 1)
	return ok
}

// look reads the top-level member names of the object at s[i] and reports
// whether one is a Sig member.
func (o *Object) look(s string, i int) (sig, ok bool) {
	i++ // '{'
	first := true
	for {
		i = scan.SkipWS(s, i)
		if i >= len(s) {
			return sig, false
		}
		switch s[i] {
		case '}':
			return sig, true
		case ',':
			i++
			continue
		case '"':
		default:
			return sig, false
		}
		k0, k1, end, _ := jsonwalk.String(s, i)
		if end > len(s) {
			return sig, false
		}
		key := s[k0:k1]
		if first {
			for _, n := range productOnly {
				if key == n {
					return false, false
				}
			}
			first = false
		}
		if !sig && mayBeSig(key) {
			sig = sigNames[key]
		}
		i = scan.SkipWS(s, end)
		if i >= len(s) || s[i] != ':' {
			return sig, false
		}
		i = skipValue(s, scan.SkipWS(s, i+1))
	}
}

// skipValue returns the offset after the JSON value at s[i]: strings are
// skipped by the string scanner, containers by their brackets.
func skipValue(s string, i int) int {
	depth := 0
	for i < len(s) {
		switch s[i] {
		case '"':
			_, _, end, _ := jsonwalk.String(s, i)
			i = end
			if depth == 0 {
				return i
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return i
}

func (o *Object) read(s string, i int, parent int, depth int) (int, bool) {
	i++ // '{'
	for {
		i = scan.SkipWS(s, i)
		if i >= len(s) {
			return i, false
		}
		if s[i] == '}' {
			return i + 1, true
		}
		if s[i] == ',' {
			i++
			continue
		}
		if s[i] != '"' {
			return i, false
		}
		k0, k1, end, _ := jsonwalk.String(s, i)
		if end > len(s) {
			return i, false
		}
		key := s[k0:k1]
		i = scan.SkipWS(s, end)
		if i >= len(s) || s[i] != ':' {
			return i, false
		}
		i = scan.SkipWS(s, i+1)
		if i >= len(s) {
			return i, false
		}
		switch c := s[i]; {
		case c == '"':
			v0, v1, end, esc := jsonwalk.String(s, i)
			if end > len(s) {
				return i, false
			}
			o.add(Member{Name: key, Parent: parent, V0: v0, V1: v1, Str: true, Esc: esc})
			i = end
		case c == '{' && depth < maxNest && len(o.Members) < maxMembers:
			o.add(Member{Name: key, Parent: parent, Obj: true})
			var ok bool
			if i, ok = o.read(s, i, len(o.Members)-1, depth+1); !ok {
				return i, false
			}
		case c == '{' || c == '[':
			i = skipValue(s, i)
		default:
			j := i
			for j < len(s) && s[j] != ',' && s[j] != '}' && s[j] != ' ' && s[j] != '\n' && s[j] != '\r' && s[j] != '\t' {
				j++
			}
			o.add(Member{Name: key, Parent: parent, V0: i, V1: j})
			i = j
		}
	}
}

func (o *Object) add(m Member) {
	if len(o.Members) < maxMembers {
		o.Members = append(o.Members, m)
	}
}

// find returns the member named name: a member of the top object, or
// one inside objects by its dotted path ("host.name" is {"host":{"name":…}}
// or a member named so).
func (o *Object) find(name string) (*Member, bool) {
	for i := range o.Members {
		m := &o.Members[i]
		if m.Obj {
			continue
		}
		if m.Parent < 0 {
			if m.Name == name {
				return m, true
			}
			continue
		}
		// Compare the path from the member up.
		rest, at := name, i
		for at >= 0 {
			n := o.Members[at].Name
			if at == i {
				if !strings.HasSuffix(rest, n) {
					break
				}
				rest = rest[:len(rest)-len(n)]
			} else {
				if !strings.HasSuffix(rest, n+".") {
					break
				}
				rest = rest[:len(rest)-len(n)-1]
			}
			at = o.Members[at].Parent
		}
		if at < 0 && rest == "" {
			return m, true
		}
	}
	return nil, false
}

// Result is what a row read of the object.
type Result struct {
	Row        *Row
	TextMember string // the member that held it
	Text       string // the record's text, unescaped
	Time       time.Time
	TimeText   string
	Host       string
	App        string
	PID        string
	Severity   int // syslog severity 0–7, or -1
	Facility   int // syslog facility, or -1
}

// Match returns the first row that applies to the object read from s.
func (o *Object) Match(s string, loc *time.Location, now time.Time) (Result, bool) {
	return MatchFields(func(name string) (string, bool, bool) {
		m, ok := o.find(name)
		if !ok {
			return "", false, false
		}
		v, ok := o.str(s, m)
		return v, m.Str, ok
	}, loc, now)
}

// MatchFields returns the first row that applies to a record whose members
// get reads (a JSON object, a collector log's map body, a Fluent Bit
// record, nested members by dotted name): get returns a member's value as
// text, whether it is a string, and whether it is present.
func MatchFields(get func(name string) (v string, isStr, ok bool), loc *time.Location, now time.Time) (Result, bool) {
	res := Result{Severity: -1, Facility: -1}
rows:
	for k := range Rows {
		row := &Rows[k]
		sig := false
		for _, n := range row.Sig {
			if _, _, ok := get(n); ok {
				sig = true
				break
			}
		}
		if !sig {
			continue
		}
		for _, n := range row.Text {
			t, isStr, ok := get(n)
			if !ok || !isStr {
				continue
			}
			// rsyslog's msg keeps the space after the tag's colon.
			res.Row, res.TextMember, res.Text = row, n, strings.TrimLeft(strings.TrimRight(t, "\r\n"), " ")
			fields(get, row, &res, loc, now)
			return res, true
		}
		continue rows
	}
	return res, false
}

// String returns the string member named name, unescaped, or "".
func (o *Object) String(s, name string) string {
	m, ok := o.find(name)
	if !ok || !m.Str {
		return ""
	}
	v, _ := o.str(s, m)
	return v
}

func (o *Object) str(s string, m *Member) (string, bool) {
	v := s[m.V0:m.V1]
	if m.Esc {
		return jsonwalk.Unescape(v)
	}
	return v, true
}

// fields reads the row's time, host, app, pid and severity members.
func fields(get func(string) (string, bool, bool), row *Row, res *Result, loc *time.Location, now time.Time) {
	val := func(f Field) (string, bool) {
		v, _, ok := get(f.Name)
		return v, ok && v != "" && v != "null" && v != "-"
	}
	for _, f := range row.Time {
		if v, ok := val(f); ok {
			if t, ok := readTime(v, f.Conv, loc, now); ok {
				res.Time, res.TimeText = t, v
				break
			}
		}
	}
	for _, x := range []struct {
		fs  []Field
		dst *string
	}{{row.Host, &res.Host}, {row.App, &res.App}, {row.PID, &res.PID}} {
		for _, f := range x.fs {
			if v, ok := val(f); ok {
				*x.dst = v
				break
			}
		}
	}
	for _, f := range row.Sev {
		v, ok := val(f)
		if !ok {
			continue
		}
		switch f.Conv {
		case SevCode:
			if n, ok := scan.Atoi(v); ok && n >= 0 && n <= 7 && res.Severity < 0 {
				res.Severity = int(n)
			}
		case SevName:
			if n := sevByName(v); n >= 0 && res.Severity < 0 {
				res.Severity = n
			}
		case FacCode:
			if n, ok := scan.Atoi(v); ok && n >= 0 && n <= 23 && res.Facility < 0 {
				res.Facility = int(n)
			}
		case PRI:
			if n, ok := scan.Atoi(v); ok && n >= 0 && n <= 191 && res.Severity < 0 {
				res.Severity, res.Facility = int(n%8), int(n/8)
			}
		}
	}
}

func readTime(v string, c Conv, loc *time.Location, now time.Time) (time.Time, bool) {
	switch c {
	case RFC3339:
		t, n, ok := scan.RFC3339(v, loc)
		return t, ok && n == len(v)
	case SyslogTime:
		t, n, ok := scan.SyslogTime(v, loc, now)
		return t, ok && n == len(v)
	case UnixMicro:
		n, ok := scan.Atoi(v)
		return time.UnixMicro(n).UTC(), ok && n > 0
	case UnixSeconds:
		sec, frac, ok := decimal(v)
		return time.Unix(sec, frac).UTC(), ok && sec > 0
	}
	return time.Time{}, false
}

// decimal reads "1701601231.123456" as seconds and nanoseconds (or the
// same with an exponent, as a float formatted by 'g').
func decimal(v string) (int64, int64, bool) {
	if strings.ContainsAny(v, "eE") {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > math.MaxInt32*4 {
			return 0, 0, false
		}
		sec := math.Floor(f)
		return int64(sec), int64(math.Round((f-sec)*1e6)) * 1000, true
	}
	i := strings.IndexByte(v, '.')
	if i < 0 {
		n, ok := scan.Atoi(v)
		return n, 0, ok
	}
	sec, ok := scan.Atoi(v[:i])
	if !ok || i+1 >= len(v) {
		return 0, 0, false
	}
	var frac int64
	digits := 0
	for _, c := range v[i+1:] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		if digits < 9 {
			frac = frac*10 + int64(c-'0')
			digits++
		}
	}
	return sec, frac * int64(math.Pow10(9-digits)), true
}

// sevNames are syslog's severity names, by code.
var sevNames = [...][]string{
	{"emerg", "emergency", "panic"}, {"alert"}, {"crit", "critical"}, {"err", "error"},
	{"warning", "warn"}, {"notice"}, {"info", "informational"}, {"debug"},
}

func sevByName(v string) int {
	for code, names := range sevNames {
		for _, n := range names {
			if strings.EqualFold(v, n) {
				return code
			}
		}
	}
	return -1
}
