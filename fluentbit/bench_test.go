package main

import (
	"io"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

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

// BenchmarkFlush: a 1000-record chunk through decode, parse and conversion,
// in the buffers the outputs reuse from flush to flush. "records" delivers
// to a sink that drops them; "otlp" builds the OTLP/HTTP request body the
// otlp output sends (protobuf, before compression); "otlp-gzip" gzips it
// too (the otlp output's default); "ndjson" renders what stdout prints.
// records/cpu-s counts the process's CPU time, the cost per core.
// Targets: otlp 500,000 records/cpu-s for PassMan and CA PAM, 200,000 for
// Netwrix (docs/performance.md).
func BenchmarkFlush(b *testing.B) {
	for _, f := range benchFiles {
		chunk := benchChunk(b, f.file, 1000)
		cfg := testConfig(b, nil)
		conv, err := newConverter(cfg)
		if err != nil {
			b.Fatal(err)
		}
		for _, out := range []string{"records", "otlp", "otlp-gzip", "ndjson"} {
			b.Run(f.name+"/"+out, func(b *testing.B) {
				b.SetBytes(int64(len(chunk)))
				b.ReportAllocs()
				sc := &conv.scratch
				cpu := cpuTime()
				for i := 0; i < b.N; i++ {
					switch out {
					case "records":
						conv.convertChunk(chunk, "t", &discard{})
					case "otlp", "otlp-gzip":
						sc.proto.reset()
						conv.convertChunk(chunk, "t", &sc.proto)
						sc.body = sc.proto.appendRequest(sc.body[:0])
						if out == "otlp-gzip" {
							sc.gzip(sc.body)
						}
					default:
						s := &jsonSink{buf: sc.json[:0]}
						conv.convertChunk(chunk, "t", s)
						_, _ = io.Discard.Write(s.buf)
						sc.json = s.buf
					}
				}
				reportRate(b, 1000, cpu)
			})
		}
	}
}

// BenchmarkFlushKubernetes: the otlp request of a 1000-record PassMan chunk
// whose records carry the kubernetes filter's map, three pods interleaved,
// so the request has a ResourceLogs per pod.
func BenchmarkFlushKubernetes(b *testing.B) {
	_, texts := testdataChunk(b, "passman/audit.log")
	var chunk []byte
	for i := 0; i < 1000; i++ {
		pod := podMeta("passman-" + strconv.Itoa(i%3))
		chunk = append(chunk, event(chunkTime, kv{"log", texts[i%len(texts)]}, kv{"stream", "stdout"}, pod)...)
	}
	conv, err := newConverter(testConfig(b, nil))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	sc := &conv.scratch
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		sc.proto.reset()
		conv.convertChunk(chunk, "t", &sc.proto)
		sc.body = sc.proto.appendRequest(sc.body[:0])
	}
	reportRate(b, 1000, cpu)
}

// benchDecode runs decode over each product's 1000-record chunk.
func benchDecode(b *testing.B, decode func(b *testing.B, chunk []byte)) {
	for _, f := range benchFiles {
		chunk := benchChunk(b, f.file, 1000)
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(chunk)))
			b.ReportAllocs()
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				decode(b, chunk)
			}
			reportRate(b, 1000, cpu)
		})
	}
}

// cpuTime is the process's CPU time so far, user and system, every thread
// (the garbage collector's too).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRate reports records/s of wall time and records/cpu-s, records per
// second of the process's CPU time since since: the cost per core, which a
// busy machine does not inflate as it does wall time.
func reportRate(b *testing.B, perOp int, since time.Duration) {
	n := float64(b.N) * float64(perOp)
	b.ReportMetric(n/b.Elapsed().Seconds(), "records/s")
	if cpu := cpuTime() - since; cpu > 0 {
		b.ReportMetric(n/cpu.Seconds(), "records/cpu-s")
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
