package main

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/hostile"
)

// splitChunk makes a chunk of the records of a log file, each under "log",
// and counts them.
func splitChunk(data []byte) ([]byte, int) {
	var chunk []byte
	n := 0
	sp := core.NewSplitter(bytes.NewReader(data), 0)
	for {
		text, err := sp.Next()
		if err == io.EOF {
			return chunk, n
		}
		chunk = append(chunk, event(chunkTime, kv{"log", string(text)})...)
		n++
	}
}

// protoRequest converts the chunk the way the otlp output sends it.
func protoRequest(t testing.TB, conv *converter, chunk []byte) []byte {
	t.Helper()
	env, err := newOTLPEnvelope(otlpTemplate())
	if err != nil {
		t.Fatal(err)
	}
	var w protoWriter
	conv.convertChunk(chunk, "pam.audit", &w)
	if w.n == 0 {
		return nil // otlpOutput.flush sends nothing
	}
	if w.grouped {
		return pdataRequest(t, conv, chunk) // as otlpOutput.flush falls back
	}
	return env.appendRequest(nil, w.records)
}

// pdataRequest converts the chunk with internal/pdataconv and marshals it.
func pdataRequest(t testing.TB, conv *converter, chunk []byte) []byte {
	t.Helper()
	s := newOTLPSink()
	conv.convertChunk(chunk, "pam.audit", s)
	var m plog.ProtoMarshaler
	b, err := m.MarshalLogs(s.logs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkSameAsPdata: the protobuf written directly decodes to the pdata that
// pdataconv builds, record for record, attribute for attribute, in order.
func checkSameAsPdata(t *testing.T, name string, chunk []byte) {
	t.Helper()
	conv, err := newConverter(testConfig(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	want := pdataRequest(t, conv, chunk)
	got := protoRequest(t, conv, chunk)
	if got == nil {
		var u plog.ProtoUnmarshaler
		if ld, _ := u.UnmarshalLogs(want); ld.LogRecordCount() != 0 {
			t.Errorf("%s: no request, pdataconv has %d records", name, ld.LogRecordCount())
		}
		return
	}
	var u plog.ProtoUnmarshaler
	ld, err := u.UnmarshalLogs(got)
	if err != nil {
		t.Fatalf("%s: our request does not decode: %v", name, err)
	}
	var m plog.ProtoMarshaler
	again, err := m.MarshalLogs(ld)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, want) {
		var j plog.JSONMarshaler
		a, _ := j.MarshalLogs(ld)
		wl, _ := u.UnmarshalLogs(want)
		b, _ := j.MarshalLogs(wl)
		t.Errorf("%s: the request differs from pdataconv's\n got %s\nwant %s", name, a, b)
	}
}

func TestOTLPProtoMatchesPdata(t *testing.T) {
	for _, dir := range []string{"passman", "capam", "netwrix"} {
		files, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*.log"))
		for _, f := range files {
			rel, _ := filepath.Rel(filepath.Join("..", "testdata"), f)
			chunk, _ := testdataChunk(t, rel)
			checkSameAsPdata(t, rel, chunk)
		}
	}
	for _, in := range hostile.Inputs(t, "..") {
		chunk, _ := splitChunk(in.Data)
		checkSameAsPdata(t, "hostile "+in.Name, chunk)
	}
	line := "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = CheckoutCredentials, user_upn = alice@corp.example, business_result = success"
	extras := event(chunkTime, kv{"log", line}, kv{"stream", "stdout"}, kv{"event.action", "theirs"},
		kv{"kubernetes", []kv{{"pod_name", "passman-0"}, {"labels", []kv{{"app", "passman"}}}}},
		kv{"ips", []string{"10.0.0.1", "10.0.0.2"}}, kv{"empty", []string{}}, kv{"n", 7}, kv{"neg", -70000},
		kv{"ok", true}, kv{"no", false}, kv{"zero", 0}, kv{"blank", ""}, kv{"none", nil})
	for name, chunk := range map[string][]byte{
		"extras":      extras,
		"no key":      event(chunkTime, kv{"other", "no source key here"}),
		"unparsed":    event(chunkTime, kv{"log", "not an audit record"}, kv{"stream", "stderr"}),
		"empty text":  event(chunkTime, kv{"log", ""}),
		"bad chunk":   append(append([]byte(nil), extras...), 0x92, 0xc1),
		"old time":    event(time.Unix(0, 0), kv{"log", line}),
		"empty chunk": nil,
	} {
		checkSameAsPdata(t, name, chunk)
	}
}

// Duplicate keys keep their first position and their last value, as
// pcommon.Map.Put does, in parsed and unparsed records.
func TestOTLPProtoDuplicates(t *testing.T) {
	attrs := []core.Attr{
		{Key: "a", Kind: core.KindString, Str: "1"}, {Key: "b", Kind: core.KindInt, Int: 2},
		{Key: "error.message", Kind: core.KindString, Str: "m1"},
		{Key: "a", Kind: core.KindBool, Bool: true}, {Key: "c", Kind: core.KindString, Str: "3"},
		{Key: "error.type", Kind: core.KindString, Str: "t"},
		{Key: "error.message", Kind: core.KindString, Str: "m2"},
		{Key: "a", Kind: core.KindStrings, Strs: []string{"x"}},
	}
	for _, rec := range []*core.Record{
		{EventName: "x.y", ObservedTime: chunkTime, Time: chunkTime, SeverityNumber: 13, SeverityText: "WARN", Attrs: attrs},
		{ObservedTime: chunkTime, Time: chunkTime, SeverityNumber: 9, SeverityText: "INFO", Body: "b", Attrs: attrs},
	} {
		s := newOTLPSink()
		s.add(rec, nil)
		var m plog.ProtoMarshaler
		want, err := m.MarshalLogs(s.logs)
		if err != nil {
			t.Fatal(err)
		}
		var w protoWriter
		w.add(rec, nil)
		env, err := newOTLPEnvelope(otlpTemplate())
		if err != nil {
			t.Fatal(err)
		}
		var u plog.ProtoUnmarshaler
		ld, err := u.UnmarshalLogs(env.appendRequest(nil, w.records))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := m.MarshalLogs(ld); !bytes.Equal(got, want) {
			var j plog.JSONMarshaler
			a, _ := j.MarshalLogs(ld)
			t.Errorf("event %q: %s", rec.EventName, a)
		}
	}
}
