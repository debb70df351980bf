// Package product is the products table: every product pamaudit reads,
// listed once, in detection order. Detection, the options' bounds, the
// faces' help and metrics and the docs are derived from it; the schema and
// doc layers read it from here, below them. The table is a value: a Parser
// is built over the one it is handed (Default, or one with a product added).
package product

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/internal/envelope"
	"github.com/pamaudit/pamaudit/internal/product/capam"
	"github.com/pamaudit/pamaudit/internal/product/netwrix"
	"github.com/pamaudit/pamaudit/internal/product/passman"
	"github.com/pamaudit/pamaudit/record"
)

// Product is one row of the table.
type Product struct {
	ID     record.Format // the record's Format; 1 to MaxID, one per row
	Name   string        // format name, attribute namespace (Name + "."), metric label
	Title  string        // the product as the output schemas name it (OCSF metadata.product, ECS observer)
	Vendor string

	// Sniff is a cheap look at the start of a payload: whether it is this
	// product's record. Detection asks the rows in table order.
	Sniff func(s string) bool
	// Claim, when not nil, takes a payload no sniff recognised because its
	// framing names the product's service (a container's name).
	Claim func(fr *envelope.Frame) bool
	// SyslogText: syslog-framed text that no row recognises is this
	// product's (a free-text system line). The first such row takes it.
	SyslogText bool
	// Continued: a record of this product takes the indented lines after
	// it (the Splitter asks Sniff of a line's start), and a line Sniff
	// recognises can only start a record.
	Continued bool
	// WalksJSON: the product walks JSON objects and finds shippers'
	// members itself (envelope.ErrShipper), so the envelope layer leaves
	// shippers' objects to it while the row may be picked.
	WalksJSON bool

	// New returns the product's reader, building into b; one per Parser.
	New func(b *builder.Builder, s Settings) Reader

	Events       func() []string           // every event name the product's tables give, for docs and metrics
	Doc          func(w func(s ...string)) // the product's section of docs/schema.md
	RelevantKeys func() []string           // the keys the tamper rule holds security-relevant
	RelevantDoc  string                    // what those keys are, for the docs ("CA PAM detail labels")
	SniffDoc     string                    // what Sniff looks for, for the docs
	ClaimDoc     string                    // what Claim takes, for the docs (with Claim)
	SyslogDoc    string                    // what syslog-framed text becomes, for the docs (with SyslogText)
}

// Settings are what a reader is built with.
type Settings struct {
	MaxDepth int  // JSON nesting that is flattened
	MaxAttrs int  // attributes per record
	Forced   bool // the product is the one format of every record: read what it can, without a look
}

// Reader reads a payload (fr.Payload) into the builder it was made with.
type Reader interface {
	Parse(fr *envelope.Frame) error
}

// MaxID bounds a row's ID: a Parser keeps a bit per format, and the
// builder's namespace keys a map per format.
const MaxID = 7

// Table is the products, in detection order.
type Table []Product

// Default is every product pamaudit reads. Detection tries the sniffs in
// this order: a seaudit date and status letter, a JSON object, then
// PassMan's "process(pid): " or key = value pairs with a type, which the
// others' records do not start with.
func Default() Table {
	return Table{
		{ID: record.FormatCAPAM, Name: record.FormatCAPAM.String(), Title: capam.ProductName, Vendor: capam.VendorName,
			Sniff: capam.Sniff, SniffDoc: "a seaudit date and status letter (CA PAM)", Continued: true, New: newCAPAM,
			Events: capam.Events, Doc: capam.Doc, RelevantKeys: capam.RelevantLabels, RelevantDoc: "CA PAM detail labels"},
		{ID: record.FormatNetwrix, Name: record.FormatNetwrix.String(), Title: netwrix.ProductName, Vendor: netwrix.VendorName,
			Sniff: netwrix.Sniff, SniffDoc: "a JSON object (Netwrix, if it looks like one: see Netwrix below)", WalksJSON: true, New: newNetwrix,
			Claim: netwrix.Service, ClaimDoc: "framed by a Netwrix service's container (a Fluentd tag or container name `s1_…`), is that service's text line (Netwrix)",
			Events: netwrix.Events, Doc: netwrix.Doc, RelevantKeys: netwrix.RelevantPaths, RelevantDoc: "Netwrix members"},
		{ID: record.FormatPassMan, Name: record.FormatPassMan.String(), Title: passman.ProductName, Vendor: passman.VendorName,
			Sniff: passman.Sniff, SniffDoc: "PassMan's `process(pid): ` or `key = value` pairs that start the text and hold a `type` key", New: newPassMan,
			SyslogText: true, SyslogDoc: "a PassMan system line (`passman.system`, body = the message)",
			Events: passman.Events, Doc: passman.Doc, RelevantKeys: passman.RelevantKeys, RelevantDoc: "PassMan"},
	}
}

// The readers' constructors. Netwrix reads any JSON object when it is the
// one format: a forced format takes what it can.
func newCAPAM(b *builder.Builder, _ Settings) Reader   { return capam.New(b) }
func newPassMan(b *builder.Builder, _ Settings) Reader { return passman.New(b) }
func newNetwrix(b *builder.Builder, s Settings) Reader {
	p := netwrix.New(b, s.MaxDepth, s.MaxAttrs)
	p.AnyJSON = s.Forced
	return p
}

// Prefix is the product's attribute namespace.
func (p *Product) Prefix() string { return p.Name + "." }

// ByID returns the row of format f, or nil.
func (t Table) ByID(f record.Format) *Product {
	for i := range t {
		if t[i].ID == f {
			return &t[i]
		}
	}
	return nil
}

// ByName returns the row named name (any case), or nil.
func (t Table) ByName(name string) *Product {
	for i := range t {
		if strings.EqualFold(t[i].Name, name) {
			return &t[i]
		}
	}
	return nil
}

// Name is the name of format f: the row's, "auto" for FormatAuto,
// "unknown" for a format the table does not list.
func (t Table) Name(f record.Format) string {
	if f == record.FormatAuto {
		return "auto"
	}
	if p := t.ByID(f); p != nil {
		return p.Name
	}
	return "unknown"
}

// Label is the product of a record of format f as the faces count it
// (metrics, summaries): its name, or "unknown" for FormatAuto, a record no
// product read.
func (t Table) Label(f record.Format) string {
	if f == record.FormatAuto {
		return "unknown"
	}
	return t.Name(f)
}

// IDs lists the rows' formats in ID order.
func (t Table) IDs() []record.Format {
	var fs []record.Format
	for _, p := range t.ByIDOrder() {
		fs = append(fs, p.ID)
	}
	return fs
}

// Names lists the rows' names in ID order (the order the faces list
// products in).
func (t Table) Names() []string {
	var ns []string
	for _, p := range t.ByIDOrder() {
		ns = append(ns, p.Name)
	}
	return ns
}

// ByIDOrder returns the rows in ID order.
func (t Table) ByIDOrder() []*Product {
	var ps []*Product
	for f := record.Format(1); f <= MaxID; f++ {
		if p := t.ByID(f); p != nil {
			ps = append(ps, p)
		}
	}
	return ps
}

// OneOf lists the names for a message: "passman, capam or netwrix".
func (t Table) OneOf() string { return OneOf(t.Names()) }

// OneOf joins names with commas and a last "or".
func OneOf(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// MaxFormat is the highest ID in the table: arrays by format have
// MaxFormat+1 entries (0, FormatAuto, is the records no product read).
func (t Table) MaxFormat() record.Format {
	var m record.Format
	for i := range t {
		m = max(m, t[i].ID)
	}
	return m
}

// Events lists every event name the rows' tables give, row by row in ID
// order (docs/schema.md, the metrics' bound).
func (t Table) Events() []string {
	var ev []string
	for _, p := range t.ByIDOrder() {
		if p.Events != nil {
			ev = append(ev, p.Events()...)
		}
	}
	return ev
}

// Check reports what is wrong with the table: an ID out of 1 to MaxID or
// used twice, a name missing, used twice or not a format name, a row
// without Sniff or New.
func (t Table) Check() error {
	for i := range t {
		p := &t[i]
		switch {
		case p.ID == record.FormatAuto || p.ID > MaxID:
			return &TableError{p.Name, "id out of 1 to 7"}
		case p.Name == "" || p.Name == "auto" || p.Name == "unknown" || strings.ContainsAny(p.Name, ". ,"):
			return &TableError{p.Name, "needs a name (a format name, not auto or unknown, without dots, commas or spaces)"}
		case p.Sniff == nil || p.New == nil:
			return &TableError{p.Name, "needs Sniff and New"}
		}
		for j := range t[:i] {
			if t[j].ID == p.ID || strings.EqualFold(t[j].Name, p.Name) {
				return &TableError{p.Name, "id or name used twice"}
			}
		}
	}
	return nil
}

// TableError is a row of a products table that is wrong.
type TableError struct {
	Product string
	Msg     string
}

func (e *TableError) Error() string { return "products table: " + e.Product + ": " + e.Msg }
