package ocsf

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/record"
)

// The OCSF validator of the tests. Its facts (facts_gen_test.go) are
// generated from the ocsf-schema repository at the version the mapping
// emits, by internal/factsgen, independently of the mapping's own tables
// (classes.go, tables.go); it checks what the OCSF server's validator
// checks, its warnings counted as errors: required attributes present, the
// attributes of the class or object and of the profiles the event names
// (metadata.profiles) only, types (a data type's primitive, range, maximum
// length and pattern; an object's attributes in turn), enumerations and
// their captions (the sibling of an id other than 99 is its caption; of 99
// not "Other"), deprecated attributes, class and object constraints,
// type_uid and metadata.version.

// Validate checks an OCSF event (decoded JSON) against the facts; it
// returns what is wrong.
func Validate(ev map[string]any) []string {
	errs, _ := validate(ev)
	return errs
}

// validate returns what is wrong with ev, and the paths of the
// recommended attributes it lacks.
func validate(ev map[string]any) (errs, missing []string) {
	v := &validator{}
	defer func() { errs, missing = v.errs, v.missing }()
	uid, ok := integer(ev["class_uid"])
	if !ok {
		v.bad("class_uid %v is not an integer", ev["class_uid"])
		return
	}
	c, ok := factClasses[int(uid)]
	if !ok {
		v.bad("no class %d in the facts (add it to factsgen's Classes)", uid)
		return
	}
	if md, ok := ev["metadata"].(map[string]any); ok {
		if ps, ok := md["profiles"].([]any); ok {
			for _, p := range ps {
				s, _ := p.(string)
				if !slices.Contains(factProfiles, s) {
					v.bad("metadata.profiles: unknown profile %v", p)
				}
				v.profiles = append(v.profiles, s)
			}
		}
		if md["version"] != factsVersion {
			v.bad("metadata.version %v, want %s", md["version"], factsVersion)
		}
	}
	v.attrs(ev, "", c.Attrs, c.AtLeastOne, c.JustOne)
	act, _ := integer(ev["activity_id"])
	if tu, ok := integer(ev["type_uid"]); ok && tu != uid*100+act {
		v.bad("type_uid %d, want %d", tu, uid*100+act)
	}
	if ts, _ := integer(ev["time"]); ts <= 0 {
		v.bad("time %v", ev["time"])
	}
	return
}

type validator struct {
	profiles     []string
	errs         []string
	missing      []string
	inArrayIndex bool
}

func (v *validator) bad(format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf(format, args...))
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// attrs checks item, an event or an object at path, against its attributes
// and constraints.
func (v *validator) attrs(item map[string]any, path string, attrs map[string]factAttr, atLeastOne, justOne []string) {
	if len(attrs) == 0 {
		return // the open object (unmapped): anything goes
	}
	for name, a := range attrs {
		if a.Profile != "" && !slices.Contains(v.profiles, a.Profile) {
			continue
		}
		p := join(path, name)
		val, ok := item[name]
		if !ok || val == nil {
			switch a.Req {
			case "required":
				v.bad("required %s is missing", p)
			case "recommended":
				v.missing = append(v.missing, p)
			}
			continue
		}
		if a.Deprecated {
			v.bad("%s is deprecated", p)
		}
		if a.Array {
			arr, ok := val.([]any)
			if !ok {
				v.bad("%s is %v, not an array", p, val)
				continue
			}
			for i, e := range arr {
				v.value(e, p+"["+strconv.Itoa(i)+"]", a)
			}
		} else {
			v.value(val, p, a)
		}
		if a.Enum != nil {
			v.enum(item, path, name, a)
		}
	}
	for k := range item {
		a, ok := attrs[k]
		if !ok || a.Profile != "" && !slices.Contains(v.profiles, a.Profile) {
			v.bad("%s: no attribute %s here", path, k)
		}
	}
	has := func(k string) bool { _, ok := item[k]; return ok }
	if len(atLeastOne) > 0 && !slices.ContainsFunc(atLeastOne, has) {
		v.bad("%s: constraint at_least_one %v not met", path, atLeastOne)
	}
	if n := len(slices.DeleteFunc(slices.Clone(justOne), func(k string) bool { return !has(k) })); len(justOne) > 0 && n != 1 {
		v.bad("%s: constraint just_one %v not met (%d)", path, justOne, n)
	}
}

// enum checks an enumerated attribute's value and its sibling caption.
func (v *validator) enum(item map[string]any, path, name string, a factAttr) {
	p := join(path, name)
	vals := []any{item[name]}
	if a.Array {
		vals, _ = item[name].([]any)
	}
	for _, val := range vals {
		key := fmt.Sprint(val)
		if n, ok := integer(val); ok {
			key = strconv.FormatInt(n, 10)
		}
		capt, ok := a.Enum[key]
		if !ok {
			v.bad("%s: %v is not in its enumeration", p, val)
			continue
		}
		sib, ok := item[a.Sibling]
		if a.Sibling == "" || !ok || a.Array {
			continue
		}
		// 99 is Other, whose sibling is the source's own value (the
		// server's rule also reaches Base Event's type_uid 99, whose
		// caption is a class's and activity's, not Other: not here).
		if key == "99" && capt == "Other" {
			if sib == capt {
				v.bad("%s: %s is %q for 99, not the source's own value", p, a.Sibling, sib)
			}
		} else if sib != capt {
			v.bad("%s: %s is %v, want %q (the caption of %s)", p, a.Sibling, sib, capt, key)
		}
	}
}

// value checks one value (an array's element) of attribute a.
func (v *validator) value(val any, p string, a factAttr) {
	if a.Object {
		o, ok := val.(map[string]any)
		if !ok {
			v.bad("%s is %v, not an object", p, val)
			return
		}
		if len(o) == 0 {
			v.bad("%s is an empty object", p)
			return
		}
		f, ok := factObjects[a.Type]
		if !ok {
			v.bad("%s: no object %s in the facts (add it to factsgen's Objects)", p, a.Type)
			return
		}
		v.attrs(o, p, f.Attrs, f.AtLeastOne, f.JustOne)
		return
	}
	t, ok := factTypes[a.Type]
	if !ok {
		v.bad("%s: no type %s in the facts", p, a.Type)
		return
	}
	base := t
	prim := a.Type
	if t.Base != "" {
		prim, base = t.Base, factTypes[t.Base]
	}
	switch prim {
	case "boolean_t":
		if _, ok := val.(bool); !ok {
			v.bad("%s is %v, not a boolean", p, val)
		}
	case "integer_t", "long_t":
		n, ok := integer(val)
		if !ok {
			v.bad("%s is %v, not an integer", p, val)
			return
		}
		r := t.Range
		if r == nil {
			r = base.Range
		}
		if r != nil && (n < r[0] || n > r[1]) {
			v.bad("%s is %d, out of %s's range %v", p, n, a.Type, r)
		}
	case "float_t":
		if _, ok := number(val); !ok {
			v.bad("%s is %v, not a number", p, val)
		}
	case "json_t":
	case "string_t":
		s, ok := val.(string)
		if !ok {
			v.bad("%s is %v, not a string", p, val)
			return
		}
		max := t.MaxLen
		if max == 0 {
			max = base.MaxLen
		}
		if max > 0 && utf8.RuneCountInString(s) > max {
			v.bad("%s is %d characters long, over %s's %d", p, utf8.RuneCountInString(s), a.Type, max)
		}
		if t.Regex != "" && !typeRegexp(t.Regex).MatchString(s) {
			v.bad("%s is %q, not a %s", p, s, a.Type)
		}
	default:
		v.bad("%s: unknown primitive %s", p, prim)
	}
}

var regexps sync.Map

func typeRegexp(re string) *regexp.Regexp {
	if r, ok := regexps.Load(re); ok {
		return r.(*regexp.Regexp)
	}
	r := regexp.MustCompile(re)
	regexps.Store(re, r)
	return r
}

// number reads a decoded JSON number (float64, or json.Number).
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// integer reads a decoded JSON integer.
func integer(v any) (int64, bool) {
	if n, ok := v.(json.Number); ok {
		i, err := n.Int64()
		return i, err == nil
	}
	f, ok := number(v)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

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

func jnum(v any) int {
	n, _ := integer(v)
	return int(n)
}

// The validator fails what it must: each broken event has its error.
func TestValidateFails(t *testing.T) {
	good := func() map[string]any {
		var ev map[string]any
		_ = json.Unmarshal([]byte(`{"class_uid":3002,"class_name":"Authentication","category_uid":3,"activity_id":1,"activity_name":"Logon","type_uid":300201,"type_name":"Authentication: Logon","severity_id":1,"time":1,"metadata":{"product":{"name":"x","vendor_name":"y"},"version":"`+Version+`"},"user":{"name":"u"},"dst_endpoint":{"hostname":"h.example.com","port":22},"status_id":1,"status":"Success"}`), &ev)
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
			delete(ev, "class_name")
			delete(ev, "activity_name")
			delete(ev, "type_name")
			ev["http_response"] = map[string]any{"status": "x"}
		},
		"constraint":       func(ev map[string]any) { delete(ev, "dst_endpoint") },
		"endpoint w/o id":  func(ev map[string]any) { ev["dst_endpoint"] = map[string]any{"port": 22.0} },
		"port range":       func(ev map[string]any) { ev["dst_endpoint"].(map[string]any)["port"] = 70000.0 },
		"hostname pattern": func(ev map[string]any) { ev["dst_endpoint"].(map[string]any)["hostname"] = "pts/1" },
		"ip pattern":       func(ev map[string]any) { ev["src_endpoint"] = map[string]any{"ip": "ws-7"} },
		"class caption":    func(ev map[string]any) { ev["class_name"] = "Logon" },
		"activity caption": func(ev map[string]any) { ev["activity_name"] = "Logoff" },
		"type caption":     func(ev map[string]any) { ev["type_name"] = "Authentication: Other" },
		"status caption":   func(ev map[string]any) { ev["status"] = "Failure" },
		"other caption": func(ev map[string]any) {
			ev["activity_id"], ev["type_uid"], ev["activity_name"], ev["type_name"] = 99.0, 300299.0, "Other", "Authentication: Other"
		},
		"profile attr":     func(ev map[string]any) { ev["device"] = map[string]any{"hostname": "h", "type_id": 0.0} },
		"unknown profile":  func(ev map[string]any) { ev["metadata"].(map[string]any)["profiles"] = []any{"hots"} },
		"not an integer":   func(ev map[string]any) { ev["severity_id"] = 1.5 },
		"string too long":  func(ev map[string]any) { ev["raw_data"] = strings.Repeat("x", 65536) },
		"http method enum": func(ev map[string]any) { ev["http_request"] = map[string]any{"http_method": "PATCH"} },
		"version":          func(ev map[string]any) { ev["metadata"].(map[string]any)["version"] = "1.4.0" },
		"array":            func(ev map[string]any) { ev["metadata"].(map[string]any)["profiles"] = "host" },
		"empty object":     func(ev map[string]any) { ev["session"] = map[string]any{} },
	} {
		ev := good()
		broken(ev)
		if len(Validate(ev)) == 0 {
			t.Errorf("%s: passes", name)
		}
	}
	// A profile's attribute is valid once the event names the profile.
	ev := good()
	ev["device"] = map[string]any{"hostname": "h", "type_id": 0.0}
	ev["metadata"].(map[string]any)["profiles"] = []any{"host"}
	if errs := Validate(ev); len(errs) > 0 {
		t.Errorf("device with the host profile: %v", errs)
	}
}

// The facts cover what the mapping uses: every class of classes.go, with
// its name, category and activities as the schema has them, and an
// attribute for every place the mapping has room for.
func TestClassesMatchFacts(t *testing.T) {
	for _, c := range classes {
		f, ok := factClasses[c.uid]
		if !ok {
			t.Errorf("class %d %s: not in the facts (add it to factsgen's Classes)", c.uid, c.name)
			continue
		}
		if f.Caption != c.name {
			t.Errorf("class %d: name %q, the schema's %q", c.uid, c.name, f.Caption)
		}
		if got := f.Attrs["category_uid"].Enum[strconv.Itoa(c.cat.uid)]; got != c.cat.name {
			t.Errorf("class %d: category %d %q, the schema's %v", c.uid, c.cat.uid, c.cat.name, f.Attrs["category_uid"].Enum)
		}
		acts := f.Attrs["activity_id"].Enum
		if len(acts) != len(c.activities)+2 {
			t.Errorf("class %d: %d activities besides 0 and 99, the schema %d", c.uid, len(c.activities), len(acts)-2)
		}
		for _, a := range append([]activity{{0, "Unknown"}, {99, "Other"}}, c.activities...) {
			if acts[strconv.Itoa(a.id)] != a.name || c.activityName(a.id) != a.name {
				t.Errorf("class %d activity %d: %q, the schema's %q", c.uid, a.id, a.name, acts[strconv.Itoa(a.id)])
			}
		}
		for i, name := range hasNames {
			bit := has(1) << i
			if c.has&bit == 0 {
				continue
			}
			for _, attr := range strings.Split(name, ",") {
				a, ok := f.Attrs[attr]
				switch {
				case !ok:
					t.Errorf("class %d: no attribute %s", c.uid, attr)
				case a.Profile != "" && c.profile&bit == 0:
					t.Errorf("class %d: %s is the %s profile's, not marked so", c.uid, attr, a.Profile)
				case a.Profile == "" && c.profile&bit != 0:
					t.Errorf("class %d: %s is the class's own, marked a profile's", c.uid, attr)
				}
			}
		}
		for i, name := range hasNames {
			bit := has(1) << i
			a := f.Attrs[strings.Split(name, ",")[0]]
			if (c.required&bit != 0) != (a.Req == "required") {
				t.Errorf("class %d: %s required %v, the schema says %s", c.uid, name, c.required&bit != 0, a.Req)
			}
		}
		var oneOf []string
		for i, name := range hasNames {
			if c.oneOf&(has(1)<<i) != 0 {
				oneOf = append(oneOf, name)
			}
		}
		sort.Strings(oneOf)
		want := slices.Clone(f.AtLeastOne)
		sort.Strings(want)
		if !slices.Equal(oneOf, want) {
			t.Errorf("class %d: at least one of %v, the schema's %v", c.uid, oneOf, want)
		}
	}
	for _, s := range severities {
		if got := factClasses[0].Attrs["severity_id"].Enum[strconv.Itoa(s.id)]; got != s.name {
			t.Errorf("severity %d: %q, the schema's %q", s.id, s.name, got)
		}
	}
	for _, s := range statuses {
		if got := factClasses[0].Attrs["status_id"].Enum[strconv.Itoa(s.id)]; got != s.name {
			t.Errorf("status %d: %q, the schema's %q", s.id, s.name, got)
		}
	}
	for _, p := range authProtocols {
		if got := factClasses[3002].Attrs["auth_protocol_id"].Enum[strconv.Itoa(p.id)]; got != p.caption {
			t.Errorf("auth protocol %d: %q, the schema's %q", p.id, p.caption, got)
		}
	}
	for _, m := range httpMethods {
		if _, ok := factObjects["http_request"].Attrs["http_method"].Enum[m]; !ok {
			t.Errorf("HTTP method %s: not in the schema's", m)
		}
	}
	if len(httpMethods) != len(factObjects["http_request"].Attrs["http_method"].Enum) {
		t.Errorf("HTTP methods %v, the schema's %v", httpMethods, factObjects["http_request"].Attrs["http_method"].Enum)
	}
	if Version != factsVersion {
		t.Errorf("version %s, the facts' %s", Version, factsVersion)
	}
}

// Every row of every table gives a valid event of its own class when the
// record has what the class needs (no fallback), and a valid Base Event
// when it has nothing; with captions and without.
func TestEveryRowValid(t *testing.T) {
	for _, captions := range []bool{true, false} {
		m := New(Options{KeepOriginal: true, NoCaptions: !captions})
		for _, p := range tables(product.Default()) {
			for i := range p.rows {
				r := &p.rows[i]
				ev := strings.TrimSuffix(r.event, "*") + "x"
				if !strings.HasSuffix(r.event, "*") {
					ev = r.event
				}
				check := func(which string, rec *record.Record) map[string]any {
					got := decode(t, m.Map(rec))
					for _, e := range append(Validate(got), Recommended(rec, got)...) {
						t.Errorf("%s row %d (%s record): %s", ev, i, which, e)
					}
					return got
				}
				got := check("full", rowRecord(p, r, ev, true))
				if jnum(got["class_uid"]) != r.class.uid || jnum(got["activity_id"]) != r.activity {
					t.Errorf("%s row %d: class %v activity %v, want %d %d", ev, i, got["class_uid"], got["activity_id"], r.class.uid, r.activity)
				}
				if _, ok := got["class_name"]; ok != captions {
					t.Errorf("%s row %d: class_name %v with captions %v", ev, i, got["class_name"], captions)
				}
				check("bare", rowRecord(p, r, ev, false))
			}
		}
	}
}

// rowRecord is a record of row r's event, the row's conditions holding;
// full gives it every attribute the mapping places.
func rowRecord(p *mapping, r *row, ev string, full bool) *record.Record {
	rec := &record.Record{EventName: ev, Format: p.format, SeverityNumber: record.SevInfo, SeverityText: "INFO", ObservedTime: time.Unix(1e9, 0)}
	for _, c := range r.when {
		rec.Attrs = append(rec.Attrs, record.Attr{Key: c.Key, Kind: record.KindString, Str: c.Values[0]})
	}
	if !full {
		return rec
	}
	rec.TimeText, rec.Time = "2026-03-05T10:16:02+01:00", time.Unix(1772702162, 0)
	add := func(k, v string) {
		if _, ok := rec.Get(k); !ok {
			rec.Attrs = append(rec.Attrs, record.Attr{Key: k, Kind: record.KindString, Str: v})
		}
	}
	for _, k := range []string{record.AttrUserName, record.AttrUserID, record.AttrUserTargetName,
		record.AttrSessionID, record.AttrURLPath, record.AttrEventAction, record.AttrEventOutcome, record.AttrServiceName} {
		add(k, "v")
	}
	add(record.AttrHTTPRequestMethod, "PATCH") // a method no row names, and OCSF has not: unmapped
	add(record.AttrHostName, "pm-node1")
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
