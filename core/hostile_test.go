package core_test

import (
	"bytes"
	"encoding/json"
	"runtime"
	"testing"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/hostile"
	"github.com/pamaudit/pamaudit/record"
)

// Every input, hostile ones included, gives valid records with no secret in
// clear in every schema, within bounded memory: the allocation of one whole
// input stays under 8 times its size plus 16 MiB.
func TestHostileCore(t *testing.T) {
	for _, schema := range []core.Schema{core.SchemaOTel, core.SchemaECS, core.SchemaOCSF} {
		for _, in := range hostile.Inputs(t, "..") {
			testHostile(t, in, schema)
		}
	}
}

func testHostile(t *testing.T, in hostile.Input, schema core.Schema) {
	t.Run(schema.String()+"/"+in.Name, func(t *testing.T) {
		p, err := core.NewParser(core.Options{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var out []byte
		n := 0
		core.EachRecord(t, p, bytes.NewReader(in.Data), 0, func(rec *core.Record, cut *core.CutError) {
			if a, _ := rec.Get("error.type"); cut != nil && schema == core.SchemaOTel && a.Str != "record_too_large" {
				t.Fatalf("record %d cut, error.type %q", n, a.Str)
			}
			// The builder merges repeated keys as it adds them and the
			// mappings keep them unique: Parse relies on it (only a
			// face's additions are checked, by Shaper.Shape).
			if k := repeatedKey(rec.Attrs); k != "" {
				t.Fatalf("record %d repeats the attribute %q", n, k)
			}
			if k := repeatedKey(rec.BodyMap); k != "" {
				t.Fatalf("record %d repeats the body member %q", n, k)
			}
			out = rec.AppendJSON(out[:0])
			if !json.Valid(out) {
				t.Fatalf("record %d is not valid JSON", n)
			}
			hostile.CheckNoSecret(t, in.Name, out)
			n++
		})
		runtime.ReadMemStats(&after)
		if len(bytes.TrimSpace(in.Data)) > 0 && n == 0 {
			t.Fatal("no record out")
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		if bound := uint64(8*len(in.Data) + 16<<20); alloc > bound {
			t.Errorf("allocated %d MiB for %d KiB of input (bound %d MiB)", alloc>>20, len(in.Data)>>10, bound>>20)
		}
		t.Logf("%d records, %d KiB in, %d KiB allocated", n, len(in.Data)>>10, alloc>>10)
	})
}

// repeatedKey returns a key the flat map m (or a map among its members)
// holds twice, or "".
func repeatedKey(m []core.Attr) string {
	for i := 0; i < len(m); i = record.Next(m, i) {
		for j := record.Next(m, i); j < len(m); j = record.Next(m, j) {
			if m[j].Key == m[i].Key {
				return m[i].Key
			}
		}
		if m[i].Kind == core.KindMap {
			if k := repeatedKey(record.Members(m, i)); k != "" {
				return k
			}
		}
	}
	return ""
}
