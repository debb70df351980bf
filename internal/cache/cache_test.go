package cache

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"unsafe"
)

// The attribute keys of the golden records (every product, schema and
// shipper) spread over the slots as well as random slots would: the keys of
// a record must not pile into a few.
func TestSlotSpread(t *testing.T) {
	keys := map[string]bool{}
	files, _ := filepath.Glob("../../testdata/*/*.ndjson")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for line := range bytes.Lines(b) {
			var m map[string]any
			if json.Unmarshal(line, &m) == nil {
				addKeys(keys, "", m)
			}
		}
	}
	if len(keys) < 500 {
		t.Fatalf("%d keys in %d goldens", len(keys), len(files))
	}
	var n [256]int
	for k := range keys {
		n[Slot(k)]++
	}
	most, coll := 0, 0
	for _, c := range n {
		most = max(most, c)
		coll += max(c-1, 0)
	}
	// Random slots: k keys leave 256(1-1/256)^k empty, so collide
	// k-256+that times.
	random := float64(len(keys)) - 256 + 256*math.Pow(1-1.0/256, float64(len(keys)))
	if float64(coll) > random*1.05 || most > 10 {
		t.Errorf("%d keys: %d collisions (random: %.0f), %d in the fullest slot", len(keys), coll, random, most)
	}
	if Hash("") != 0 || Slot([]byte("service.name")) != Slot("service.name") {
		t.Error("the hash of a string and of its bytes differ")
	}
}

func addKeys(keys map[string]bool, prefix string, m map[string]any) {
	for k, v := range m {
		keys[prefix+k] = true
		if sub, ok := v.(map[string]any); ok {
			addKeys(keys, prefix+k+".", sub)
		}
	}
}

// Direct calls slow once per key while the key keeps its slot, and again
// after a colliding key took it.
func TestDirect(t *testing.T) {
	var c Direct[int]
	calls := 0
	slow := func(k string) int { calls++; return len(k) }
	for range 3 {
		if v := c.Get("event.action", slow); v != 12 {
			t.Fatalf("value %d", v)
		}
	}
	if calls != 1 {
		t.Fatalf("%d calls for one key", calls)
	}
	// Another key in the same slot.
	other := ""
	for i := 0; other == ""; i++ {
		if k := "k" + strconv.Itoa(i); Slot(k) == Slot("event.action") {
			other = k
		}
	}
	c.Get(other, slow)
	c.Get("event.action", slow)
	if calls != 3 {
		t.Errorf("%d calls after a collision, want 3", calls)
	}
}

// Strings stops growing at Max; what it kept stays, and what it refused is
// said.
func TestStrings(t *testing.T) {
	c := Strings[int]{Max: 2}
	if !c.Put("a", 1) || !c.Put("b", 2) || c.Put("c", 3) {
		t.Fatal("Put kept past Max or refused under it")
	}
	if !c.Put("a", 4) {
		t.Error("replacing a kept key refused when full")
	}
	if v, ok := c.GetBytes([]byte("a")); !ok || v != 4 {
		t.Errorf("a: %d, %v", v, ok)
	}
	if _, ok := c.Get("c"); ok || c.Len() != 2 {
		t.Errorf("c kept, or %d entries", c.Len())
	}
}

// Intern returns the same string for the same bytes, while there is room,
// and the right string after.
func TestInterner(t *testing.T) {
	c := Interner{Strings[string]{Max: 1}}
	a1, a2 := c.Intern([]byte("stream")), c.Intern([]byte("stream"))
	if a1 != "stream" || unsafe.StringData(a1) != unsafe.StringData(a2) || c.Len() != 1 {
		t.Fatalf("intern: %q, %q not one string, %d kept", a1, a2, c.Len())
	}
	if allocs := testing.AllocsPerRun(100, func() { c.Intern([]byte("stream")) }); allocs != 0 {
		t.Errorf("%v allocations for a kept key", allocs)
	}
	if b := c.Intern([]byte("log")); b != "log" || c.Len() != 1 {
		t.Errorf("past Max: %q, %d kept", b, c.Len())
	}
}

func BenchmarkSlot(b *testing.B) {
	keys := []string{"host.name", "netwrix.req.headers.user_agent", "event.action", "user.name"}
	n := 0
	for i := range b.N {
		n += Slot(keys[i&3])
	}
	_ = n
}
