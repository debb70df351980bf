package ocsf_test

import (
	"testing"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/parsetest"
	"github.com/pamaudit/pamaudit/internal/schema/ocsf"
	"github.com/pamaudit/pamaudit/record"
)

// Every record of every input, hostile ones included, is a valid OCSF
// event, with and without the original text.
func TestHostileEventsValid(t *testing.T) {
	for _, noOriginal := range []bool{false, true} {
		opts := core.Options{Schema: core.SchemaOCSF, NoOriginal: noOriginal}
		parsetest.EachRecord(t, "../../..", opts, func(in string, n int, rec *record.Record, doc map[string]any) {
			for _, e := range ocsf.Validate(doc) {
				t.Errorf("%s record %d: %s", in, n, e)
			}
			if _, ok := doc["raw_data"]; ok == noOriginal && !rec.HasMessage {
				t.Errorf("%s record %d: raw_data %v with no_original %v", in, n, ok, noOriginal)
			}
		})
	}
}

// Every OCSF golden event is valid.
func TestGoldenEventsValid(t *testing.T) {
	parsetest.GoldenDocs(t, "../../../testdata/*/*.ocsf.ndjson", func(at string, ev map[string]any) {
		for _, e := range ocsf.Validate(ev) {
			t.Errorf("%s: %s", at, e)
		}
	})
}
