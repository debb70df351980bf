// Package ecs maps records of the OpenTelemetry schema (what the products
// build) onto ECS: flat attributes with ECS names, the categorization
// (event.kind, event.category, event.type) from the tables (tables.go), and
// every field ECS has no name for under pamaudit.<name>. Time, severity and
// body stay the record's: the document encodings write them as @timestamp,
// log.level and message (record.DocNames).
package ecs

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/cache"
	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/internal/schema/table"
	"github.com/pamaudit/pamaudit/record"
)

// ECS names the mapping adds.
const (
	keyKind     = record.AttrEventKind
	keyCategory = "event.category"
	keyType     = "event.type"
	keyCode     = "event.code"
	keyModule   = "event.module"
	keyDataset  = "event.dataset"
	keyVendor   = "observer.vendor"
	keyProduct  = "observer.product"
	keyVersion  = "ecs.version"
	keyOriginal = "event.original"

	keyRelatedUser  = "related.user"
	keyRelatedIP    = "related.ip"
	keyRelatedHosts = "related.hosts"

	kindEvent         = "event"
	kindPipelineError = "pipeline_error" // a record no product could read
	module            = "pamaudit"
)

// Mapper maps records. It is built once and reused from record to record;
// not safe for concurrent use. The record Map returns is valid until the
// next call.
type Mapper struct {
	opts     Options
	products []*compiled // by record.Format
	names    map[string]string
	nsKeys   cache.Strings[string] // pamaudit.<key>, built once per key
	names1   cache.Direct[string]
	slowName func(string) string
	out      record.Record
	related  [3][]string // related.user, related.ip, related.hosts of the record
}

// Options configure a Mapper.
type Options struct {
	// KeepOriginal puts the original text in event.original when the body
	// is that text (keep_original); log.record.original is event.original
	// whenever the record has it.
	KeepOriginal bool
	// Products is the products table the records come from; nil: every
	// product (product.Default).
	Products product.Table
}

type compiled struct {
	rows  *table.Index[crow]
	other *crow
	fixed []record.Attr // event.module, event.dataset, observer.*
}

type crow struct {
	*row
	key  table.Key
	head []record.Attr // event.kind, event.category, event.type
}

// maxNSKeys bounds the namespace key cache: hostile input must not grow it
// without end.
const maxNSKeys = 8192

// New compiles the tables.
func New(opts Options) *Mapper {
	m := &Mapper{opts: opts, names: make(map[string]string, len(names)), nsKeys: cache.Strings[string]{Max: maxNSKeys}}
	for _, n := range names {
		m.names[n.otel] = n.ecs
	}
	m.slowName = m.nameSlow
	if opts.Products == nil {
		opts.Products = product.Default()
	}
	ts := tables(opts.Products)
	m.products = make([]*compiled, len(ts))
	for f, p := range ts {
		if p == nil {
			continue
		}
		c := &compiled{}
		rows := make([]*crow, len(p.rows))
		for i := range p.rows {
			rows[i] = compileRow(&p.rows[i], p.format)
		}
		c.rows = table.NewIndex(rows, func(r *crow) *table.Key { return &r.key })
		c.other = compileRow(&unknownTable.rows[0], record.FormatAuto)
		// A record no product read carries only what the collector adds to
		// a failed record too (event.kind, error.*), so every face gives
		// the same.
		if p.format != record.FormatAuto {
			c.fixed = []record.Attr{str(keyModule, module), str(keyDataset, p.dataset),
				str(keyVendor, p.vendor), str(keyProduct, p.name)}
		}
		m.products[f] = c
	}
	return m
}

func compileRow(r *row, f record.Format) *crow {
	c := &crow{row: r, key: table.Key{Event: r.event, When: r.when}}
	kind := kindEvent
	if f == record.FormatAuto {
		kind = kindPipelineError
	}
	c.head = append(c.head, str(keyVersion, FullVersion), str(keyKind, kind))
	if len(r.categories) > 0 {
		c.head = append(c.head,
			record.Attr{Key: keyCategory, Kind: record.KindStrings, Strs: r.categories},
			record.Attr{Key: keyType, Kind: record.KindStrings, Strs: r.types})
	}
	return c
}

// Map returns rec with ECS names.
func (m *Mapper) Map(rec *record.Record) *record.Record {
	c := m.products[0]
	if int(rec.Format) < len(m.products) && m.products[rec.Format] != nil {
		c = m.products[rec.Format]
	}
	r := c.rows.Lookup(rec)
	if r == nil {
		r = c.other
	}
	if rec.EventName == "" {
		r = m.products[0].other // nothing read it: a pipeline error
	}
	out := &m.out
	attrs := append(out.Attrs[:0], r.head...)
	parsed := rec.EventName != ""
	if parsed {
		attrs = append(attrs, str(keyCode, rec.EventName))
	}
	attrs = append(attrs, c.fixed...)
	rel := &m.related
	rel[0], rel[1], rel[2] = rel[0][:0], rel[1][:0], rel[2][:0]
	original := false
	for i := range rec.Attrs {
		a := rec.Attrs[i]
		k := m.name(a.Key)
		if k == keySourceAddress && a.Kind == record.KindString {
			// ECS: an address is also given as source.ip or source.domain,
			// whichever it is.
			a.Key = k
			attrs = append(attrs, a)
			k = keySourceDomain
			if scan.IsIP(a.Str) {
				k = keySourceIP
			}
		}
		a.Key = k
		attrs = append(attrs, a)
		if a.Kind != record.KindString || a.Str == "" {
			continue
		}
		switch k {
		case keyOriginal:
			original = true
		case "user.name", "user.id", "user.target.name", "user.target.id":
			rel[0] = addNew(rel[0], a.Str)
		case keySourceIP:
			rel[1] = addNew(rel[1], a.Str)
		case keySourceDomain:
			rel[2] = addNew(rel[2], a.Str)
		case "host.name":
			if scan.IsIP(a.Str) {
				rel[1] = addNew(rel[1], a.Str)
			} else {
				rel[2] = addNew(rel[2], a.Str)
			}
		}
	}
	// A record nothing read carries only what the collector adds to a
	// failed record too, so every face gives the same.
	if parsed {
		if !original && !rec.HasMessage && m.opts.KeepOriginal {
			attrs = append(attrs, str(keyOriginal, rec.Body)) // the body is the original text
		}
		for i, k := range [...]string{keyRelatedUser, keyRelatedIP, keyRelatedHosts} {
			if len(rel[i]) > 0 {
				attrs = append(attrs, record.Attr{Key: k, Kind: record.KindStrings, Strs: rel[i]})
			}
		}
	}
	*out = record.Record{
		Time: rec.Time, ObservedTime: rec.ObservedTime, SeverityNumber: rec.SeverityNumber, SeverityText: rec.SeverityText,
		EventName: rec.EventName, Body: rec.Body, Attrs: attrs, Format: rec.Format,
		Schema: record.SchemaECS, TimeText: rec.TimeText, HasMessage: rec.HasMessage,
	}
	return out
}

func kept(k string) bool {
	for _, p := range keptPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// name returns the ECS name of an attribute key.
func (m *Mapper) name(key string) string { return m.names1.Get(key, m.slowName) }

func (m *Mapper) nameSlow(key string) string {
	k, ok := m.names[key]
	switch {
	case !ok && kept(key):
		k = key
	case !ok:
		k = m.nsKey(key)
	}
	return k
}

// nsKey returns pamaudit.<k>, from the cache when it was built before.
func (m *Mapper) nsKey(k string) string {
	if s, ok := m.nsKeys.Get(k); ok {
		return s
	}
	s := namespace + k
	m.nsKeys.Put(k, s)
	return s
}

func str(k, v string) record.Attr { return record.Attr{Key: k, Kind: record.KindString, Str: v} }

// addNew appends s to l unless l has it.
func addNew(l []string, s string) []string {
	for _, v := range l {
		if v == s {
			return l
		}
	}
	return append(l, s)
}
