package otelprocessor

import (
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
	"github.com/pamaudit/pamaudit/record"
)

const (
	passmanLine = "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = CheckoutCredentials, user_upn = alice@corp.example, business_result = success"
	nginxLine   = `10.0.0.1 - - [05/Mar/2026:10:16:02 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.31"`
)

// nodeLogs is a node's records: one resource per container, as the filelog
// receiver's container operator makes them.
func nodeLogs(containers ...[3]string) plog.Logs {
	ld := plog.NewLogs()
	for _, c := range containers {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("k8s.namespace.name", c[0])
		rl.Resource().Attributes().PutStr("k8s.container.name", c[1])
		lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		lr.SetObservedTimestamp(observed)
		lr.Body().SetStr(c[2])
		lr.Attributes().PutStr("log.iostream", "stdout")
	}
	return ld
}

// conditions select the records pamaudit parses; every other record passes
// on untouched.
func TestConditions(t *testing.T) {
	in := func() plog.Logs {
		return nodeLogs(
			[3]string{"pam", "passman", passmanLine},
			[3]string{"web", "nginx", nginxLine},
			[3]string{"vault", "passman-audit", passmanLine},
			[3]string{"web", "sidecar", passmanLine},
		)
	}
	for _, tc := range []struct {
		name       string
		conditions []string
		parsed     []bool // per resource
	}{
		{"none: every record", nil, []bool{true, true, true, true}},
		{"empty list: every record", []string{}, []bool{true, true, true, true}},
		{"namespace", []string{`resource.attributes["k8s.namespace.name"] == "pam"`}, []bool{true, false, false, false}},
		{"ORed", []string{
			`resource.attributes["k8s.namespace.name"] == "pam"`,
			`IsMatch(resource.attributes["k8s.container.name"], "^passman")`,
		}, []bool{true, false, true, false}},
		{"record attribute and body", []string{`attributes["log.iostream"] == "stdout" and IsMatch(body, "passman-audit\\(")`}, []bool{true, false, true, true}},
		{"OTTL context names", []string{`IsMatch(log.body, "^10\\.") or resource.attributes["k8s.container.name"] == "sidecar"`}, []bool{false, true, false, true}},
		{"missing attribute is nil, not an error", []string{`resource.attributes["pam"] != nil`}, []bool{false, false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := createDefaultConfig()
			cfg.Conditions = tc.conditions
			orig := in()
			out := consume(t, cfg, in())
			if out.ResourceLogs().Len() != len(tc.parsed) {
				t.Fatalf("%d resources out", out.ResourceLogs().Len())
			}
			for i, want := range tc.parsed {
				lr := out.ResourceLogs().At(i).ScopeLogs().At(0).LogRecords().At(0)
				if want {
					if lr.EventName() == "" {
						_, isErr := lr.Attributes().Get(record.AttrErrorType)
						if !isErr {
							t.Errorf("resource %d: not parsed", i)
						}
					}
					continue
				}
				o := orig.ResourceLogs().At(i).ScopeLogs().At(0).LogRecords().At(0)
				if !equalRecord(lr, o) {
					t.Errorf("resource %d changed though no condition selected it:\n got %v %v\nwant %v %v", i,
						lr.Body().AsRaw(), lr.Attributes().AsRaw(), o.Body().AsRaw(), o.Attributes().AsRaw())
				}
			}
		})
	}
}

// A condition that fails on a record (ParseJSON of a line that is not
// JSON) is logged and counts as false; the next condition is still tried.
func TestConditionEvalError(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.Conditions = []string{`ParseJSON(body)["a"] == "b"`, `resource.attributes["k8s.container.name"] == "nginx"`}
	core, logs := observer.New(zap.WarnLevel)
	set := processortest.NewNopSettings(metadata.Type)
	set.Logger = zap.New(core)
	p, sink := newProcessor(t, cfg, set)
	in := nodeLogs([3]string{"pam", "passman", passmanLine}, [3]string{"web", "nginx", nginxLine})
	if err := p.ConsumeLogs(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	out := sink.AllLogs()[0].ResourceLogs()
	if ev := out.At(0).ScopeLogs().At(0).LogRecords().At(0).EventName(); ev != "" {
		t.Errorf("the record whose condition failed was parsed: %s", ev)
	}
	if _, ok := out.At(1).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get(record.AttrErrorType); !ok {
		t.Error("the record the second condition selects was not parsed")
	}
	if n := logs.FilterMessage("failed to eval condition").Len(); n != 2 {
		t.Errorf("%d warnings, want one a record", n)
	}
}

// equalRecord compares every field of two log records.
func equalRecord(a, b plog.LogRecord) bool {
	var m plog.JSONMarshaler
	wrap := func(lr plog.LogRecord) string {
		ld := plog.NewLogs()
		lr.CopyTo(ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
		out, _ := m.MarshalLogs(ld)
		return string(out)
	}
	return wrap(a) == wrap(b)
}

// Without conditions an nginx line is an unknown format; selected away it
// carries no error.type.
func TestConditionsNginxUntouched(t *testing.T) {
	cfg := createDefaultConfig()
	out := consume(t, cfg, nodeLogs([3]string{"web", "nginx", nginxLine}))
	if _, ok := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get(record.AttrErrorType); !ok {
		t.Fatal("without conditions the nginx line should fail (the test would prove nothing)")
	}
	cfg.Conditions = []string{`resource.attributes["k8s.namespace.name"] == "pam"`}
	out = consume(t, cfg, nodeLogs([3]string{"web", "nginx", nginxLine}))
	if v, ok := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get(record.AttrErrorType); ok {
		t.Errorf("error.type %q on a record no condition selected", v.Str())
	}
}

// A bad condition fails at start, naming its key; every bad one is named.
func TestConditionErrors(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.Conditions = []string{
		`body == "x"`,
		`IsMatch(body, "^x"`,        // syntax
		`attributes["a"] == "b"`,    // fine
		`Nope(body)`,                // unknown converter
		`set(attributes["x"], "y")`, // an editor is no condition
		`resource.nothing == "x"`,   // unknown path
		`log.body == "x" and resource.attributes["a"] == nil`, // fine: context names are taken too
		``,                                 // empty
		`IsMatch(body, "(") or body == ""`, // bad regular expression
	}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, key := range []string{"conditions[1]: ", "conditions[3]: ", "conditions[4]: ", "conditions[5]: ", "conditions[7]: ", "conditions[8]: "} {
		if !strings.Contains(msg, key) {
			t.Errorf("%q not named in\n%s", key, msg)
		}
	}
	for _, key := range []string{"conditions[0]", "conditions[2]", "conditions[6]"} {
		if strings.Contains(msg, key) {
			t.Errorf("%s is fine but named in\n%s", key, msg)
		}
	}
	if strings.Count(msg, "\n") != 5 {
		t.Errorf("want 6 errors, one a line:\n%s", msg)
	}
}
