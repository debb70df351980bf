package ecs

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/record"
)

// The ECS validator of the tests. Its facts (facts_gen_test.go) are
// generated from ECS's generated/ecs/ecs_flat.yml at the version the
// mapping names, by internal/factsgen, independently of the mapping's own
// tables: every key is an ECS field of the right type (an array where ECS
// normalizes to one, and only there), a key under a flattened or object
// field, or under the custom namespace pamaudit.; the fields ECS requires
// are there, ecs.version is the facts' version; the categorization takes
// allowed values, each event.type one its event.category expects.

// Validate checks an ECS document (decoded JSON, flat keys) against the
// facts; it returns what is wrong.
func Validate(doc map[string]any) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	for _, k := range requiredFields() {
		if _, ok := doc[k]; !ok {
			bad("no %s (ECS requires it)", k)
		}
	}
	if v, ok := doc["ecs.version"]; ok && v != factsVersion {
		bad("ecs.version %v, want %s", v, factsVersion)
	}
	kind, _ := doc["event.kind"].(string)
	if !slices.Contains(factAllowed["event.kind"], kind) {
		bad("event.kind %v", doc["event.kind"])
	}
	cats, types := strs(doc["event.category"]), strs(doc["event.type"])
	if (len(cats) == 0) != (len(types) == 0) {
		bad("event.category %v without event.type %v", cats, types)
	}
	for _, ty := range types {
		if !slices.Contains(factAllowed["event.type"], ty) {
			bad("event.type %q is not allowed", ty)
		}
	}
	for _, c := range cats {
		if !slices.Contains(factAllowed["event.category"], c) {
			bad("event.category %q is not allowed", c)
			continue
		}
		for _, ty := range types {
			if !slices.Contains(factExpectedTypes[c], ty) {
				bad("event.type %q is not expected with event.category %q", ty, c)
			}
		}
	}
	if o, ok := doc["event.outcome"]; ok && !slices.Contains(factAllowed["event.outcome"], fmt.Sprint(o)) {
		bad("event.outcome %v", o)
	}
	for _, k := range sortedKeys(doc) {
		v := doc[k]
		if strings.HasPrefix(k, namespace) {
			continue // the custom fields
		}
		f, ok := factFields[k]
		if !ok {
			if p := openParent(k); p == "" {
				bad("%s is not an ECS field", k)
			}
			continue
		}
		if arr, isArr := v.([]any); isArr {
			if !f.Array {
				bad("%s is an array, and ECS's is not", k)
				continue
			}
			for _, e := range arr {
				checkType(bad, k, f.Type, e)
			}
			continue
		}
		if f.Array {
			bad("%s is %v, not an array", k, v)
		}
		checkType(bad, k, f.Type, v)
	}
	return errs
}

// requiredFields are the fields ECS requires.
var requiredFields = sync.OnceValue(func() []string {
	var req []string
	for _, k := range sortedKeys(factFields) {
		if factFields[k].Required {
			req = append(req, k)
		}
	}
	return req
})

// openParent returns the flattened or object field k is under, or "".
func openParent(k string) string {
	for i := len(k) - 1; i > 0; i-- {
		if k[i] == '.' {
			if f, ok := factFields[k[:i]]; ok && (f.Type == "flattened" || f.Type == "object") {
				return k[:i]
			}
		}
	}
	return ""
}

// checkType checks one value of field k of ECS type typ.
func checkType(bad func(string, ...any), k, typ string, v any) {
	switch typ {
	case "keyword", "constant_keyword", "wildcard", "text", "match_only_text":
		if _, ok := v.(string); !ok {
			bad("%s is %v, not a string", k, v)
		}
	case "long", "integer", "short", "byte", "unsigned_long":
		if f, ok := v.(float64); !ok || f != float64(int64(f)) {
			bad("%s is %v, not a %s", k, v, typ)
		}
	case "float", "double", "scaled_float", "half_float":
		if _, ok := v.(float64); !ok {
			bad("%s is %v, not a number", k, v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("%s is %v, not a boolean", k, v)
		}
	case "ip":
		if s, ok := v.(string); !ok || !validIP(s) {
			bad("%s is %v, not an IP address", k, v)
		}
	case "date":
		s, ok := v.(string)
		if _, err := time.Parse(time.RFC3339Nano, s); !ok || err != nil {
			bad("%s is %v, not an RFC 3339 time", k, v)
		}
	case "flattened", "object", "nested":
		if _, ok := v.(map[string]any); !ok {
			bad("%s is %v, not an object", k, v)
		}
	default:
		bad("%s: type %s is not one the test knows", k, typ)
	}
}

// Related checks a document against the record it was mapped from (the
// OpenTelemetry schema's): the related fields hold every user, IP address
// and host name of the document, and event.original the original text
// whenever it is kept. It returns what is wrong.
func Related(rec *record.Record, doc map[string]any, keepOriginal bool) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if doc["event.kind"] == "pipeline_error" {
		for _, k := range []string{"related.user", "related.ip", "related.hosts", "event.original"} {
			if _, ok := doc[k]; ok && (k != "event.original" || rec.Index(record.AttrLogRecordOriginal) < 0) {
				bad("%s in a pipeline error (the collector does not add it to a failed record)", k)
			}
		}
		return errs
	}
	in := func(field string, v any) {
		s, ok := v.(string)
		if !ok || s == "" {
			return
		}
		if !slices.Contains(strs(doc[field]), s) {
			bad("%s %v lacks %q", field, doc[field], s)
		}
	}
	for _, k := range []string{"user.name", "user.id", "user.target.name", "user.target.id"} {
		in("related.user", doc[k])
	}
	in("related.ip", doc["source.ip"])
	in("related.hosts", doc["source.domain"])
	if h, ok := doc["host.name"].(string); ok && validIP(h) {
		in("related.ip", h)
	} else {
		in("related.hosts", doc["host.name"])
	}
	orig, ok := doc["event.original"]
	switch {
	case ok != keepOriginal:
		bad("event.original %v with keep_original %v", ok, keepOriginal)
	case !ok:
	case rec.Index(record.AttrLogRecordOriginal) >= 0:
		if a, _ := rec.Get(record.AttrLogRecordOriginal); orig != asJSON(a.Str) {
			bad("event.original is not log.record.original")
		}
	case rec.HasMessage:
		bad("event.original without log.record.original, and the body is a message")
	case orig != asJSON(rec.Body):
		bad("event.original is not the body, the original text")
	}
	return errs
}

// asJSON is s as JSON decodes it (invalid UTF-8 replaced).
func asJSON(s string) string {
	b, _ := json.Marshal(s)
	_ = json.Unmarshal(b, &s)
	return s
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

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
	const head = `{"@timestamp":"2026-01-01T00:00:00Z","ecs.version":"8.17.0",`
	good := head + `"event.kind":"event","event.category":["iam"],"event.type":["user","change"],"source.ip":"10.0.0.1","related.ip":["10.0.0.1"],"log.syslog.structured_data.a.b":"c"}`
	for name, doc := range map[string]string{
		"good":           good,
		"pair":           head + `"event.kind":"event","event.category":["authentication"],"event.type":["change"]}`,
		"category":       head + `"event.kind":"event","event.category":["auth"],"event.type":["start"]}`,
		"kind":           head + `"event.kind":"log"}`,
		"ip":             head + `"event.kind":"event","source.ip":"ws-7"}`,
		"foreign":        head + `"event.kind":"event","session.id":"1"}`,
		"no @timestamp":  `{"ecs.version":"8.17.0","event.kind":"event"}`,
		"no ecs.version": `{"@timestamp":"2026-01-01T00:00:00Z","event.kind":"event"}`,
		"version":        `{"@timestamp":"2026-01-01T00:00:00Z","ecs.version":"8.16.0","event.kind":"event"}`,
		"bad time":       `{"@timestamp":"x","ecs.version":"8.17.0","event.kind":"event"}`,
		"types w/o cats": head + `"event.kind":"event","event.type":["info"]}`,
		"not an array":   head + `"event.kind":"event","related.user":"u"}`,
		"an array":       head + `"event.kind":"event","user.name":["u"]}`,
		"long":           head + `"event.kind":"event","source.port":"22"}`,
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
	m := New(Options{KeepOriginal: true})
	for _, p := range tables(product.Default()) {
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
			for _, e := range Related(rec, doc, p.format != record.FormatAuto) {
				t.Errorf("%s row %d: %s", ev, i, e)
			}
			if p.format != record.FormatAuto && !slices.Equal(strs(doc["event.category"]), r.categories) {
				t.Errorf("%s row %d: categories %v, want %v", ev, i, doc["event.category"], r.categories)
			}
		}
	}
}

var time0 = time.Unix(1e9, 0)
