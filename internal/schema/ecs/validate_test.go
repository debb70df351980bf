package ecs

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/record"
)

// ECS 8.17 facts, written from ECS's schemas/event.yml (allowed values of
// event.kind, event.category with each category's expected_event_types,
// event.type, event.outcome) and generated/csv/fields.csv (the fields the
// mapping writes and their types), independently of the mapping's tables.

var kindFacts = []string{"alert", "asset", "enrichment", "event", "metric", "state", "pipeline_error", "signal"}

var categoryFacts = map[string][]string{
	"api":                 {"access", "admin", "allowed", "change", "creation", "deletion", "denied", "end", "info", "start", "user"},
	"authentication":      {"start", "end", "info"},
	"configuration":       {"access", "change", "creation", "deletion", "info"},
	"database":            {"access", "change", "info", "error"},
	"driver":              {"change", "end", "info", "start"},
	"email":               {"info"},
	"file":                {"access", "change", "creation", "deletion", "info"},
	"host":                {"access", "change", "end", "info", "start"},
	"iam":                 {"admin", "change", "creation", "deletion", "group", "info", "user"},
	"intrusion_detection": {"allowed", "denied", "info"},
	"library":             {"start"},
	"malware":             {"info"},
	"network":             {"access", "allowed", "connection", "denied", "end", "info", "protocol", "start"},
	"package":             {"access", "change", "deletion", "info", "installation", "start"},
	"process":             {"access", "change", "end", "info", "start"},
	"registry":            {"access", "change", "creation", "deletion"},
	"session":             {"start", "end", "info"},
	"threat":              {"indicator"},
	"vulnerability":       {"info"},
	"web":                 {"access", "error", "info"},
}

var typeFacts = []string{"access", "admin", "allowed", "change", "connection", "creation", "deletion", "denied", "end",
	"error", "group", "indicator", "info", "installation", "protocol", "start", "user"}

var outcomeFacts = []string{"failure", "success", "unknown"}

// fieldFacts: the ECS fields the mapping may write, by type (keyword and
// text fields are strings; long are integers; ip an IP address; date an
// RFC 3339 time).
var fieldFacts = map[string]string{
	"@timestamp": "date", "message": "text", "log.level": "keyword",
	"event.kind": "keyword", "event.category": "keyword[]", "event.type": "keyword[]", "event.action": "keyword",
	"event.outcome": "keyword", "event.code": "keyword", "event.module": "keyword", "event.dataset": "keyword",
	"event.original": "keyword",
	"user.name":      "keyword", "user.domain": "keyword", "user.id": "keyword", "user.full_name": "keyword", "user.roles": "keyword[]",
	"user.target.name": "keyword", "user.target.full_name": "keyword", "user.target.id": "keyword",
	"source.address": "keyword", "source.ip": "ip", "source.domain": "keyword", "source.port": "long",
	"host.name": "keyword", "service.name": "keyword", "process.name": "keyword", "process.pid": "long",
	"http.request.method": "keyword", "http.response.status_code": "long", "url.path": "keyword", "user_agent.original": "keyword",
	"error.type": "keyword", "error.message": "text",
	"log.syslog.priority": "long", "log.syslog.facility.code": "long", "log.syslog.severity.code": "long", "log.syslog.msgid": "keyword",
	"container.id": "keyword", "container.name": "keyword", "observer.vendor": "keyword", "observer.product": "keyword",
	"tags": "keyword[]",
}

// Validate checks an ECS document (decoded JSON, flat keys) against the
// facts above; it returns what is wrong.
func Validate(doc map[string]any) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if _, ok := doc["@timestamp"]; !ok {
		bad("no @timestamp")
	}
	kind, _ := doc["event.kind"].(string)
	if !slices.Contains(kindFacts, kind) {
		bad("event.kind %v", doc["event.kind"])
	}
	cats, types := strs(doc["event.category"]), strs(doc["event.type"])
	if (len(cats) == 0) != (len(types) == 0) {
		bad("event.category %v without event.type %v", cats, types)
	}
	for _, c := range cats {
		expected, ok := categoryFacts[c]
		if !ok {
			bad("event.category %q is not allowed", c)
			continue
		}
		for _, ty := range types {
			if !slices.Contains(typeFacts, ty) {
				bad("event.type %q is not allowed", ty)
			} else if !slices.Contains(expected, ty) {
				bad("event.type %q is not expected with event.category %q", ty, c)
			}
		}
	}
	if o, ok := doc["event.outcome"]; ok && !slices.Contains(outcomeFacts, fmt.Sprint(o)) {
		bad("event.outcome %v", o)
	}
	for k, v := range doc {
		if strings.HasPrefix(k, namespace) || strings.HasPrefix(k, "log.syslog.structured_data.") {
			continue
		}
		typ, ok := fieldFacts[k]
		if !ok {
			bad("%s is not an ECS field the mapping writes", k)
			continue
		}
		switch typ {
		case "long":
			if f, ok := v.(float64); !ok || f != float64(int64(f)) {
				bad("%s is %v, not a long", k, v)
			}
		case "ip":
			if s, ok := v.(string); !ok || !validIP(s) {
				bad("%s is %v, not an IP address", k, v)
			}
		case "keyword[]":
			if _, ok := v.([]any); !ok {
				bad("%s is %v, not an array", k, v)
			}
		default:
			if _, ok := v.(string); !ok {
				bad("%s is %v, not a string", k, v)
			}
		}
	}
	return errs
}

func validIP(s string) bool { _, err := netip.ParseAddr(s); return err == nil }

func strs(v any) []string {
	a, _ := v.([]any)
	out := make([]string, 0, len(a))
	for _, x := range a {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// The validator fails what it must.
func TestValidateFails(t *testing.T) {
	good := `{"@timestamp":"2026-01-01T00:00:00Z","event.kind":"event","event.category":["iam"],"event.type":["user","change"],"source.ip":"10.0.0.1"}`
	for name, doc := range map[string]string{
		"good":           good,
		"pair":           `{"@timestamp":"x","event.kind":"event","event.category":["authentication"],"event.type":["change"]}`,
		"category":       `{"@timestamp":"x","event.kind":"event","event.category":["auth"],"event.type":["start"]}`,
		"kind":           `{"@timestamp":"x","event.kind":"log"}`,
		"ip":             `{"@timestamp":"x","event.kind":"event","source.ip":"ws-7"}`,
		"foreign":        `{"@timestamp":"x","event.kind":"event","session.id":"1"}`,
		"no @timestamp":  `{"event.kind":"event"}`,
		"types w/o cats": `{"@timestamp":"x","event.kind":"event","event.type":["info"]}`,
	} {
		var m map[string]any
		if err := json.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatal(err)
		}
		if errs := Validate(m); (len(errs) == 0) != (name == "good") {
			t.Errorf("%s: %v", name, errs)
		}
	}
}

// Every row's categorization is valid, and every attribute name the
// mapping gives is an ECS field or under pamaudit.
func TestEveryRowValid(t *testing.T) {
	m := New()
	for _, p := range tables {
		for i := range p.rows {
			r := &p.rows[i]
			ev := r.event
			if strings.HasSuffix(ev, "*") {
				ev = strings.TrimSuffix(ev, "*") + "x"
			}
			rec := &record.Record{EventName: ev, Format: p.format, Body: "b", SeverityText: "INFO", ObservedTime: time0}
			for _, c := range r.when {
				rec.Attrs = append(rec.Attrs, record.Attr{Key: c.Key, Kind: record.KindString, Str: c.Values[0]})
			}
			for _, n := range names {
				rec.Attrs = append(rec.Attrs, record.Attr{Key: n.otel, Kind: record.KindString, Str: "10.0.0.1"})
			}
			for _, k := range []string{record.AttrClientPort, record.AttrProcessPID, record.AttrHTTPResponseStatusCode,
				record.AttrSyslogPriority, record.AttrSyslogFacilityCode, record.AttrSyslogSeverityCode} {
				rec.Attrs[rec.Index(k)] = record.Attr{Key: k, Kind: record.KindInt, Int: 1}
			}
			rec.Attrs[rec.Index(record.AttrEventOutcome)].Str = "success"
			rec.Attrs[rec.Index(record.AttrUserRoles)] = record.Attr{Key: record.AttrUserRoles, Kind: record.KindStrings, Strs: []string{"r"}}
			rec.Attrs[rec.Index(record.AttrAnomaly)] = record.Attr{Key: record.AttrAnomaly, Kind: record.KindStrings, Strs: []string{"duplicate_key:k"}}
			var doc map[string]any
			if err := json.Unmarshal(m.Map(rec).AppendJSON(nil), &doc); err != nil {
				t.Fatal(err)
			}
			for _, e := range Validate(doc) {
				t.Errorf("%s row %d: %s", ev, i, e)
			}
			if p.format != record.FormatAuto && !slices.Equal(strs(doc["event.category"]), r.categories) {
				t.Errorf("%s row %d: categories %v, want %v", ev, i, doc["event.category"], r.categories)
			}
		}
	}
}

var time0 = time.Unix(1e9, 0)
