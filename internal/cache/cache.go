// Package cache holds the one hash and the two bounded caches the hot paths
// share: Hash and Slot pick a slot by a few bytes of a name, Direct is a
// direct-mapped memo in front of a slower lookup, Strings a map that stops
// growing. Names (attribute keys, raw field names, JSON paths) repeat from
// record to record, so each layer keeps what it worked out for one; hostile
// input with ever new names must not grow any of them without end.
package cache

// Hash mixes the length of s and four of its bytes (the first, the
// middle, the last and one an eighth from the end, where keys sharing a
// namespace prefix differ) into 32 bits, without a pass over s: for slots
// and filters, where a collision costs a compare or a map lookup, never a
// wrong answer. Every field lookup of a parse pays it: five bytes, a
// quarter and three quarters in, cost a tenth of a PassMan parse more than
// this (BenchmarkSlot; TestSlotSpread holds the spread).
func Hash[T ~string | ~[]byte](s T) uint32 {
	n := len(s)
	h := uint64(n)
	if n > 0 {
		h |= uint64(s[0])<<8 | uint64(s[n>>1])<<16 | uint64(s[n-1])<<24 | uint64(s[n-1-n>>3])<<32
	}
	return uint32((h * 0x9E3779B97F4A7C15) >> 32)
}

// Slot is Hash's slot among 256: its top byte, the best mixed.
func Slot[T ~string | ~[]byte](s T) int { return int(Hash(s) >> 24) }

// Direct memoizes a function of a key: 256 slots chosen by Slot, a hit
// confirmed by comparing the key, which for the interned keys records carry
// is a pointer compare. A key that collides replaces the one before. The
// zero value is ready; not safe for concurrent use.
type Direct[V any] struct {
	slots [256]struct {
		key string
		v   V
		set bool
	}
}

// Get returns slow(k), from the cache when k was seen in its slot before.
func (c *Direct[V]) Get(k string, slow func(string) V) V {
	s := &c.slots[Slot(k)]
	if s.set && s.key == k {
		return s.v
	}
	s.key, s.v, s.set = k, slow(k), true
	return s.v
}

// Strings is a map by string that keeps at most Max entries: once full it
// keeps nothing new, and what it did not keep is worked out again each time
// (the caller can tell by Put's result). The zero value with Max set is
// ready; not safe for concurrent use.
type Strings[V any] struct {
	Max int
	m   map[string]V
}

// Get returns the value kept for k.
func (c *Strings[V]) Get(k string) (V, bool) {
	v, ok := c.m[k]
	return v, ok
}

// GetBytes is Get for a key in scratch space, without making it a string.
func (c *Strings[V]) GetBytes(k []byte) (V, bool) {
	v, ok := c.m[string(k)]
	return v, ok
}

// Put keeps v for k unless the cache is full, and reports whether it did.
func (c *Strings[V]) Put(k string, v V) bool {
	if c.m == nil {
		c.m = make(map[string]V, min(c.Max, 64))
	}
	if _, ok := c.m[k]; !ok && len(c.m) >= c.Max {
		return false
	}
	c.m[k] = v
	return true
}

// Len is the number of entries kept.
func (c *Strings[V]) Len() int { return len(c.m) }

// Interner hands out one string per key, so that keys read into scratch
// space cost no allocation once seen; at most Max are kept.
type Interner struct{ Strings[string] }

// Intern returns k as a string, the same string each time k comes again.
func (c *Interner) Intern(k []byte) string {
	if s, ok := c.GetBytes(k); ok {
		return s
	}
	s := string(k)
	c.Put(s, s)
	return s
}
