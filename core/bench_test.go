package core

import (
	"bufio"
	"bytes"
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

func benchParse(b *testing.B, recs [][]byte) {
	p := testParser(b, Options{})
	n := 0
	for _, r := range recs {
		n += len(r)
	}
	b.SetBytes(int64(n / len(recs)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink, _ = p.Parse(recs[i%len(recs)])
	}
}

// BenchmarkParsePassMan: the audit lines of testdata (about 300 to 500 bytes
// each). Target: at most 1 µs and 3 allocations per line.
func BenchmarkParsePassMan(b *testing.B) { benchParse(b, records(b, "passman/audit.log")) }

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
