// Package table is what the output schemas' mapping tables share: rows
// keyed by event name, with conditions on the record's attributes, looked
// up in table order.
package table

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/cache"
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
	events  cache.Direct[[]item[R]]
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
