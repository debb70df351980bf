package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/parsetest/coretest"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// goldenNow is the clock of the golden files: the chunks here carry it as
// the event time, which the plugin takes as the observed time.
var goldenNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// In the ECS and OCSF schemas each of the plugin's outputs gives, record by
// record, the document pamaudit parse --schema prints (the .ecs.ndjson and
// .ocsf.ndjson goldens, which the command's and the processor's tests
// compare with too): the forward record, the stdout line and, over OTLP,
// the ECS attributes or the OCSF map body. The plugin's own fluentbit.tag
// is the only difference (in unmapped, or under pamaudit.).
func TestSchemasEveryOutput(t *testing.T) {
	for _, f := range testutil.GoldenLogs(t, filepath.Join("..", "testdata")) {
		rel := filepath.Join(filepath.Base(filepath.Dir(f)), filepath.Base(f))
		_, texts := testdataChunk(t, rel)
		var chunk []byte
		for _, text := range texts {
			chunk = append(chunk, event(goldenNow, kv{"log", text})...)
		}
		for _, schema := range []string{"ecs", "ocsf"} {
			t.Run(rel+"/"+schema, func(t *testing.T) {
				want := otlptest.GoldenLines(t, f, schema)
				cfg := testConfigAt(t, map[string]string{"schema": schema}, goldenNow)
				conv, err := newConverter(cfg)
				if err != nil {
					t.Fatal(err)
				}
				var fwd forwardSink
				stdout := &jsonSink{}
				for _, s := range []sink{&fwd, stdout, &conv.scratch.proto} {
					if n := conv.convertChunk(chunk, "pam.audit", s); n != len(want) {
						t.Fatalf("%d records, %d golden", n, len(want))
					}
				}
				// The request the otlp output sends, as a receiver decodes it.
				var u plog.ProtoUnmarshaler
				otlp, err := u.UnmarshalLogs(conv.scratch.proto.appendRequest(nil))
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(strings.TrimSuffix(string(stdout.buf), "\n"), "\n")
				r := mpReader{buf: fwd.entries}
				var lrs []plog.LogRecord
				uids := coretest.StreamUIDs(t, texts)
				otlptest.ForEach(otlp, func(lr plog.LogRecord) { lrs = append(lrs, lr) })
				for i, w := range want {
					doc, level := otlptest.GoldenDoc(t, w)
					entry, err := decodeAny(&r) // [time, record]
					if err != nil {
						t.Fatal(err)
					}
					// The identity is the text's (no path or offset), with
					// its secrets redacted, as the processor gives it.
					wantUID := uids[i]
					if uid := otlptest.UID(lrs[i], schema); uid != wantUID {
						t.Errorf("record %d over otlp: identity %q, want %q", i+1, uid, wantUID)
					}
					for name, doc2 := range map[string]map[string]any{
						"forward": entry.([]any)[1].(map[string]any),
						"stdout":  unmarshal(t, lines[i]),
					} {
						if uid := otlptest.TakeUID(doc2, schema); uid != wantUID {
							t.Errorf("record %d over %s: identity %q, want %q", i+1, name, uid, wantUID)
						}
					}
					for name, got := range map[string]string{
						"forward": canonicalJSON(t, withoutTag(schema, entry.([]any)[1].(map[string]any))),
						"stdout":  canonicalJSON(t, withoutTag(schema, unmarshal(t, lines[i]))),
						"otlp":    canonicalJSON(t, withoutTag(schema, unmarshal(t, otlptest.DocJSON(lrs[i], schema, level)))),
					} {
						if got != doc {
							t.Errorf("record %d over %s:\n got %s\nwant %s", i+1, name, got, doc)
						}
					}
				}
			})
		}
	}
}

// withoutTag drops the plugin's fluentbit.tag, which the command has not.
func withoutTag(schema string, m map[string]any) map[string]any {
	otlptest.TakeUID(m, schema) // checked apart: the goldens are the core's, which has none
	if schema == "ecs" {
		delete(m, "pamaudit."+attrTag)
		return m
	}
	if u, ok := m["unmapped"].(map[string]any); ok {
		delete(u, attrTag)
		if len(u) == 0 {
			delete(m, "unmapped")
		}
	}
	return m
}

func unmarshal(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func canonicalJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := otlptest.GoldenDoc(t, string(b))
	return doc
}

// decodeAny decodes the next MessagePack value into Go values as
// encoding/json gives them.
func decodeAny(r *mpReader) (any, error) {
	v, err := r.next()
	if err != nil {
		return nil, err
	}
	switch v.kind {
	case mpBool:
		return v.b, nil
	case mpInt:
		return float64(v.i), nil
	case mpUint:
		return float64(v.u), nil
	case mpFloat:
		return v.f, nil
	case mpStr:
		return string(v.s), nil
	case mpArray:
		a := make([]any, v.n)
		for i := range a {
			if a[i], err = decodeAny(r); err != nil {
				return nil, err
			}
		}
		return a, nil
	case mpMap:
		m := make(map[string]any, v.n)
		for i := 0; i < v.n; i++ {
			k, err := decodeAny(r)
			if err != nil {
				return nil, err
			}
			if m[k.(string)], err = decodeAny(r); err != nil {
				return nil, err
			}
		}
		return m, nil
	}
	return nil, nil // nil, ext (the event time)
}

// The built plugin, driven as Fluent Bit drives it, prints the golden ECS
// and OCSF documents on stdout (less its fluentbit.tag); a bad schema fails
// its init.
func TestHarnessSchemas(t *testing.T) {
	_, texts := testdataChunk(t, "capam/record-types.log")
	var chunk []byte
	for _, text := range texts {
		chunk = append(chunk, event(goldenNow, kv{"log", text})...)
	}
	for id, schema := range []string{"ecs", "ocsf"} {
		h := startHarness(t)
		props := exampleOutput(t, "stdout.conf", nil)
		props["schema"] = schema
		if r := h.instance(id, props); r != fmt.Sprintf("init %d 1", id) {
			t.Fatal(r)
		}
		if r := h.do("flush %d t %s", id, chunkFile(t, chunk)); r != fmt.Sprintf("flush %d 1", id) {
			t.Fatal(r)
		}
		h.mu.Lock()
		lines := append([]string(nil), h.stdout...)
		h.mu.Unlock()
		want := otlptest.GoldenLines(t, filepath.Join("..", "testdata", "capam", "record-types.log"), schema)
		if len(lines) != len(want) {
			t.Fatalf("%s: %d lines, want %d", schema, len(lines), len(want))
		}
		for i, w := range want {
			doc, _ := otlptest.GoldenDoc(t, w)
			if got := canonicalJSON(t, withoutTag(schema, unmarshal(t, lines[i]))); got != doc {
				t.Errorf("%s line %d:\n got %s\nwant %s", schema, i+1, got, doc)
			}
		}
	}
	startHarness(t).refuses(0, map[string]string{"output": "stdout", "schema": "xml"}, "schema")
}

// The MessagePack writer encodes nested maps (as a map body and as a map
// attribute) as NDJSON does.
func TestNestedMapsMsgpack(t *testing.T) {
	for _, schema := range []core.Schema{core.SchemaOTel, core.SchemaECS, core.SchemaOCSF} {
		rec := testutil.NestedMapsRecord()
		rec.Schema, rec.ObservedTime = schema, goldenNow
		var w recordWriter
		r := mpReader{buf: w.appendRecord(nil, rec)}
		got, err := decodeAny(&r)
		if err != nil || r.pos != len(r.buf) {
			t.Fatalf("%s: %v", schema, err)
		}
		if g, want := canonicalJSON(t, got), canonicalJSON(t, unmarshal(t, string(rec.AppendJSON(nil)))); g != want {
			t.Errorf("%s:\n got %s\nwant %s", schema, g, want)
		}
	}
}
