package otelprocessor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.yaml.in/yaml/v3"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
)

// metadataFile is metadata.yaml in mdatagen's schema, the part of it this
// component uses. Decoding is strict: a key the test does not know fails it,
// so nothing in the file goes unchecked.
type metadataFile struct {
	Type        string `yaml:"type"`
	DisplayName string `yaml:"display_name"`
	Description string `yaml:"description"`
	Status      struct {
		Class         string              `yaml:"class"`
		Stability     map[string][]string `yaml:"stability"`
		Distributions []string            `yaml:"distributions"`
	} `yaml:"status"`
	Tests struct {
		Config map[string]any `yaml:"config"`
		Goleak struct {
			Ignore struct {
				Top []string `yaml:"top"`
				Any []string `yaml:"any"`
			} `yaml:"ignore"`
		} `yaml:"goleak"`
	} `yaml:"tests"`
	Telemetry struct {
		Metrics map[string]telemetryMetric `yaml:"metrics"`
	} `yaml:"telemetry"`
	Attributes map[string]metadataAttribute `yaml:"attributes"`
}

type metadataAttribute struct {
	NameOverride string   `yaml:"name_override"`
	Description  string   `yaml:"description"`
	Type         string   `yaml:"type"`
	Enum         []string `yaml:"enum"`
}

// name is the attribute's name on the metric: its name_override, or its id.
func (a metadataAttribute) name(id string) string {
	if a.NameOverride != "" {
		return a.NameOverride
	}
	return id
}

// attributeByName returns the id and attribute of metadata.yaml that a
// metric's attribute named name is.
func (md *metadataFile) attributeByName(name string) (string, metadataAttribute, bool) {
	for id, a := range md.Attributes {
		if a.name(id) == name {
			return id, a, true
		}
	}
	return "", metadataAttribute{}, false
}

type telemetryMetric struct {
	Enabled     bool   `yaml:"enabled"`
	Description string `yaml:"description"`
	Unit        string `yaml:"unit"`
	Sum         *struct {
		ValueType string `yaml:"value_type"`
		Monotonic bool   `yaml:"monotonic"`
	} `yaml:"sum"`
	Attributes []string `yaml:"attributes"`
}

func loadMetadata() (*metadataFile, error) {
	b, err := os.ReadFile("metadata.yaml")
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var md metadataFile
	if err := dec.Decode(&md); err != nil {
		return nil, fmt.Errorf("metadata.yaml: %w", err)
	}
	return &md, nil
}

// metricPrefix is what mdatagen puts before a telemetry metric's name.
const metricPrefix = "otelcol_"

// TestMetadataYAML keeps metadata.yaml, the hand-written internal/metadata
// (in the shape mdatagen generates) and documentation.md in step: the
// type, the class and stability, and every telemetry metric.
func TestMetadataYAML(t *testing.T) {
	md, err := loadMetadata()
	if err != nil {
		t.Fatal(err)
	}
	f := NewFactory()
	if metadata.Type.String() != md.Type || f.Type() != metadata.Type {
		t.Errorf("type: metadata.Type %q, factory %q, metadata.yaml %q", metadata.Type, f.Type(), md.Type)
	}
	// mdatagen names the scope after the component's package.
	if pkg := reflect.TypeFor[Config]().PkgPath(); metadata.ScopeName != pkg {
		t.Errorf("ScopeName %q, want %q", metadata.ScopeName, pkg)
	}
	if class := componentClass(f); class != md.Status.Class {
		t.Errorf("class: the factory makes a %s, metadata.yaml says %s", class, md.Status.Class)
	}
	checkStability(t, f, md.Status.Stability)
	checkMetrics(t, md)
	checkMetricAttributes(t, md)
	checkProductEnum(t, md)

	doc, err := os.ReadFile("documentation.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := documentation(md); string(doc) != want {
		t.Errorf("documentation.md is not what metadata.yaml says; it should read:\n%s", want)
	}
}

func componentClass(f component.Factory) string {
	switch f.(type) {
	case processor.Factory:
		return "processor"
	}
	return fmt.Sprintf("%T", f)
}

// checkStability compares the stability of each signal: the factory's, the
// generated constant's (logs) and metadata.yaml's (undefined when absent).
func checkStability(t *testing.T, f processor.Factory, levels map[string][]string) {
	want := map[string]component.StabilityLevel{}
	for name, signals := range levels {
		var level component.StabilityLevel
		if err := level.UnmarshalText([]byte(name)); err != nil {
			t.Errorf("stability %q: %v", name, err)
		}
		for _, s := range signals {
			want[s] = level
		}
	}
	got := map[string]component.StabilityLevel{
		"logs":    f.LogsStability(),
		"metrics": f.MetricsStability(),
		"traces":  f.TracesStability(),
	}
	for s := range want {
		if _, ok := got[s]; !ok {
			t.Errorf("stability: metadata.yaml has a signal %q the test does not know", s)
		}
	}
	for s, level := range got {
		if level != want[s] {
			t.Errorf("stability of %s: factory %v, metadata.yaml %v", s, level, want[s])
		}
	}
	if metadata.LogsStability != want["logs"] {
		t.Errorf("metadata.LogsStability %v, metadata.yaml %v", metadata.LogsStability, want["logs"])
	}
}

// checkMetrics compares the TelemetryBuilder's instruments, one field each
// named as mdatagen names them, with metadata.yaml: it records once on each
// and reads back name, description, unit, kind and value type.
func checkMetrics(t *testing.T, md *metadataFile) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	tb, err := metadata.NewTelemetryBuilder(tel.NewTelemetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Shutdown()
	fields := map[string]reflect.Value{}
	v := reflect.ValueOf(tb).Elem()
	for i := range v.NumField() {
		if sf := v.Type().Field(i); sf.IsExported() {
			fields[sf.Name] = v.Field(i)
		}
	}
	for name, m := range md.Telemetry.Metrics {
		field, ok := fields[goName(name)]
		if !ok {
			t.Errorf("%s: TelemetryBuilder has no field %s", name, goName(name))
			continue
		}
		delete(fields, goName(name))
		if !m.Enabled || m.Sum == nil || m.Sum.ValueType != "int" || !m.Sum.Monotonic {
			// The only kind this component has; another needs its case here.
			t.Errorf("%s: only enabled monotonic int sums are checked", name)
			continue
		}
		c, ok := field.Interface().(metric.Int64Counter)
		if !ok {
			t.Errorf("%s: %s is a %s, want metric.Int64Counter", name, goName(name), field.Type())
			continue
		}
		c.Add(context.Background(), 1)
		got, err := tel.GetMetric(metricPrefix + name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		sum, ok := got.Data.(metricdata.Sum[int64])
		if got.Description != m.Description || got.Unit != m.Unit || !ok || !sum.IsMonotonic || sum.Temporality != metricdata.CumulativeTemporality {
			t.Errorf("%s: description %q, unit %q, %T (monotonic %v); metadata.yaml: %q, %q, monotonic int sum",
				name, got.Description, got.Unit, got.Data, sum.IsMonotonic, m.Description, m.Unit)
		}
	}
	for name := range fields {
		t.Errorf("TelemetryBuilder.%s is not in metadata.yaml", name)
	}
}

// checkMetricAttributes runs the processor over a parsed record that held
// a secret and an unknown one, which count on every metric, and compares
// the attributes of what it records with metadata.yaml: the keys of each
// metric (by id), their type and their values; an attribute without an
// enum has the values the processor bounds it to (event.name: the
// products' event names, or other).
func checkMetricAttributes(t *testing.T, md *metadataFile) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	p, _ := newProcessor(t, createDefaultConfig(), set)
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	lrs.AppendEmpty().Body().SetStr("2026-03-05T10:00:00Z pm-node1 passman: passman-audit(1): type = Logout, user_upn = a@b, password = hunter22")
	lrs.AppendEmpty().Body().SetStr("not an audit line")
	if err := p.ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatal(err)
	}
	for name, m := range md.Telemetry.Metrics {
		got, err := tel.GetMetric(metricPrefix + name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		sum, _ := got.Data.(metricdata.Sum[int64])
		if len(sum.DataPoints) == 0 {
			t.Errorf("%s: nothing recorded", name)
		}
		for _, dp := range sum.DataPoints {
			var keys []string
			for _, kv := range dp.Attributes.ToSlice() {
				key := string(kv.Key)
				id, a, ok := md.attributeByName(key)
				if !ok {
					t.Errorf("%s: attribute %s is not in metadata.yaml", name, key)
					continue
				}
				keys = append(keys, id)
				enum := a.Enum
				if len(enum) == 0 && key == attrEventName {
					enum = append(core.EventNames(), eventOther)
				}
				if a.Type != strings.ToLower(kv.Value.Type().String()) || len(enum) > 0 && !slices.Contains(enum, kv.Value.Emit()) {
					t.Errorf("%s: attribute %s = %s %q; metadata.yaml: %s of %v", name, key, kv.Value.Type(), kv.Value.Emit(), a.Type, enum)
				}
			}
			sort.Strings(keys)
			want := slices.Sorted(slices.Values(m.Attributes))
			if !slices.Equal(keys, want) {
				t.Errorf("%s: attributes %v, metadata.yaml %v", name, keys, want)
			}
		}
	}
}

// checkProductEnum holds the product attribute of metadata.yaml to the
// products table: its enum is every product's name, in the table's ID
// order, then unknown, and its description lists the names.
func checkProductEnum(t *testing.T, md *metadataFile) {
	a, ok := md.Attributes[attrProduct]
	names := core.DefaultProducts().Names()
	if want := append(slices.Clone(names), core.DefaultProducts().Label(core.FormatAuto)); !ok || !slices.Equal(a.Enum, want) {
		t.Errorf("metadata.yaml: attribute %s has enum %v, the products table %v", attrProduct, a.Enum, want)
	}
	if list := "(" + strings.Join(names, ", ") + ")"; !strings.Contains(a.Description, list) {
		t.Errorf("metadata.yaml: attribute %s's description %q does not list the products %s", attrProduct, a.Description, list)
	}
}

// goName is mdatagen's Go name of a metric: processor_x_y is ProcessorXY.
func goName(name string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(name, "_") {
		if part != "" {
			r := []rune(part)
			r[0] = unicode.ToUpper(r[0])
			b.WriteString(string(r))
		}
	}
	return b.String()
}

// documentation renders documentation.md as mdatagen does for a component
// whose only generated content is its internal telemetry.
func documentation(md *metadataFile) string {
	var b strings.Builder
	b.WriteString("[comment]: <> (Generated from metadata.yaml in mdatagen's shape; TestMetadataYAML keeps it in step. DO NOT EDIT.)\n\n")
	fmt.Fprintf(&b, "# %s\n\n## Internal Telemetry\n\nThe following telemetry is emitted by this component.\n", md.Type)
	names := make([]string, 0, len(md.Telemetry.Metrics))
	for name := range md.Telemetry.Metrics {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m := md.Telemetry.Metrics[name]
		fmt.Fprintf(&b, "\n### %s%s\n\n%s\n\n", metricPrefix, name, m.Description)
		b.WriteString("| Unit | Metric Type | Value Type | Monotonic |\n| ---- | ----------- | ---------- | --------- |\n")
		if m.Sum != nil {
			fmt.Fprintf(&b, "| %s | Sum | %s | %v |\n", m.Unit, capitalize(m.Sum.ValueType), m.Sum.Monotonic)
		}
		if len(m.Attributes) == 0 {
			continue
		}
		b.WriteString("\n#### Attributes\n\n| Name | Description | Values | Semantic Convention |\n| ---- | ----------- | ------ | ------------------- |\n")
		for _, key := range m.Attributes {
			a := md.Attributes[key]
			values := "Any " + capitalize(typeName(a.Type))
			if len(a.Enum) > 0 {
				values = capitalize(typeName(a.Type)) + ": ``" + strings.Join(a.Enum, "``, ``") + "``"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | - |\n", a.name(key), a.Description, values)
		}
	}
	return b.String()
}

// typeName is the pdata name of an attribute type: string is Str.
func typeName(t string) string {
	if t == "string" {
		return "str"
	}
	return t
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
