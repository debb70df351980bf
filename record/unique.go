package record

// Unique makes the record's keys unique, the attributes' and the body
// map's, and those of every map among its members: a key given twice keeps
// the position of its first entry and the value of its last, as an
// OpenTelemetry map (pcommon.Map.Put) holds it. So every encoding writes
// the same keys in the same order, a document's no less than OTLP's. The
// parser's builder merges repeated keys as it adds them, and the schema
// mappings keep them unique; the attributes a face adds may meet them
// again (core.Shaper.Shape calls this last).
func (r *Record) Unique() {
	r.Attrs = Unique(r.Attrs)
	if r.BodyMap != nil {
		r.BodyMap = Unique(r.BodyMap)
	}
}

// Unique makes the keys of the flat map m unique, and those of every map
// among its members (see Record.Unique), in place; it returns m, shorter
// when keys repeated.
func Unique(m []Attr) []Attr {
	if unique(m) {
		return m // the common case: nothing moves
	}
	out := appendUnique(make([]Attr, 0, len(m)), m)
	return m[:copy(m, out)]
}

// keyFilter is a 256-bit filter of keys: a key whose bit is set once is
// unique among its siblings, so only the keys that share a bit are compared
// in full.
type keyFilter [4]uint64

// keyBit hashes a key to one of the filter's bits, from its length and
// three of its last bytes: cheap, and keys mostly differ at their end (a
// namespace's keys share their start: pamaudit.capam.…).
func keyBit(k string) uint {
	n := len(k)
	if n < 4 {
		if n == 0 {
			return 0
		}
		return uint((uint32(n)|uint32(k[0])<<8|uint32(k[n-1])<<16)*0x9E3779B1) >> 24
	}
	h := uint32(n) | uint32(k[n-1])<<8 | uint32(k[n-2])<<16 | uint32(k[n-4])<<24
	return uint((h * 0x9E3779B1) >> 24)
}

// add sets bit and reports whether it was set already.
func (f *keyFilter) add(bit uint) bool {
	j, b := bit>>6, uint64(1)<<(bit&63)
	seen := f[j]&b != 0
	f[j] |= b
	return seen
}

// unique reports whether the keys of m, and of its maps, are unique.
func unique(m []Attr) bool {
	var seen keyFilter
	for i := 0; i < len(m); {
		a := &m[i]
		if seen.add(keyBit(a.Key)) {
			for j := 0; j < i; j = Next(m, j) {
				if m[j].Key == a.Key {
					return false
				}
			}
		}
		if a.Kind != KindMap {
			i++
			continue
		}
		n := int(a.Int)
		if n > 1 && !unique(m[i+1:i+1+n]) {
			return false
		}
		i += 1 + n
	}
	return true
}

// appendUnique appends the members of the flat map m to dst, each key once:
// at its first entry's position, with its last entry's value (a map's
// members made unique too).
func appendUnique(dst, m []Attr) []Attr {
	for i := 0; i < len(m); i = Next(m, i) {
		first := true
		for j := 0; j < i && first; j = Next(m, j) {
			first = m[j].Key != m[i].Key
		}
		if !first {
			continue
		}
		v := i
		for j := Next(m, i); j < len(m); j = Next(m, j) {
			if m[j].Key == m[i].Key {
				v = j
			}
		}
		a := m[v]
		a.Key = m[i].Key
		if a.Kind != KindMap {
			dst = append(dst, a)
			continue
		}
		at := len(dst)
		dst = appendUnique(append(dst, a), Members(m, v))
		dst[at].Int = int64(len(dst) - at - 1)
	}
	return dst
}
