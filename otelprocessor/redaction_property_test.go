package otelprocessor

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/secretgen"
	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
)

// Redaction as a property (issue 20), through the processor's ConsumeLogs:
// every secret a record holds (internal/secretgen) is absent from every
// string of every log record the processor passes on: body (string or
// map), attributes, at any depth, in each schema. The record arrives as a
// string body, as the log key of a map body, and as a map body whose log
// string sits beside the members a parser took out of it (a collector's or
// Fluent Bit's JSON parser keeping the original): the processor makes
// attributes of those members.

// redprop is the property through the processor, with the flags
// -redprop.seed and -redprop.n.
var redprop = secretgen.NewFaceProperty("processor", 1000, procFaces)

// redpropBodies: how a case's text arrives.
var redpropBodies = []string{"string body", "map body", "map body, merged", "syslog receiver", "pipeline attributes", "bytes body", "source missing", "source attribute"}

// putBody sets lr's body to text as the variant has it. The syslog
// receiver's variant also has the attributes the receiver leaves, its
// structured_data holding the case's secrets that the text holds as they
// are: under secret names, and as the content of other parameters. The
// pipeline's variant has attributes an earlier stage added beside the
// record (a copy of the line, fields it took out), which pass on beside
// it as a Fluent Bit record's other keys do.
func putBody(lr plog.LogRecord, text, variant string, secrets []string) {
	if variant == "bytes body" {
		// Not text to parse: passed on, scrubbed as text.
		lr.Body().SetEmptyBytes().FromRaw([]byte(text))
		return
	}
	if variant == "source missing" {
		// The settings name an attribute the record does not have
		// (consume runs this variant with source: attributes["raw"]).
		lr.Body().SetStr(text)
		plant(lr.Attributes(), text, secrets, []string{"db_password", "cookie note", "list"})
		return
	}
	if variant == "source attribute" {
		// The text in the attribute the settings name; the body a copy
		// of the whole line, as the syslog receiver leaves it.
		lr.Attributes().PutStr("raw", text)
		lr.Body().SetStr("<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 - - " + text)
		return
	}
	if variant == "pipeline attributes" {
		lr.Body().SetStr(text)
		a := lr.Attributes()
		a.PutStr("log.file.path", "/var/log/pam/audit.log")
		a.PutStr("raw", text)
		plant(a, text, secrets, []string{"db_password", "cookie note", "api_secret", "list"})
		return
	}
	if variant == "syslog receiver" {
		lr.Body().SetStr(text)
		a := lr.Attributes()
		a.PutStr(receiverHostname, "pm-node1")
		a.PutStr(receiverAppname, "passman")
		a.PutInt(receiverPriority, 134)
		params := a.PutEmptyMap(receiverStructuredData).PutEmptyMap("auth@32473")
		// The case's control text holds none of them: a copy of the line's
		// structured data holds what the line holds.
		plant(params, text, secrets, []string{"password", "note", "x-access-token", "detail", "client_secret"})
		return
	}
	m := lr.Body().SetEmptyMap()
	if variant == "map body, merged" {
		var members map[string]any
		if json.Unmarshal([]byte(text), &members) == nil {
			_ = m.FromRaw(members)
		}
	}
	m.PutStr("log", text)
	m.PutStr("stream", "stdout")
}

// plant puts each of the case's secrets that text holds into m, under
// names in turn: as it is, or embedded in another field's text ("note",
// "cookie note", "detail"; "list", a string array).
func plant(m pcommon.Map, text string, secrets, names []string) {
	for i, v := range secrets {
		if !strings.Contains(text, v) {
			continue
		}
		switch n := names[i%len(names)]; n {
		case "note":
			m.PutStr(n, "Authorization: Bearer "+v)
		case "cookie note":
			m.PutStr(n, "Cookie: sid="+v)
		case "detail":
			m.PutStr(n, "db_password="+v)
		case "list":
			m.PutEmptySlice(n).AppendEmpty().SetStr("password: " + v)
		default:
			m.PutStr(n, v)
		}
	}
}

// procRuns keeps a processor per schema and limit.
type procRuns struct {
	t     testing.TB
	procs map[string]processor.Logs
	sinks map[string]interface{ AllLogs() []plog.Logs }
	hmac  bool // redact: {mode: hmac}, the key in secretgen.HMACKeyEnv
}

func (r *procRuns) consume(schema, variant string, max int, ld plog.Logs) plog.Logs {
	source := sourceBody
	if variant == "source missing" || variant == "source attribute" {
		source = `attributes["raw"]`
	}
	k := schema + "/" + source + "/" + strconv.Itoa(max)
	p := r.procs[k]
	if p == nil {
		cfg := createDefaultConfig()
		cfg.Schema = schema
		cfg.Source = source
		cfg.Limits.MaxRecordBytes = max
		if r.hmac {
			cfg.Redact.Mode, cfg.Redact.KeyEnv = "hmac", secretgen.HMACKeyEnv
		}
		var sink interface{ AllLogs() []plog.Logs }
		p, sink = newProcessor(r.t, cfg, processortest.NewNopSettings(metadata.Type))
		if r.procs == nil {
			r.procs, r.sinks = map[string]processor.Logs{}, map[string]interface{ AllLogs() []plog.Logs }{}
		}
		r.procs[k], r.sinks[k] = p, sink
	}
	before := len(r.sinks[k].AllLogs())
	if err := p.ConsumeLogs(context.Background(), ld); err != nil {
		r.t.Fatal(err)
	}
	all := r.sinks[k].AllLogs()
	if len(all) != before+1 {
		r.t.Fatalf("%d batches out, want %d", len(all), before+1)
	}
	return all[before]
}

// redpropBatch makes one plog.Logs of the texts, a record each, in order.
func redpropBatch(texts []string, secrets [][]string, variant string) plog.Logs {
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i, text := range texts {
		if variant == "pipeline attributes" {
			// A resource per record: k8sattributes's pod annotations,
			// holding the record's secrets.
			rl := ld.ResourceLogs().AppendEmpty()
			a := rl.Resource().Attributes()
			a.PutStr("k8s.pod.name", "passman-0")
			plant(a, text, secrets[i], []string{"k8s.pod.annotation.db-password", "cookie note"})
			// and a scope whose attributes an earlier stage set
			sl := rl.ScopeLogs().AppendEmpty()
			sl.Scope().SetName("pipeline/" + firstOr(secrets[i]))
			plant(sl.Scope().Attributes(), text, secrets[i], []string{"note", "detail", "client_secret"})
			lrs = sl.LogRecords()
		}
		lr := lrs.AppendEmpty()
		lr.SetObservedTimestamp(observed)
		putBody(lr, text, variant, secrets[i])
	}
	return ld
}

func (r *procRuns) run(schema, variant string) secretgen.Run {
	return func(text string, max int, secrets []string) []secretgen.Leak {
		out := r.consume(schema, variant, max, redpropBatch([]string{text}, [][]string{secrets}, variant))
		var found []secretgen.Leak
		otlptest.ForEachWithScope(out, func(res pcommon.Resource, scope pcommon.InstrumentationScope, lr plog.LogRecord) {
			found = append(found, otlptest.Leaks(res, scope, lr, secrets)...)
		})
		return found
	}
}

// procFaces are the ways through the processor in schema: each body
// variant, a batch of cases in one plog.Logs, record for record.
func procFaces(t testing.TB, schema string, hmac bool) []secretgen.Face {
	runs := &procRuns{t: t, hmac: hmac}
	var faces []secretgen.Face
	for _, variant := range redpropBodies {
		batch := func(cases []secretgen.Case) [][]secretgen.Leak {
			texts := make([]string, len(cases))
			secrets := make([][]string, len(cases))
			for i, c := range cases {
				texts[i], secrets[i] = c.Text, c.Secrets
			}
			var leaks [][]secretgen.Leak
			otlptest.ForEachWithScope(runs.consume(schema, variant, 0, redpropBatch(texts, secrets, variant)), func(res pcommon.Resource, scope pcommon.InstrumentationScope, lr plog.LogRecord) {
				leaks = append(leaks, otlptest.Leaks(res, scope, lr, cases[len(leaks)].Secrets))
			})
			if len(leaks) != len(texts) {
				t.Fatalf("%d records out, %d in", len(leaks), len(texts))
			}
			return leaks
		}
		faces = append(faces, secretgen.Face{Variant: variant, Batch: batch, Run: runs.run(schema, variant)})
	}
	return faces
}

func TestRedactionProperty(t *testing.T) { redprop.Check(t, false) }

// TestRedactionPropertyHMAC: the property with keyed pseudonyms in place of
// the mask, in the otel schema on half the cases.
func TestRedactionPropertyHMAC(t *testing.T) { redprop.Check(t, true) }

// firstOr is a scope name's secret: the record's first, if any.
func firstOr(secrets []string) string {
	if len(secrets) == 0 {
		return "none"
	}
	return "token=" + secrets[0]
}
