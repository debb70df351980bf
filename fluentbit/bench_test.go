package main

import (
	"io"
	"sync"
	"testing"

	"github.com/fluent/fluent-bit-go/output"

	"github.com/pamaudit/pamaudit/core"
)

// benchChunk makes a chunk of n records cycling through a product's records.
func benchChunk(b *testing.B, file string, n int) []byte {
	_, texts := testdataChunk(b, file)
	var chunk []byte
	for i := 0; i < n; i++ {
		chunk = append(chunk, event(chunkTime, kv{"log", texts[i%len(texts)]}, kv{"stream", "stdout"})...)
	}
	return chunk
}

var benchFiles = []struct{ name, file string }{
	{"passman", "passman/audit.log"},
	{"capam", "capam/summary.log"},
	{"netwrix", "netwrix/bunyan.log"},
}

// discard counts records and drops them.
type discard struct{ n int }

func (d *discard) add(*core.Record, []core.Attr) { d.n++ }

// BenchmarkFlush: a 1000-record chunk through decode, parse and conversion.
// "records" delivers to a sink that drops them; "otlp" builds the OTLP
// request (pdata) the otlp output sends; "ndjson" renders what stdout prints.
// Target: 500,000 records/s per core for PassMan and CA PAM.
func BenchmarkFlush(b *testing.B) {
	for _, f := range benchFiles {
		chunk := benchChunk(b, f.file, 1000)
		cfg := testConfig(b, nil)
		conv, err := newConverter(cfg)
		if err != nil {
			b.Fatal(err)
		}
		for _, out := range []string{"records", "otlp", "ndjson"} {
			b.Run(f.name+"/"+out, func(b *testing.B) {
				b.SetBytes(int64(len(chunk)))
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					var s sink
					switch out {
					case "records":
						s = &discard{}
					case "otlp":
						s = newOTLPSink()
					default:
						s = &jsonSink{buf: make([]byte, 0, 2*len(chunk))}
					}
					conv.convertChunk(chunk, "t", s)
					if js, ok := s.(*jsonSink); ok {
						_, _ = io.Discard.Write(js.buf)
					}
				}
				b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}

// benchDecode runs decode over each product's 1000-record chunk.
func benchDecode(b *testing.B, decode func(b *testing.B, chunk []byte)) {
	for _, f := range benchFiles {
		chunk := benchChunk(b, f.file, 1000)
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(chunk)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				decode(b, chunk)
			}
			b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkFluentBitGoDecoder: the same chunks through fluent-bit-go's
// decoder alone (no parsing), for comparison with our decoder.
func BenchmarkFluentBitGoDecoder(b *testing.B) {
	benchDecode(b, func(b *testing.B, chunk []byte) {
		dec := output.NewDecoder(unsafePointer(chunk), len(chunk))
		n := 0
		for {
			ret, _, rec := output.GetRecord(dec)
			if ret != 0 {
				break
			}
			_ = rec["log"]
			n++
		}
		if n != 1000 {
			b.Fatalf("%d records", n)
		}
	})
}

// BenchmarkDecoder: our decoder alone, walking every event and key.
func BenchmarkDecoder(b *testing.B) {
	benchDecode(b, func(b *testing.B, chunk []byte) {
		r := mpReader{buf: chunk}
		for r.pos < len(chunk) {
			if err := r.skip(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Concurrent flushes of one instance (Fluent Bit workers) share nothing
// unsafely: run with -race (make test does). The race detector cannot load
// inside a dlopen'ed .so, so this drives the same flush path from Go.
func TestConcurrentFlush(t *testing.T) {
	in, err := newInstance("race", func(k string) string { return map[string]string{"output": "stdout"}[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	chunk, _ := testdataChunk(t, "passman/audit.log", "capam/summary.log", "netwrix/bunyan.log")
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if r := in.flush(chunk, "t"); r != flbOK {
					t.Errorf("flush: %d", r)
				}
			}
		}()
	}
	wg.Wait()
}
