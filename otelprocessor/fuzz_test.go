package otelprocessor

import (
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/pamaudit/pamaudit/internal/testutil"
	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
	"github.com/pamaudit/pamaudit/record"
)

// FuzzProcessRecord: any text, as a string or map body, gives one record
// that keeps the text (or its redacted form) and carries error.type when it
// failed, deterministically.
func FuzzProcessRecord(f *testing.F) {
	for _, line := range testutil.GoldenLogLines(f, filepath.Join("..", "testdata")) {
		f.Add(line, false)
	}
	f.Add("garbage password=hunter2", true)
	p, err := newLogsProcessor(processortest.NewNopSettings(metadata.Type), createDefaultConfig(), testNow)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, mapBody bool) {
		run := func() plog.LogRecord {
			lr := plog.NewLogRecord()
			if mapBody {
				m := lr.Body().SetEmptyMap()
				m.PutStr("log", text)
				m.PutStr("stream", "stdout")
			} else {
				lr.Body().SetStr(text)
			}
			w := <-p.workers
			defer func() { p.workers <- w }()
			n := &w.n
			n.reset()
			failed := p.processRecord(w, lr, n)
			total := int64(0)
			for f := range n.parsed {
				total += n.parsed[f]
				for _, c := range n.failed[f] {
					total += c
				}
			}
			if text != "" && total != 1 {
				t.Fatalf("counted %d records", total)
			}
			et, hasErr := lr.Attributes().Get(record.AttrErrorType)
			if failed != hasErr || (hasErr && et.Str() == "") {
				t.Fatalf("failed %v, error.type %v", failed, et.AsString())
			}
			if text != "" && lr.EventName() == "" {
				// Unparsed: the text stays, redacted when it held secrets.
				body := lr.Body().AsString()
				if !strings.Contains(body, "stream") && mapBody || body == "" {
					t.Fatalf("text lost: %q", body)
				}
			}
			return lr
		}
		a, b := run(), run()
		if !equalRecords(a, b) {
			t.Fatal("not deterministic")
		}
		var m plog.JSONMarshaler
		ld := plog.NewLogs()
		a.CopyTo(ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
		out, _ := m.MarshalLogs(ld)
		if strings.Contains(text, "password=hunter2") {
			// The planted secret, under a secret name: never in clear,
			// wherever else it stands. (Other words of the text are not
			// secrets: the hostile corpus's values, which the fuzzer
			// splices in as free text, may stay.)
			if i := strings.Index(string(out), "hunter2"); i >= 0 {
				t.Fatalf("the secret in clear: …%s…", out[max(0, i-60):min(len(out), i+27)])
			}
		}
	})
}

func equalRecords(a, b plog.LogRecord) bool {
	a.SetObservedTimestamp(pcommon.Timestamp(0))
	b.SetObservedTimestamp(pcommon.Timestamp(0))
	return a.Body().AsString() == b.Body().AsString() && a.EventName() == b.EventName() &&
		a.Timestamp() == b.Timestamp() && a.Attributes().Len() == b.Attributes().Len()
}
