package otelprocessor

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/testutil"
	"github.com/pamaudit/pamaudit/record"
)

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
