package builder

import (
	"bytes"
	"strings"
	"unsafe"

	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// secrets holds what the current record says of its secrets: the spans of
// the text that hold one (the product's, and the searches'), the values
// found elsewhere that must be replaced in every string (propagation), and
// the distinct values redacted (Redactions). redact finishes it: it returns
// the original text redacted and scrubs the record's strings.
type secrets struct {
	r          redact.Redactor
	minMent    int             // r.MinMention
	spans      []redact.Span   // secret values in the current text, to redact the original
	own        []redact.Span   // the product's spans of the text (redact), for redactView
	needles    []redact.Needle // secret values found in decoded strings (scrubDecoded), to replace in every string
	values     []string        // the distinct secret values redacted in the current record (Redactions)
	text       string          // the text of the current record, as Start got it
	orig       string          // the original text when it is not the input (an unwrapped record)
	emitted    string          // the original text as Finish emitted it, redacted (Emitted)
	decoded    string          // the payload, when it is a decoded copy of the text (SetDecoded)
	decodedAt  int             // where the payload decoded starts in the text
	bearerSeen int8            // the text may hold a bearer token: 0 not looked yet, 1 no, 2 yes (mayBearer)
	bearerFrom int             // the first "bearer " of text at or after bearerFrom is at bearerAt (-1: none), when bearerSeen is 2
	bearerAt   int             // see bearerFrom
	foreign    bool            // an attribute holds a string that is not part of the text (scrubDecoded)
	reuse      bool            // the record's strings need only last until the next record (Start)
	alnum      []byte          // spans' and names' letters and digits (dropKeysInSecrets)
	alnumEnds  []int           // where each span's ends in alnum
	redacted   []byte          // the redacted text, when reuse
	scratch    []byte          // the redacted text's copy, when not reuse
}

func newSecrets(r redact.Redactor) secrets {
	return secrets{r: r, minMent: r.MinMention()}
}

// startText begins the record of text s (see Builder.Start).
func (x *secrets) startText(s string, reuse bool) {
	x.reuse = reuse
	x.spans = x.spans[:0]
	x.orig, x.emitted = "", ""
	x.text = s
	x.foreign = false
	x.needles = x.needles[:0]
	x.values = x.values[:0]
	x.decoded = ""
	x.bearerSeen = 0
}

// mayBearer reports whether the text may hold a bearer token: one look at
// the whole text, taken when a product first asks (Bearer), spares every
// value the bearer-token scan; products that ask for none do not pay it.
func (x *secrets) mayBearer() bool {
	if x.bearerSeen == 0 {
		x.bearerSeen = 1
		if at := redact.IndexBearer(x.text, 0); at >= 0 {
			x.bearerSeen = 2
			x.bearerFrom, x.bearerAt = 0, at
		}
	}
	return x.bearerSeen == 2
}

// noBearerIn reports whether v, a value that lies in the text, holds no
// "bearer ": none of the text's stands in it. Values come in the text's
// order, so the next one after a value is searched once for the values up
// to it: a text with a bearer token is not searched again for each value.
// (mayBearer first.)
func (x *secrets) noBearerIn(v string) bool {
	if len(v) == 0 || !within(v, x.text) {
		return false
	}
	off := int(uintptr(unsafe.Pointer(unsafe.StringData(v))) - uintptr(unsafe.Pointer(unsafe.StringData(x.text))))
	if off < x.bearerFrom || x.bearerAt >= 0 && x.bearerAt < off {
		x.bearerFrom, x.bearerAt = off, redact.IndexBearer(x.text, off)
	}
	return x.bearerAt < 0 || x.bearerAt+len("bearer ") > off+len(v)
}

// add records a secret span of the text.
func (x *secrets) add(s redact.Span) { x.spans = append(x.spans, s) }

// redact returns s, the original text, with every secret replaced, and
// redacts the record's strings: the spans recorded, the secrets the
// searches find in the text and in strings that are not part of it, and
// every value so found wherever it stands. hasMsg: r.Body is a message,
// not the original text.
func (x *secrets) redact(r *record.Record, s string, hasMsg bool) string {
	// Every text is searched for secret names with their values, in any
	// quoting form: text kept whole (an escaped JSON record in a string, a
	// query string, key = value text in a value, columns) may embed secrets
	// the format did not read as such. A secret found so is redacted in
	// every value too, as are bearer tokens anywhere in it.
	if x.decoded != "" {
		for _, sp := range x.spans {
			x.foundIn(x.decoded, sp)
		}
		x.spans = x.spans[:0]
		if x.r.Enabled() {
			// The decoded text ends values where the text's escapes did not.
			for _, sp := range x.r.Find(x.decoded, 0, nil, true) {
				x.foundIn(x.decoded, sp)
			}
		}
	}
	n := len(x.spans)
	x.own = append(x.own[:0], x.spans...)
	// Find's own bearer search is the look when the product took none.
	mayBearer := true
	if s == x.text && x.bearerSeen != 0 {
		mayBearer = x.bearerSeen == 2
	}
	if x.decoded != "" && x.decodedAt <= len(s) {
		// The payload was searched decoded above: its escapes ("#012")
		// would let a header's value run on over the lines after it
		// here. The framing before it is searched as it is.
		x.looseSecrets(s[:x.decodedAt], mayBearer)
	} else {
		x.looseSecrets(s, mayBearer)
	}
	if len(x.spans) > n {
		x.propagate(s, n)
	}
	if s != x.text && x.r.Enabled() {
		// The record is a text a wrapper decoded: the outer framings'
		// fields (a syslog header's structured data) come from the input,
		// which the searches above did not see.
		for _, sp := range x.r.Find(x.text, 0, nil, x.bearerSeen != 1) {
			x.foundIn(x.text, sp)
		}
	}
	original := x.redactSpans(s)
	// Strings that are not part of the text (a JSON string unescaped, a
	// value unquoted) were not seen by the searches above: each is searched
	// itself. Every value found is scrubbed from every string of the
	// record, the original too.
	x.scrubDecoded(r, s, hasMsg)
	if len(x.needles) > 0 {
		// One pass per string, leftmost and at one place longest: a
		// value may hold a shorter one ("token" in "x-access-token=…"),
		// and no replacement is searched again.
		x.scrubAll(r, hasMsg)
		original = x.scrubFound(original)
	}
	return original
}

// counted adds the secrets of v, a secret value of kind (each cookie's
// value, a scheme's credential, else v), to the record's distinct secret
// values, unless they are redacted already.
func (x *secrets) counted(v string, kind redact.Kind) {
	if v == "" {
		return
	}
	n := len(x.values)
	x.values = redact.AppendSecrets(x.values, v, kind)
	add := x.values[n:]
	x.values = x.values[:n]
	// add lies past the kept ones: appending a kept one moves nothing back.
next:
	for _, u := range add {
		if x.r.Redacted(u, redact.KindWhole) {
			continue
		}
		for _, w := range x.values {
			if w == u {
				continue next
			}
		}
		x.values = append(x.values, u)
	}
}

// found adds the secret value v of kind, written raw where it was found
// (in a string the format did not read it from), to the values replaced
// in every string.
func (x *secrets) found(raw, v string, kind redact.Kind) {
	x.counted(v, kind)
	x.needles = x.r.Needles(x.needles, raw, v, kind, minPropagated)
}

// minPropagated: shorter secret values are not searched for in other fields
// (a one-digit secret would blank every digit).
const minPropagated = 3

// propagate adds to found the secret values that the found spans of s
// hold: a value a format read as its own column ("cookie = x" split into
// three) is still a secret, wherever it is.
// The spans from n on are the new ones. One that overlaps a span the format
// found: a cookie's pairs outside the format's spans are secrets too (a
// format may read "sid=x" as a pair of its own); of any other, its start,
// to the first span of the format, ';' or ',' in it: a header's value the
// search reads to the end of the line ("x-access-token=t; db_secret = s;
// …") begins with its token, which a value the format read may hold
// ("url = /login?x-access-token=t"), while the rest holds the format's
// own pairs.
func (x *secrets) propagate(s string, n int) {
	for _, sp := range x.spans[n:] {
		if sp.End > len(s) {
			continue
		}
		if sp.Kind == redact.KindCookies {
			x.foundOutside(s, sp, x.spans[:n])
			continue
		}
		end, overlaps := sp.End, false
		for _, y := range x.spans[:n] {
			if sp.Start < y.End && y.Start < sp.End {
				overlaps = true
				end = min(end, max(y.Start, sp.Start))
			}
		}
		if !overlaps {
			x.foundIn(s, sp)
			continue
		}
		if k := strings.IndexAny(s[sp.Start:end], ";,"); k >= 0 {
			end = sp.Start + k
		}
		for end > sp.Start && s[end-1] == ' ' {
			end--
		}
		// What is left may be a scheme's name alone ("Bearer " before the
		// token the format found): no secret.
		if end > sp.Start && !(sp.Kind == redact.KindScheme && redact.IsScheme(s[sp.Start:end])) {
			x.foundIn(s, redact.Span{Start: sp.Start, End: end, Kind: sp.Kind, Form: sp.Form})
		}
	}
}

// foundOutside adds to found the words of the parts of s[sp] that no span
// of ys covers.
func (x *secrets) foundOutside(s string, sp redact.Span, ys []redact.Span) {
	for pos := sp.Start; pos < sp.End; {
		next, covered := sp.End, false
		for _, y := range ys {
			if y.Start <= pos && pos < y.End {
				pos, covered = y.End, true
				break
			}
			if y.Start > pos && y.Start < next {
				next = y.Start
			}
		}
		if !covered {
			x.foundIn(s, redact.Span{Start: pos, End: next, Kind: sp.Kind, Form: sp.Form})
			pos = next
		}
	}
}

// scrubDecoded searches, as looseSecrets searches the text, every string of
// the record that does not lie in the text (s, or the input it was decoded
// from), redacts what it finds there, and adds the values to found.
func (x *secrets) scrubDecoded(r *record.Record, s string, hasMsg bool) {
	if !x.r.Enabled() {
		return
	}
	min := x.minMent
	views := len(x.own) > 0
	// Most records hold only views of the text and no secret: nothing to
	// do but for the body. Else two compares per string, no call.
	for i := range r.Attrs {
		if !views && !x.foreign {
			break
		}
		a := &r.Attrs[i]
		switch {
		case a.Kind == record.KindString:
			switch {
			case views && within(a.Str, s):
				a.Str = x.redactView(s, a.Str)
			case len(a.Str) >= min && !within(a.Str, s) && !within(a.Str, x.text):
				a.Str = x.scrubOne(a.Str)
			}
		case a.Kind == record.KindStrings:
			for j, v := range a.Strs {
				if len(v) < min || within(v, s) || within(v, x.text) {
					continue
				}
				if w := x.scrubOne(v); w != v {
					a.Strs = append([]string(nil), a.Strs...) // the product's slice may be shared
					a.Strs[j] = w
				}
			}
		}
	}
	if hasMsg {
		switch {
		case views && within(r.Body, s):
			r.Body = x.redactView(s, r.Body)
		case len(r.Body) >= min && !within(r.Body, s) && !within(r.Body, x.text):
			r.Body = x.scrubOne(r.Body)
		}
	}
}

// redactView returns v, a string that lies in s, with the product's secret
// spans of s that reach into it replaced: a product that set a value from
// the text (a message as the body) without its own redaction still emits
// none. (The searches' spans reach views by value: found.)
func (x *secrets) redactView(s, v string) string {
	off := int(uintptr(unsafe.Pointer(unsafe.StringData(v))) - uintptr(unsafe.Pointer(unsafe.StringData(s))))
	end := off + len(v)
	var local []redact.Span
	for _, sp := range x.own {
		if sp.Start >= end || sp.End <= off {
			continue
		}
		y := sp
		y.Start, y.End = max(sp.Start, off)-off, min(sp.End, end)-off
		if (y.Start != sp.Start-off || y.End != sp.End-off) && y.Form == redact.FormKnown {
			y.Form, y.Value = redact.FormBare, "" // a part of the value: what the view holds of it
		}
		local = append(local, y)
	}
	if len(local) == 0 {
		return v
	}
	return string(x.r.Replace(nil, v, local))
}

// scrubOne redacts the secrets Find finds in v, a string that does not lie
// in the text, and adds their values to the needles.
func (x *secrets) scrubOne(v string) string {
	if !redact.MayMention(v) {
		return v
	}
	sp := x.r.Find(v, 0, nil, true)
	if len(sp) == 0 {
		return v
	}
	for _, y := range sp {
		x.foundIn(v, y)
	}
	return string(x.r.Replace(nil, v, sp))
}

// foundIn adds the secret value v[sp] to the values replaced in every
// string (found): as it stands and unescaped, word by word (columns split
// a value with spaces, "sid=…; x=…"), a cookie's values alone too.
func (x *secrets) foundIn(v string, sp redact.Span) {
	if sp.Start < 0 || sp.End > len(v) || sp.Start >= sp.End {
		return
	}
	x.found(v[sp.Start:sp.End], redact.SpanValue(v, sp), sp.Kind)
}

// scrubAll redacts the found values in every string of the record.
func (x *secrets) scrubAll(r *record.Record, hasMsg bool) {
	eachString(r, x.scrubFound)
	if hasMsg {
		r.Body = x.scrubFound(r.Body)
	}
}

// eachString replaces every string attribute value v of r with f(v).
func eachString(r *record.Record, f func(string) string) {
	for i := range r.Attrs {
		a := &r.Attrs[i]
		switch a.Kind {
		case record.KindString:
			a.Str = f(a.Str)
		case record.KindStrings:
			for j, v := range a.Strs {
				if w := f(v); w != v {
					a.Strs = append([]string(nil), a.Strs...) // the product's slice may be shared
					a.Strs[j] = w
				}
			}
		}
	}
}

// scrubFound replaces in v every value scrubDecoded found.
func (x *secrets) scrubFound(v string) string { return redact.ReplaceNeedles(v, x.needles) }

// within reports whether v lies in the memory of s.
func within(v, s string) bool {
	if len(v) == 0 {
		return true
	}
	if len(s) == 0 {
		// Nothing is part of no text (x.orig is "" but for decoded
		// records: a value was never foreign when it held "").
		return false
	}
	p, q := uintptr(unsafe.Pointer(unsafe.StringData(v))), uintptr(unsafe.Pointer(unsafe.StringData(s)))
	return p >= q && p+uintptr(len(v)) <= q+uintptr(len(s))
}

// noteForeign notes a string value that is not part of the text (nor of
// the decoded original): redact searches the record's strings for secrets
// only when there is one. Two compares per value spare every record that
// has none a pass over its attributes.
func (x *secrets) noteForeign(v string) {
	if !x.foreign && len(v) >= x.minMent && !within(v, x.text) && !within(v, x.orig) {
		x.foreign = true
	}
}

// redactSpans returns s with every recorded secret span replaced. Without
// secrets it returns s itself (no copy).
func (x *secrets) redactSpans(s string) string {
	if len(x.spans) == 0 {
		return s
	}
	for _, sp := range x.spans {
		if sp.End <= len(s) {
			x.counted(redact.SpanValue(s, sp), sp.Kind)
		}
	}
	if x.reuse {
		// No allocation per record that holds a secret: without garbage
		// the collector stays idle, and its write barriers off.
		x.redacted = x.r.Replace(x.redacted[:0], s, x.spans)
		return unsafe.String(unsafe.SliceData(x.redacted), len(x.redacted))
	}
	x.scratch = x.r.Replace(x.scratch[:0], s, x.spans)
	return string(x.scratch)
}

// looseSecrets finds secrets in text: a secret name followed by ':' or '='
// in any quoting form (see secretValue) and its value, and bearer tokens. The
// spans go to the redaction of the original.
func (x *secrets) looseSecrets(s string, bearer bool) {
	if x.r.Enabled() {
		x.spans = x.r.Find(s, 0, x.spans, bearer)
	}
}

// dropKeysInSecrets drops the product's attributes whose names were read
// from inside a secret of s: a format that took a secret's text for a pair
// ("Basic dXNlcg=, id = 1": "dXNlcg" as a key with no value; "--client-secret
// dXNlcg= audit,type=…": "dXNlcg" as a key with the value "audit") would
// otherwise emit the secret as an attribute's name, which no value scrub
// reaches. A name without a value goes when it lies inside a secret; one
// with a value only when it is the whole secret (a cookie's "theme=dark"
// inside "sid=…; theme=dark" is a field of its own). Names are compared by
// their letters and digits, lower case, as keys are made of them.
func (b *Builder) dropKeysInSecrets(s string) {
	r := &b.rec // Finish calls it for a record with secret spans
	// A token read as a key with a value had its padding's '=' after it,
	// the end of its span: without such a span, only names without a
	// value are looked at (a cookie's "theme=dark" is a field).
	minN, maxN := -1, -1
	for _, sp := range b.sec.spans {
		if sp.Start >= 0 && sp.End <= len(s) && sp.Start < sp.End && s[sp.End-1] == '=' {
			n := sp.End - sp.Start
			if minN < 0 || n < minN {
				minN = n
			}
			maxN = max(maxN, n)
		}
	}
	// A name about as long as such a span (snake case adds underscores, a
	// span holds its padding) has its letters compared.
	maySecret := func(a *record.Attr, name string) bool {
		return a.Kind == record.KindString && len(name) >= minPropagated &&
			(a.Str == "" || maxN >= 0 && 2*maxN >= len(name) && minN <= 2*len(name)+4)
	}
	first := -1 // the first attribute that may be named by a secret: most records have none
	for i := b.framing; i < len(r.Attrs); i++ {
		if name, ok := strings.CutPrefix(r.Attrs[i].Key, b.prefix); ok && maySecret(&r.Attrs[i], name) {
			first = i
			break
		}
	}
	if first < 0 {
		return
	}
	// The spans' letters and digits, then a name's, in one buffer kept
	// from record to record: x.alnum[x.alnumEnds[k-1]:x.alnumEnds[k]] is
	// span k's, made when a name first needs them.
	x := &b.sec
	x.alnum, x.alnumEnds = x.alnum[:0], x.alnumEnds[:0]
	kept := r.Attrs[:first]
	for i, a := range r.Attrs[first:] {
		if name, ok := strings.CutPrefix(a.Key, b.prefix); ok && maySecret(&a, name) {
			if len(x.alnumEnds) == 0 {
				for _, sp := range x.spans {
					if sp.Start >= 0 && sp.End <= len(s) && sp.Start < sp.End {
						x.alnum = scan.AppendAlnumLower(x.alnum, s[sp.Start:sp.End])
						x.alnumEnds = append(x.alnumEnds, len(x.alnum))
					}
				}
			}
			n := len(x.alnum)
			x.alnum = scan.AppendAlnumLower(x.alnum, name)
			f, inSecret := x.alnum[n:], false
			for k, end := range x.alnumEnds {
				t := x.alnum[:end]
				if k > 0 {
					t = t[x.alnumEnds[k-1]:]
				}
				if a.Str == "" && bytes.Contains(t, f) || a.Str != "" && bytes.Equal(t, f) {
					inSecret = true
					break
				}
			}
			x.alnum = x.alnum[:n]
			if len(f) >= minPropagated && inSecret {
				continue
			}
		}
		if len(kept) < first+i {
			kept = append(kept, a)
		} else {
			kept = kept[:len(kept)+1]
		}
	}
	if len(kept) < len(r.Attrs) {
		clear(r.Attrs[len(kept):])
		r.Attrs = kept
		b.keys.reset() // the places moved
	}
}
