package testutil

import "github.com/pamaudit/pamaudit/record"

// NestedMaps is the value of NestedMapsRecord's body and of its attribute
// "top", as pdata's AsRaw gives it.
var NestedMaps = map[string]any{"a": int64(1), "m": map[string]any{"n": map[string]any{"deep": "x"}, "b": true, "s": []any{"p", "q"}}, "z": "last"}

// NestedMapsRecord is a record whose body and attribute "top" are the same
// nested map (flat, see record.Attr) of every kind of value, for the tests
// that hold a writer's nested maps to NDJSON's: a new one each call, as a
// test may change it.
func NestedMapsRecord() *record.Record {
	flat := []record.Attr{
		{Key: "a", Kind: record.KindInt, Int: 1},
		{Key: "m", Kind: record.KindMap, Int: 4},
		{Key: "n", Kind: record.KindMap, Int: 1},
		{Key: "deep", Kind: record.KindString, Str: "x"},
		{Key: "b", Kind: record.KindBool, Bool: true},
		{Key: "s", Kind: record.KindStrings, Strs: []string{"p", "q"}},
		{Key: "z", Kind: record.KindString, Str: "last"},
	}
	attrs := append([]record.Attr{{Key: "top", Kind: record.KindMap, Int: int64(len(flat))}}, flat...)
	return &record.Record{EventName: "e", BodyMap: flat, Attrs: attrs}
}
