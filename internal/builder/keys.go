package builder

import (
	"encoding/binary"

	"github.com/pamaudit/pamaudit/record"
)

// keyIndex finds a key among the record's attributes, so that each key is
// added once: a 256-bit filter first (most keys are new, and the filter
// spares them the linear search), a hash table of the keys past indexFrom
// attributes.
type keyIndex struct {
	bits [4]uint64 // filter of the keys in the attributes
	idx  []keySlot // for records of many attributes: key → place
	gen  uint32    // stamps idx's entries of the current record; 0: not in use
	last uint32
}

// indexFrom: past this many attributes the filter fills up, and
// the linear search made a record's cost grow with the square of its
// fields; keys are then found through idx.
const indexFrom = 24

// keySlot is an entry of idx: the place of a key in the attributes, for
// the record stamped gen.
type keySlot struct {
	gen uint32
	at  int32
}

// reset forgets the keys: a new record, or places that moved.
func (x *keyIndex) reset() { x.bits, x.gen = [4]uint64{}, 0 }

// seen reports whether key may be among the attributes (the filter has
// its bit), and sets its bit. The bit is a hash of the length, the first
// and the last two bytes: keys share prefixes and endings
// ("passman.entity_type", "passman.entity_name", "host.name",
// "user.name"), and a filter of length and last byte in 64 bits let 23 of
// the testdata's 156 PassMan keys through to the linear search as if seen
// (now none). Small enough to be inlined: a hash of the last eight bytes let
// fewer through on CA PAM, and cost more as a call (in one process, 1-2%).
func (x *keyIndex) seen(key string) bool {
	// filterBit written out: seen stays small enough to be inlined
	// (TestFilterHasSeen holds the two to each other).
	n := len(key)
	h := (uint64(n)<<24 | uint64(key[0])<<16 | uint64(key[max(n-2, 0)])<<8 | uint64(key[n-1])) * 0x9E3779B97F4A7C15
	w, bit := h>>62, uint64(1)<<(h>>56&63)
	was := x.bits[w]&bit != 0
	x.bits[w] |= bit
	return was
}

// has reports whether key may be among the attributes, as seen does,
// without setting its bit. Only while the filter is in use (gen == 0).
func (x *keyIndex) has(key string) bool {
	w, bit := filterBit(key)
	return x.bits[w]&bit != 0
}

// filterBit is key's word and bit in the filter.
func filterBit(key string) (uint64, uint64) {
	n := len(key)
	h := (uint64(n)<<24 | uint64(key[0])<<16 | uint64(key[max(n-2, 0)])<<8 | uint64(key[n-1])) * 0x9E3779B97F4A7C15
	return h >> 62, uint64(1) << (h >> 56 & 63)
}

// build puts the keys of attrs (each once: slot keeps them unique) into
// idx, under a new stamp, so nothing is cleared per record.
func (x *keyIndex) build(attrs []record.Attr, size int) {
	if x.idx == nil {
		n := 64
		for n < 2*size { // at most half full: probes stay short and end
			n *= 2
		}
		x.idx = make([]keySlot, n)
	}
	x.last++
	if x.last == 0 { // wrapped: old stamps could match again
		clear(x.idx)
		x.last = 1
	}
	x.gen = x.last
	mask := len(x.idx) - 1
	for i := range attrs {
		h := hashKey(attrs[i].Key) & mask
		for x.idx[h].gen == x.gen {
			h = (h + 1) & mask
		}
		x.idx[h] = keySlot{x.gen, int32(i)}
	}
}

// lookup returns the place of key in attrs through idx (linear probing),
// or -1 and the free entry where the key's place goes when it is added.
func (x *keyIndex) lookup(attrs []record.Attr, key string) (int, *keySlot) {
	mask := len(x.idx) - 1
	for h := hashKey(key) & mask; ; h = (h + 1) & mask {
		e := &x.idx[h]
		if e.gen != x.gen {
			return -1, e
		}
		if attrs[e.at].Key == key {
			return int(e.at), nil
		}
	}
}

// hashKey mixes every byte of k, eight at a time (FNV-1a's byte loop was
// a tenth of a many-field record's parse), then avalanches the result:
// keys of one family ("passman.field_00" … "passman.field_63") differ
// only in their last bytes, which a multiply carries to the high bits
// alone, and without the final mix they shared a few of the table's
// slots (BenchmarkParseFields/passman/64 took 1.7 times its time;
// TestHashKeySpread).
func hashKey(k string) int {
	const m = 0x9E3779B97F4A7C15
	h := uint64(len(k)) * m
	for ; len(k) >= 8; k = k[8:] {
		h = (h ^ binary.LittleEndian.Uint64([]byte(k[:8]))) * m
		h ^= h >> 29
	}
	for i := 0; i < len(k); i++ {
		h = (h ^ uint64(k[i])) * m
	}
	// murmur3's fmix64: every input bit reaches the low bits the mask keeps
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return int(uint32(h))
}
