// Command factsgen extracts the ECS facts the tests of internal/schema/ecs
// check every document against (every field of ECS with its type, whether
// it is an array and whether ECS requires it, and the allowed values of the
// categorization fields, with the event types each category expects), from
// the elastic/ecs repository's generated/ecs/ecs_flat.yml at a version,
// into a generated Go test file:
//
//	go run ./internal/schema/ecs/internal/factsgen -git /path/to/ecs/.git -rev v8.17.0 -o internal/schema/ecs/facts_gen_test.go
//
// (-dir reads a checkout instead).
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pamaudit/pamaudit/internal/schema/internal/schemasrc"
)

// allowed are the fields whose allowed values the facts hold.
var allowed = []string{"event.kind", "event.category", "event.type", "event.outcome"}

func main() { schemasrc.Main("elastic/ecs", "v8.17.0", Generate) }

// field is a field of ecs_flat.yml, as far as the facts go.
type field struct {
	Type          string   `yaml:"type"`
	Normalize     []string `yaml:"normalize"`
	Required      bool     `yaml:"required"`
	AllowedValues []struct {
		Name          string   `yaml:"name"`
		ExpectedTypes []string `yaml:"expected_event_types"`
	} `yaml:"allowed_values"`
}

// Generate returns the generated Go file of the facts of src, which is
// version rev.
func Generate(src *schemasrc.Source, rev string) ([]byte, error) {
	version, err := src.Read("version")
	if err != nil {
		return nil, err
	}
	flat, err := src.Read("generated/ecs/ecs_flat.yml")
	if err != nil {
		return nil, err
	}
	var fields map[string]field
	if err := yaml.Unmarshal(flat, &fields); err != nil {
		return nil, fmt.Errorf("ecs_flat.yml: %v", err)
	}
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	b.WriteString(src.Head("elastic/ecs", "generated/ecs/ecs_flat.yml", "ecs", "ECS_GIT_DIR", rev, []string{"strings"},
		"ECS facts: every field with its type, whether it is an array (normalize: array) and whether ECS requires it; the allowed values of the categorization fields, and the event types each category expects.", strings.TrimSpace(string(version))))
	p("type factField struct {\n\tType string\n\tArray, Required bool\n}\n\n")
	// The fields by parent object, a line each rather than a line a field.
	parents := map[string][]string{}
	var order []string
	for _, n := range names {
		if strings.ContainsAny(n, ":[]! ") {
			return nil, fmt.Errorf("field %q: a name factFieldsOf cannot read", n)
		}
		parent, leaf := "", n
		if i := strings.LastIndexByte(n, '.'); i >= 0 {
			parent, leaf = n[:i], n[i+1:]
		}
		f := fields[n]
		if f.Type != "keyword" {
			leaf += ":" + f.Type
		}
		for _, norm := range f.Normalize {
			if norm == "array" {
				leaf += "[]"
			}
		}
		if f.Required {
			leaf += "!"
		}
		if _, ok := parents[parent]; !ok {
			order = append(order, parent)
		}
		parents[parent] = append(parents[parent], leaf)
	}
	sort.Strings(order)
	p("// factFields are the fields by parent object (\"\" for the top level):\n")
	p("// each is its last name, then \":\" and its type unless it is a keyword,\n")
	p("// \"[]\" if it is an array, \"!\" if ECS requires it.\n")
	p("var factFields = factFieldsOf(map[string]string{\n")
	for _, parent := range order {
		p("\t%q: %q,\n", parent, strings.Join(parents[parent], " "))
	}
	p("})\n\n")
	p("func factFieldsOf(parents map[string]string) map[string]factField {\n")
	p("\tfields := map[string]factField{}\n")
	p("\tfor parent, leaves := range parents {\n")
	p("\t\tfor _, leaf := range strings.Fields(leaves) {\n")
	p("\t\t\tvar f factField\n")
	p("\t\t\tleaf, f.Required = strings.CutSuffix(leaf, \"!\")\n")
	p("\t\t\tleaf, f.Array = strings.CutSuffix(leaf, \"[]\")\n")
	p("\t\t\tleaf, f.Type, _ = strings.Cut(leaf, \":\")\n")
	p("\t\t\tif f.Type == \"\" {\n\t\t\t\tf.Type = \"keyword\"\n\t\t\t}\n")
	p("\t\t\tif parent != \"\" {\n\t\t\t\tleaf = parent + \".\" + leaf\n\t\t\t}\n")
	p("\t\t\tfields[leaf] = f\n")
	p("\t\t}\n\t}\n\treturn fields\n}\n\n")
	p("// factAllowed: the allowed values of %s.\n", strings.Join(allowed, ", "))
	p("var factAllowed = map[string][]string{\n")
	for _, n := range allowed {
		f, ok := fields[n]
		if !ok || len(f.AllowedValues) == 0 {
			return nil, fmt.Errorf("%s has no allowed values", n)
		}
		var vs []string
		for _, v := range f.AllowedValues {
			vs = append(vs, fmt.Sprintf("%q", v.Name))
		}
		p("\t%q: {%s},\n", n, strings.Join(vs, ", "))
	}
	p("}\n\n")
	p("// factExpectedTypes: the event.type values each event.category expects.\n")
	p("var factExpectedTypes = map[string][]string{\n")
	for _, v := range fields["event.category"].AllowedValues {
		var ts []string
		for _, t := range v.ExpectedTypes {
			ts = append(ts, fmt.Sprintf("%q", t))
		}
		p("\t%q: {%s},\n", v.Name, strings.Join(ts, ", "))
	}
	p("}\n")
	return format.Source(b.Bytes())
}
