package core

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// TestSchemaSpeed compares the CPU time of parsing in each schema, the
// same records in interleaved rounds, so a loaded machine slows every
// schema alike (wall-clock benchmarks are not comparable there). It runs
// only with PAMAUDIT_SPEED=1 and fails when OCSF or ECS takes more than 1.5
// times the OpenTelemetry schema's time.
func TestSchemaSpeed(t *testing.T) {
	if os.Getenv("PAMAUDIT_SPEED") == "" {
		t.Skip("PAMAUDIT_SPEED=1 runs it")
	}
	for _, file := range []string{"passman/audit.log", "capam/record-types.log", "netwrix/bunyan.log"} {
		recs := speedRecords(t, file)
		schemas := []Schema{SchemaOTel, SchemaECS, SchemaOCSF}
		parsers := make([]*Parser, len(schemas))
		for i, s := range schemas {
			parsers[i] = testParser(t, Options{Schema: s})
		}
		var cpu [3]time.Duration
		const rounds, per = 20, 20000
		for r := 0; r < rounds; r++ {
			for i, p := range parsers {
				start := cpuTime()
				for n := 0; n < per; n++ {
					sink, _ = p.Parse(recs[n%len(recs)])
				}
				cpu[i] += cpuTime() - start
			}
		}
		base := float64(cpu[0]) / (rounds * per)
		for i, s := range schemas {
			ns := float64(cpu[i]) / (rounds * per)
			t.Logf("%s %s: %.0f ns/record CPU, %.2fx otel", file, s, ns, ns/base)
			if ns/base > 1.5 {
				t.Errorf("%s %s: %.2fx the otel schema's CPU time", file, s, ns/base)
			}
		}
	}
}

func speedRecords(t *testing.T, file string) [][]byte {
	var recs [][]byte
	testing.Benchmark(func(b *testing.B) { recs = records(b, file) })
	if len(recs) == 0 {
		t.Fatal("no records in " + file)
	}
	return recs
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
