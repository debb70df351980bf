// Command factsgen extracts the OCSF facts the tests of internal/schema/ocsf
// check every event against (the classes the mapping emits, the objects it
// writes, their attributes with requirement, type, profile and enumeration,
// the classes' and objects' constraints, the data types), from the
// ocsf-schema repository at a version, into a generated Go test file:
//
//	go run ./internal/schema/ocsf/internal/factsgen -git /path/to/ocsf-schema/.git -rev 1.3.0 -o internal/schema/ocsf/facts_gen_test.go
//
// (-dir reads a checkout instead). It resolves the schema the way the OCSF
// server compiles it: "$include" files merged under the item's own
// attributes (a profile's attributes marked with the profile), "extends"
// resolved (attributes merged, constraints inherited unless the item has
// its own), and each attribute merged over its dictionary entry.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pamaudit/pamaudit/internal/schema/internal/schemasrc"
)

// Classes are the event classes the mapping emits, by name.
var Classes = []string{"base_event", "account_change", "authentication", "entity_management", "user_access", "http_activity", "application_lifecycle"}

// Objects are the objects the mapping writes, by name ("object" is the
// open object of unmapped).
var Objects = []string{"metadata", "product", "user", "actor", "session", "network_endpoint", "device", "service",
	"http_request", "url", "http_response", "managed_entity", "resource_details", "object"}

func main() { schemasrc.Main("ocsf-schema", "1.3.0", Generate) }

type obj = map[string]any

type gen struct {
	src      *schemasrc.Source
	dict     obj // dictionary attributes
	types    obj // dictionary types
	classes  map[string]obj
	objects  map[string]obj
	resolved map[string]obj
}

// Generate returns the generated Go file of the facts of src, which is
// version rev.
func Generate(src *schemasrc.Source, rev string) ([]byte, error) {
	g := &gen{src: src, classes: map[string]obj{}, objects: map[string]obj{}, resolved: map[string]obj{}}
	var version, dict, cats obj
	for _, f := range []struct {
		path string
		into *obj
	}{{"version.json", &version}, {"dictionary.json", &dict}, {"categories.json", &cats}} {
		var err error
		if *f.into, err = g.readJSON(f.path); err != nil {
			return nil, err
		}
	}
	g.dict, g.types = m(dict["attributes"]), m(m(dict["types"])["attributes"])
	for kind, into := range map[string]map[string]obj{"events": g.classes, "objects": g.objects} {
		files, err := src.List(kind, ".json")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			item, err := g.load(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", f, err)
			}
			name, _ := item["name"].(string)
			if name == "" {
				return nil, fmt.Errorf("%s: no name", f)
			}
			into[name] = item
		}
	}

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	v, _ := m(version)["version"].(string)
	b.WriteString(src.Head("ocsf-schema", "", "ocsf", "OCSF_SCHEMA_GIT_DIR", rev, []string{"strings"},
		"OCSF facts: the classes the mapping emits and the objects it writes, as the OCSF server compiles them (includes, profiles, extends and the dictionary resolved), and the data types.", v))
	p("type factAttr struct {\n\tType string // a data type (string_t, …) or an object's name\n\tObject bool\n\tArray bool\n")
	p("\tReq string // required, recommended or optional\n\tProfile string // the profile that adds it; \"\" when the class or object has it\n")
	p("\tSibling string // its caption's attribute (an enumeration's)\n\tEnum map[string]string // value → caption\n\tDeprecated bool\n}\n\n")
	p("type factClass struct {\n\tName, Caption string\n\tCategory int\n\tAttrs map[string]factAttr\n\tAtLeastOne, JustOne []string\n}\n\n")
	p("type factObject struct {\n\tCaption string\n\tAttrs map[string]factAttr\n\tAtLeastOne, JustOne []string\n}\n\n")
	p("type factType struct {\n\tBase string // the primitive it refines; \"\" for a primitive\n\tMaxLen int\n\tRegex string\n\tRange []int64\n\tValues []bool\n}\n\n")

	// Categories.
	catUID := map[string]int{}
	catCaptions := map[int]string{0: caption(m(m(m(m(g.mustInclude("includes/classification.json"))["attributes"])["category_uid"])["enum"])["0"])}
	catAttrs := m(cats["attributes"])
	for _, k := range sortedKeys(catAttrs) {
		c := m(catAttrs[k])
		uid := num(c["uid"])
		catUID[k] = uid
		catCaptions[uid], _ = c["caption"].(string)
	}
	profiles, err := src.List("profiles", ".json")
	if err != nil {
		return nil, err
	}
	var profileNames []string
	for _, f := range profiles {
		pr, err := g.readJSON(f)
		if err != nil {
			return nil, err
		}
		profileNames = append(profileNames, strconv.Quote(pr["name"].(string)))
	}
	sort.Strings(profileNames)
	p("// factProfiles are the profiles the schema defines.\n")
	p("var factProfiles = []string{%s}\n\n", strings.Join(profileNames, ", "))

	// Every class extends base_event: each writes only the attributes in
	// which it differs from base_event's, and those it has not.
	if Classes[0] != "base_event" {
		return nil, fmt.Errorf("base_event is not the first class")
	}
	var base map[string]attrFact
	var cls bytes.Buffer
	pc := func(format string, args ...any) { fmt.Fprintf(&cls, format, args...) }
	pc("var factClasses = map[int]*factClass{\n")
	for _, name := range Classes {
		c, err := g.resolve(g.classes, name)
		if err != nil {
			return nil, err
		}
		cat := 0
		if cn, _ := c["category"].(string); cn != "other" {
			var ok bool
			if cat, ok = catUID[cn]; !ok {
				return nil, fmt.Errorf("class %s: unknown category %q", name, cn)
			}
		}
		uid := cat * 1000
		if c["uid"] != nil { // base_event has none: 0
			uid += num(c["uid"])
		}
		pc("\t%d: {Name: %q, Caption: %q, Category: %d,\n", uid, name, c["caption"], cat)
		// The ids the server compiles: class_uid and category_uid are the
		// class's own, type_uid class_uid × 100 + each activity.
		attrs := obj{}
		for k, v := range m(c["attributes"]) {
			attrs[k] = v
		}
		capt, _ := c["caption"].(string)
		catCaption := catCaptions[cat]
		acts := m(m(deepMerge(g.dict["activity_id"], attrs["activity_id"]))["enum"])
		typeEnum := obj{strconv.Itoa(uid * 100): obj{"caption": capt + ": Unknown"}}
		for k, v := range acts {
			typeEnum[strconv.Itoa(uid*100+num(json.Number(k)))] = obj{"caption": capt + ": " + caption(v)}
		}
		attrs["class_uid"] = withEnum(attrs["class_uid"], obj{strconv.Itoa(uid): obj{"caption": capt}})
		attrs["category_uid"] = withEnum(attrs["category_uid"], obj{strconv.Itoa(cat): obj{"caption": catCaption}})
		attrs["type_uid"] = withEnum(attrs["type_uid"], typeEnum)
		lines, err := g.attrLines(attrs, name)
		if err != nil {
			return nil, err
		}
		if base == nil { // base_event, the first of Classes
			base = lines
		}
		var gone []string
		for _, k := range sortedKeys(base) {
			if _, ok := lines[k]; !ok {
				gone = append(gone, ", "+strconv.Quote(k))
			}
		}
		var own []string
		for _, k := range sortedKeys(lines) {
			if lines[k] != base[k] {
				own = append(own, k)
			}
		}
		ownAttrs := "nil"
		if len(own) > 0 {
			ownAttrs = attrsOf(lines, own)
		}
		pc("\t\tAttrs: factBaseAttrs(%s%s),\n", ownAttrs, strings.Join(gone, ""))
		writeConstraints(pc, c)
		pc("\t},\n")
	}
	pc("}\n\n")
	p("// factBase are base_event's attributes.\n")
	p("var factBase = %s\n\n", attrsOf(base, sortedKeys(base)))
	b.Write(cls.Bytes())
	p("// factBaseAttrs returns base_event's attributes with own's over them, less\n")
	p("// those named in gone.\n")
	p("func factBaseAttrs(own map[string]factAttr, gone ...string) map[string]factAttr {\n")
	p("\tattrs := map[string]factAttr{}\n")
	p("\tfor k, a := range factBase {\n\t\tattrs[k] = a\n\t}\n")
	p("\tfor _, k := range gone {\n\t\tdelete(attrs, k)\n\t}\n")
	p("\tfor k, a := range own {\n\t\tattrs[k] = a\n\t}\n")
	p("\treturn attrs\n}\n\n")
	p("// factAttrsOf returns attrs with the plain attributes added, by\n")
	p("// requirement: each \"name:type\", \"[]\" after an array; an object's type is\n")
	p("// the object's name, a data type's ends in _t.\n")
	p("func factAttrsOf(attrs map[string]factAttr, required, recommended, optional string) map[string]factAttr {\n")
	p("\tout := map[string]factAttr{}\n")
	p("\tfor k, a := range attrs {\n\t\tout[k] = a\n\t}\n")
	p("\tfor i, names := range [...]string{required, recommended, optional} {\n")
	p("\t\tfor _, n := range strings.Fields(names) {\n")
	p("\t\t\ta := factAttr{Req: [...]string{\"required\", \"recommended\", \"optional\"}[i]}\n")
	p("\t\t\tn, a.Array = strings.CutSuffix(n, \"[]\")\n")
	p("\t\t\tn, a.Type, _ = strings.Cut(n, \":\")\n")
	p("\t\t\ta.Object = !strings.HasSuffix(a.Type, \"_t\")\n")
	p("\t\t\tout[n] = a\n")
	p("\t\t}\n\t}\n\treturn out\n}\n\n")

	p("var factObjects = map[string]*factObject{\n")
	for _, name := range Objects {
		o, err := g.resolve(g.objects, name)
		if err != nil {
			return nil, err
		}
		p("\t%q: {Caption: %q,\n", name, o["caption"])
		lines, err := g.attrLines(m(o["attributes"]), name)
		if err != nil {
			return nil, err
		}
		p("\t\tAttrs: %s,\n", attrsOf(lines, sortedKeys(lines)))
		writeConstraints(p, o)
		p("\t},\n")
	}
	p("}\n\n")

	p("var factTypes = map[string]factType{\n")
	for _, k := range sortedKeys(g.types) {
		t := m(g.types[k])
		p("\t%q: {", k)
		if base, _ := t["type"].(string); base != "" {
			p("Base: %q, ", base)
		}
		if n, ok := t["max_len"]; ok {
			p("MaxLen: %d, ", num(n))
		}
		if r, _ := t["regex"].(string); r != "" {
			p("Regex: %s, ", quote(r))
		}
		if r, ok := t["range"].([]any); ok {
			p("Range: []int64{%d, %d}, ", num(r[0]), num(r[1]))
		}
		if vs, ok := t["values"].([]any); ok {
			var s []string
			for _, v := range vs {
				s = append(s, fmt.Sprint(v))
			}
			p("Values: []bool{%s}, ", strings.Join(s, ", "))
		}
		p("},\n")
	}
	p("}\n")
	return format.Source(b.Bytes())
}

// attrFact is an attribute as the facts write it: its line, and when it is
// plain (see factAttrsOf) its token and requirement.
type attrFact struct{ line, token, req string }

// reqs are the requirements, in factAttrsOf's order.
var reqs = []string{"required", "recommended", "optional"}

// attrLines returns the facts of each attribute of an Attrs member, by name:
// the attribute merged over its dictionary entry.
func (g *gen) attrLines(attrs obj, owner string) (map[string]attrFact, error) {
	lines := map[string]attrFact{}
	for _, k := range sortedKeys(attrs) {
		var b strings.Builder
		p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
		a := m(attrs[k])
		d, ok := g.dict[k]
		if !ok {
			return nil, fmt.Errorf("%s.%s: not in the dictionary", owner, k)
		}
		a = m(deepMerge(d, a))
		typ, _ := a["type"].(string)
		if typ == "" {
			return nil, fmt.Errorf("%s.%s: no type", owner, k)
		}
		_, isType := g.types[typ]
		isObject := !isType && typ != "object_t"
		if typ == "object_t" {
			typ, _ = a["object_type"].(string)
			isObject = true
		}
		if isObject {
			if _, ok := g.objects[typ]; !ok {
				return nil, fmt.Errorf("%s.%s: unknown object %s", owner, k, typ)
			}
		}
		req, _ := a["requirement"].(string)
		if req == "" {
			req = "optional"
		}
		p("\t\t\t%q: {Type: %q, ", k, typ)
		if isObject {
			p("Object: true, ")
		}
		if a["is_array"] == true {
			p("Array: true, ")
		}
		p("Req: %q, ", req)
		if prof, _ := a["profile"].(string); prof != "" {
			p("Profile: %q, ", prof)
		}
		if s, _ := a["sibling"].(string); s != "" {
			p("Sibling: %q, ", s)
		}
		if _, ok := a["@deprecated"]; ok {
			p("Deprecated: true, ")
		}
		if e := m(a["enum"]); len(e) > 0 {
			p("Enum: map[string]string{")
			keys := sortedKeys(e)
			sort.SliceStable(keys, func(i, j int) bool {
				a, errA := strconv.Atoi(keys[i])
				b, errB := strconv.Atoi(keys[j])
				if errA == nil && errB == nil {
					return a < b
				}
				return keys[i] < keys[j]
			})
			for _, v := range keys {
				p("%q: %q, ", v, caption(e[v]))
			}
			p("}, ")
		}
		p("},\n")
		f := attrFact{line: b.String()}
		prof := a["profile"] != nil && a["profile"] != ""
		sib := a["sibling"] != nil && a["sibling"] != ""
		_, dep := a["@deprecated"]
		if !prof && !sib && !dep && len(m(a["enum"])) == 0 && slices.Contains(reqs, req) &&
			isObject == !strings.HasSuffix(typ, "_t") && !strings.ContainsAny(k+typ, ":[] ") {
			f.token, f.req = k+":"+typ, req
			if a["is_array"] == true {
				f.token += "[]"
			}
		}
		lines[k] = f
	}
	return lines, nil
}

// attrsOf returns the factAttrsOf call of the attributes keys of facts.
func attrsOf(facts map[string]attrFact, keys []string) string {
	var other strings.Builder
	plain := make([][]string, len(reqs))
	for _, k := range keys {
		f := facts[k]
		if f.token == "" {
			other.WriteString(f.line)
			continue
		}
		i := slices.Index(reqs, f.req)
		plain[i] = append(plain[i], f.token)
	}
	s := "factAttrsOf(nil"
	if other.Len() > 0 {
		s = "factAttrsOf(map[string]factAttr{\n" + other.String() + "\t\t}"
	}
	for _, p := range plain {
		s += ", " + strconv.Quote(strings.Join(p, " "))
	}
	return s + ")"
}

func writeConstraints(p func(string, ...any), item obj) {
	c := m(item["constraints"])
	for _, k := range sortedKeys(c) {
		var names []string
		for _, n := range c[k].([]any) {
			names = append(names, strconv.Quote(n.(string)))
		}
		switch k {
		case "at_least_one":
			p("\t\tAtLeastOne: []string{%s},\n", strings.Join(names, ", "))
		case "just_one":
			p("\t\tJustOne: []string{%s},\n", strings.Join(names, ", "))
		default:
			panic("unknown constraint " + k)
		}
	}
}

// resolve returns the item name of items with its extends resolved.
func (g *gen) resolve(items map[string]obj, name string) (obj, error) {
	key := fmt.Sprintf("%p/%s", items, name)
	if r, ok := g.resolved[key]; ok {
		return r, nil
	}
	item, ok := items[name]
	if !ok {
		return nil, fmt.Errorf("no %s in the schema", name)
	}
	if ext, _ := item["extends"].(string); ext != "" {
		base, err := g.resolve(items, ext)
		if err != nil {
			return nil, fmt.Errorf("%s extends: %v", name, err)
		}
		attrs := m(deepMerge(base["attributes"], item["attributes"]))
		for k, v := range attrs {
			if v == nil {
				delete(attrs, k)
			}
		}
		r := obj{}
		for k, v := range base {
			r[k] = v
		}
		for k, v := range item {
			if k == "profiles" {
				r[k] = concatUniq(base[k], v)
				continue
			}
			r[k] = v
		}
		r["attributes"] = attrs
		item = r
	}
	g.resolved[key] = item
	return item, nil
}

// load reads a class or object file with its includes merged under its
// own attributes.
func (g *gen) load(path string) (obj, error) {
	data, err := g.readJSON(path)
	if err != nil {
		return nil, err
	}
	attrs := m(data["attributes"])
	inc, ok := attrs["$include"]
	if !ok {
		return data, checkAttrIncludes(attrs)
	}
	var files []string
	switch v := inc.(type) {
	case string:
		files = []string{v}
	case []any:
		for _, f := range v {
			files = append(files, f.(string))
		}
	}
	own := obj{}
	for k, v := range attrs {
		if k != "$include" {
			own[k] = v
		}
	}
	for _, f := range files {
		included, err := g.include(f)
		if err != nil {
			return nil, err
		}
		own = m(deepMerge(included["attributes"], own))
	}
	data["attributes"] = own
	return data, checkAttrIncludes(own)
}

// checkAttrIncludes fails on an attribute's own "$include" (an enumeration
// file), which the classes and objects read here do not use.
func checkAttrIncludes(attrs obj) error {
	for k, v := range attrs {
		if _, ok := m(v)["$include"]; ok {
			return fmt.Errorf("attribute %s has an $include, which factsgen does not read", k)
		}
	}
	return nil
}

func (g *gen) mustInclude(path string) obj {
	o, err := g.include(path)
	if err != nil {
		panic(err)
	}
	return o
}

// include reads an included file: a profile's attributes are marked with
// the profile, and the file's annotations merged under each attribute.
func (g *gen) include(path string) (obj, error) {
	data, err := g.readJSON(path)
	if err != nil {
		return nil, err
	}
	var profile string
	if data["meta"] == "profile" {
		profile, _ = data["name"].(string)
	}
	ann := m(data["annotations"])
	attrs := obj{}
	for k, v := range m(data["attributes"]) {
		a := obj{}
		for kk, vv := range m(v) {
			a[kk] = vv
		}
		if profile != "" {
			a["profile"] = profile
		}
		if len(ann) > 0 {
			a = m(deepMerge(ann, a))
		}
		attrs[k] = a
	}
	out := obj{}
	for k, v := range data {
		out[k] = v
	}
	out["attributes"] = attrs
	return out, nil
}

func (g *gen) readJSON(path string) (obj, error) {
	b, err := g.src.Read(path)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var o obj
	if err := d.Decode(&o); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return o, nil
}

// deepMerge is the OCSF server's Utils.deep_merge: maps merge key by key,
// an empty map gives way to the other side, and otherwise the right side
// wins (null included).
func deepMerge(left, right any) any {
	l, lok := left.(obj)
	r, rok := right.(obj)
	switch {
	case lok && rok:
		if len(l) == 0 {
			return r
		}
		if len(r) == 0 {
			return l
		}
		out := obj{}
		for k, v := range l {
			out[k] = v
		}
		for k, v := range r {
			if lv, ok := l[k]; ok {
				out[k] = deepMerge(lv, v)
			} else {
				out[k] = v
			}
		}
		return out
	case lok && right == nil:
		return l
	}
	return right
}

// withEnum returns attribute a with its enumeration replaced by enum.
func withEnum(a any, enum obj) obj {
	out := obj{}
	for k, v := range m(a) {
		out[k] = v
	}
	out["enum"] = enum
	return out
}

func concatUniq(a, b any) any {
	var out []any
	seen := map[any]bool{}
	for _, l := range []any{a, b} {
		s, _ := l.([]any)
		for _, v := range s {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}

func m(v any) obj {
	o, _ := v.(obj)
	return o
}

func num(v any) int {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			panic(err)
		}
		return int(i)
	case float64:
		return int(n)
	}
	panic(fmt.Sprintf("not a number: %v", v))
}

func caption(v any) string {
	c, _ := m(v)["caption"].(string)
	return c
}

func sortedKeys[V any](o map[string]V) []string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// quote writes s as a raw string literal when it can.
func quote(s string) string {
	if !strings.Contains(s, "`") {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}
