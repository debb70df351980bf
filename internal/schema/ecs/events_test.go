package ecs_test

import (
	"testing"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/parsetest"
	"github.com/pamaudit/pamaudit/internal/schema/ecs"
	"github.com/pamaudit/pamaudit/record"
)

// Every record of every input, hostile ones included, is a valid ECS
// document, with and without the original text.
func TestHostileDocumentsValid(t *testing.T) {
	for _, noOriginal := range []bool{false, true} {
		opts := core.Options{Schema: core.SchemaECS, NoOriginal: noOriginal}
		parsetest.EachRecord(t, "../../..", opts, func(in string, n int, rec *record.Record, doc map[string]any) {
			for _, e := range ecs.Validate(doc) {
				t.Errorf("%s record %d: %s", in, n, e)
			}
			if _, ok := doc["event.original"]; ok && noOriginal {
				t.Errorf("%s record %d: event.original with no_original", in, n)
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
