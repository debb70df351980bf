package otelprocessor

import (
	"context"
	"syscall"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
	"github.com/pamaudit/pamaudit/record"
)

// The floor of the processor's job: the finished records written into
// pdata with no parsing at all. scripts/bench-floor.sh runs
// BenchmarkProcessorInput, BenchmarkProcessor and BenchmarkProcessorFloor
// for two run lengths each and reports, per product, the processor's CPU
// time per record over the floor's, each less the input's. The floor is
// defined once, here, so that it cannot be made heavier to flatter the
// ratio: per record the time, severity, event name and attributes, with
// EnsureCapacity and one Put* per attribute, nothing else.
// BenchmarkProcessorVsFloor measures the same in one process.

// finished is one record as the parser finished it, kept for the floor.
type finished struct {
	time    pcommon.Timestamp
	sev     plog.SeverityNumber
	sevText string
	event   string
	attrs   []record.Attr
	hasTime bool
	parsed  bool // false: only the error attributes
}

// processorParser is a parser with the processor's default settings.
func processorParser(b testing.TB) *core.Parser {
	s, err := createDefaultConfig().settings(testNow)
	if err != nil {
		b.Fatal(err)
	}
	return s.parser.NewParser()
}

// finishedRecords parses every record of ld once, as the processor does
// (ParseString, default settings), and keeps copies of what it finished:
// for a record nothing parsed, only its error.type and error.message, all
// the processor adds to one.
func finishedRecords(b testing.TB, ld plog.Logs) []finished {
	parser := processorParser(b)
	lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	out := make([]finished, lrs.Len())
	var uid core.UIDer
	for i := range out {
		text := lrs.At(i).Body().Str()
		rec, _ := parser.ParseString(text)
		if rec.EventName == "" {
			// Nothing parsed it: the processor writes only the error.
			var errs []record.Attr
			for _, a := range rec.Attrs {
				if a.Key == record.AttrErrorType || a.Key == record.AttrErrorMessage {
					errs = append(errs, a)
				}
			}
			out[i] = finished{attrs: errs}
			continue
		}
		out[i] = finished{
			parsed: true, time: pcommon.NewTimestampFromTime(rec.Time), hasTime: !rec.Time.IsZero(),
			sev: plog.SeverityNumber(rec.SeverityNumber), sevText: rec.SeverityText,
			event: rec.EventName, attrs: append([]record.Attr(nil), rec.Attrs...),
		}
		// The record's identity is part of the record the processor
		// writes (the batches carry no file offset: the stream's).
		out[i].attrs = append(out[i].attrs, record.Attr{Key: record.AttrLogRecordUID, Kind: record.KindString, Str: uid.Stream(nil, parser.IdentityText(text))})
	}
	return out
}

// writeFloor writes the finished records into the batch's log records.
func writeFloor(ld plog.Logs, recs []finished) {
	lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	for i := 0; i < lrs.Len(); i++ {
		writeOne(lrs.At(i), &recs[i])
	}
}

// writeOne writes one finished record into lr.
func writeOne(lr plog.LogRecord, f *finished) {
	if f.hasTime {
		lr.SetTimestamp(f.time)
	}
	if f.parsed {
		lr.SetSeverityNumber(f.sev)
		lr.SetSeverityText(f.sevText)
		lr.SetEventName(f.event)
	}
	attrs := lr.Attributes()
	attrs.EnsureCapacity(attrs.Len() + record.Len(f.attrs))
	putFloor(attrs, f.attrs)
}

// putFloor puts each attribute of the flat map m with one Put*.
func putFloor(m pcommon.Map, attrs []record.Attr) {
	for i := 0; i < len(attrs); i = record.Next(attrs, i) {
		a := &attrs[i]
		switch a.Kind {
		case record.KindInt:
			m.PutInt(a.Key, a.Int)
		case record.KindBool:
			m.PutBool(a.Key, a.Bool)
		case record.KindStrings:
			s := m.PutEmptySlice(a.Key)
			s.EnsureCapacity(len(a.Strs))
			for _, v := range a.Strs {
				s.AppendEmpty().SetStr(v)
			}
		case record.KindMap:
			inner := m.PutEmptyMap(a.Key)
			members := record.Members(attrs, i)
			inner.EnsureCapacity(record.Len(members))
			putFloor(inner, members)
		default:
			m.PutStr(a.Key, a.Str)
		}
	}
}

// cpuBatches runs fn on b.N fresh copies of ld and reports, beside ns/op
// (fn alone), the CPU time of the whole process (user and system, every
// thread: the collector's marking too) per record, the copies included;
// scripts/bench-floor.sh subtracts BenchmarkProcessorInput's.
func cpuBatches(b *testing.B, ld plog.Logs, fn func(plog.Logs)) {
	b.SetBytes(int64(plogSize(ld)))
	b.ReportAllocs()
	cpu0 := processCPU(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		in := plog.NewLogs()
		ld.CopyTo(in)
		b.StartTimer()
		fn(in)
	}
	b.StopTimer()
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N*ld.LogRecordCount()), "cpu-ns/record")
}

// processCPU is the process's user and system time so far, in ns.
func processCPU(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkProcessorFloor: the finished records of BenchmarkProcessor's
// batches written into fresh copies of them, no parsing.
func BenchmarkProcessorFloor(b *testing.B) {
	for _, prod := range benchProducts {
		b.Run(prod.name, func(b *testing.B) {
			ld, recs := floorBatch(b, prod.files)
			cpuBatches(b, ld, func(in plog.Logs) { writeFloor(in, recs) })
		})
	}
}

// BenchmarkProcessorInput: only the fresh copies every benchmark here
// makes, whose cost scripts/bench-floor.sh subtracts.
func BenchmarkProcessorInput(b *testing.B) {
	for _, prod := range benchProducts {
		b.Run(prod.name, func(b *testing.B) {
			cpuBatches(b, batch(b, prod.files, 1000), func(plog.Logs) {})
		})
	}
}

// floorBatch is the batch of 1000 records of files with its finished
// records, the floor checked against the processor on it.
func floorBatch(b testing.TB, files []string) (plog.Logs, []finished) {
	ld := batch(b, files, 1000)
	recs := finishedRecords(b, ld)
	checkFloor(b, ld, recs)
	return ld, recs
}

// checkFloor holds the floor to the processor: the same time, severity,
// event name and attributes on every record of a batch.
func checkFloor(b testing.TB, ld plog.Logs, recs []finished) {
	floor, proc := plog.NewLogs(), plog.NewLogs()
	ld.CopyTo(floor)
	ld.CopyTo(proc)
	writeFloor(floor, recs)
	p, err := newLogsProcessor(processortest.NewNopSettings(metadata.Type), createDefaultConfig(), testNow)
	if err != nil {
		b.Fatal(err)
	}
	defer p.shutdown(context.Background())
	if _, err := p.processLogs(context.Background(), proc); err != nil {
		b.Fatal(err)
	}
	fl := floor.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	pl := proc.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	for i := 0; i < fl.Len(); i++ {
		f, q := fl.At(i), pl.At(i)
		if f.Timestamp() != q.Timestamp() || f.SeverityNumber() != q.SeverityNumber() ||
			f.SeverityText() != q.SeverityText() || f.EventName() != q.EventName() ||
			!f.Attributes().Equal(q.Attributes()) {
			b.Fatalf("record %d: the floor wrote %v, the processor %v", i, f.Attributes().AsRaw(), q.Attributes().AsRaw())
		}
	}
}

// BenchmarkProcessorVsFloor: the processor, the floor, the parse alone and
// the parse and the floor's write record by record, on the same batches in
// one process, interleaved batch by batch (the order alternates), each timed alone by the process's CPU time around it: a
// busy machine slows both alike, so the ratio holds steadier than that of
// separate runs (scripts/bench-floor.sh). The copies are made outside the
// timed parts; the collector's work they cause falls where it runs.
func BenchmarkProcessorVsFloor(b *testing.B) {
	for _, prod := range benchProducts {
		b.Run(prod.name, func(b *testing.B) {
			ld, recs := floorBatch(b, prod.files)
			p := start(b, newFactory(testNow), createDefaultConfig())
			ctx := context.Background()
			timed := func(fn func(plog.Logs)) int64 {
				in := plog.NewLogs()
				ld.CopyTo(in)
				t0 := processCPU(b)
				fn(in)
				return processCPU(b) - t0
			}
			consume := func(in plog.Logs) {
				if err := p.ConsumeLogs(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
			floor := func(in plog.Logs) { writeFloor(in, recs) }
			// The parse alone, in the same conditions: what of the
			// processor's time above the floor is the parser's.
			parser := processorParser(b)
			parse := func(in plog.Logs) {
				otlptest.ForEach(in, func(lr plog.LogRecord) { _, _ = parser.ParseString(lr.Body().Str()) })
			}
			// The parse and the floor's write record by record, as the
			// processor interleaves them: against parse + floor, what the
			// interleaving costs (each evicts the other's data from the
			// caches); against the processor, what the processor adds.
			both := func(in plog.Logs) {
				lrs := in.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
				for i := 0; i < lrs.Len(); i++ {
					lr := lrs.At(i)
					_, _ = parser.ParseString(lr.Body().Str())
					writeOne(lr, &recs[i])
				}
			}
			var procCPU, floorCPU, parseCPU, bothCPU int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i%2 == 0 {
					procCPU += timed(consume)
					floorCPU += timed(floor)
					parseCPU += timed(parse)
					bothCPU += timed(both)
				} else {
					bothCPU += timed(both)
					parseCPU += timed(parse)
					floorCPU += timed(floor)
					procCPU += timed(consume)
				}
			}
			n := float64(b.N * ld.LogRecordCount())
			b.ReportMetric(float64(procCPU)/n, "processor-cpu-ns/record")
			b.ReportMetric(float64(parseCPU)/n, "parse-cpu-ns/record")
			b.ReportMetric(float64(bothCPU)/n, "parse+floor-cpu-ns/record")
			b.ReportMetric(float64(floorCPU)/n, "floor-cpu-ns/record")
			b.ReportMetric(float64(procCPU)/float64(floorCPU), "processor/floor")
		})
	}
}

// TestFloorIsTheProcessorsOutput keeps the floor's definition true in
// make test (benchmarks do not run there): on every product's batch the
// floor writes what the processor writes (checkFloor), so a field the
// processor gains cannot leave BenchmarkProcessorFloor measuring less.
func TestFloorIsTheProcessorsOutput(t *testing.T) {
	for _, prod := range benchProducts {
		t.Run(prod.name, func(t *testing.T) { floorBatch(t, prod.files) })
	}
}
