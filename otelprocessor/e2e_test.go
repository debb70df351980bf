package otelprocessor

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/pdataconv"
	"github.com/pamaudit/pamaudit/internal/testutil"
	"github.com/pamaudit/pamaudit/record"
)

// distribution is where `make otelcol` builds otelcol-pamaudit from
// builder-config.yaml.
const distribution = "../build/otelcol-pamaudit/otelcol-pamaudit"

// e2eFiles are the testdata logs the end-to-end test feeds through the
// filelog receiver, by product (each product has its multiline settings).
var e2eFiles = map[string][]string{
	"passman": {"passman/audit.log", "passman/system.log", "passman/shapes.log"},
	"capam":   {"capam/summary.log", "capam/detailed.log", "capam/seed.log"},
	"netwrix": {"netwrix/bunyan.log", "netwrix/framed.log", "netwrix/pretty.log"},
}

// needDistribution skips the test when the distribution is not built,
// unless PAMAUDIT_E2E is set (make unit sets it): then it fails.
func needDistribution(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(distribution); err != nil {
		if os.Getenv("PAMAUDIT_E2E") != "" {
			t.Fatalf("%s is missing: run make otelcol", distribution)
		}
		t.Skipf("%s not built (make otelcol builds it; make test runs this test)", distribution)
	}
}

// output is the distribution's output, written while the test reads it.
type output struct {
	testutil.SyncBuffer
	exited <-chan struct{} // closed when the distribution has exited
}

// startDistribution runs the distribution on the configuration file, with
// env (NAME=value) added to the environment, until the test ends.
func startDistribution(t *testing.T, cfgFile string, env ...string) *output {
	t.Helper()
	out := &output{}
	cmd := exec.Command(distribution, "--config", cfgFile)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &out.SyncBuffer, &out.SyncBuffer
	out.exited = testutil.Start(t, cmd, os.Kill, 0).Done()
	return out
}

// waitRecords waits until count() reaches n, the timeout passes or the
// distribution exits, then a second more for records beyond n to show, and
// returns the count.
func waitRecords(out *output, count func() int, n int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for count() < n && time.Now().Before(deadline) {
		select {
		case <-out.exited:
			return count()
		case <-time.After(50 * time.Millisecond):
		}
	}
	time.Sleep(time.Second)
	return count()
}

// TestEndToEnd runs the distribution built from builder-config.yaml on the
// testdata logs (filelog receiver, pamaudit processor, OTLP/HTTP exporter)
// and compares what it exports with the golden records.
func TestEndToEnd(t *testing.T) {
	needDistribution(t)
	dir := t.TempDir()
	want := map[string][]string{} // golden NDJSON lines by file name
	total := 0
	for product, files := range e2eFiles {
		if err := os.MkdirAll(filepath.Join(dir, product), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			in, err := os.ReadFile(filepath.Join("..", "testdata", f))
			if err != nil {
				t.Fatal(err)
			}
			name := strings.ReplaceAll(f, "/", "-")
			if err := os.WriteFile(filepath.Join(dir, product, name), in, 0o644); err != nil {
				t.Fatal(err)
			}
			lines := otlptest.GoldenLines(t, filepath.Join("..", "testdata", f), "otel")
			want[name] = lines
			total += len(lines)
		}
	}

	sink := otlptest.NewReceiver(t, "127.0.0.1:0")

	// The example configuration's receivers, pointed at the copies.
	example, err := os.ReadFile("../examples/otelcol/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(example)
	for _, product := range core.DefaultProducts().Names() {
		cfg = strings.Replace(cfg, "[examples/logs/"+product+"*.log]", "["+filepath.Join(dir, product, "*.log")+"]", 1)
	}
	cfg = strings.Replace(cfg, "exporters:\n  debug:\n    verbosity: detailed\n",
		fmt.Sprintf("exporters:\n  otlp_http:\n    logs_endpoint: %s\n    compression: gzip\n", sink.URL), 1)
	cfg = strings.Replace(cfg, "exporters: [debug]", "exporters: [otlp_http]", 1)
	if strings.Contains(cfg, "[examples/logs") || !strings.Contains(cfg, "otlp_http") {
		t.Fatalf("could not adapt the example configuration:\n%s", cfg)
	}
	cfgFile := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	out := startDistribution(t, cfgFile)

	if n := waitRecords(out, sink.Count, total, 90*time.Second); n != total {
		t.Fatalf("collector exported %d records, want %d\n%s", n, total, out.String())
	}

	got := map[string][]string{}
	for _, lr := range sink.Records() {
		name, _ := lr.Attributes().Get("log.file.name")
		got[name.Str()] = append(got[name.Str()], otlptest.RecordJSON(lr, "log.file.name"))
	}
	for name, lines := range want {
		if len(got[name]) != len(lines) {
			t.Errorf("%s: %d records, want %d", name, len(got[name]), len(lines))
			continue
		}
		for i, w := range lines {
			if g := otlptest.Golden(t, w); g != got[name][i] {
				t.Errorf("%s record %d:\n got %s\nwant %s", name, i+1, got[name][i], g)
			}
		}
	}
}

// byContainer returns the records by namespace/pod/container, from the
// resource attributes the container operator set, in arrival order.
func byContainer(recv *otlptest.Receiver) map[string][]plog.LogRecord {
	out := map[string][]plog.LogRecord{}
	for _, ld := range recv.Logs() {
		for _, rl := range ld.ResourceLogs().All() {
			res := rl.Resource().Attributes()
			var k []string
			for _, name := range []string{"k8s.namespace.name", "k8s.pod.name", "k8s.container.name"} {
				v, _ := res.Get(name)
				k = append(k, v.Str())
			}
			key := strings.Join(k, "/")
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					out[key] = append(out[key], lr)
				}
			}
		}
	}
	return out
}

// podContainer is one container's log on the node and what it holds.
type podContainer struct {
	namespace, pod, uid, container string
	files                          []string // testdata logs, in order, whose goldens its records are
	lines                          []string // or lines of its own, which pass on untouched
}

// criLines writes text as a runtime does: one CRI line per line; a line
// longer than split (0: none) is cut into P lines and a last F line.
func criLines(w *strings.Builder, text string, at time.Time, split int) {
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		var parts []string
		for split > 0 && len(l) > split {
			parts, l = append(parts, l[:split]), l[split:]
		}
		for _, c := range testutil.CRI(at, "stdout", append(parts, l)...) {
			w.WriteString(c + "\n")
		}
		at = at.Add(time.Millisecond)
	}
}

var nodeContainers = []podContainer{
	{"pam", "passman-0", "3f0c2a7e-1b4d-4c5e-9f60-7a8b9c0d1e2f", "passman", []string{"passman/audit.log"}, nil},
	// Pretty-printed JSON, one CRI line a line, then one-line bunyan JSON.
	{"pam", "netwrix-api-6f7c9d-x2k4q", "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "netwrix-api", []string{"netwrix/pretty.log", "netwrix/bunyan.log"}, nil},
	// Another namespace: selected by the container name.
	{"security", "capam-1", "0d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a", "capam-seaudit", []string{"capam/summary.log"}, nil},
	// Neither: passes on untouched.
	{"web", "nginx-5c6b8-q7z9w", "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", "nginx", nil, []string{
		`10.0.0.1 - - [05/Mar/2026:10:16:02 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.31"`,
		`10.0.0.9 - - [05/Mar/2026:10:16:03 +0000] "POST /login?password=hunter2 HTTP/1.1" 302 0 "-" "curl/8.5"`,
		`2026/03/05 10:16:04 [error] 29#29: *1 open() "/usr/share/nginx/html/x" failed (2: No such file or directory)`,
	}},
}

// TestNodeEndToEnd runs the distribution on examples/otelcol/node.yaml over
// a /var/log/pods tree of CRI logs: the PAM containers' records come out as
// the goldens (Netwrix's pretty-printed JSON recombined from its CRI lines,
// PassMan lines the runtime split joined), with k8s.* from the path; the
// nginx container's records pass on untouched.
func TestNodeEndToEnd(t *testing.T) {
	needDistribution(t)
	pods := filepath.Join(t.TempDir(), "var", "log", "pods")
	want := map[string][]string{} // namespace/pod/container: golden records, or the lines
	total := 0
	at := time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC)
	for _, c := range nodeContainers {
		dir := filepath.Join(pods, c.namespace+"_"+c.pod+"_"+c.uid, c.container)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		var log strings.Builder
		key := c.namespace + "/" + c.pod + "/" + c.container
		for _, f := range c.files {
			in, err := os.ReadFile(filepath.Join("..", "testdata", f))
			if err != nil {
				t.Fatal(err)
			}
			split := 0
			if strings.HasPrefix(f, "passman/") {
				split = 200 // the long audit lines come as P lines and an F line
			}
			criLines(&log, string(in), at, split)
			want[key] = append(want[key], otlptest.GoldenLines(t, filepath.Join("..", "testdata", f), "otel")...)
		}
		for _, l := range c.lines {
			criLines(&log, l, at, 0)
			want[key] = append(want[key], l)
		}
		total += len(want[key])
		if err := os.WriteFile(filepath.Join(dir, "0.log"), []byte(log.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	sink := otlptest.NewReceiver(t, "127.0.0.1:0")
	out := startDistribution(t, "../examples/otelcol/node.yaml",
		"PAMAUDIT_POD_LOGS="+pods, "PAMAUDIT_START_AT=beginning", "PAMAUDIT_OTLP_ENDPOINT="+sink.URL)
	if n := waitRecords(out, sink.Count, total, 90*time.Second); n != total {
		t.Fatalf("collector exported %d records, want %d\n%s", n, total, out.String())
	}

	got := byContainer(sink)
	uids := map[string]bool{}
	for _, c := range nodeContainers {
		key := c.namespace + "/" + c.pod + "/" + c.container
		recs := got[key]
		if len(recs) != len(want[key]) {
			t.Errorf("%s: %d records, want %d (by container: %v)", key, len(recs), len(want[key]), keys(got))
			continue
		}
		for i, lr := range recs {
			if c.files == nil {
				// Not selected: untouched, as the container operator left it.
				if lr.EventName() != "" || lr.Body().Str() != want[key][i] {
					t.Errorf("%s record %d: event %q body %q, want the line untouched", key, i+1, lr.EventName(), lr.Body().Str())
				}
				if v, ok := lr.Attributes().Get(record.AttrErrorType); ok {
					t.Errorf("%s record %d: error.type %q on a record no condition selected", key, i+1, v.Str())
				}
				continue
			}
			if !strings.Contains(want[key][i], `"time":`) {
				// No time of its own: the record keeps the CRI line's.
				if ts := lr.Timestamp().AsTime(); ts.Before(at) || ts.After(at.Add(time.Hour)) {
					t.Errorf("%s record %d: time %v, not the CRI line's", key, i+1, ts)
				}
				lr.SetTimestamp(0)
			}
			// The identity of a file's record: of its path and offset too.
			off, ok := lr.Attributes().Get(record.AttrLogFileRecordOffset)
			if uid := otlptest.UID(lr, "otel"); !ok || len(uid) != core.UIDLen || uids[uid] {
				t.Errorf("%s record %d: log.record.uid %q (offset %v), not one of its own", key, i+1, uid, off.AsRaw())
			} else {
				uids[uid] = true
			}
			g := otlptest.RecordJSON(lr, "log.file.path", "log.file.record_offset", "log.iostream", "logtag")
			if w := otlptest.Golden(t, want[key][i]); g != w {
				t.Errorf("%s record %d:\n got %s\nwant %s", key, i+1, g, w)
			}
		}
	}
}

func keys(m map[string][]plog.LogRecord) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s:%d", k, len(v)))
	}
	return out
}

// dialWhenUp connects to addr once the collector listens there, trying for
// at most timeout.
func dialWhenUp(t *testing.T, addr string, timeout time.Duration, out *output) net.Conn {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("the collector does not listen on %s after %v: %v\n%s", addr, timeout, err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sentLine is one syslog line the test sends, and what its record must
// carry besides what the full line parses to.
type sentLine struct {
	rfc  string // "5424" or "3164"
	line string
	key  string         // the attribute that tells the records apart
	want map[string]any // attributes the record must have
}

// syslogLines are PassMan and Netwrix lines in both syslog formats. The
// RFC 3164 times are now's (they have no year: the receiver and the parser
// both take the current one).
func syslogLines(now time.Time) []sentLine {
	stamp := now.UTC().Format(time.Stamp)
	pm := func(id string) string {
		return "id = " + id + ", type = CheckoutCredentials, user_upn = alice@corp.example, user_address = ::ffff:10.20.30.40, entity_path = 'Servers/Linux/db-prod-01', business_result = Success"
	}
	nx := func(id string) string {
		return `{"name":"s1_api","hostname":"nps01.example.com","pid":4121,"level":30,"msg":"request finish","req_id":"` + id +
			`","time":"2020-03-28T15:01:56.900Z","req":{"method":"POST","url":"/api/v1/login","headers":{"cookie":"sid=abc123secret"}},"res":{"statusCode":200}}`
	}
	pmWant := func(id, service string, more ...any) map[string]any {
		m := map[string]any{"host.name": "pm-node1", "service.name": service, "process.pid": int64(2301),
			"passman.id": id, "passman.entity_path": "Servers/Linux/db-prod-01", "user.name": "alice@corp.example",
			"client.address": "10.20.30.40", "event.action": "CheckoutCredentials", "event.outcome": "success"}
		for i := 0; i < len(more); i += 2 {
			m[more[i].(string)] = more[i+1]
		}
		return m
	}
	nxWant := func(id string) map[string]any {
		return map[string]any{"host.name": "nps01.example.com", "service.name": "s1_api", "process.pid": int64(4121),
			"netwrix.req_id": id, "http.request.method": "POST", "http.response.status_code": int64(200)}
	}
	return []sentLine{
		{"5424", `<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 AUDIT [meta seq="7"] passman-audit(2301): ` + pm("501"), "passman.id",
			pmWant("501", "passman", "log.syslog.priority", int64(134), "log.syslog.msgid", "AUDIT", "log.syslog.structured_data.meta.seq", "7")},
		{"3164", "<134>" + stamp + " pm-node1 passman-audit[2301]: " + pm("502"), "passman.id",
			pmWant("502", "passman-audit", "log.syslog.severity.code", int64(6))},
		{"5424", "<14>1 2020-03-28T15:01:56Z collector01 fluentd - - - " + nx("a501"), "netwrix.req_id", nxWant("a501")},
		{"3164", "<14>" + stamp + " collector01 netwrix[4121]: " + nx("a502"), "netwrix.req_id", nxWant("a502")},
	}
}

// fullLine is what pamaudit makes of the full line by itself: the event
// name and every attribute but log.record.original.
func fullLine(t *testing.T, line string) (string, map[string]any) {
	t.Helper()
	p, err := core.NewParser(core.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := p.ParseString(line)
	if err != nil {
		t.Fatalf("the full line does not parse: %v", err)
	}
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	var w pdataconv.Writer
	w.Fill(lr, rec)
	attrs := lr.Attributes().AsRaw()
	delete(attrs, record.AttrLogRecordOriginal)
	return rec.EventName, attrs
}

// receiverAttrs are the attributes the syslog receiver writes.
var receiverAttrs = []string{"hostname", "appname", "proc_id", "msg_id", "message", "priority", "facility", "facility_text", "structured_data", "version"}

// TestSyslogEndToEnd runs the distribution on examples/otelcol/syslog.yaml,
// sends PassMan and Netwrix lines over TCP in RFC 5424 and RFC 3164, and
// checks that both pipelines (the message in the body, the message
// attribute) export each with the full line's event name and attributes.
func TestSyslogEndToEnd(t *testing.T) {
	needDistribution(t)
	addr5424, addr3164 := testutil.FreeAddr(t), testutil.FreeAddr(t)
	body, message := otlptest.NewReceiver(t, "127.0.0.1:0"), otlptest.NewReceiver(t, "127.0.0.1:0")
	out := startDistribution(t, "../examples/otelcol/syslog.yaml",
		"PAMAUDIT_SYSLOG_RFC5424="+addr5424, "PAMAUDIT_SYSLOG_RFC3164="+addr3164,
		"PAMAUDIT_OTLP_BODY="+body.URL, "PAMAUDIT_OTLP_MESSAGE="+message.URL)

	lines := syslogLines(time.Now())
	conns := map[string]net.Conn{
		"5424": dialWhenUp(t, addr5424, 60*time.Second, out),
		"3164": dialWhenUp(t, addr3164, 60*time.Second, out),
	}
	for _, l := range lines {
		c := conns[l.rfc]
		_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := fmt.Fprintf(c, "%s\n", l.line); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range conns {
		_ = c.Close()
	}

	for name, sink := range map[string]*otlptest.Receiver{"logs/body": body, "logs/message": message} {
		t.Run(name, func(t *testing.T) {
			if n := waitRecords(out, sink.Count, len(lines), 90*time.Second); n != len(lines) {
				t.Fatalf("%d records exported, want %d\n%s", n, len(lines), out.String())
			}
			byKey := map[string]plog.LogRecord{}
			for _, lr := range sink.Records() {
				for _, l := range lines {
					if v, ok := lr.Attributes().Get(l.key); ok {
						byKey[v.Str()] = lr
					}
				}
			}
			for _, l := range lines {
				lr, ok := byKey[l.want[l.key].(string)]
				if !ok {
					t.Errorf("RFC %s %s=%v: no record", l.rfc, l.key, l.want[l.key])
					continue
				}
				checkSyslogRecord(t, name, l, lr)
			}
		})
	}
}

// checkSyslogRecord checks one exported record against its line.
func checkSyslogRecord(t *testing.T, pipeline string, l sentLine, lr plog.LogRecord) {
	t.Helper()
	id := fmt.Sprintf("RFC %s %s=%v", l.rfc, l.key, l.want[l.key])
	event, want := fullLine(t, l.line)
	if lr.EventName() != event {
		t.Errorf("%s: event %q, want %q", id, lr.EventName(), event)
	}
	got := lr.Attributes().AsRaw()
	if v, ok := got[record.AttrErrorType]; ok {
		t.Errorf("%s: error.type %v", id, v)
	}
	if strings.Contains(fmt.Sprint(got, lr.Body().AsString()), "abc123secret") {
		t.Errorf("%s: the cookie in clear", id)
	}
	for k, v := range l.want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s: %s = %v, want %v", id, k, got[k], v)
		}
	}
	// The full line's attributes, no more: besides them only the
	// receiver's, log.record.original and the identity (of the message and
	// the header the receiver read: TestUIDFaces).
	delete(got, record.AttrLogRecordOriginal)
	if uid := otlptest.TakeUID(got, "otel"); len(uid) != core.UIDLen {
		t.Errorf("%s: log.record.uid %q", id, uid)
	}
	for _, k := range receiverAttrs {
		delete(got, k)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: attributes\n got %v\nwant %v (the full line's)", id, got, want)
	}
	if _, ok := lr.Attributes().Get("message"); ok == (pipeline == "logs/body") {
		t.Errorf("%s: attribute message present %v in %s", id, ok, pipeline)
	}
	if h, _ := lr.Attributes().Get("hostname"); h.Str() == "" {
		t.Errorf("%s: the receiver's hostname was not kept", id)
	}
	if lr.Timestamp() == 0 {
		t.Errorf("%s: no time", id)
	}
}
