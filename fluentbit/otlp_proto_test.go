package main

import (
	"bytes"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/hostile"
	"github.com/pamaudit/pamaudit/internal/pdataconv"
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

// protoRequest converts the chunk the way the otlp output sends it, in the
// converter's reused writer.
func protoRequest(conv *converter, chunk []byte) []byte {
	w := &conv.scratch.proto
	w.reset()
	if conv.convertChunk(chunk, "pam.audit", w) == 0 {
		return nil // otlpOutput.flush sends nothing
	}
	return w.appendRequest(nil)
}

// otlpSink is the oracle the direct writer must match: the OTLP request
// built with the collector processor's conversion (internal/pdataconv), one
// ResourceLogs per distinct resource (kubernetes.go) in the order of their
// first records, each with one ScopeLogs of scope otlpScope.
type otlpSink struct {
	logs   plog.Logs
	groups map[string]plog.LogRecordSlice
	key    []byte
}

func newOTLPSink() *otlpSink {
	return &otlpSink{logs: plog.NewLogs(), groups: map[string]plog.LogRecordSlice{}}
}

func (s *otlpSink) add(rec *core.Record, res []core.Attr) {
	s.key = appendResourceKey(s.key[:0], res)
	lrs, ok := s.groups[string(s.key)]
	if !ok {
		rl := s.logs.ResourceLogs().AppendEmpty()
		attrs := rl.Resource().Attributes()
		attrs.EnsureCapacity(len(res))
		for i := range res {
			attrs.PutStr(res[i].Key, res[i].Str)
		}
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName(otlpScope)
		lrs = sl.LogRecords()
		s.groups[string(s.key)] = lrs
	}
	pdataconv.NewRecord(lrs, ownRecord(rec))
}

// ownRecord copies rec with strings of its own: a record's strings share
// the parser's buffer, which the next record overwrites (core.Parser.Parse),
// and pdata keeps the strings it is given. The plugin's sinks write each
// record out during add.
func ownRecord(rec *core.Record) *core.Record {
	r := *rec
	r.SeverityText, r.EventName = strings.Clone(r.SeverityText), strings.Clone(r.EventName)
	r.Body, r.TimeText = strings.Clone(r.Body), strings.Clone(r.TimeText)
	r.Attrs, r.BodyMap = ownAttrs(r.Attrs), ownAttrs(r.BodyMap)
	return &r
}

func ownAttrs(attrs []core.Attr) []core.Attr {
	if attrs == nil {
		return nil // a nil body map is no body map
	}
	out := make([]core.Attr, len(attrs))
	for i, a := range attrs {
		a.Key, a.Str = strings.Clone(a.Key), strings.Clone(a.Str)
		if a.Strs != nil {
			strs := make([]string, len(a.Strs))
			for j, s := range a.Strs {
				strs[j] = strings.Clone(s)
			}
			a.Strs = strs
		}
		out[i] = a
	}
	return out
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
// pdataconv builds, resource for resource, record for record, attribute for
// attribute, in order: both marshal to the same bytes (pdata's own
// marshaler writes fields in its own order, so our bytes are compared after
// a decode). conv is reused from chunk to chunk, as a flush reuses it.
func checkSameAsPdata(t *testing.T, conv *converter, name string, chunk []byte) {
	t.Helper()
	want := pdataRequest(t, conv, chunk)
	got := protoRequest(conv, chunk)
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
	// In every schema: OCSF's records have map bodies and ECS's unparsed
	// ones an event.kind among the error attributes.
	for _, schema := range []string{"otel", "ecs", "ocsf"} {
		conv, err := newConverter(testConfig(t, map[string]string{"schema": schema}))
		if err != nil {
			t.Fatal(err)
		}
		for _, dir := range []string{"passman", "capam", "netwrix"} {
			files, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*.log"))
			for _, f := range files {
				rel, _ := filepath.Rel(filepath.Join("..", "testdata"), f)
				chunk, _ := testdataChunk(t, rel)
				checkSameAsPdata(t, conv, schema+" "+rel, chunk)
			}
		}
		for _, in := range hostile.Inputs(t, "..") {
			chunk, _ := splitChunk(in.Data)
			checkSameAsPdata(t, conv, schema+" hostile "+in.Name, chunk)
		}
	}
	conv, err := newConverter(testConfig(t, nil))
	if err != nil {
		t.Fatal(err)
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
		checkSameAsPdata(t, conv, name, chunk)
	}
}

// Chunks whose records carry Kubernetes resources: one ResourceLogs per
// distinct pod, in the order of their first records, records without a
// resource (no kubernetes map, one without pod fields, a malformed tail)
// in one of their own, interleaved. One converter takes every chunk in turn,
// so each reuses the groups the one before left, more or fewer.
func TestOTLPProtoResources(t *testing.T) {
	conv, err := newConverter(testConfig(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	rec := func(i int, more ...kv) []byte {
		text := "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = " + strconv.Itoa(i) +
			", type = Login, user_upn = alice@corp.example, business_result = success"
		return event(chunkTime, append([]kv{{"log", text}, {"stream", "stdout"}}, more...)...)
	}
	chunk := func(events ...[]byte) []byte { return bytes.Join(events, nil) }
	var many [][]byte
	for i := 0; i < 60; i++ {
		if i%7 == 3 {
			many = append(many, rec(i))
		} else {
			many = append(many, rec(i, podMeta("passman-"+strconv.Itoa(i*5%13))))
		}
	}
	interleaved := chunk(rec(1, podMeta("passman-0")), rec(2, podMeta("passman-1")), rec(3), rec(4, podMeta("passman-0")),
		rec(5, podMeta("passman-2")), rec(6), rec(7, podMeta("passman-1")))
	for _, c := range []struct {
		name  string
		chunk []byte
	}{
		{"interleaved", interleaved},
		{"one pod", chunk(rec(1, podMeta("passman-0")), rec(2, podMeta("passman-0")))},
		{"no resource first", chunk(rec(1), rec(2, podMeta("passman-1")), rec(3), rec(4, podMeta("passman-1")))},
		{"no pod fields", chunk(rec(1, kv{"kubernetes", []kv{{"container_image", "x"}, {"labels", []kv{}}}}), rec(2, podMeta("passman-0")), rec(3))},
		{"pod field twice", chunk(rec(1, podMeta("passman-0", kv{"pod_name", "passman-9"})), rec(2, podMeta("passman-0")),
			rec(3, podMeta("passman-0", kv{"pod_name", "passman-9"})))},
		{"empty values", chunk(rec(1, kv{"kubernetes", []kv{{"pod_name", ""}, {"labels", []kv{{"", ""}}}}}), rec(2))},
		{"not a map", chunk(rec(1, kv{"kubernetes", "pod"}), rec(2, podMeta("passman-0")))},
		{"unparsed", chunk(event(chunkTime, kv{"log", "not an audit record"}, podMeta("passman-3")), rec(2, podMeta("passman-4")))},
		{"malformed tail", append(chunk(rec(1, podMeta("passman-0")), rec(2, podMeta("passman-1"))), 0x92, 0xc1)},
		{"many pods", chunk(many...)},
		{"interleaved again", interleaved},
		{"no resource", chunk(rec(1), rec(2))},
	} {
		checkSameAsPdata(t, conv, c.name, c.chunk)
	}
	// The groups the chunks made: the test covers what it means to.
	if n := pdataResources(t, conv, interleaved); n != 4 {
		t.Errorf("interleaved: %d ResourceLogs, want 4", n)
	}
	if n := pdataResources(t, conv, chunk(many...)); n != 14 {
		t.Errorf("many pods: %d ResourceLogs, want 14", n)
	}
}

// podMeta is the map the kubernetes filter adds to a record of the pod
// name, then more members.
func podMeta(name string, more ...kv) kv {
	return kv{"kubernetes", append([]kv{
		{"pod_name", name}, {"namespace_name", "pam"}, {"pod_id", "uid-" + name},
		{"labels", []kv{{"app", "passman"}, {"statefulset.kubernetes.io/pod-name", name}}},
		{"annotations", []kv{{"prometheus.io/scrape", "true"}}},
		{"host", "node-1"}, {"container_name", "passman"}, {"docker_id", "c0ffee" + name},
		{"container_image", "registry.example/passman:7.2"},
	}, more...)}
}

// pdataResources counts the ResourceLogs of the chunk's request.
func pdataResources(t *testing.T, conv *converter, chunk []byte) int {
	var u plog.ProtoUnmarshaler
	ld, err := u.UnmarshalLogs(protoRequest(conv, chunk))
	if err != nil {
		t.Fatal(err)
	}
	return ld.ResourceLogs().Len()
}

// Duplicate keys keep their first position and their last value, as
// pcommon.Map.Put does, in parsed and unparsed records, among attributes
// and among a map's members, a map and a scalar replacing each other: the
// record made unique (record.Unique, which Shaper.Shape calls) gives over
// OTLP what pdata builds of the record as it was.
func TestOTLPProtoDuplicates(t *testing.T) {
	str := func(k, v string) core.Attr { return core.Attr{Key: k, Kind: core.KindString, Str: v} }
	mapOf := func(k string, n int) core.Attr { return core.Attr{Key: k, Kind: core.KindMap, Int: int64(n)} }
	attrs := []core.Attr{
		str("a", "1"), {Key: "b", Kind: core.KindInt, Int: 2},
		str("error.message", "m1"),
		{Key: "a", Kind: core.KindBool, Bool: true}, str("c", "3"),
		str("error.type", "t"),
		str("error.message", "m2"),
		{Key: "a", Kind: core.KindStrings, Strs: []string{"x"}},
	}
	maps := []core.Attr{
		mapOf("m", 4), str("x", "1"), str("x", "2"), mapOf("n", 1), str("y", "3"),
		mapOf("error.type", 1), str("k", "v"),
		str("event.kind", "event"),
		str("a", "1"),
		str("m", "a scalar over the map"),
		str("error.type", "t"),
		mapOf("a", 2), {Key: "z", Kind: core.KindInt, Int: 5}, mapOf("empty", 0),
		mapOf("error.message", 0), str("error.message", "m"),
		str("event.kind", "pipeline_error"),
	}
	body := []core.Attr{str("class", "c"), mapOf("o", 2), str("p", "1"), str("p", "2"), str("class", "d"), mapOf("none", 0)}
	for i, rec := range []*core.Record{
		{EventName: "x.y", ObservedTime: chunkTime, Time: chunkTime, SeverityNumber: 13, SeverityText: "WARN", Attrs: attrs},
		{ObservedTime: chunkTime, Time: chunkTime, SeverityNumber: 9, SeverityText: "INFO", Body: "b", Attrs: attrs},
		{EventName: "x.y", ObservedTime: chunkTime, Body: "b", Attrs: maps},
		{ObservedTime: chunkTime, SeverityNumber: 9, Body: "b", Attrs: maps},
		{ObservedTime: chunkTime, Time: chunkTime, SeverityNumber: 9, BodyMap: body, Attrs: maps},
		{ObservedTime: chunkTime, BodyMap: []core.Attr{}},
	} {
		checkRecordSameAsPdata(t, "record "+strconv.Itoa(i), rec)
	}
}

// uniqueRecord is a copy of rec with its keys made unique, as a Shaper
// leaves them.
func uniqueRecord(rec *core.Record) *core.Record {
	u := ownRecord(rec)
	u.Unique()
	return u
}

// checkRecordSameAsPdata: the request protoWriter writes for rec alone
// decodes to what pdataconv builds.
func checkRecordSameAsPdata(t *testing.T, name string, rec *core.Record) {
	t.Helper()
	s := newOTLPSink()
	s.add(rec, nil)
	var m plog.ProtoMarshaler
	want, err := m.MarshalLogs(s.logs)
	if err != nil {
		t.Fatal(err)
	}
	var w protoWriter
	w.add(uniqueRecord(rec), nil)
	var u plog.ProtoUnmarshaler
	ld, err := u.UnmarshalLogs(w.appendRequest(nil))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if got, _ := m.MarshalLogs(ld); !bytes.Equal(got, want) {
		var j plog.JSONMarshaler
		a, _ := j.MarshalLogs(ld)
		b, _ := j.MarshalLogs(s.logs)
		t.Errorf("%s:\n got %s\nwant %s", name, a, b)
	}
}

// Map members whose encoding passes 127 bytes take a longer length, written
// after them (pbPatchLen).
func TestOTLPProtoLongMaps(t *testing.T) {
	long := strings.Repeat("v", 300)
	body := []core.Attr{
		{Key: "outer", Kind: core.KindMap, Int: 3},
		{Key: "inner", Kind: core.KindMap, Int: 1}, {Key: "s", Kind: core.KindString, Str: long},
		{Key: "t", Kind: core.KindString, Str: long},
	}
	for n := 0; n < 20000; n = n*3 + 100 {
		body[2].Str = strings.Repeat("v", n)
		checkRecordSameAsPdata(t, strconv.Itoa(n)+" bytes", &core.Record{ObservedTime: chunkTime, BodyMap: body, Attrs: body})
	}
}
