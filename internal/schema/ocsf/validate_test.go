package ocsf

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/record"
)

// OCSF 1.3.0 facts, written from the schema (events/base_event.json,
// includes/classification.json, includes/occurrence.json, events/iam/*.json,
// events/network/{network,http}.json, events/application/*.json,
// objects/*.json, dictionary.json), independently of the mapping's own
// tables: what every event, each class and each object requires, and the
// enumerations.

// baseRequired: classification, occurrence and base_event.
var baseRequired = []string{"activity_id", "category_uid", "class_uid", "metadata", "severity_id", "time", "type_uid"}

// baseAttrs: every attribute of base_event (without profiles).
var baseAttrs = []string{"activity_id", "activity_name", "category_name", "category_uid", "class_name", "class_uid",
	"count", "duration", "end_time", "enrichments", "message", "metadata", "observables", "raw_data", "severity",
	"severity_id", "start_time", "status", "status_code", "status_detail", "status_id", "time", "timezone_offset",
	"type_name", "type_uid", "unmapped"}

var (
	iamAttrs     = []string{"http_request", "src_endpoint"}
	networkAttrs = []string{"app_name", "connection_info", "dst_endpoint", "ja4_fingerprint_list", "proxy", "src_endpoint", "tls", "traffic"}
)

type classFact struct {
	name       string
	category   int
	activities []int // besides 0 and 99
	required   []string
	attrs      []string // besides baseAttrs
}

var classFacts = map[int]classFact{
	0: {"Base Event", 0, nil, nil, nil},
	3001: {"Account Change", 3, seq(1, 11), []string{"user"},
		append([]string{"actor", "policy", "user", "user_result"}, iamAttrs...)},
	3002: {"Authentication", 3, seq(1, 6), []string{"user"},
		append([]string{"actor", "auth_factors", "auth_protocol", "auth_protocol_id", "certificate", "dst_endpoint",
			"is_cleartext", "is_mfa", "is_new_logon", "is_remote", "logon_process", "logon_type", "logon_type_id",
			"service", "session", "user"}, iamAttrs...)},
	3004: {"Entity Management", 3, seq(1, 13), []string{"entity"},
		append([]string{"actor", "comment", "entity", "entity_result", "access_mask", "access_list"}, iamAttrs...)},
	3005: {"User Access Management", 3, seq(1, 2), []string{"privileges", "user"},
		append([]string{"privileges", "resource", "user"}, iamAttrs...)},
	4002: {"HTTP Activity", 4, seq(1, 8), []string{"dst_endpoint", "http_request", "http_response"},
		append([]string{"http_cookies", "http_request", "http_response", "http_status", "file"}, networkAttrs...)},
	6002: {"Application Lifecycle", 6, seq(1, 8), []string{"app"}, []string{"app"}},
}

var categoryFacts = map[int]string{0: "Uncategorized", 3: "Identity & Access Management", 4: "Network Activity", 6: "Application Activity"}

// objectFact: an object's required members, the members of which at least
// one must be present (its constraint), and every member it has.
type objectFact struct {
	required, atLeastOne, members []string
}

var (
	endpointFact = objectFact{nil, []string{"ip", "uid", "name", "hostname", "svc_name", "instance_uid", "interface_uid", "interface_name"},
		[]string{"ip", "uid", "name", "hostname", "port", "svc_name", "instance_uid", "interface_uid", "interface_name", "domain", "mac", "type", "type_id", "zone", "location", "os", "owner", "vlan_uid", "hw_info", "intermediate_ips", "subnet_uid", "vpc_uid", "agent_list", "autonomous_system", "container", "namespace_pid", "proxy_endpoint"}}
	productFact = objectFact{[]string{"vendor_name"}, []string{"name", "uid"},
		[]string{"name", "uid", "vendor_name", "version", "lang", "path", "cpe_name", "feature", "url_string", "data_classification"}}
	userFact = objectFact{nil, []string{"account", "name", "uid"},
		[]string{"account", "credential_uid", "domain", "email_addr", "full_name", "groups", "ldap_person", "name", "org", "risk_level", "risk_level_id", "risk_score", "type", "type_id", "uid", "uid_alt"}}
)

// objectFacts by the path of the object in an event.
var objectFacts = map[string]objectFact{
	"metadata": {[]string{"product", "version"}, nil,
		[]string{"correlation_uid", "event_code", "extension", "extensions", "labels", "log_level", "log_name", "log_provider", "log_version", "logged_time", "modified_time", "loggers", "original_time", "processed_time", "product", "profiles", "sequence", "tenant_uid", "uid", "version", "data_classification"}},
	"metadata.product": productFact,
	"app":              productFact,
	"user":             userFact,
	"actor": {nil, []string{"process", "user", "invoked_by", "session", "app_name", "app_uid"},
		[]string{"app_name", "app_uid", "authorizations", "idp", "invoked_by", "process", "session", "user"}},
	"actor.user":    userFact,
	"actor.session": {nil, nil, []string{"count", "created_time", "credential_uid", "expiration_reason", "expiration_time", "is_mfa", "is_remote", "is_vpn", "issuer", "terminal", "uid", "uid_alt", "uuid", "uuid_alt"}},
	"session":       {nil, nil, []string{"count", "created_time", "credential_uid", "expiration_reason", "expiration_time", "is_mfa", "is_remote", "is_vpn", "issuer", "terminal", "uid", "uid_alt", "uuid", "uuid_alt"}},
	"src_endpoint":  endpointFact,
	"dst_endpoint":  endpointFact,
	"http_request":  {nil, nil, []string{"args", "body_length", "http_headers", "http_method", "length", "referrer", "uid", "url", "user_agent", "version", "x_forwarded_for"}},
	"http_request.url": {nil, []string{"url_string", "path"},
		[]string{"categories", "category_ids", "domain", "hostname", "path", "port", "query_string", "resource_type", "scheme", "subdomain", "url_string"}},
	"http_response": {[]string{"code"}, nil, []string{"body_length", "code", "content_type", "http_headers", "latency", "length", "message", "status"}},
	"entity": {nil, []string{"name", "uid", "device", "group", "org", "policy", "user"},
		[]string{"data", "device", "email", "group", "name", "org", "policy", "type", "type_id", "uid", "user", "version"}},
	"resource": {nil, nil, []string{"agent_list", "cloud_partition", "criticality", "data", "group", "labels", "name", "namespace", "owner", "region", "type", "uid", "version", "hostname", "ip"}},
}

// Enumerations (dictionary.json).
var enumFacts = map[string][]int{
	"severity_id":      append(seq(0, 6), 99),
	"status_id":        {0, 1, 2, 99},
	"auth_protocol_id": append(seq(0, 10), 99),
}

// Types of the members the mapping writes, where the dictionary says.
var intMembers = []string{"activity_id", "category_uid", "class_uid", "type_uid", "severity_id", "status_id", "time",
	"auth_protocol_id", "src_endpoint.port", "dst_endpoint.port", "http_response.code"}

func seq(from, to int) []int {
	var s []int
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

// Validate checks an OCSF event (decoded JSON) against the facts above; it
// returns what is wrong.
func Validate(ev map[string]any) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	for _, k := range baseRequired {
		if _, ok := ev[k]; !ok {
			bad("missing %s", k)
		}
	}
	for _, k := range intMembers {
		if v, ok := lookup(ev, k); ok {
			if f, isNum := v.(float64); !isNum || f != float64(int64(f)) {
				bad("%s is %v, not an integer", k, v)
			}
		}
	}
	uid := jnum(ev["class_uid"])
	c, ok := classFacts[uid]
	if !ok {
		bad("unknown class_uid %d", uid)
		return errs
	}
	if ev["class_name"] != nil && ev["class_name"] != c.name {
		bad("class_name %v, want %s", ev["class_name"], c.name)
	}
	if cat := jnum(ev["category_uid"]); cat != c.category {
		bad("category_uid %d, want %d", cat, c.category)
	} else if ev["category_name"] != nil && ev["category_name"] != categoryFacts[cat] {
		bad("category_name %v", ev["category_name"])
	}
	act := jnum(ev["activity_id"])
	if act != 0 && act != 99 && !slices.Contains(c.activities, act) {
		bad("activity_id %d is not one of class %d", act, uid)
	}
	if tu := jnum(ev["type_uid"]); tu != uid*100+act {
		bad("type_uid %d, want %d", tu, uid*100+act)
	}
	for k, vals := range enumFacts {
		if v, ok := ev[k]; ok && !slices.Contains(vals, jnum(v)) {
			bad("%s %v is not in its enumeration", k, v)
		}
	}
	for _, k := range c.required {
		if _, ok := ev[k]; !ok {
			bad("class %d requires %s", uid, k)
		}
	}
	for k := range ev {
		if !slices.Contains(baseAttrs, k) && !slices.Contains(c.attrs, k) {
			bad("class %d has no attribute %s", uid, k)
		}
	}
	if ts, ok := ev["time"].(float64); !ok || ts <= 0 {
		bad("time %v", ev["time"])
	}
	if p, ok := ev["privileges"].([]any); ok {
		for _, v := range p {
			if _, ok := v.(string); !ok {
				bad("privileges holds %v", v)
			}
		}
	}
	for path, o := range objectFacts {
		v, ok := lookup(ev, path)
		if !ok {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok || len(m) == 0 {
			bad("%s is %v, not an object", path, v)
			continue
		}
		for _, k := range o.required {
			if _, ok := m[k]; !ok {
				bad("%s requires %s", path, k)
			}
		}
		if len(o.atLeastOne) > 0 && !slices.ContainsFunc(o.atLeastOne, func(k string) bool { _, ok := m[k]; return ok }) {
			bad("%s needs one of %v", path, o.atLeastOne)
		}
		for k := range m {
			if !slices.Contains(o.members, k) {
				bad("%s has no member %s", path, k)
			}
		}
	}
	if _, ok := lookup(ev, "metadata.version"); ok {
		if v, _ := lookup(ev, "metadata.version"); v != Version {
			bad("metadata.version %v", v)
		}
	}
	return errs
}

func jnum(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func lookup(m map[string]any, path string) (any, bool) {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = mm[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// The validator fails what it must: each broken event has its error.
func TestValidateFails(t *testing.T) {
	good := func() map[string]any {
		var ev map[string]any
		_ = json.Unmarshal([]byte(`{"class_uid":3002,"class_name":"Authentication","category_uid":3,"activity_id":1,"type_uid":300201,"severity_id":1,"time":1,"metadata":{"product":{"name":"x","vendor_name":"y"},"version":"`+Version+`"},"user":{"name":"u"}}`), &ev)
		return ev
	}
	if errs := Validate(good()); len(errs) > 0 {
		t.Fatalf("the good event fails: %v", errs)
	}
	for name, broken := range map[string]func(ev map[string]any){
		"no user":       func(ev map[string]any) { delete(ev, "user") },
		"user w/o name": func(ev map[string]any) { ev["user"] = map[string]any{"full_name": "U"} },
		"bad type_uid":  func(ev map[string]any) { ev["type_uid"] = 300202.0 },
		"bad activity":  func(ev map[string]any) { ev["activity_id"], ev["type_uid"] = 7.0, 300207.0 },
		"bad status":    func(ev map[string]any) { ev["status_id"] = 3.0 },
		"no vendor": func(ev map[string]any) {
			delete(ev["metadata"].(map[string]any)["product"].(map[string]any), "vendor_name")
		},
		"foreign attr":   func(ev map[string]any) { ev["entity"] = map[string]any{"name": "e"} },
		"wrong category": func(ev map[string]any) { ev["category_uid"] = 6.0 },
		"no time":        func(ev map[string]any) { delete(ev, "time") },
		"response w/o code": func(ev map[string]any) {
			ev["class_uid"], ev["category_uid"], ev["type_uid"] = 4002.0, 4.0, 400201.0
			ev["http_response"] = map[string]any{"status": "x"}
		},
	} {
		ev := good()
		broken(ev)
		if len(Validate(ev)) == 0 {
			t.Errorf("%s: passes", name)
		}
	}
}

// Every row of every table gives a valid event of its own class when the
// record has what the class needs (no fallback), and a valid Base Event
// when it has nothing.
func TestEveryRowValid(t *testing.T) {
	m := New(true)
	for _, p := range tables {
		for i := range p.rows {
			r := &p.rows[i]
			ev := strings.TrimSuffix(r.event, "*") + "x"
			if !strings.HasSuffix(r.event, "*") {
				ev = r.event
			}
			full := rowRecord(p, r, ev, true)
			got := decode(t, m.Map(full))
			for _, e := range Validate(got) {
				t.Errorf("%s row %d (full record): %s", ev, i, e)
			}
			if jnum(got["class_uid"]) != r.class.uid || jnum(got["activity_id"]) != r.activity {
				t.Errorf("%s row %d: class %v activity %v, want %d %d", ev, i, got["class_uid"], got["activity_id"], r.class.uid, r.activity)
			}
			bare := decode(t, m.Map(rowRecord(p, r, ev, false)))
			for _, e := range Validate(bare) {
				t.Errorf("%s row %d (bare record): %s", ev, i, e)
			}
		}
	}
}

// rowRecord is a record of row r's event, the row's conditions holding;
// full gives it every attribute the mapping places.
func rowRecord(p *product, r *row, ev string, full bool) *record.Record {
	rec := &record.Record{EventName: ev, Format: p.format, SeverityNumber: record.SevInfo, SeverityText: "INFO", ObservedTime: time.Unix(1e9, 0)}
	for _, c := range r.when {
		rec.Attrs = append(rec.Attrs, record.Attr{Key: c.Key, Kind: record.KindString, Str: c.Values[0]})
	}
	if !full {
		return rec
	}
	add := func(k, v string) {
		if _, ok := rec.Get(k); !ok {
			rec.Attrs = append(rec.Attrs, record.Attr{Key: k, Kind: record.KindString, Str: v})
		}
	}
	for _, k := range []string{record.AttrUserName, record.AttrUserID, record.AttrUserTargetName, record.AttrHostName,
		record.AttrSessionID, record.AttrHTTPRequestMethod, record.AttrURLPath, record.AttrEventAction, record.AttrEventOutcome} {
		add(k, "v")
	}
	add(record.AttrClientAddress, "10.0.0.1")
	rec.Attrs = append(rec.Attrs, record.Attr{Key: record.AttrHTTPResponseStatusCode, Kind: record.KindInt, Int: 200})
	for _, kf := range append(append([]keyField(nil), r.fields...), p.fields...) {
		if kf.f == fEntityName || kf.f == fEntityUID || kf.f == fTargetName {
			add(kf.key, "v")
		}
	}
	return rec
}

func decode(t *testing.T, rec *record.Record) map[string]any {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(rec.AppendJSON(nil), &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}
