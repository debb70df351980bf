package deploy

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/internal/otlptest"
)

// The agent → gateway pipeline under a sustained load, with deploy's
// files as TestGatewayKilled runs them: PassMan lines appended to a pod's
// log at a fixed rate, read by the agent, parsed by the gateway, exported
// to a backend here. It reports, every 5 s, each process's RSS and CPU time
// and the latency from the line's write to the backend; at the end the
// records in and out. Not part of make test: scripts/load-gateway.sh runs
// it (PAMAUDIT_LOAD=1; PAMAUDIT_LOAD_RATE lines a second, default 20000,
// for PAMAUDIT_LOAD_SECONDS, default 60; PAMAUDIT_LOAD_FSYNC=off;
// PAMAUDIT_LOAD_SOURCE=gateway for the gateway alone).
func TestGatewayLoad(t *testing.T) {
	if os.Getenv("PAMAUDIT_LOAD") == "" {
		t.Skip("PAMAUDIT_LOAD is not set: scripts/load-gateway.sh runs this")
	}
	bin := artifact(t, "PAMAUDIT_OTELCOL", "the collector distribution")
	rate := envInt(t, "PAMAUDIT_LOAD_RATE", 20000)
	seconds := envInt(t, "PAMAUDIT_LOAD_SECONDS", 60)
	n := rate * seconds

	// PAMAUDIT_LOAD_SOURCE=gateway: the test sends to the gateway's OTLP/HTTP
	// receiver itself, as many agents would (requests of 1000 raw records),
	// and no agent runs: the gateway tier alone.
	direct := os.Getenv("PAMAUDIT_LOAD_SOURCE") == "gateway"
	backend := newCounter(t, n)
	grpc, gwHTTP := freePort(t, "tcp"), freePort(t, "tcp")
	gwRun := gatewayLoopback(t, gateway(t, "kubernetes/gateway/overlays/default"), backend.url, grpc, gwHTTP)
	agent := collectorOverlay(t, "kubernetes/collector/overlays/gateway-agent")
	nd := node{t: t, root: t.TempDir()}
	var processors []string
	for _, p := range configKey(t, agent.config, "service", "pipelines", "logs/containers", "processors").([]any) {
		if p != "k8s_attributes" {
			processors = append(processors, p.(string))
		}
	}
	agRun := loopback(t, agent, "/var/lib/otelcol-pamaudit", t.TempDir(), map[string]string{
		"PAMAUDIT_OTLP_ENDPOINT":  fmt.Sprintf("127.0.0.1:%d", grpc),
		"PAMAUDIT_CONTAINER_LOGS": filepath.Join(nd.root, agent.settings["PAMAUDIT_CONTAINER_LOGS"]),
	}, syslogListen, yamlOverride("service::pipelines::logs/containers::processors", processors))
	// What fsync costs: PAMAUDIT_LOAD_FSYNC=off turns it off in both tiers.
	if os.Getenv("PAMAUDIT_LOAD_FSYNC") == "off" {
		gwRun.args = append(gwRun.args, "--config", yamlOverride("extensions::file_storage::fsync", false))
		agRun.args = append(agRun.args, "--config", yamlOverride("extensions::file_storage::fsync", false))
	}
	procs := map[string]*runningCollector{"gateway": gwRun.start(t, bin)}
	names := []string{"gateway"}
	if !direct {
		procs["agent"] = agRun.start(t, bin)
		names = []string{"agent", "gateway"}
	}

	// The source: every 10 ms the lines due by then, each with its id, and
	// the time each was written (or sent).
	tmpl := regexp.MustCompile(`id = \d+`).ReplaceAllString(testdataLines(t, "passman/audit.log")[0], "id = %d")
	var sink func(from, to int) error
	if direct {
		sink = otlpSource(fmt.Sprintf("http://127.0.0.1:%d/v1/logs", gwHTTP), tmpl)
	} else {
		dir := nd.podLog("pam", "passman-0", "5f0d1c2e-8a4b-4c3d-9e1f-0a1b2c3d4e5f", "passman")
		f, err := os.OpenFile(filepath.Join(dir, "0.log"), os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		w := bufio.NewWriterSize(f, 1<<20)
		sink = func(from, to int) error {
			for i := from; i < to; i++ {
				fmt.Fprintf(w, "2026-03-05T10:16:00.123456789Z stdout F "+tmpl+"\n", i)
			}
			return w.Flush()
		}
	}
	written := make([]int64, n) // unix nanoseconds
	var wmu sync.Mutex
	wrote := 0
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		next := 0
		for next < n {
			<-tick.C
			due := min(n, int(float64(rate)*time.Since(start).Seconds()))
			now := time.Now().UnixNano()
			for i := next; i < due; i++ {
				written[i] = now
			}
			if err := sink(next, due); err != nil {
				t.Error(err)
				return
			}
			next = due
			wmu.Lock()
			wrote = next
			wmu.Unlock()
		}
	}()

	rss := map[string][]int{}
	header := fmt.Sprintf("%6s %9s %9s", "t(s)", "written", "out")
	for _, name := range names {
		header += fmt.Sprintf(" %13s", name+" RSS")
	}
	t.Log(header + fmt.Sprintf(" %10s %10s %10s", "lat p50", "lat p99", "lat max"))
	report := func() {
		wmu.Lock()
		wn := wrote
		wmu.Unlock()
		out, lat := backend.window(written)
		line := fmt.Sprintf("%6.0f %9d %9d", time.Since(start).Seconds(), wn, out)
		for _, name := range names {
			kb := procKB(t, procs[name].Cmd.Process.Pid, "VmRSS")
			rss[name] = append(rss[name], kb)
			line += fmt.Sprintf(" %9d MiB", kb/1024)
		}
		t.Log(line + " " + latencies(lat))
	}
	// Until every record is out, or nothing came out for 30 s.
	last, idle := -1, 0
	for {
		time.Sleep(5 * time.Second)
		report()
		select {
		case <-done:
		default:
			continue
		}
		out := backend.distinct()
		if out == last {
			idle++
		} else {
			idle = 0
		}
		last = out
		if out >= n || idle >= 6 {
			break
		}
	}
	time.Sleep(2 * time.Second)
	out := max(1, backend.distinct())
	for _, name := range names {
		cpu := procCPU(t, procs[name].Cmd.Process.Pid)
		r := rss[name]
		half := r[len(r)/2:]
		t.Logf("%s: CPU %.1f s (user+system), %.0f µs a record out; RSS %d-%d MiB over the second half of the run, peak %d MiB",
			name, cpu, cpu*1e6/float64(out), slices.Min(half)/1024, slices.Max(half)/1024, procKB(t, procs[name].Cmd.Process.Pid, "VmHWM")/1024)
	}
	distinct, total := backend.distinct(), backend.total()
	t.Logf("%d records in at %d/s for %d s, %d out (%d distinct, %d duplicates), %d missing, all out %.0f s after the start; latency write -> backend over the run: %s",
		n, rate, seconds, total, distinct, total-distinct, n-distinct, backend.lastArrival().Sub(start).Seconds(), latencies(backend.allLatencies(written)))
	if distinct != n {
		t.Errorf("%d records missing", n-distinct)
	}
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// procKB reads a "<key>: <n> kB" line of /proc/<pid>/status.
func procKB(t *testing.T, pid int, key string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + key + `:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("/proc/%d/status: no %s", pid, key)
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return kb
}

// procCPU is a process's user + system CPU seconds.
func procCPU(t *testing.T, pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	stat := string(b)
	f := strings.Fields(stat[strings.LastIndexByte(stat, ')')+2:])
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return float64(u+s) / 100 // clock ticks: 100 a second on Linux
}

func latencies(l []time.Duration) string {
	if len(l) == 0 {
		return "-"
	}
	slices.Sort(l)
	q := func(p float64) time.Duration { return l[min(len(l)-1, int(p*float64(len(l))))].Round(time.Millisecond) }
	return fmt.Sprintf("%10s %10s %10s", q(0.5), q(0.99), l[len(l)-1].Round(time.Millisecond))
}

// counter is a backend that keeps, of each record, only its PassMan id and
// when it arrived: a million records fit.
type counter struct {
	url     string
	mu      sync.Mutex
	seen    []uint8
	arrived []int64 // unix nanoseconds, by id; the first arrival
	recent  []int   // ids arrived since the last window
	n       int     // records out
	unique  int     // distinct ids out
}

func newCounter(t *testing.T, n int) *counter {
	t.Helper()
	c := &counter{seen: make([]uint8, n), arrived: make([]int64, n)}
	c.url = otlptest.Serve(t, "127.0.0.1:0", c)
	return c
}

func (c *counter) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	ld, ok := otlptest.Decode(w, req)
	if !ok {
		return
	}
	now := time.Now().UnixNano()
	var ids []int
	otlptest.ForEach(ld, func(lr plog.LogRecord) {
		v, ok := lr.Attributes().Get("passman.id")
		id, err := strconv.Atoi(v.AsString())
		if !ok || err != nil {
			id = -1 // not parsed: counted as missing
		}
		ids = append(ids, id)
	})
	c.mu.Lock()
	for _, id := range ids {
		c.n++
		if id < 0 || id >= len(c.seen) {
			continue
		}
		if c.seen[id] == 0 {
			c.unique++
			c.arrived[id] = now
			c.recent = append(c.recent, id)
		}
		c.seen[id] = 1
	}
	c.mu.Unlock()
	otlptest.Accept(w)
}

// window returns the records out so far and the latencies of those that
// arrived since the last call.
func (c *counter) window(written []int64) (int, []time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	lat := make([]time.Duration, 0, len(c.recent))
	for _, id := range c.recent {
		lat = append(lat, time.Duration(c.arrived[id]-written[id]))
	}
	c.recent = c.recent[:0]
	return c.n, lat
}

// allLatencies returns the latency of every record that arrived.
func (c *counter) allLatencies(written []int64) []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var lat []time.Duration
	for id, s := range c.seen {
		if s > 0 {
			lat = append(lat, time.Duration(c.arrived[id]-written[id]))
		}
	}
	return lat
}

func (c *counter) lastArrival() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Unix(0, slices.Max(c.arrived))
}

func (c *counter) distinct() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.unique
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// otlpSource sends records from..to to an OTLP/HTTP logs URL as an agent
// forwards them: raw lines as bodies, in requests of at most 1000.
func otlpSource(url, tmpl string) func(from, to int) error {
	client := &http.Client{Timeout: 30 * time.Second}
	return func(from, to int) error {
		for lo := from; lo < to; lo += 1000 {
			ld := plog.NewLogs()
			rl := ld.ResourceLogs().AppendEmpty()
			rl.Resource().Attributes().PutStr("k8s.namespace.name", "pam")
			rl.Resource().Attributes().PutStr("k8s.pod.name", "passman-0")
			lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
			for i := lo; i < min(to, lo+1000); i++ {
				lr := lrs.AppendEmpty()
				lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(time.Now()))
				lr.Body().SetStr(fmt.Sprintf(tmpl, i))
			}
			// Refused (the gateway's queue full, memory_limiter): retried,
			// as an agent does.
			for {
				if status, err := otlptest.Send(client, url, ld); err == nil && status == http.StatusOK {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
		return nil
	}
}
