package deploy

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/fluentbit/flbsim"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// root is the repository root, seen from this module.
const root = ".."

// readFile returns a file of the repository as text.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	makeMu   sync.Mutex
	makeVars = map[string]string{}
)

// makeVar returns the value of a variable of the Makefile, as make computes
// it, so the tests compare against what `make images` and `make test` use
// rather than a copy.
func makeVar(t *testing.T, name string) string {
	t.Helper()
	makeMu.Lock()
	defer makeMu.Unlock()
	if v, ok := makeVars[name]; ok {
		return v
	}
	cmd := exec.Command("make", "-s", "--no-print-directory", "-C", root,
		"--eval", "print-deploy-var-%: ; @echo '$($*)'", "print-deploy-var-"+name)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make %s: %v", name, err)
	}
	v := strings.TrimSpace(string(out))
	if v == "" {
		t.Fatalf("the Makefile has no %s", name)
	}
	makeVars[name] = v
	return v
}

// artifact returns the path of a build output named by an environment
// variable that the Makefile sets in `make test`; without it the test is
// skipped, as otelprocessor's end-to-end test is.
func artifact(t *testing.T, env, what string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		t.Skipf("%s is not set: %s is built by make (make test sets it)", env, what)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s=%s: %v", env, p, err)
	}
	return p
}

// expandEnv resolves ${VAR} references (Fluent Bit's syntax) from vars; a
// reference without a value fails the test.
func expandEnv(t *testing.T, s string, vars map[string]string) string {
	t.Helper()
	return regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`).ReplaceAllStringFunc(s, func(m string) string {
		v, ok := vars[m[2:len(m)-1]]
		if !ok {
			t.Fatalf("no value for %s", m)
		}
		return v
	})
}

// freePort returns a loopback port ("tcp" or "udp") that was free a
// moment ago.
func freePort(t *testing.T, network string) int {
	t.Helper()
	var c io.Closer
	var addr net.Addr
	if network == "udp" {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		c, addr = pc, pc.LocalAddr()
	} else {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		c, addr = ln, ln.Addr()
	}
	defer c.Close()
	_, port, _ := net.SplitHostPort(addr.String())
	p, _ := strconv.Atoi(port)
	return p
}

// goldenEvents returns the event names of the golden records of a testdata
// log, in order.
func goldenEvents(t *testing.T, log string) []string {
	t.Helper()
	text := readFile(t, filepath.Join("testdata", strings.TrimSuffix(log, ".log")+".ndjson"))
	var names []string
	re := regexp.MustCompile(`"event_name":"([^"]*)"`)
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		m := re.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("%s: a golden record without event_name: %s", log, line)
		}
		names = append(names, m[1])
	}
	return names
}

// testdataLines returns the lines of a testdata log.
func testdataLines(t *testing.T, log string) []string {
	t.Helper()
	return strings.Split(strings.TrimRight(readFile(t, filepath.Join("testdata", log)), "\n"), "\n")
}

// receiver is an OTLP/HTTP logs receiver on loopback. While refuse is set
// it answers 503, as a backend that is down for a moment.
type receiver struct {
	url  string
	down atomic.Bool // answer 503 Service Unavailable, as a backend that is down
	mu   sync.Mutex
	recs []record
}

// record is one received log record with its resource attributes.
type record struct {
	event    string
	body     string
	attrs    map[string]string
	resource map[string]string
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{}
	r.url = otlptest.Serve(t, "127.0.0.1:0", r)
	return r
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if r.down.Load() {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	ld, ok := otlptest.Decode(w, req)
	if !ok {
		return
	}
	var got []record
	otlptest.ForEachWithScope(ld, func(res pcommon.Resource, _ pcommon.InstrumentationScope, lr plog.LogRecord) {
		got = append(got, record{event: lr.EventName(), body: bodyText(lr), attrs: attrMap(lr.Attributes().AsRaw()), resource: attrMap(res.Attributes().AsRaw())})
	})
	r.mu.Lock()
	r.recs = append(r.recs, got...)
	r.mu.Unlock()
	otlptest.Accept(w)
}

func bodyText(lr plog.LogRecord) string { return lr.Body().AsString() }

// attrMap flattens attributes to text: strings as they are, anything else
// as fmt prints it.
func attrMap(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		} else {
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

func (r *receiver) records() []record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]record(nil), r.recs...)
}

// wait waits until at least n records arrived, or the timeout passed.
func (r *receiver) wait(n int, timeout time.Duration) []record {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if recs := r.records(); len(recs) >= n {
			return recs
		}
		time.Sleep(100 * time.Millisecond)
	}
	return r.records()
}

// startHarness loads the real plugin into build/flb-harness, the C program
// that calls it as Fluent Bit's Go proxy does (fluentbit/harness/harness.c),
// until the test ends; the plugin's log is shown when the test fails.
func startHarness(t *testing.T, bin, plugin string) (*flbsim.Harness, *testutil.SyncBuffer) {
	t.Helper()
	log := &testutil.SyncBuffer{}
	h, err := flbsim.StartHarness(bin, plugin, t.TempDir(), os.LookupEnv, io.Discard, log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	t.Cleanup(func() {
		_ = h.Close()
		if t.Failed() {
			t.Logf("plugin log:\n%s", log.String())
		}
	})
	return h, log
}
