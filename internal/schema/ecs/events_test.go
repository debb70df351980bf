package ecs_test

import (
	"encoding/json"
	"testing"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/parsetest"
	"github.com/pamaudit/pamaudit/internal/parsetest/coretest"
	"github.com/pamaudit/pamaudit/internal/schema/ecs"
	"github.com/pamaudit/pamaudit/record"
)

// Every record of every input, hostile ones included, is a valid ECS
// document, with its related fields and event.original; with and without
// the original text.
func TestHostileDocumentsValid(t *testing.T) {
	mappers := map[bool]*ecs.Mapper{true: ecs.New(ecs.Options{KeepOriginal: true}), false: ecs.New(ecs.Options{})}
	for _, noOriginal := range []bool{false, true} {
		opts := core.Options{NoOriginal: noOriginal}
		coretest.EachRecord(t, "../../..", opts, func(in string, n int, rec *record.Record, _ map[string]any) {
			var doc map[string]any
			if err := json.Unmarshal(mappers[!noOriginal].Map(rec).AppendJSON(nil), &doc); err != nil {
				t.Fatalf("%s record %d: %v", in, n, err)
			}
			for _, e := range ecs.Validate(doc) {
				t.Errorf("%s record %d: %s", in, n, e)
			}
			for _, e := range ecs.Related(rec, doc, !noOriginal && rec.EventName != "") {
				t.Errorf("%s record %d: %s", in, n, e)
			}
		})
	}
}

// Every ECS golden document is valid.
func TestGoldenDocumentsValid(t *testing.T) {
	parsetest.GoldenDocs(t, "../../../testdata/*/*.ecs.ndjson", func(at string, doc map[string]any) {
		for _, e := range ecs.Validate(doc) {
			t.Errorf("%s: %s", at, e)
		}
	})
}
