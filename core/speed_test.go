package core

import (
	"syscall"
	"testing"
	"time"
)

// BenchmarkSchemaSpeed compares the CPU time of parsing in each schema:
// the same records, the schemas interleaved in blocks of 1,000 records, so
// that a loaded machine slows every schema alike (BenchmarkParseSchema's
// wall-clock figures, taken one schema after the other, are not comparable
// there). An op is one record parsed in each of the three schemas; it
// reports each schema's CPU nanoseconds per record (otel-cpu-ns/rec, ...)
// and ecs/otel and ocsf/otel, the ratios docs/performance.md gives. It sets
// no target: a timed figure is measured, not asserted.
func BenchmarkSchemaSpeed(b *testing.B) {
	schemas := []Schema{SchemaOTel, SchemaECS, SchemaOCSF}
	for _, in := range []struct{ name, file string }{
		{"passman", "passman/audit.log"},
		{"capam", "capam/record-types.log"},
		{"netwrix", "netwrix/bunyan.log"},
	} {
		recs := records(b, in.file)
		b.Run(in.name, func(b *testing.B) {
			parsers := make([]*Parser, len(schemas))
			for i, s := range schemas {
				p, err := NewParser(Options{Schema: s})
				if err != nil {
					b.Fatal(err)
				}
				parsers[i] = p
			}
			var cpu [3]time.Duration
			b.ResetTimer()
			for done := 0; done < b.N; {
				block := min(1000, b.N-done)
				for i, p := range parsers {
					start := cpuTime()
					for n := done; n < done+block; n++ {
						sink, _ = p.Parse(recs[n%len(recs)])
					}
					cpu[i] += cpuTime() - start
				}
				done += block
			}
			for i, s := range schemas {
				b.ReportMetric(float64(cpu[i])/float64(b.N), s.String()+"-cpu-ns/rec")
			}
			if cpu[0] > 0 {
				b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "ecs/otel")
				b.ReportMetric(float64(cpu[2])/float64(cpu[0]), "ocsf/otel")
			}
		})
	}
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
