// Package otlptest has what the end-to-end tests of the collector
// distribution and of the Fluent Bit plugin share: an OTLP/HTTP logs
// receiver on loopback, and the comparison of exported records with the
// golden NDJSON records of testdata/; and every string of an exported
// record and the secrets found in it, for the redaction property tests.
package otlptest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/pamaudit/pamaudit/internal/schema/ecs"
	"github.com/pamaudit/pamaudit/internal/schema/ocsf"
	"github.com/pamaudit/pamaudit/internal/secretgen"
	"github.com/pamaudit/pamaudit/internal/testutil"
	"github.com/pamaudit/pamaudit/record"
)

// Receiver is an OTLP/HTTP logs receiver. Status, when set, is the HTTP
// status it answers instead of accepting the data.
type Receiver struct {
	URL string

	mu     sync.Mutex
	logs   []plog.Logs
	n      int
	status int
}

// NewReceiver listens on addr ("127.0.0.1:0" for any port) until the test
// ends.
func NewReceiver(t testing.TB, addr string) *Receiver {
	t.Helper()
	r := &Receiver{}
	r.URL = Serve(t, addr, r)
	return r
}

// Serve serves h on addr ("127.0.0.1:0" for any port) until the test ends,
// and returns the URL an OTLP/HTTP exporter sends logs to there: the
// receivers of tests that keep other things than Receiver does share it.
func Serve(t testing.TB, addr string, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String() + "/v1/logs"
}

// Reject makes the receiver answer status (0: accept again).
func (r *Receiver) Reject(status int) {
	r.mu.Lock()
	r.status = status
	r.mu.Unlock()
}

func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	status := r.status
	r.mu.Unlock()
	if status != 0 {
		http.Error(w, "rejected by the test", status)
		return
	}
	ld, ok := Decode(w, req)
	if !ok {
		return
	}
	r.mu.Lock()
	r.logs = append(r.logs, ld)
	r.n += ld.LogRecordCount()
	r.mu.Unlock()
	Accept(w)
}

// Decode reads an OTLP/HTTP logs request, protobuf or JSON (by its
// Content-Type), gzipped or not; when it cannot, it answers 400 and
// returns false.
func Decode(w http.ResponseWriter, req *http.Request) (plog.Logs, bool) {
	var body io.Reader = req.Body
	if req.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return plog.Logs{}, false
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	ex := plogotlp.NewExportRequest()
	switch {
	case err != nil:
	case strings.HasPrefix(req.Header.Get("Content-Type"), "application/json"):
		err = ex.UnmarshalJSON(b)
	default:
		err = ex.UnmarshalProto(b)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return plog.Logs{}, false
	}
	return ex.Logs(), true
}

// Accept answers an OTLP/HTTP request with success.
func Accept(w http.ResponseWriter) {
	resp, _ := plogotlp.NewExportResponse().MarshalProto()
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(resp)
}

// Send posts ld to an OTLP/HTTP logs URL as an exporter does (protobuf)
// and returns the status of the answer.
func Send(client *http.Client, url string, ld plog.Logs) (int, error) {
	body, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	if err != nil {
		return 0, err
	}
	resp, err := client.Post(url, "application/x-protobuf", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// Count is the number of records received.
func (r *Receiver) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// Wait waits until n records arrived or the timeout passed; it returns the
// count.
func (r *Receiver) Wait(n int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for r.Count() < n && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	return r.Count()
}

// Logs returns the requests received, whole (resources included), in
// arrival order.
func (r *Receiver) Logs() []plog.Logs {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]plog.Logs(nil), r.logs...)
}

// Records returns every received record, in arrival order.
func (r *Receiver) Records() []plog.LogRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []plog.LogRecord
	for _, ld := range r.logs {
		ForEach(ld, func(lr plog.LogRecord) { out = append(out, lr) })
	}
	return out
}

// ForEach calls f for every log record of ld.
func ForEach(ld plog.Logs, f func(plog.LogRecord)) {
	ForEachWithScope(ld, func(_ pcommon.Resource, _ pcommon.InstrumentationScope, lr plog.LogRecord) { f(lr) })
}

// ForEachWithScope calls f for every log record of ld, with the resource
// and the scope it came from.
func ForEachWithScope(ld plog.Logs, f func(pcommon.Resource, pcommon.InstrumentationScope, plog.LogRecord)) {
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		rl := ld.ResourceLogs().At(i)
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				f(rl.Resource(), sls.At(j).Scope(), lrs.At(k))
			}
		}
	}
}

// Strings visits every string of an exported record, with where it
// stands: event name, severity text, body and attributes, map keys, maps
// and slices at any depth.
func Strings(lr plog.LogRecord, visit func(where, s string)) {
	visit("event_name", lr.EventName())
	visit("severity_text", lr.SeverityText())
	stringsOf("body", lr.Body(), visit)
	lr.Attributes().Range(func(k string, v pcommon.Value) bool {
		visit("attributes["+k+"] (the key)", k)
		stringsOf("attributes["+k+"]", v, visit)
		return true
	})
}

func stringsOf(where string, v pcommon.Value, visit func(where, s string)) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		visit(where, v.Str())
	case pcommon.ValueTypeBytes:
		visit(where, string(v.Bytes().AsRaw()))
	case pcommon.ValueTypeMap:
		v.Map().Range(func(k string, e pcommon.Value) bool {
			visit(where+"["+k+"] (the key)", k)
			stringsOf(where+"["+k+"]", e, visit)
			return true
		})
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		for i := 0; i < s.Len(); i++ {
			stringsOf(where+"["+strconv.Itoa(i)+"]", s.At(i), visit)
		}
	}
}

// Leaks finds secrets in one exported record, for the redaction property
// tests: in every string of it (Strings), of its resource's attributes and of
// its scope, and in their OTLP/JSON encoding's bytes.
func Leaks(res pcommon.Resource, scope pcommon.InstrumentationScope, lr plog.LogRecord, secrets []string) []secretgen.Leak {
	found := secretgen.FindStrings(func(visit func(where, s string)) {
		res.Attributes().Range(func(k string, v pcommon.Value) bool {
			visit("resource["+k+"] (the key)", k)
			stringsOf("resource["+k+"]", v, visit)
			return true
		})
		visit("scope name", scope.Name())
		visit("scope version", scope.Version())
		scope.Attributes().Range(func(k string, v pcommon.Value) bool {
			visit("scope["+k+"] (the key)", k)
			stringsOf("scope["+k+"]", v, visit)
			return true
		})
		Strings(lr, visit)
	}, secrets)
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	res.CopyTo(rl.Resource())
	sl := rl.ScopeLogs().AppendEmpty()
	scope.CopyTo(sl.Scope())
	lr.CopyTo(sl.LogRecords().AppendEmpty())
	var m plog.JSONMarshaler
	raw, _ := m.MarshalLogs(ld)
	return secretgen.FindRaw(string(raw), secrets, found)
}

// UID returns the record's identity (log.record.uid; event.id in ECS,
// metadata.uid in OCSF), "" when it has none.
func UID(lr plog.LogRecord, schema string) string {
	return TakeUID(docOf(lr, schema), schema)
}

// docOf is lr's attributes, or its body map in OCSF.
func docOf(lr plog.LogRecord, schema string) map[string]any {
	if schema == "ocsf" {
		m, _ := lr.Body().AsRaw().(map[string]any)
		return m
	}
	return lr.Attributes().AsRaw()
}

// TakeUID removes the record's identity from m, a record's attributes
// (otel, ecs) or its OCSF event, and returns it ("" when it has none).
// The goldens, which the core makes, lack it: the identity is the faces'
// (core.UIDer), which know where a text was read.
func TakeUID(m map[string]any, schema string) string {
	if m == nil {
		return ""
	}
	key := record.AttrLogRecordUID
	switch schema {
	case "ecs":
		key = ecs.KeyUID
	case "ocsf":
		m, _ = m[ocsf.KeyMetadata].(map[string]any)
		key = ocsf.KeyUID
	}
	uid, _ := m[key].(string)
	delete(m, key)
	return uid
}

// RecordJSON renders an exported record as pamaudit parse prints it, less
// its identity (TakeUID) and the attributes named in drop (those the
// pipeline adds), in a canonical
// form that Golden's output compares with. A record no format parsed has no
// event name; its severity is left out, as pipelines leave it unset.
func RecordJSON(lr plog.LogRecord, drop ...string) string {
	attrs := lr.Attributes().AsRaw()
	TakeUID(attrs, "otel")
	for _, k := range drop {
		delete(attrs, k)
	}
	m := map[string]any{
		"event_name": lr.EventName(),
		"body":       lr.Body().AsString(),
		"attributes": attrs,
	}
	if lr.EventName() != "" {
		m["severity_number"] = int(lr.SeverityNumber())
		m["severity_text"] = lr.SeverityText()
	}
	if lr.Timestamp() != 0 {
		m["time"] = lr.Timestamp().AsTime().UTC().Format(time.RFC3339Nano)
	}
	return canonical(m)
}

// Golden renders a golden NDJSON line in RecordJSON's form.
func Golden(t testing.TB, line string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatal(err)
	}
	if m["event_name"] == "" {
		delete(m, "severity_number")
		delete(m, "severity_text")
	}
	return canonical(m)
}

func canonical(v any) string {
	b, _ := json.Marshal(v)
	var x any
	_ = json.Unmarshal(b, &x)
	b, _ = json.Marshal(x)
	return string(b)
}

// DocJSON renders an exported record in the document form `pamaudit parse
// --schema ecs|ocsf` prints, less its identity (TakeUID) and the
// attributes named in drop, in a
// canonical form that Golden's output compares with: ocsf, the OCSF event
// (the map body); ecs, @timestamp (the record's time, else its observed
// time), log.level, message and the attributes. A record no format parsed
// has no severity (pipelines leave it unset): level stands in for it.
func DocJSON(lr plog.LogRecord, schema, level string, drop ...string) string {
	m := docOf(lr, schema)
	TakeUID(m, schema)
	if schema == "ocsf" {
		if m == nil {
			return canonical(lr.Body().AsRaw())
		}
		return canonical(m)
	}
	for _, k := range drop {
		delete(m, k)
	}
	ts := lr.Timestamp()
	if ts == 0 {
		ts = lr.ObservedTimestamp()
	}
	m["@timestamp"] = ts.AsTime().UTC().Format(time.RFC3339Nano)
	m["message"] = lr.Body().AsString()
	m["log.level"] = lr.SeverityText()
	if lr.EventName() == "" {
		m["log.level"] = level
	}
	return canonical(m)
}

// GoldenDoc renders a golden line of any schema in canonical form, and its
// log.level (ECS).
func GoldenDoc(t testing.TB, line string) (doc, level string) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatal(err)
	}
	level, _ = m["log.level"].(string)
	return canonical(m), level
}

// GoldenLines returns the golden lines of a testdata log in a schema
// ("otel": .ndjson; "ecs", "ocsf": .<schema>.ndjson).
func GoldenLines(t testing.TB, log, schema string) []string {
	t.Helper()
	g, err := os.ReadFile(testutil.GoldenFile(log, schema))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(g), "\n"), "\n")
}
