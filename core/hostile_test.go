package core_test

import (
	"bytes"
	"encoding/json"
	"runtime"
	"testing"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/hostile"
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
