package main

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/fluentbit/flbsim"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/secretgen"
)

// Redaction as a property (issue 20), through the plugin's conversion of a
// chunk, into each output's bytes (OTLP protobuf, stdout JSON lines,
// forward MessagePack): every secret a record holds (internal/secretgen)
// is absent from every string the plugin emits for it, in each schema. The
// record's text arrives under log or under message, or as a record whose
// log string sits beside the members a parser took out of it (Fluent Bit's
// parser filter with Reserve_Data and Preserve_Key): the plugin makes
// attributes of those members.

// redprop is the property through the plugin, with the flags
// -redprop.seed and -redprop.n.
var redprop = secretgen.NewFaceProperty("fluentbit", 600, fbFaces)

var (
	redpropRecords = []string{"log", "message", "log, merged", "syslog input", "pipeline keys"}
	redpropOutputs = []string{"otlp", "stdout", "forward"}
)

// redpropEvent is the chunk event holding text as the variant has it. The
// syslog input's has the keys Fluent Bit's syslog parser leaves, its
// extradata holding the case's secrets that the text holds; the
// pipeline's, keys an earlier filter added beside the text (a copy of it,
// fields it took out), which the plugin passes on.
func redpropEvent(text, variant string, secrets []string, idx int) []byte {
	key := "log"
	if variant == "message" || variant == "syslog input" {
		key = "message"
	}
	rec := []byte(nil)
	n := 1
	add := func(k string, v any) {
		rec = appendStr(rec, k)
		rec = flbsim.AppendValue(rec, v)
		n++
	}
	switch variant {
	case "log, merged":
		var members map[string]any
		if json.Unmarshal([]byte(text), &members) == nil {
			delete(members, "log")
			keys := make([]string, 0, len(members))
			for k := range members {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				add(k, jsonValue(members[k]))
			}
		}
	case "syslog input":
		add("pri", "134")
		add("host", "pm-node1")
		add("ident", "passman")
		add("pid", "2301")
		add("msgid", "audit")
		sd := "[auth@32473"
		names := []string{"password", "note", "x-access-token", "detail", "client_secret"}
		for i, v := range held(text, secrets) {
			v = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "]", `\]`).Replace(v)
			switch nm := names[i%len(names)]; nm {
			case "note":
				sd += ` note="Authorization: Bearer ` + v + `"`
			case "detail":
				sd += ` detail="db_password=` + v + `"`
			default:
				sd += " " + nm + `="` + v + `"`
			}
		}
		add("extradata", sd+"]")
	case "pipeline keys":
		add("raw", text)
		// The kubernetes filter's map: pod annotations and labels become
		// resource attributes in OTLP, record keys in the other outputs.
		var ann []any
		for i, v := range held(text, secrets) {
			ann = append(ann, [...]string{"db-password", "note"}[i%2], [...]string{v, "password=" + v}[i%2])
		}
		add("kubernetes", map[string]any{"pod_name": "passman-0", "namespace_name": "pam", "annotations": mapOf(ann...)})
		for i, v := range held(text, secrets) {
			switch i % 4 {
			case 0:
				add("db_password", v)
			case 1:
				add("note", "Cookie: sid="+v)
			case 2:
				add("detail", map[string]any{"api_secret": v, "text": "password: " + v})
			default:
				add("list", []any{"x", "authorization=" + v})
			}
		}
	}
	b := appendArrayHeader(nil, 2)
	b = appendArrayHeader(b, 2)
	// The event's time says which event of the batch it is: the OTLP
	// output groups records by resource, not in the chunk's order.
	b = appendEventTime(b, testEventTime(idx))
	b = appendMapHeader(b, 0)
	b = appendMapHeader(b, n)
	b = appendStr(b, key)
	b = appendStr(b, text)
	return append(b, rec...)
}

// mapOf is a map of the key, value pairs kv.
func mapOf(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// held returns the secrets text holds (a case's control text holds none:
// the fields beside it hold what it holds).
func held(text string, secrets []string) []string {
	var out []string
	for _, v := range secrets {
		if strings.Contains(text, v) {
			out = append(out, v)
		}
	}
	return out
}

// jsonValue is a value encoding/json decoded, as the plugin's input has it:
// numbers as integers when they are, else as their text.
func jsonValue(v any) any {
	switch x := v.(type) {
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case []any:
		for i, e := range x {
			x[i] = jsonValue(e)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = jsonValue(e)
		}
	}
	return v
}

// fbRuns keeps a converter per schema and limit.
type fbRuns struct {
	t     testing.TB
	convs map[string]*converter
	hmac  bool // redact_mode hmac, the key in secretgen.HMACKeyEnv
}

func (r *fbRuns) converter(schema string, max int) *converter {
	k := schema + "/" + strconv.Itoa(max)
	if c := r.convs[k]; c != nil {
		return c
	}
	props := map[string]string{"schema": schema}
	if r.hmac {
		props["redact_mode"], props["redact_key_env"] = "hmac", secretgen.HMACKeyEnv
	}
	if max > 0 {
		props["max_record_bytes"] = strconv.Itoa(max)
	}
	cfg := testConfig(r.t, props)
	c, err := newConverter(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	if r.convs == nil {
		r.convs = map[string]*converter{}
	}
	r.convs[k] = c
	return c
}

// convert converts chunk, n events, into output and returns, per record,
// the leaks of secrets[i] in it.
func (r *fbRuns) convert(schema string, max int, output string, chunk []byte, secrets [][]string) [][]secretgen.Leak {
	conv := r.converter(schema, max)
	n := len(secrets)
	out := make([][]secretgen.Leak, n)
	switch output {
	case "stdout":
		s := &jsonSink{}
		if got := conv.convertChunk(chunk, "pam.audit", s); got != n {
			r.t.Fatalf("%d records out, %d in", got, n)
		}
		lines := strings.Split(strings.TrimSuffix(string(s.buf), "\n"), "\n")
		if len(lines) != n {
			r.t.Fatalf("%d lines out, %d records", len(lines), n)
		}
		for i, l := range lines {
			out[i] = secretgen.Find(l, secrets[i])
		}
	case "forward":
		var s forwardSink
		if got := conv.convertChunk(chunk, "pam.audit", &s); got != n {
			r.t.Fatalf("%d records out, %d in", got, n)
		}
		rd := mpReader{buf: s.entries}
		for i := 0; i < n; i++ {
			start := rd.pos
			entry, err := decodeAny(&rd) // [time, record]
			if err != nil {
				r.t.Fatal(err)
			}
			out[i] = secretgen.FindRaw(string(s.entries[start:rd.pos]), secrets[i], secretgen.FindValue(entry.([]any)[1], secrets[i]))
		}
	default:
		w := &conv.scratch.proto
		w.reset()
		if got := conv.convertChunk(chunk, "pam.audit", w); got != n {
			r.t.Fatalf("%d records out, %d in", got, n)
		}
		var u plog.ProtoUnmarshaler
		ld, err := u.UnmarshalLogs(w.appendRequest(nil))
		if err != nil {
			r.t.Fatal(err)
		}
		seen, got := 0, make([]bool, n)
		otlptest.ForEachWithScope(ld, func(res pcommon.Resource, scope pcommon.InstrumentationScope, lr plog.LogRecord) {
			// The record of event i (redpropEvent), wherever its resource
			// put it in the request.
			i := testEventIndex(lr.ObservedTimestamp().AsTime())
			if i < 0 || i >= n || got[i] {
				r.t.Fatalf("a record of observed time %v: no event, or a second record, of the batch", lr.ObservedTimestamp())
			}
			out[i], got[i] = otlptest.Leaks(res, scope, lr, secrets[i]), true
			seen++
		})
		if seen != n {
			r.t.Fatalf("%d records in the request, %d in", seen, n)
		}
	}
	return out
}

func (r *fbRuns) run(schema, variant, output string) secretgen.Run {
	return func(text string, max int, secrets []string) []secretgen.Leak {
		return r.convert(schema, max, output, redpropEvent(text, variant, secrets, 0), [][]string{secrets})[0]
	}
}

// fbFaces are the ways through the plugin in schema: each record variant
// into each output, a batch of cases in one chunk.
func fbFaces(t testing.TB, schema string, hmac bool) []secretgen.Face {
	runs := &fbRuns{t: t, hmac: hmac}
	var faces []secretgen.Face
	for _, variant := range redpropRecords {
		for _, output := range redpropOutputs {
			batch := func(cases []secretgen.Case) [][]secretgen.Leak {
				var chunk []byte
				secrets := make([][]string, len(cases))
				for i, c := range cases {
					chunk = append(chunk, redpropEvent(c.Text, variant, c.Secrets, i)...)
					secrets[i] = c.Secrets
				}
				return runs.convert(schema, 0, output, chunk, secrets)
			}
			faces = append(faces, secretgen.Face{Variant: variant + " > " + output, Batch: batch, Run: runs.run(schema, variant, output)})
		}
	}
	return faces
}

func TestRedactionProperty(t *testing.T) { redprop.Check(t, false) }

// TestRedactionPropertyHMAC: the property with keyed pseudonyms in place of
// the mask, in the otel schema on half the cases.
func TestRedactionPropertyHMAC(t *testing.T) { redprop.Check(t, true) }
