package ocsf_test

import (
	"encoding/json"
	"testing"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/parsetest"
	"github.com/pamaudit/pamaudit/internal/parsetest/coretest"
	"github.com/pamaudit/pamaudit/internal/schema/ocsf"
	"github.com/pamaudit/pamaudit/record"
)

// Every record of every input, hostile ones included, is a valid OCSF
// event, with the recommended attributes whose data the record has and its
// users in their roles; with and without the original text, with and
// without the captions.
func TestHostileEventsValid(t *testing.T) {
	type variant struct {
		name string
		opts ocsf.Options
		m    *ocsf.Mapper
	}
	var variants []variant
	for _, o := range []ocsf.Options{{KeepOriginal: true}, {}, {KeepOriginal: true, NoCaptions: true}} {
		variants = append(variants, variant{name: optsName(o), opts: o, m: ocsf.New(o)})
	}
	coretest.EachRecord(t, "../../..", core.Options{}, func(in string, n int, rec *record.Record, _ map[string]any) {
		for _, v := range variants {
			var doc map[string]any
			if err := json.Unmarshal(v.m.Map(rec).AppendJSON(nil), &doc); err != nil {
				t.Fatalf("%s record %d: %v", in, n, err)
			}
			for _, e := range ocsf.Validate(doc) {
				t.Errorf("%s record %d (%s): %s", in, n, v.name, e)
			}
			for _, e := range ocsf.Recommended(rec, doc) {
				t.Errorf("%s record %d (%s): %s", in, n, v.name, e)
			}
			_, raw := doc["raw_data"]
			if u, ok := doc["unmapped"].(map[string]any); ok && u[record.AttrLogRecordOriginal] != nil {
				raw = true // longer than OCSF's strings
			}
			if raw != v.opts.KeepOriginal && !rec.HasMessage {
				t.Errorf("%s record %d: raw_data %v with keep_original %v", in, n, raw, v.opts.KeepOriginal)
			}
		}
	})
}

func optsName(o ocsf.Options) string {
	s := "original"
	if !o.KeepOriginal {
		s = "no original"
	}
	if o.NoCaptions {
		s += ", no captions"
	}
	return s
}

// Every OCSF golden event is valid.
func TestGoldenEventsValid(t *testing.T) {
	parsetest.GoldenDocs(t, "../../../testdata/*/*.ocsf.ndjson", func(at string, ev map[string]any) {
		for _, e := range ocsf.Validate(ev) {
			t.Errorf("%s: %s", at, e)
		}
	})
}
