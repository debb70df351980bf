package ocsf

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/pamaudit/pamaudit/record"
)

// Recommended checks an OCSF event (decoded JSON) against the record it was
// mapped from (the OpenTelemetry schema's): where the record has the data
// of an attribute the event's class has (its own, or the host profile's)
// and the schema requires or recommends, the event has it, and each user is
// in the role the class defines. It returns what is wrong. Its rules,
// written from the schema's texts, say which record attributes feed which
// OCSF attribute; the facts say whether the class has it.
func Recommended(rec *record.Record, ev map[string]any) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	uid := jnum(ev["class_uid"])
	c, ok := factClasses[uid]
	if !ok {
		return []string{fmt.Sprintf("no class %d in the facts", uid)}
	}
	// has: the class has the attribute, of its own or through the host
	// profile, required or recommended.
	has := func(attr string) bool {
		a, ok := c.Attrs[attr]
		return ok && (a.Profile == "" || a.Profile == hostProfile) && a.Req != "optional"
	}
	hasAny := func(attr string) bool { _, ok := c.Attrs[attr]; return ok }
	val := func(k string) (string, bool) {
		a, ok := rec.Get(k)
		if !ok || a.Kind != record.KindString || a.Str == "" || utf8.RuneCountInString(a.Str) > maxString {
			return "", false
		}
		return asJSON(a.Str), true
	}
	need := func(path, why string) bool {
		if _, ok := lookup(ev, path); !ok {
			bad("%s is missing, and the record has %s", path, why)
			return false
		}
		return true
	}
	endpointHas := func(path, v string) {
		for _, k := range []string{"ip", "hostname", "name"} {
			if got, ok := lookup(ev, path+"."+k); ok && got == v {
				return
			}
		}
		bad("%s does not hold %q", path, v)
	}

	// The host the event happened on.
	if h, ok := val(record.AttrHostName); ok {
		switch {
		case has("dst_endpoint"):
			if need("dst_endpoint", "host.name") {
				endpointHas("dst_endpoint", h)
			}
		case has("device"):
			if need("device", "host.name") {
				endpointHas("device", h)
			}
		}
	} else if _, ok := val("netwrix.req.headers.host"); ok && has("dst_endpoint") {
		need("dst_endpoint", "netwrix.req.headers.host")
	}
	// The service or program authenticated to.
	if has("service") {
		for _, k := range []string{"capam.program", record.AttrServiceName} {
			if _, ok := val(k); ok {
				need("service.name", k)
				break
			}
		}
	}
	// The client.
	if a, ok := val(record.AttrClientAddress); ok && has("src_endpoint") {
		if need("src_endpoint", "client.address") {
			endpointHas("src_endpoint", a)
		}
	}
	if s, ok := val(record.AttrSessionID); ok && has("session") {
		if need("session.uid", "session.id") {
			if got, _ := lookup(ev, "session.uid"); got != s {
				bad("session.uid %v, want %q", got, s)
			}
		}
	}
	if _, ok := val("netwrix.auth_info.1.type"); ok && has("auth_protocol_id") {
		need("auth_protocol_id", "netwrix.auth_info.1.type")
		need("auth_protocol", "netwrix.auth_info.1.type")
	}
	if _, ok := val("netwrix.target_system.cn"); ok && has("resource") {
		need("resource.name", "netwrix.target_system.cn")
	}
	for _, k := range []string{"passman.failure", "capam.stage"} {
		if _, ok := val(k); ok {
			need("status_detail", k)
		}
	}
	for _, k := range []string{"passman.failure_code", "capam.status"} {
		if _, ok := val(k); ok {
			need("status_code", k)
		}
	}
	if rec.HasMessage && rec.Body != "" && utf8.RuneCountInString(rec.Body) <= maxString {
		need("message", "a message")
	}
	if rec.TimeText != "" && utf8.RuneCountInString(rec.TimeText) <= maxString {
		need("metadata.original_time", "the time's text")
		if m := offsetText.FindStringSubmatch(rec.TimeText); m != nil {
			off := 0
			if m[2] != "" {
				h, _ := strconv.Atoi(m[2])
				mm, _ := strconv.Atoi(m[3])
				off = h*60 + mm
			}
			if off <= 1080 { // OCSF's range
				need("timezone_offset", "an offset in the time's text "+rec.TimeText)
			}
		}
	}

	// Each user in its role.
	userName, _ := val(record.AttrUserName)
	targetName, _ := val(record.AttrUserTargetName)
	got := func(path string) string { v, _ := lookup(ev, path); s, _ := v.(string); return s }
	switch uid {
	case 3002: // user is the subject authenticating
		if userName != "" && got("user.name") != userName {
			bad("user.name %q, want the authenticating user %q", got("user.name"), userName)
		}
	case 3001, 3005: // user is the account acted upon, actor.user who acted
		if targetName != "" && got("user.name") != targetName {
			bad("user.name %q, want the user acted upon %q", got("user.name"), targetName)
		}
		if userName != "" && got("user.name") != userName && got("actor.user.name") != userName {
			bad("actor.user.name %q, want the acting user %q", got("actor.user.name"), userName)
		}
	case 3004, 4002, 6002: // actor.user is who acted
		if userName != "" && hasAny("actor") && got("actor.user.name") != userName {
			bad("actor.user.name %q, want the acting user %q", got("actor.user.name"), userName)
		}
	}
	return errs
}

// asJSON is s as JSON decodes it (invalid UTF-8 replaced).
func asJSON(s string) string {
	b, _ := json.Marshal(s)
	_ = json.Unmarshal(b, &s)
	return s
}

// offsetText is a time's text that ends with its offset from UTC.
var offsetText = regexp.MustCompile(`\d:\d\d(?:[.,]\d+)?\s*([Zz]|[+-](\d\d):?([0-5]\d))$`)
