package otelprocessor

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/hostile"
	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
)

// Every input, hostile ones included, through the processor with on_error
// keep: every record passes on, and no secret leaves in clear.
func TestHostileProcessor(t *testing.T) {
	for _, in := range hostile.Inputs(t, filepath.Join("..")) {
		t.Run(in.Name, func(t *testing.T) {
			ld := plog.NewLogs()
			lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
			sp := core.NewSplitter(bytes.NewReader(in.Data), 0)
			for {
				text, err := sp.Next()
				if err == io.EOF {
					break
				}
				lrs.AppendEmpty().Body().SetStr(string(text))
			}
			n := lrs.Len()
			p, sink := newProcessor(t, createDefaultConfig(), processortest.NewNopSettings(metadata.Type))
			if err := p.ConsumeLogs(context.Background(), ld); err != nil {
				t.Fatal(err)
			}
			got := sink.AllLogs()[0]
			if got.LogRecordCount() != n {
				t.Fatalf("%d records out, %d in", got.LogRecordCount(), n)
			}
			var m plog.JSONMarshaler
			out, err := m.MarshalLogs(got)
			if err != nil {
				t.Fatal(err)
			}
			hostile.CheckNoSecret(t, in.Name, out)
		})
	}
}
