package core

import (
	"fmt"
	"testing"
)

// TestManyFieldsKeepOrderAndLastValue: past the builder's one-word key
// filter, keys are found through an index. A PassMan line of 60 pairs whose
// keys repeat, before and after that point, keeps one attribute per key at
// its first place with its last value (and a tamper mark per repeated
// key), and a limit counts what it cuts.
func TestManyFieldsKeepOrderAndLastValue(t *testing.T) {
	line := "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = Login"
	type kv struct{ k, v string }
	var want []kv
	place := map[string]int{}
	for i := 0; i < 60; i++ {
		k := fmt.Sprintf("f%02d", i%45) // keys 0..14 come again from the 46th pair on
		v := fmt.Sprintf("v%d", i)
		line += fmt.Sprintf(", %s = %s", k, v)
		if j, ok := place[k]; ok {
			want[j].v = v
			continue
		}
		place[k] = len(want)
		want = append(want, kv{k, v})
	}
	for _, max := range []int{0, 40} {
		p := testParser(t, Options{MaxAttrs: max})
		rec, err := p.ParseString(line)
		if err != nil {
			t.Fatal(err)
		}
		var got []kv
		for _, a := range rec.Attrs {
			if len(a.Key) == len("passman.f00") && a.Key[:9] == "passman.f" {
				got = append(got, kv{a.Key[8:], a.Str})
			}
		}
		// Each repeated key is marked, limits or not.
		if a, ok := rec.Get("pamaudit.anomaly"); !ok || len(a.Strs) != 15 || a.Strs[0] != "duplicate_key:f00" || a.Strs[14] != "duplicate_key:f14" {
			t.Fatalf("MaxAttrs %d: anomaly %v", max, a.Strs)
		}
		if max == 0 {
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("got  %v\nwant %v", got, want)
			}
			continue
		}
		if len(rec.Attrs) != max+2 { // the limit, and pamaudit.anomaly and passman.truncated after it
			t.Fatalf("MaxAttrs %d: %d attributes", max, len(rec.Attrs))
		}
		if a, ok := rec.Get("passman.truncated"); !ok || a.Int == 0 {
			t.Fatalf("MaxAttrs %d: no passman.truncated count", max)
		}
		for i, g := range got {
			if g != want[i] {
				t.Fatalf("MaxAttrs %d: attribute %d is %v, want %v", max, i, g, want[i])
			}
		}
	}
}
