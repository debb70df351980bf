package secretgen

import (
	"flag"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// Run runs a text through one face in one configuration, parsed with the
// limit maxRecordBytes (0: the default), and returns where its output holds
// any of secrets (Find, FindValue, FindStrings).
type Run func(text string, maxRecordBytes int, secrets []string) []Leak

// Flags registers the flags every face's redaction property test takes:
// -redprop.seed, the seed of the cases (Nth), and -redprop.n, how many (n
// by default: what the face's test runs in its share of make test).
func Flags(n int) (seed *int64, count *int) {
	return flag.Int64("redprop.seed", 20, "seed of the redaction property cases (secretgen.Nth)"),
		flag.Int("redprop.n", n, "number of redaction property cases")
}

// First returns the first n cases of the property's seed; Report says how
// long they took from here.
func (p *Property) First(n int) []Case {
	p.start = time.Now()
	cases := make([]Case, n)
	for i := range cases {
		cases[i] = Nth(p.Seed, i)
	}
	return cases
}

// Property collects a property test's leaks by class, with a shrunk
// example of each, and reports them at the end: one failing case is not
// the end of the run, so that one run shows every class.
type Property struct {
	Seed    int64
	Cases   int // cases checked
	Control int // leaks dismissed: the control's output held the value too
	classes map[string]*Failure
	order   []string
	start   time.Time // First's call
}

// Failure is one class of leak: a face and its configuration, a record
// shape, a secret's form and where it came out.
type Failure struct {
	Class    string
	Count    int
	Index    int      // the first case's index in the seeded sequence (-1: not from one)
	Config   string   // the face and its configuration
	Variants []string // the ways into the face it leaked by (Parse, ParseString, …)
	Leak     Leak     // in the shrunk case
	Form     string   // the leaked secret's form in the shrunk case
	Case     Case     // the first case of the class, shrunk by Report
	Orig     string   // the first case's name before shrinking
	group    string   // what the details are shown once for: configuration, form, place
	run      Run
	shrunk   bool
}

// A Face is one way through a face that takes many records at once (the
// processor's batches, the plugin's chunks): its configuration and
// variant, as Check names them, how a batch of cases goes through, and how
// one case does.
type Face struct {
	Config, Variant string
	// Batch runs cases, all with the default limit, through together and
	// returns each one's leaks, in order.
	Batch func(cases []Case) [][]Leak
	Run   Run
}

// CheckFaces checks the first n cases through each face: those with the
// default limit in one batch, the others (each with its own limit) one by
// one; then it reports as name.
func (p *Property) CheckFaces(t testing.TB, name string, n int, faces []Face) {
	t.Helper()
	cases := p.First(n)
	var idx []int
	var batch []Case
	for i, c := range cases {
		if c.MaxRecordBytes == 0 {
			idx, batch = append(idx, i), append(batch, c)
		}
	}
	for _, f := range faces {
		found := f.Batch(batch)
		for k, i := range idx {
			p.CheckLeaks(f.Config, f.Variant, cases[i], i, found[k], f.Run)
		}
		for i, c := range cases {
			if c.MaxRecordBytes != 0 {
				p.Check(f.Config, f.Variant, c, i, f.Run)
			}
		}
	}
	p.Report(t, name)
}

// HMACKeyEnv is the environment variable that holds the key of a face's
// HMAC runs (FaceProperty.Check sets it): the face's configuration names it.
const HMACKeyEnv = "PAMAUDIT_TEST_HMAC_KEY"

// A FaceProperty is the redaction property test of a face that takes many
// records at once (the processor, the plugin), in every output schema with
// the mask, and with keyed pseudonyms in place of the mask in the otel
// schema on half the cases.
type FaceProperty struct {
	name  string
	seed  *int64
	n     *int
	faces func(t testing.TB, schema string, hmac bool) []Face
}

// NewFaceProperty registers the flags (Flags, n cases by default) of the
// property of the face name, whose ways through it in a schema faces gives
// (their Config is set by Check); with hmac, the face's configuration
// redacts with keyed pseudonyms, the key in HMACKeyEnv.
func NewFaceProperty(name string, n int, faces func(t testing.TB, schema string, hmac bool) []Face) *FaceProperty {
	seed, count := Flags(n)
	return &FaceProperty{name: name, seed: seed, n: count, faces: faces}
}

// Check checks the property (CheckFaces) in the otel, ecs and ocsf schemas
// with the mask; with hmac, with keyed pseudonyms in the otel schema on half
// the cases.
func (fp *FaceProperty) Check(t *testing.T, hmac bool) {
	t.Helper()
	name, n, schemas := fp.name, *fp.n, []string{"otel", "ecs", "ocsf"}
	if hmac {
		t.Setenv(HMACKeyEnv, "pamaudit-redprop-key-0123456789")
		name, n, schemas = name+" hmac", n/2, schemas[:1]
	}
	var faces []Face
	for _, schema := range schemas {
		for _, f := range fp.faces(t, schema, hmac) {
			f.Config = name + " " + schema
			faces = append(faces, f)
		}
	}
	(&Property{Seed: *fp.seed}).CheckFaces(t, name, n, faces)
}

// Check runs c through run and records its leaks. config names the face
// and its configuration, variant the way into it; a class of leaks is the
// same across variants.
func (p *Property) Check(config, variant string, c Case, index int, run Run) {
	p.CheckLeaks(config, variant, c, index, run(c.Text, c.MaxRecordBytes, c.Secrets), run)
}

// CheckLeaks records leaks, found by running c.Text through run (the
// faces that convert many cases at once pass what they found): each
// secret's first leak, unless the control's output holds the value too.
func (p *Property) CheckLeaks(config, variant string, c Case, index int, leaks []Leak, run Run) {
	p.Cases++
	if len(leaks) == 0 {
		return
	}
	vocab := map[string]bool{}
	for _, l := range run(c.Control, c.MaxRecordBytes, c.Secrets) {
		vocab[l.Secret] = true
	}
	seen := map[string]bool{}
	for _, l := range leaks {
		if seen[l.Secret] {
			continue
		}
		seen[l.Secret] = true
		if vocab[l.Secret] {
			p.Control++
			continue
		}
		i := c.index(l.Secret)
		class := config + " | " + c.shape() + " | " + c.class(i) + " | " + normalizeWhere(l.Where)
		if p.classes == nil {
			p.classes = map[string]*Failure{}
		}
		f := p.classes[class]
		if f == nil {
			f = &Failure{Class: class, Index: index, Config: config, Orig: c.Name, Case: c, Leak: l, run: run,
				group: config + " | " + c.class(i) + " | " + normalizeWhere(l.Where)}
			f.Form = c.Forms[i]
			p.classes[class] = f
			p.order = append(p.order, class)
		}
		f.Count++
		if !slices.Contains(f.Variants, variant) {
			f.Variants = append(f.Variants, variant)
		}
	}
}

// shrink makes c smaller while l's secret still leaks (and not from the
// control).
func (p *Property) shrink(c Case, l Leak, run Run) (Case, Leak) {
	last := l
	leaksOf := func(d Case) (Leak, bool) {
		ms := run(d.Text, d.MaxRecordBytes, []string{l.Secret})
		if len(ms) == 0 || len(run(d.Control, d.MaxRecordBytes, []string{l.Secret})) > 0 {
			return Leak{}, false
		}
		return ms[0], true
	}
	s := c.Shrink(l.Secret, 200, func(d Case) bool {
		m, ok := leaksOf(d)
		if ok {
			last = m
		}
		return ok
	})
	if m, ok := leaksOf(s); ok {
		last = m
	}
	return s, last
}

// Failures returns the classes in the order they were first seen.
func (p *Property) Failures() []*Failure {
	var out []*Failure
	for _, c := range p.order {
		out = append(out, p.classes[c])
	}
	return out
}

// Report's length: groups (configuration, form, place) listed, and shown
// whole with a shrunk case.
const (
	listed  = 60
	details = 30
)

// group is the classes of one configuration, form and place: they differ
// in shape only.
type group struct {
	key      string
	count    int
	classes  []*Failure // most frequent first
	variants []string
}

// Report fails t with the leaks: their groups (configuration, the
// secret's form, where it came out), most frequent first, and the first
// case, shrunk, of each: its seed and index, its shape, the input and where
// the secret came out. With -v every class (the groups by shape) is
// logged too.
func (p *Property) Report(t testing.TB, name string) {
	t.Helper()
	fs := p.Failures()
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Count > fs[j].Count })
	t.Logf("%s: %d cases checked in %v, seed %d, %d leak classes, %d leaks dismissed by the control",
		name, p.Cases, time.Since(p.start).Round(time.Millisecond), p.Seed, len(fs), p.Control)
	if len(fs) == 0 {
		return
	}
	if testing.Verbose() {
		var b strings.Builder
		for _, f := range fs {
			fmt.Fprintf(&b, "  %4d× %s (%s)\n", f.Count, f.Class, strings.Join(f.Variants, ", "))
		}
		t.Logf("%s: every class (face | shape | form | place):\n%s", name, b.String())
	}
	var gs []*group
	byKey := map[string]*group{}
	for _, f := range fs {
		g := byKey[f.group]
		if g == nil {
			g = &group{key: f.group}
			byKey[f.group] = g
			gs = append(gs, g)
		}
		g.count += f.Count
		g.classes = append(g.classes, f)
		for _, v := range f.Variants {
			if !slices.Contains(g.variants, v) {
				g.variants = append(g.variants, v)
			}
		}
	}
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].count > gs[j].count })
	var b strings.Builder
	fmt.Fprintf(&b, "%s: secrets in clear: %d classes (face | shape | form | place) in %d groups (face | form | place)", name, len(fs), len(gs))
	if p.Seed >= 0 {
		fmt.Fprintf(&b, "; seed %d, a case is secretgen.Nth(seed, index)", p.Seed)
	}
	b.WriteByte('\n')
	for k, g := range gs {
		if k == listed {
			fmt.Fprintf(&b, "  (%d more groups)\n", len(gs)-listed)
			break
		}
		fmt.Fprintf(&b, "  %5d× in %3d shapes: %s (%s)\n", g.count, len(g.classes), g.key, strings.Join(g.variants, ", "))
	}
	for k, g := range gs {
		if k == details {
			fmt.Fprintf(&b, "\n(%d more groups not shown whole; -v lists every class)\n", len(gs)-details)
			break
		}
		f := g.classes[0]
		if !f.shrunk {
			f.Case, f.Leak = p.shrink(f.Case, f.Leak, f.run)
			f.Form = f.Case.Forms[f.Case.index(f.Leak.Secret)]
			f.shrunk = true
		}
		fmt.Fprintf(&b, "\n--- %s\n%d× in %d shapes, the first: %s (%s)\n", g.key, g.count, len(g.classes), f.Class, strings.Join(f.Variants, ", "))
		if f.Index >= 0 {
			fmt.Fprintf(&b, "case %d of seed %d: %s\n", f.Index, p.Seed, f.Orig)
		}
		fmt.Fprintf(&b, "shrunk to: %s\nsecret %q (%s) came out in %s as %q\ninput:\n%s\n", f.Case.Name, f.Leak.Secret, f.Form, f.Leak.Where, f.Leak.Form, f.Case.Text)
		if f.Case.MaxRecordBytes > 0 {
			fmt.Fprintf(&b, "(max record bytes %d)\n", f.Case.MaxRecordBytes)
		}
	}
	t.Error(b.String())
}

func (c Case) index(secret string) int {
	for i, s := range c.Secrets {
		if s == secret {
			return i
		}
	}
	return -1
}

// shape is the case's product and framings, without the details of style.
func (c Case) shape() string {
	if c.p == nil {
		return c.Name
	}
	parts := []string{productNames[c.p.product]}
	for _, f := range c.p.framings {
		parts = append(parts, framingNames[f.kind])
	}
	s := strings.Join(parts, " > ")
	if c.MaxRecordBytes > 0 {
		s += " [too large]"
	}
	return s
}

// class is secret i's form and kind.
func (c Case) class(i int) string {
	if c.p == nil || i < 0 {
		return "?"
	}
	s := c.p.secrets[i]
	return formNames[s.form] + ":" + kindNamesShort[s.kind]
}

var (
	indexRE  = regexp.MustCompile(`\[[0-9]+\]`)
	recordRE = regexp.MustCompile(`^#[0-9]+ `)
)

// normalizeWhere drops record numbers and array indexes from a place.
func normalizeWhere(w string) string {
	w = recordRE.ReplaceAllString(w, "")
	return indexRE.ReplaceAllString(w, "[]")
}
