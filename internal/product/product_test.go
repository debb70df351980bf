package product

import (
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/record"
)

// The default table is sound, and its names are the formats' names the
// records and the faces' settings use.
func TestDefault(t *testing.T) {
	d := Default()
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	for i := range d {
		p := &d[i]
		if p.Name != p.ID.String() || d.Name(p.ID) != p.Name || d.ByName(strings.ToUpper(p.Name)) != p {
			t.Errorf("row %d: name %q, format %q", i, p.Name, p.ID)
		}
		if p.Events == nil || p.Doc == nil || p.SniffDoc == "" || p.Claim != nil && p.ClaimDoc == "" || p.SyslogText && p.SyslogDoc == "" {
			t.Errorf("%s: its docs are missing", p.Name)
		}
	}
	if got := d.OneOf(); got != "passman, capam or netwrix" {
		t.Errorf("OneOf: %q", got)
	}
	if d.Label(record.FormatAuto) != "unknown" || d.Name(record.Format(9)) != "unknown" {
		t.Errorf("Label(auto) %q, Name(9) %q", d.Label(record.FormatAuto), d.Name(record.Format(9)))
	}
}

func TestCheck(t *testing.T) {
	ok := Default()[0]
	for _, c := range []struct {
		name string
		row  func(p *Product)
	}{
		{"id 0", func(p *Product) { p.ID = 0 }},
		{"id over MaxID", func(p *Product) { p.ID = MaxID + 1 }},
		{"a used id", func(p *Product) { p.Name = "other" }},
		{"a used name", func(p *Product) { p.ID = 5; p.Name = strings.ToUpper(ok.Name) }},
		{"named auto", func(p *Product) { p.ID = 5; p.Name = "auto" }},
		{"a dotted name", func(p *Product) { p.ID = 5; p.Name = "a.b" }},
		{"no sniff", func(p *Product) { p.ID = 5; p.Name = "other"; p.Sniff = nil }},
	} {
		p := ok
		c.row(&p)
		if err := append(Default(), p).Check(); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}
