package ocsf_test

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/schema/ecs"
	"github.com/pamaudit/pamaudit/internal/schema/ocsf"
	"github.com/pamaudit/pamaudit/record"
)

var sink *record.Record

// otelRecords parses a testdata file to records in the OpenTelemetry
// schema, each copied out of the parser.
func otelRecords(b *testing.B, file string) []*record.Record {
	in, err := os.ReadFile("../../../testdata/" + file)
	if err != nil {
		b.Fatal(err)
	}
	p, _ := core.NewParser(core.Options{Now: func() time.Time { return time.Unix(0, 0) }})
	sp := core.NewSplitter(bytes.NewReader(in), 0)
	var recs []*record.Record
	for {
		text, err := sp.Next()
		if err == io.EOF {
			return recs
		}
		r, _ := p.Parse(text)
		c := *r
		c.Attrs = append([]record.Attr(nil), r.Attrs...)
		recs = append(recs, &c)
	}
}

// BenchmarkMap: the mapping alone, per record, on records the products
// built (BenchmarkParseSchema in core compares it with parsing).
func BenchmarkMap(b *testing.B) {
	for _, file := range []string{"passman/audit.log", "capam/record-types.log", "netwrix/bunyan.log"} {
		recs := otelRecords(b, file)
		o, e := ocsf.New(ocsf.Options{KeepOriginal: true}), ecs.New(ecs.Options{KeepOriginal: true})
		b.Run(file+"/ocsf", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				sink = o.Map(recs[i%len(recs)])
			}
		})
		b.Run(file+"/ecs", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				sink = e.Map(recs[i%len(recs)])
			}
		})
	}
}
