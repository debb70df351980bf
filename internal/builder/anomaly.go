package builder

import (
	"strings"

	"github.com/pamaudit/pamaudit/record"
)

// Tamper marks. A record whose own fields repeat a key, or whose value
// holds a second record header of its product, is marked in
// pamaudit.anomaly. When the repeated key is security-relevant (it feeds
// the outcome, an identity, the client or a target) and its values differ,
// the record is ambiguous: event.outcome becomes unknown, every other
// attribute the key fed is left out, and the mark lists the values (but a
// secret's). The products find the repeats and say what each key feeds;
// Finish applies the rule.

// Anomaly names and limits.
const (
	AnomalyDuplicateKey   = "duplicate_key:"   // + the key as the record writes it, "=" + its values when ambiguous
	AnomalyEmbeddedRecord = "embedded_record:" // + the key whose value holds another record's header

	maxAnomalies   = 32 // marks per record; more are counted as truncated
	maxListed      = 8  // values listed per repeated key
	maxListedBytes = 256
)

// Relevant reports whether an attribute is security-relevant for the
// tamper rule: the outcome, an identity (the acting user, the user acted
// upon), the client.
func Relevant(key string) bool {
	switch key {
	case record.AttrEventOutcome,
		record.AttrUserName, record.AttrUserDomain, record.AttrUserID, record.AttrUserFullName, record.AttrUserRoles,
		record.AttrUserTargetName, record.AttrUserTargetFullName, record.AttrUserTargetID,
		record.AttrClientAddress, record.AttrClientPort:
		return true
	}
	return false
}

// repeated is a field Repeat saw that the Field cache does not hold.
type repeated struct {
	raw    string
	v0, v1 int32
}

// First stamps f as held by the current record, with its value at
// [v0, v1) of the product's text, when the record did not hold it before
// (and the cache holds it), and reports so: one compare and three stores,
// inlined. Otherwise the product asks Repeat.
func (b *Builder) First(f *Field, v0, v1 int) bool {
	if f.gen < b.gen { // uncachedGen is above every stamp
		f.gen, f.v0, f.v1 = b.gen, v0, v1
		return true
	}
	return false
}

// Previous returns where the field the last true Repeat saw again had its
// value before.
func (b *Builder) Previous() (v0, v1 int) { return b.prev[0], b.prev[1] }

// uncachedGen stamps a Field the full cache did not keep: Repeat compares
// its name instead. (b.gen never reaches it: 64 bits do not wrap.)
const uncachedGen = ^uint64(0)

// Repeat is First's other case: it reports whether the record held f
// before (Previous says where), and stamps it with its value at [v0, v1).
func (b *Builder) Repeat(f *Field, v0, v1 int) bool {
	if f.gen == uncachedGen {
		for i := range b.repeats {
			if r := &b.repeats[i]; r.raw == f.raw {
				b.prev = [2]int{int(r.v0), int(r.v1)}
				r.v0, r.v1 = int32(v0), int32(v1)
				return true
			}
		}
		b.repeats = append(b.repeats, repeated{f.raw, int32(v0), int32(v1)})
		return false
	}
	b.prev = [2]int{f.v0, f.v1}
	f.v0, f.v1 = v0, v1
	return true
}

// dupKey is a key the record repeats.
type dupKey struct {
	name     string
	values   []string // distinct, in the order the record gives them
	secret   bool     // never list the values
	relevant bool
	feeds    []string // the attributes its values went to
}

// DuplicateKey notes that the record's own key name appears more than
// once, with values (in the record's order; a later call for the same name
// adds its values). secret: the values are secrets, never listed.
// relevant: the key is security-relevant (it feeds an attribute Relevant
// names, or a target), and feeds are the attributes it went to, left out
// (or, event.outcome, made unknown) when its values differ.
func (b *Builder) DuplicateKey(name string, secret, relevant bool, feeds []string, values ...string) {
	var d *dupKey
	for i := range b.dups {
		if b.dups[i].name == name {
			d = &b.dups[i]
			break
		}
	}
	if d == nil {
		b.dups = append(b.dups, dupKey{name: name, secret: secret, relevant: relevant, feeds: feeds})
		d = &b.dups[len(b.dups)-1]
		d.values = d.values[:0]
	}
	d.secret = d.secret || secret
	d.relevant = d.relevant || relevant
outer:
	for _, v := range values {
		for _, w := range d.values {
			if w == v {
				continue outer
			}
		}
		d.values = append(d.values, v)
	}
}

// Anomaly adds a mark to the record's pamaudit.anomaly, once.
func (b *Builder) Anomaly(mark string) {
	for _, a := range b.anomalies {
		if a == mark {
			return
		}
	}
	if len(b.anomalies) >= maxAnomalies {
		b.truncated++
		return
	}
	b.anomalies = append(b.anomalies, mark)
}

// finishAnomalies applies the tamper rule to the repeated keys and adds
// pamaudit.anomaly, before redaction (the values listed are scrubbed as
// every string is).
func (b *Builder) finishAnomalies() {
	if len(b.dups) == 0 && len(b.anomalies) == 0 {
		return
	}
	var drop []string
	outcome := false
	marks := b.anomalies
	b.anomalies = nil
	for i := range b.dups {
		d := &b.dups[i]
		mark := AnomalyDuplicateKey + d.name
		if d.relevant && len(d.values) > 1 {
			for _, k := range d.feeds {
				if k == record.AttrEventOutcome {
					outcome = true
				} else {
					drop = append(drop, k)
				}
			}
			if !d.secret {
				mark = listValues(mark, d.values)
			}
		}
		b.anomalies = append(b.anomalies, mark)
	}
	for _, m := range marks {
		b.Anomaly(m)
	}
	r := &b.rec
	if len(drop) > 0 {
		kept := r.Attrs[:0]
		for _, a := range r.Attrs {
			if !contains(drop, a.Key) {
				kept = append(kept, a)
			}
		}
		clear(r.Attrs[len(kept):])
		r.Attrs = kept
		b.keys.reset() // the places moved: no attribute is added after Finish starts
	}
	if outcome {
		b.outcome = record.OutcomeUnknown
		if i := r.Index(record.AttrEventOutcome); i >= 0 {
			r.Attrs[i].Str = record.OutcomeUnknown
		} else {
			r.Attrs = append(r.Attrs, record.Attr{Key: record.AttrEventOutcome, Kind: record.KindString, Str: record.OutcomeUnknown})
		}
	}
	r.Attrs = append(r.Attrs, record.Attr{Key: record.AttrAnomaly, Kind: record.KindStrings, Strs: b.anomalies})
}

// listValues appends "=" and the values, separated by '|', to mark: at
// most maxListed of them, each cut to maxListedBytes.
func listValues(mark string, values []string) string {
	var sb strings.Builder
	sb.WriteString(mark)
	sb.WriteByte('=')
	for i, v := range values {
		if i == maxListed {
			sb.WriteString("|…")
			break
		}
		if i > 0 {
			sb.WriteByte('|')
		}
		if len(v) > maxListedBytes {
			n := maxListedBytes
			for n > 0 && v[n]&0xC0 == 0x80 {
				n--
			}
			v = v[:n] + "…"
		}
		sb.WriteString(v)
	}
	return sb.String()
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
