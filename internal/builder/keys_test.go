package builder

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/record"
)

// A Netwrix record of many leaves: past indexFrom attributes the keys are
// found through the hash table, and a repeated key keeps its first place.
func TestKeyIndexPastTheFilter(t *testing.T) {
	var x keyIndex
	r := &record.Record{}
	add := func(key string) {
		var i int
		var e *keySlot
		if x.gen != 0 {
			i, e = x.lookup(r.Attrs, key)
		} else if x.seen(key) {
			i = r.Index(key)
		} else {
			i = -1
		}
		if i >= 0 {
			return
		}
		r.Attrs = append(r.Attrs, record.Attr{Key: key})
		if e != nil {
			*e = keySlot{x.gen, int32(len(r.Attrs) - 1)}
		} else if len(r.Attrs) == indexFrom {
			x.build(r.Attrs, 256)
		}
	}
	for k := 0; k < 40; k++ {
		add("netwrix.auth_info." + strconv.Itoa(k) + ".domain")
	}
	if x.gen == 0 {
		t.Fatal("the hash table is not in use past indexFrom")
	}
	add("netwrix.auth_info.3.domain")
	add("netwrix.auth_info.30.domain")
	if len(r.Attrs) != 40 {
		t.Errorf("%d attributes, want 40: a repeated key was added again", len(r.Attrs))
	}
	for _, k := range []string{"netwrix.auth_info.3.domain", "netwrix.auth_info.30.domain"} {
		if i, _ := x.lookup(r.Attrs, k); i < 0 || r.Attrs[i].Key != k {
			t.Errorf("lookup(%s) = %d", k, i)
		}
	}
	if i, e := x.lookup(r.Attrs, "netwrix.req_id"); i != -1 || e == nil {
		t.Errorf("lookup of a new key = %d, %v", i, e)
	}
	x.reset()
	if x.gen != 0 || x.seen("user.name") {
		t.Error("reset kept keys")
	}
}

// The filter says a key may be present only after it was seen.
func TestKeyFilter(t *testing.T) {
	var x keyIndex
	if x.seen("user.name") {
		t.Error("an empty filter saw user.name")
	}
	if !x.seen("user.name") {
		t.Error("the filter forgot user.name")
	}
}

// Through the Builder: the same record, many fields and one repeated.
func TestBuilderManyFields(t *testing.T) {
	b := newTest(256, 100)
	b.Start("{}", now, false)
	for k := 0; k < 30; k++ {
		b.AddInt("netwrix.k"+strconv.Itoa(k), int64(k))
	}
	b.AddInt("netwrix.k7", 70)
	b.AddInt("netwrix.k29", 290)
	r := b.Record()
	if len(r.Attrs) != 30 || r.Attrs[7].Int != 70 || r.Attrs[29].Int != 290 {
		t.Errorf("%d attributes; k7 %d, k29 %d", len(r.Attrs), r.Attrs[7].Int, r.Attrs[29].Int)
	}
}

// has answers from the bit seen set: a key seen is never reported absent,
// else Framed would let a field add its key a second time.
func TestFilterHasSeen(t *testing.T) {
	keys := []string{"a", "ab", "host.name", "user.name", "passman.entity_type", "passman.entity_name", "netwrix.req.headers.cookie"}
	for i := 0; i < 200; i++ {
		keys = append(keys, "k."+strings.Repeat("x", i%17)+string(rune('a'+i%26)))
	}
	var x keyIndex
	for _, k := range keys {
		x.seen(k)
		if !x.has(k) {
			t.Fatalf("%q seen, has says absent", k)
		}
	}
	var y keyIndex
	absent := 0
	for _, k := range keys[:5] {
		y.seen(k)
	}
	for _, k := range keys[5:] {
		if !y.has(k) {
			absent++
		}
	}
	if absent == 0 {
		t.Fatal("has reported every key present: the filter rules out nothing")
	}
}

// Keys of one family, differing in their last bytes only, spread over the
// hash table: probes stay short (before the final mix, 64 keys
// "passman.field_NN" shared eight slots and lookups walked long runs).
func TestHashKeySpread(t *testing.T) {
	for _, family := range []string{"passman.field_%02d", "netwrix.field%02d", "netwrix.auth_info.%d.domain", "netwrix.req.headers.x-h%d", "k%d"} {
		var x keyIndex
		var attrs []record.Attr
		for i := 0; i < 64; i++ {
			attrs = append(attrs, record.Attr{Key: strings.Replace(family, "%02d", pad2(i), 1)})
			attrs[i].Key = strings.Replace(attrs[i].Key, "%d", strconv.Itoa(i), 1)
		}
		x.build(attrs, 128) // a table of 256 slots
		probes := 0
		mask := len(x.idx) - 1
		for i := range attrs {
			for h := hashKey(attrs[i].Key) & mask; ; h = (h + 1) & mask {
				probes++
				if x.idx[h].at == int32(i) && x.idx[h].gen == x.gen {
					break
				}
			}
		}
		// a quarter full and uniform: about 1.2 probes a key
		if avg := float64(probes) / float64(len(attrs)); avg > 2 {
			t.Errorf("%s: %.1f probes a key, want at most 2", family, avg)
		}
	}
}

func pad2(i int) string {
	if i < 10 {
		return "0" + strconv.Itoa(i)
	}
	return strconv.Itoa(i)
}
