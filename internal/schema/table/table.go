// Package table is what the output schemas' mapping tables share: rows
// keyed by event name, with conditions on the record's attributes, looked
// up in table order.
package table

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/record"
)

// Cond holds when the record's attribute Key is a string equal to one of
// Values (starting with one, when Prefix is set).
type Cond struct {
	Key    string
	Values []string
	Prefix bool
}

// Holds reports whether c holds for rec.
func (c *Cond) Holds(rec *record.Record) bool {
	a, ok := rec.Get(c.Key)
	if !ok || a.Kind != record.KindString {
		return false
	}
	for _, w := range c.Values {
		if a.Str == w || c.Prefix && strings.HasPrefix(a.Str, w) {
			return true
		}
	}
	return false
}

// String says c in words, for the docs.
func (c *Cond) String() string {
	verb := " is "
	if c.Prefix {
		verb = " starts with "
	}
	return "`" + c.Key + "`" + verb + "`" + strings.Join(c.Values, "`, `") + "`"
}

// Key is what a row is looked up by: an event name (a name ending in "*"
// matches every event that starts with the rest, after the exact rows) and
// conditions that must all hold.
type Key struct {
	Event string
	When  []Cond
}

// Matches reports whether a row with key k is the row of event name ev of
// rec.
func (k *Key) Matches(ev string, rec *record.Record) bool {
	if k.Event != ev && !(IsPrefix(k.Event) && strings.HasPrefix(ev, k.Event[:len(k.Event)-1])) {
		return false
	}
	for i := range k.When {
		if !k.When[i].Holds(rec) {
			return false
		}
	}
	return true
}

// IsPrefix reports whether an event key matches every event under it.
func IsPrefix(event string) bool { return strings.HasSuffix(event, "*") }

// Index finds rows by event name: the exact rows of the event in table
// order, then the prefix rows in table order; the first whose conditions
// hold wins. Built once; lookups do not allocate. Not safe for concurrent
// use (its cache).
type Index[R any] struct {
	byEvent map[string][]item[R]
	prefix  []item[R]
	events  KeyCache[[]item[R]]
	byName  func(string) []item[R]
}

// item is a row with its key.
type item[R any] struct {
	key *Key
	row *R
}

// NewIndex indexes rows; key gives a row's key.
func NewIndex[R any](rows []*R, key func(*R) *Key) *Index[R] {
	x := &Index[R]{byEvent: map[string][]item[R]{}}
	x.byName = func(ev string) []item[R] { return x.byEvent[ev] }
	for _, r := range rows {
		it := item[R]{key(r), r}
		if ev := it.key.Event; IsPrefix(ev) {
			x.prefix = append(x.prefix, it)
		} else {
			x.byEvent[ev] = append(x.byEvent[ev], it)
		}
	}
	return x
}

// Lookup returns the row of rec's event, or nil.
func (x *Index[R]) Lookup(rec *record.Record) *R {
	return x.Find(rec.EventName, rec)
}

// Find returns the row of event name ev with the attributes of rec (nil:
// no attributes, so only rows without conditions), or nil.
func (x *Index[R]) Find(ev string, rec *record.Record) *R {
	if rec == nil {
		rec = &record.Record{}
	}
	for _, it := range x.events.Get(ev, x.byName) {
		if it.key.Matches(ev, rec) {
			return it.row
		}
	}
	for _, it := range x.prefix {
		if it.key.Matches(ev, rec) {
			return it.row
		}
	}
	return nil
}

// Lines builds a generated document line by line.
type Lines struct{ b strings.Builder }

// W writes one line of the pieces s.
func (l *Lines) W(s ...string) {
	for _, x := range s {
		l.b.WriteString(x)
	}
	l.b.WriteByte('\n')
}

func (l *Lines) String() string { return l.b.String() }

// KeyCache memoizes a function of a key: a direct-mapped table indexed by a
// hash of the key's length and four of its bytes (no pass over the key), a
// hit confirmed by comparing the key, which for the interned keys records
// carry is a pointer compare. It spares the hot path the map lookups the
// slow function does. The zero value is ready; not safe for concurrent use.
type KeyCache[V any] struct {
	slots [256]struct {
		key string
		v   V
		set bool
	}
}

// Get returns slow(k), from the cache when k was seen in its slot before.
func (c *KeyCache[V]) Get(k string, slow func(string) V) V {
	n := uint64(len(k))
	h := n
	if n > 0 {
		// Keys share their namespace prefix: the bytes near the end and the
		// middle tell them apart.
		h |= uint64(k[n-1])<<8 | uint64(k[n/2])<<16 | uint64(k[n*3/4])<<24 | uint64(k[n-1-n/8])<<32
	}
	s := &c.slots[(h*0x9E3779B97F4A7C15)>>56]
	if s.set && s.key == k {
		return s.v
	}
	s.key, s.v, s.set = k, slow(k), true
	return s.v
}

// Named is an output schema's table of one product, by the product's name
// in the products table (internal/product).
type Named[T any] struct {
	Product string
	Table   *T
}

// ByFormat lays an output schema's product tables out by record.Format:
// unknown at 0 (a record no product read), and at each product's ID a
// copy of its table in tables (other when tables has none) that identify
// completes from the product's row: the schema's tables hold rows, the
// products table the rest.
func ByFormat[T any](products product.Table, unknown *T, tables []Named[T], other T, identify func(t *T, p *product.Product)) []*T {
	ts := make([]*T, products.MaxFormat()+1)
	ts[0] = unknown
	for i := range products {
		p := &products[i]
		t := other
		for _, n := range tables {
			if n.Product == p.Name {
				t = *n.Table
			}
		}
		identify(&t, p)
		ts[p.ID] = &t
	}
	return ts
}

// Events returns p's event names, or none.
func Events(p *product.Product) func() []string {
	if p.Events == nil {
		return func() []string { return nil }
	}
	return p.Events
}
