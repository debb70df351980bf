package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/otelprocessor"
	"github.com/pamaudit/pamaudit/record"
)

// uidSink keeps the identity of each record.
type uidSink []string

func (s *uidSink) add(rec *core.Record, _ []core.Attr) {
	a, _ := rec.Get(record.AttrLogRecordUID)
	*s = append(*s, a.Str)
}

// processorUIDs are the identities the collector processor, with its
// default settings, gives ld's records.
func processorUIDs(t *testing.T, ld plog.Logs) []string {
	t.Helper()
	f := otelprocessor.NewFactory()
	sink := new(consumertest.LogsSink)
	p, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), f.CreateDefaultConfig(), sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ConsumeLogs(context.Background(), ld); err != nil {
		t.Fatal(err)
	}
	var uids []string
	otlptest.ForEach(sink.AllLogs()[0], func(lr plog.LogRecord) { uids = append(uids, otlptest.UID(lr, "otel")) })
	return uids
}

// The collector processor and the plugin give one record the same identity
// (docs/contract.md, Record identity): a file's line by its path, offset
// and text, as filelog (include_file_record_offset) and tail (path_key
// log.file.path, offset_key log.file.record_offset) pass them; a syslog
// message by its text and the header the pipeline read (the collector's
// syslog receiver, Fluent Bit's syslog input). Two identical lines at two
// offsets are two records.
func TestUIDFaces(t *testing.T) {
	const (
		line = "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = 18734, type = Login, user_upn = alice@corp.example, user_address = 10.0.0.15, business_result = failure"
		msg  = "passman-audit(2301): id = 18735, type = Login, user_upn = alice@corp.example, user_address = 10.0.0.15, business_result = failure"
		path = "/var/log/pods/pam_passman-0_5f0d1c2e/passman/0.log"
	)
	second := int64(len(line) + 1)
	sent := time.Date(2026, 3, 5, 10, 16, 3, 0, time.UTC)
	var u core.UIDer
	want := []string{
		u.File(path, 0, line),
		u.File(path, second, line),
		u.Stream(&core.Header{Host: "pm-node1", App: "passman", PID: "2301", Time: sent}, msg),
	}
	if want[0] == want[1] {
		t.Fatal("two lines at two offsets have one identity")
	}

	// The processor, as filelog and the syslog receiver hand it records.
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for _, off := range []int64{0, second} {
		lr := lrs.AppendEmpty()
		lr.Body().SetStr(line)
		lr.Attributes().PutStr(record.AttrLogFilePath, path)
		lr.Attributes().PutInt(record.AttrLogFileRecordOffset, off)
	}
	lr := lrs.AppendEmpty()
	lr.Body().SetStr(msg)
	lr.SetTimestamp(pcommon.NewTimestampFromTime(sent))
	for k, v := range map[string]string{"hostname": "pm-node1", "appname": "passman", "proc_id": "2301"} {
		lr.Attributes().PutStr(k, v)
	}
	fromProcessor := processorUIDs(t, ld)

	// The plugin, as tail and the syslog input hand it records.
	chunk := event(chunkTime, kv{"log", line}, kv{record.AttrLogFilePath, path}, kv{record.AttrLogFileRecordOffset, 0})
	chunk = append(chunk, event(chunkTime, kv{"log", line}, kv{record.AttrLogFilePath, path}, kv{record.AttrLogFileRecordOffset, int(second)})...)
	chunk = append(chunk, event(sent, kv{"message", msg}, kv{"host", "pm-node1"}, kv{"ident", "passman"}, kv{"pid", "2301"})...)
	conv, err := newConverter(testConfig(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	var fromPlugin uidSink
	conv.convertChunk(chunk, "pam", &fromPlugin)

	for i := range want {
		if i >= len(fromProcessor) || i >= len(fromPlugin) {
			t.Fatalf("records: processor %d, plugin %d, want %d", len(fromProcessor), len(fromPlugin), len(want))
		}
		if fromProcessor[i] != want[i] || fromPlugin[i] != want[i] {
			t.Errorf("record %d: processor %q, plugin %q, want %q", i+1, fromProcessor[i], fromPlugin[i], want[i])
		}
	}
}

// A record that held secrets has the identity of its text with them
// redacted, in both faces: the same line with another password is the same
// identity, and the identity is no hash of the clear text against which a
// short password can be guessed (core.Parser.IdentityText).
func TestUIDOfSecretsFaces(t *testing.T) {
	const (
		line = "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = 18736, type = Login, user_upn = alice@corp.example, password = %s, business_result = failure"
		path = "/var/log/pam/audit.log"
	)
	var u core.UIDer
	redacted := fmt.Sprintf(line, "[REDACTED]")
	want := u.File(path, 0, redacted)
	for _, pw := range []string{"1234", "hunter2", "Summer2026!"} {
		text := fmt.Sprintf(line, pw)
		if u.File(path, 0, text) == want {
			t.Fatal("the clear text's identity is the redacted text's: the test cannot tell them apart")
		}
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.Body().SetStr(text)
		lr.Attributes().PutStr(record.AttrLogFilePath, path)
		lr.Attributes().PutInt(record.AttrLogFileRecordOffset, 0)
		fromProcessor := processorUIDs(t, ld)

		conv, err := newConverter(testConfig(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		var fromPlugin uidSink
		conv.convertChunk(event(chunkTime, kv{"log", text}, kv{record.AttrLogFilePath, path}, kv{record.AttrLogFileRecordOffset, 0}), "pam", &fromPlugin)
		if len(fromProcessor) != 1 || fromProcessor[0] != want || len(fromPlugin) != 1 || fromPlugin[0] != want {
			t.Errorf("password %q: processor %v, plugin %v, want %q (the redacted text's)", pw, fromProcessor, fromPlugin, want)
		}
	}
}
