package passman

import (
	"strings"
	"testing"
)

// TestActivitySlots: the slot table answers as the map does, for every
// documented type, each with its case changed or a byte cut, and no type.
func TestActivitySlots(t *testing.T) {
	tried := []string{"", "x", "Login ", "login"}
	for _, a := range passmanActivityList {
		tried = append(tried, a.typ, strings.ToLower(a.typ), a.typ[1:], a.typ+"s")
	}
	for _, typ := range tried {
		want, wok := passmanActivities[typ]
		if got, ok := activity(typ); ok != wok || got != want {
			t.Errorf("activity(%q) = %v, %v; the map says %v, %v", typ, got, ok, want, wok)
		}
	}
}
