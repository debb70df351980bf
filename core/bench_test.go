package core

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
)

// sink keeps results alive so the compiler cannot drop the work.
var sink *Record

// records reads the records of a testdata file through the Splitter.
func records(b *testing.B, file string) [][]byte {
	b.Helper()
	in, err := os.ReadFile("../testdata/" + file)
	if err != nil {
		b.Fatal(err)
	}
	var recs [][]byte
	sp := NewSplitter(bytes.NewReader(in), 0)
	for {
		r, err := sp.Next()
		if err == io.EOF {
			break
		}
		recs = append(recs, append([]byte(nil), r...))
	}
	return recs
}

func benchParse(b *testing.B, recs [][]byte) { benchParseOpts(b, recs, Options{}) }

func benchParseOpts(b *testing.B, recs [][]byte, opts Options) {
	p := testParser(b, opts)
	n := 0
	for _, r := range recs {
		n += len(r)
	}
	b.SetBytes(int64(n / len(recs)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		sink, _ = p.Parse(recs[i%len(recs)])
	}
	// CPU time, which a busy machine inflates less than wall time (ns/op).
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(n/len(recs))*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
}

// BenchmarkParsePassMan: the audit lines of testdata (about 300 to 500 bytes
// each), as the appliance writes them (seed), and the same lines behind an
// RFC 5424 and an RFC 3164 header (tag[pid]). Targets: at most 1 µs and 3
// allocations per line; RFC 5424 within 10% of RFC 3164.
func BenchmarkParsePassMan(b *testing.B) {
	seed := records(b, "passman/audit.log")
	b.Run("seed", func(b *testing.B) { benchParse(b, seed) })
	b.Run("rfc5424", func(b *testing.B) {
		benchParse(b, reframe(seed, "<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 - - passman-audit(2301): "))
	})
	b.Run("rfc3164", func(b *testing.B) {
		benchParse(b, reframe(seed, "<134>Mar  5 10:16:02 pm-node1 passman-audit[2301]: "))
	})
}

// reframe puts each line's key = value pairs behind head.
func reframe(recs [][]byte, head string) [][]byte {
	var out [][]byte
	for _, r := range recs {
		if i := bytes.Index(r, []byte("): ")); i >= 0 {
			out = append(out, append([]byte(head), r[i+3:]...))
		}
	}
	return out
}

// BenchmarkParseCAPAM: summary records (target 600 ns, 2 allocations) and
// detailed records (target 2 µs).
func BenchmarkParseCAPAM(b *testing.B) {
	b.Run("summary", func(b *testing.B) { benchParse(b, records(b, "capam/summary.log")) })
	b.Run("detailed", func(b *testing.B) { benchParse(b, records(b, "capam/seed.log")) })
}

// BenchmarkParseNetwrix: single-line bunyan records. Target: 250 MB/s, at
// most one allocation per attribute emitted.
func BenchmarkParseNetwrix(b *testing.B) {
	b.Run("single-line", func(b *testing.B) { benchParse(b, records(b, "netwrix/bunyan.log")) })
	b.Run("pretty", func(b *testing.B) { benchParse(b, records(b, "netwrix/seed.log")) })
}

// BenchmarkParseSchema: the same records in each output schema, to compare
// the cost of the mapping (internal/schema/ecs, internal/schema/ocsf) with
// the OpenTelemetry record it starts from. Target: OCSF at most 1.5 times
// otel, no allocation added per record.
func BenchmarkParseSchema(b *testing.B) {
	for _, in := range []struct{ name, file string }{
		{"passman", "passman/audit.log"},
		{"capam", "capam/record-types.log"},
		{"netwrix", "netwrix/bunyan.log"},
	} {
		recs := records(b, in.file)
		for _, s := range []Schema{SchemaOTel, SchemaECS, SchemaOCSF} {
			b.Run(in.name+"/"+s.String(), func(b *testing.B) { benchParseOpts(b, recs, Options{Schema: s}) })
		}
	}
}

// BenchmarkSplitter: grouping lines into records.
func BenchmarkSplitter(b *testing.B) {
	var in []byte
	for _, f := range []string{"passman/audit.log", "capam/detailed.log", "netwrix/seed.log"} {
		d, err := os.ReadFile("../testdata/" + f)
		if err != nil {
			b.Fatal(err)
		}
		in = append(in, d...)
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	r := bytes.NewReader(in)
	for i := 0; i < b.N; i++ {
		r.Reset(in)
		sp := NewSplitter(bufio.NewReader(r), 0)
		for {
			if _, err := sp.Next(); err != nil {
				break
			}
		}
	}
}

// BenchmarkParseFields: how the cost grows with the number of fields, for a
// PassMan line and a Netwrix record of n fields besides the type or
// message (values of 12 bytes: the line grows about 25 bytes a field).
func BenchmarkParseFields(b *testing.B) {
	for _, n := range []int{4, 16, 64} {
		pm := []byte("2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = Login")
		nx := []byte(`{"name":"api","hostname":"h1","pid":412,"level":30,"msg":"token validate"`)
		for i := 0; i < n; i++ {
			pm = fmt.Appendf(pm, ", field_%02d = value-%06d", i, i)
			nx = fmt.Appendf(nx, `,"field%02d":"value-%06d"`, i, i)
		}
		nx = append(nx, '}')
		b.Run(fmt.Sprintf("passman/%d", n), func(b *testing.B) { benchParse(b, [][]byte{pm}) })
		b.Run(fmt.Sprintf("netwrix/%d", n), func(b *testing.B) { benchParse(b, [][]byte{nx}) })
	}
}
