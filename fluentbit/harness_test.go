package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/internal/hostile"
	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// The harness tests drive the real plugin (.so) through the C harness, the
// way Fluent Bit's Go proxy calls it. The Makefile builds them and names
// them in PAMAUDIT_PLUGIN, PAMAUDIT_PLUGIN_FAULTS (the plugin built with
// -tags pamaudit_faults, for the panic test only) and PAMAUDIT_HARNESS;
// what is not named is built into a temporary folder, when a test needs it.

// artifact is a build output the tests run.
type artifact struct {
	env   string   // names a prebuilt one
	file  string   // its name when built here
	build []string // the command that builds it, with $OUT for its path
	once  sync.Once
	path  string
	err   error
}

var (
	releasePlugin = &artifact{env: "PAMAUDIT_PLUGIN", file: "pamaudit.so",
		build: []string{"go", "build", "-buildmode=c-shared", "-o", "$OUT", "."}}
	faultsPlugin = &artifact{env: "PAMAUDIT_PLUGIN_FAULTS", file: "pamaudit-faults.so",
		build: []string{"go", "build", "-buildmode=c-shared", "-tags", "pamaudit_faults", "-o", "$OUT", "."}}
	harnessBinary = &artifact{env: "PAMAUDIT_HARNESS", file: "flb-harness",
		build: []string{"gcc", "-O2", "-Wall", "-o", "$OUT", "harness/harness.c", "-ldl", "-lpthread"}}
)

func (a *artifact) get(t *testing.T) string {
	t.Helper()
	a.once.Do(func() {
		if a.path = os.Getenv(a.env); a.path != "" {
			return
		}
		dir, err := os.MkdirTemp("", "pamaudit-harness")
		if err != nil {
			a.err = err
			return
		}
		a.path = filepath.Join(dir, a.file)
		cmd := append([]string(nil), a.build...)
		for i := range cmd {
			if cmd[i] == "$OUT" {
				cmd[i] = a.path
			}
		}
		if out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
			a.err = fmt.Errorf("%v: %v\n%s", cmd, err, out)
		}
	})
	if a.err != nil {
		t.Fatal(a.err)
	}
	return a.path
}

// harness is a running flb-harness with the plugin loaded.
type harness struct {
	t      *testing.T
	in     io.WriteCloser
	out    *bufio.Reader
	mu     sync.Mutex
	stdout []string // lines the plugin printed (the stdout output)
	stderr *testutil.SyncBuffer
}

// startHarness runs the harness with the release plugin.
func startHarness(t *testing.T, env ...string) *harness {
	t.Helper()
	return startHarnessWith(t, releasePlugin, env...)
}

func startHarnessWith(t *testing.T, plugin *artifact, env ...string) *harness {
	t.Helper()
	return startHarnessArgs(t, plugin, nil, env...)
}

// startHarnessArgs runs the harness with options before the plugin's path
// (-def VERSION).
func startHarnessArgs(t *testing.T, plugin *artifact, args []string, env ...string) *harness {
	t.Helper()
	cmd := exec.Command(harnessBinary.get(t), append(args, plugin.get(t))...)
	cmd.Env = append(os.Environ(), env...)
	in, _ := cmd.StdinPipe()
	outPipe, _ := cmd.StdoutPipe()
	h := &harness{t: t, in: in, out: bufio.NewReaderSize(outPipe, 1<<20), stderr: &testutil.SyncBuffer{}}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = io.WriteString(in, "quit\n")
		_ = in.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("plugin log:\n%s", h.stderr.String())
		}
	})
	if got := h.read(); !strings.HasPrefix(got, "register 0 2 11 pamaudit") {
		t.Fatalf("register: %q", got)
	}
	return h
}

// read returns the next harness result line, keeping the plugin's own
// stdout lines aside.
func (h *harness) read() string {
	for {
		line, err := h.out.ReadString('\n')
		if err != nil {
			h.t.Fatalf("harness ended: %v\n%s", err, h.stderr.String())
		}
		line = strings.TrimSuffix(line, "\n")
		if r, ok := strings.CutPrefix(line, "@@ "); ok {
			return r
		}
		h.mu.Lock()
		h.stdout = append(h.stdout, line)
		h.mu.Unlock()
	}
}

// logged waits a little for the plugin's log (stderr is read apart from
// stdout) to contain s.
func (h *harness) logged(s string) bool {
	for i := 0; i < 100; i++ {
		if strings.Contains(h.stderr.String(), s) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

func (h *harness) do(format string, args ...any) string {
	h.t.Helper()
	if _, err := fmt.Fprintf(h.in, format+"\n", args...); err != nil {
		h.t.Fatal(err)
	}
	return h.read()
}

// instance creates and initialises instance id with props; it returns the
// init result.
func (h *harness) instance(id int, props map[string]string) string {
	h.t.Helper()
	h.do("new %d", id)
	for k, v := range props {
		h.do("set %d %s %s", id, k, v)
	}
	return h.do("init %d", id)
}

// refuses initialises instance id with props and checks that the init
// fails with a log line that names key, as a bad setting's must.
func (h *harness) refuses(id int, props map[string]string, key string) {
	h.t.Helper()
	if r := h.instance(id, props); r != fmt.Sprintf("init %d 0", id) {
		h.t.Errorf("%v: %s, want the init to fail", props, r)
		return
	}
	if !h.logged("config: " + key + ": ") {
		h.t.Errorf("%v: the log does not name %s:\n%s", props, key, h.stderr.String())
	}
}

// chunkFile writes a chunk to a file for the harness.
func chunkFile(t *testing.T, chunk []byte) string {
	f := filepath.Join(t.TempDir(), "chunk.msgpack")
	if err := os.WriteFile(f, chunk, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// goldenLines returns the golden NDJSON records of testdata files.
func goldenLines(t *testing.T, files ...string) []string {
	var out []string
	for _, f := range files {
		out = append(out, otlptest.GoldenLines(t, filepath.Join("..", "testdata", f), "otel")...)
	}
	return out
}

// Every record is delivered once over OTLP with the contract's attributes:
// exactly the golden records, plus the Fluent Bit tag and keys.
func TestHarnessOTLP(t *testing.T) {
	files := []string{"passman/audit.log", "passman/shapes.log", "capam/summary.log", "capam/detailed.log", "netwrix/bunyan.log", "netwrix/seed.log"}
	chunk, texts := testdataChunk(t, files...)
	recv := otlptest.NewReceiver(t, "127.0.0.1:0")
	h := startHarness(t)
	if r := h.instance(0, exampleOutput(t, "otlp.conf", map[string]string{"PAMAUDIT_OTLP_ENDPOINT": recv.URL})); r != "init 0 1" {
		t.Fatalf("init: %s", r)
	}
	if r := h.do("flush 0 pam.audit %s", chunkFile(t, chunk)); r != "flush 0 1" {
		t.Fatalf("flush: %s", r)
	}
	if n := recv.Count(); n != len(texts) {
		t.Fatalf("%d records delivered, %d sent", n, len(texts))
	}
	want := goldenLines(t, files...)
	for i, lr := range recv.Records() {
		tag, _ := lr.Attributes().Get("fluentbit.tag")
		stream, _ := lr.Attributes().Get("stream")
		if tag.Str() != "pam.audit" || stream.Str() != "stdout" {
			t.Errorf("record %d: tag %q stream %q", i+1, tag.Str(), stream.Str())
		}
		if lr.ObservedTimestamp().AsTime() != chunkTime {
			t.Errorf("record %d: observed time %v, want the event time", i+1, lr.ObservedTimestamp().AsTime())
		}
		if got, w := otlptest.RecordJSON(lr, "fluentbit.tag", "stream"), otlptest.Golden(t, want[i]); got != w {
			t.Errorf("record %d:\n got %s\nwant %s", i+1, got, w)
		}
	}
	if r := h.do("exit 0"); r != "exit 0 1" {
		t.Errorf("exit: %s", r)
	}
}

// forwardReceiver is a Fluent forward (in_forward) receiver that acks.
type forwardReceiver struct {
	addr    string
	mu      sync.Mutex
	tags    []string
	records []string // each record's body
}

func newForwardReceiver(t *testing.T) *forwardReceiver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveForward(t, ln)
}

// serveForward serves the forward protocol on ln until the test ends.
func serveForward(t *testing.T, ln net.Listener) *forwardReceiver {
	t.Cleanup(func() { _ = ln.Close() })
	f := &forwardReceiver{addr: ln.Addr().String()}
	testutil.Serve(ln, f.serve)
	return f
}

func (f *forwardReceiver) serve(c net.Conn) {
	defer c.Close()
	var buf []byte
	tmp := make([]byte, 64<<10)
	for {
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		r := mpReader{buf: buf}
		if r.skip() == nil {
			break
		}
		if err != nil {
			return
		}
	}
	r := mpReader{buf: buf}
	h, _ := r.next() // [tag, entries, option]
	tag, _ := r.next()
	entries, _ := r.next()
	if h.kind != mpArray || tag.kind != mpStr || entries.kind != mpArray {
		return
	}
	var bodies []string
	for i := 0; i < entries.n; i++ {
		_, _ = r.next() // [time, record]
		_, _ = r.next() // time
		m, _ := r.next()
		for j := 0; j < m.n; j++ {
			k, _ := r.next()
			v, _ := r.next()
			if string(k.s) == "body" {
				bodies = append(bodies, string(v.s))
			}
			if v.kind == mpMap || v.kind == mpArray {
				_ = skipContents(&r, v)
			}
		}
	}
	opt, _ := r.next()
	var chunk string
	for i := 0; i < opt.n; i++ {
		k, _ := r.next()
		v, _ := r.next()
		if string(k.s) == "chunk" {
			chunk = string(v.s)
		}
	}
	f.mu.Lock()
	f.tags = append(f.tags, string(tag.s))
	f.records = append(f.records, bodies...)
	f.mu.Unlock()
	ack := appendMapHeader(nil, 1)
	ack = appendStr(ack, "ack")
	_, _ = c.Write(appendStr(ack, chunk))
}

// Two instances with different configs run independently.
func TestHarnessTwoInstances(t *testing.T) {
	otlp := otlptest.NewReceiver(t, "127.0.0.1:0")
	fwd := newForwardReceiver(t)
	host, port, _ := net.SplitHostPort(fwd.addr)
	h := startHarness(t)
	if r := h.instance(0, map[string]string{"output": "otlp", "otlp_endpoint": otlp.URL, "format": "passman"}); r != "init 0 1" {
		t.Fatal(r)
	}
	fwdProps := exampleOutput(t, "forward-filter.conf", map[string]string{"PAMAUDIT_FORWARD_PORT": port})
	fwdProps["Forward_Host"] = host // the example's key in another case: lookups ignore case
	delete(fwdProps, "forward_host")
	fwdProps["format"] = "capam"
	delete(fwdProps, "forward_tag") // the default: the input tag plus .parsed
	if r := h.instance(1, fwdProps); r != "init 1 1" {
		t.Fatal(r)
	}
	pm, pmTexts := testdataChunk(t, "passman/audit.log")
	ca, caTexts := testdataChunk(t, "capam/summary.log")
	if r := h.do("flush 0 pm %s", chunkFile(t, pm)); r != "flush 0 1" {
		t.Fatal(r)
	}
	if r := h.do("flush 1 seaudit %s", chunkFile(t, ca)); r != "flush 1 1" {
		t.Fatal(r)
	}
	if otlp.Count() != len(pmTexts) {
		t.Errorf("otlp got %d, want %d", otlp.Count(), len(pmTexts))
	}
	for _, lr := range otlp.Records() {
		if !strings.HasPrefix(lr.EventName(), "passman.") {
			t.Errorf("instance 0 record %q", lr.EventName())
		}
	}
	fwd.mu.Lock()
	defer fwd.mu.Unlock()
	if len(fwd.records) != len(caTexts) || len(fwd.tags) != 1 || fwd.tags[0] != "seaudit.parsed" {
		t.Errorf("forward got %d records with tags %v, want %d with seaudit.parsed", len(fwd.records), fwd.tags, len(caTexts))
	}
	for i, b := range fwd.records {
		if b != caTexts[i] {
			t.Errorf("forward record %d body %q", i, b)
		}
	}
}

// A refused connection is retried; once the receiver is up, the chunk is
// delivered, once.
func TestHarnessRetry(t *testing.T) {
	addr := testutil.FreeAddr(t) // nothing listens there now
	h := startHarness(t)
	h.instance(0, map[string]string{"output": "otlp", "otlp_endpoint": "http://" + addr + "/v1/logs", "otlp_timeout": "2s"})
	chunk, texts := testdataChunk(t, "capam/summary.log")
	file := chunkFile(t, chunk)
	if r := h.do("flush 0 t %s", file); r != "flush 0 2" {
		t.Fatalf("with the receiver down: %s, want FLB_RETRY (2)", r)
	}
	recv := otlptest.NewReceiver(t, addr)
	recv.Reject(503)
	if r := h.do("flush 0 t %s", file); r != "flush 0 2" {
		t.Fatalf("on 503: %s, want FLB_RETRY (2)", r)
	}
	recv.Reject(429)
	if r := h.do("flush 0 t %s", file); r != "flush 0 2" {
		t.Fatalf("on 429: %s, want FLB_RETRY (2)", r)
	}
	recv.Reject(0)
	if r := h.do("flush 0 t %s", file); r != "flush 0 1" {
		t.Fatalf("with the receiver up: %s", r)
	}
	if recv.Count() != len(texts) {
		t.Fatalf("%d records, want %d once", recv.Count(), len(texts))
	}
	recv.Reject(400)
	if r := h.do("flush 0 t %s", file); r != "flush 0 0" {
		t.Fatalf("on 400: %s, want FLB_ERROR (0)", r)
	}
	if !h.logged("HTTP 400") {
		t.Errorf("the permanent rejection is not logged with its reason:\n%s", h.stderr.String())
	}
}

// The receiver dying mid-request (the connection closed before an answer)
// and a receiver that never answers (otlp_timeout) are transient too:
// FLB_RETRY, never FLB_ERROR, which would make Fluent Bit drop the chunk.
func TestHarnessRetryBrokenReceiver(t *testing.T) {
	for _, c := range []struct {
		name string
		conn func(net.Conn)
	}{
		{"closed", func(c net.Conn) { _ = c.Close() }},
		{"silent", func(c net.Conn) { _, _ = io.Copy(io.Discard, c) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ln := testutil.Listen(t)
			testutil.Serve(ln, c.conn)
			h := startHarness(t)
			h.instance(0, map[string]string{"output": "otlp", "otlp_endpoint": "http://" + ln.Addr().String() + "/v1/logs", "otlp_timeout": "1s"})
			chunk, _ := testdataChunk(t, "capam/summary.log")
			if r := h.do("flush 0 t %s", chunkFile(t, chunk)); r != "flush 0 2" {
				t.Fatalf("%s: want FLB_RETRY (2)\n%s", r, h.stderr.String())
			}
		})
	}
}

// Garbage bytes and a record without the source key are delivered as
// records with error.type, not lost.
func TestHarnessBadInput(t *testing.T) {
	recv := otlptest.NewReceiver(t, "127.0.0.1:0")
	h := startHarness(t)
	h.instance(0, map[string]string{"output": "otlp", "otlp_endpoint": recv.URL})
	if r := h.do("flush 0 t %s", chunkFile(t, []byte("\x00\x01garbage\xff\xfe"))); r != "flush 0 1" {
		t.Fatal(r)
	}
	if r := h.do("flush 0 t %s", chunkFile(t, event(chunkTime, kv{"note", "no log key"}))); r != "flush 0 1" {
		t.Fatal(r)
	}
	recs := recv.Records()
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	for i, want := range []string{errBadChunk, errMissingKey} {
		et, _ := recs[i].Attributes().Get("error.type")
		if et.Str() != want {
			t.Errorf("record %d: error.type %q, want %q", i, et.Str(), want)
		}
	}
	if v, _ := recs[1].Attributes().Get("note"); v.Str() != "no log key" {
		t.Error("the record's keys were not kept")
	}
}

// A bad config fails init with a message naming the key.
func TestHarnessBadConfig(t *testing.T) {
	startHarness(t).refuses(0, map[string]string{"output": "otlp", "otlp_compression": "zstd"}, "otlp_compression")
}

// stdout prints the records as pamaudit parse does.
func TestHarnessStdout(t *testing.T) {
	h := startHarness(t)
	h.instance(0, exampleOutput(t, "stdout.conf", nil))
	chunk, texts := testdataChunk(t, "capam/seed.log")
	if r := h.do("flush 0 t %s", chunkFile(t, chunk)); r != "flush 0 1" {
		t.Fatal(r)
	}
	h.mu.Lock()
	lines := append([]string(nil), h.stdout...)
	h.mu.Unlock()
	if len(lines) != len(texts) {
		t.Fatalf("%d lines, want %d", len(lines), len(texts))
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil || !strings.HasPrefix(m["event_name"].(string), "capam.") {
			t.Errorf("line %d: %s", i, l)
		}
	}
}

// A panic inside a flush comes back as FLB_ERROR and the next flush works;
// concurrent flushes (workers) each deliver their chunk. The panic is
// injected by the faults build of the plugin.
func TestHarnessPanicAndWorkers(t *testing.T) {
	recv := otlptest.NewReceiver(t, "127.0.0.1:0")
	h := startHarnessWith(t, faultsPlugin, "PAMAUDIT_TEST_PANIC_ON=BOOM")
	h.instance(0, map[string]string{"output": "otlp", "otlp_endpoint": recv.URL})
	if r := h.do("flush 0 t %s", chunkFile(t, event(chunkTime, kv{"log", "BOOM"}))); r != "flush 0 0" {
		t.Fatalf("panicking flush: %s, want FLB_ERROR (0)", r)
	}
	if !h.logged("panic in flush") {
		t.Error("the panic was not logged")
	}
	// stdout holds a lock while it converts: a panic must release it.
	h.instance(1, map[string]string{"output": "stdout"})
	if r := h.do("flush 1 t %s", chunkFile(t, event(chunkTime, kv{"log", "BOOM"}))); r != "flush 1 0" {
		t.Fatalf("panicking stdout flush: %s, want FLB_ERROR (0)", r)
	}
	if r := h.do("flush 1 t %s", chunkFile(t, event(chunkTime, kv{"log", "02 Dec 2008 10:23:47 F PASSWORD test1 1 10"}))); r != "flush 1 1" {
		t.Fatalf("stdout flush after a panic: %s", r)
	}
	chunk, texts := testdataChunk(t, "passman/audit.log")
	if r := h.do("pflush 0 4 t %s", chunkFile(t, chunk)); r != "pflush 0 1 1 1 1" {
		t.Fatalf("4 workers: %s", r)
	}
	if recv.Count() != 4*len(texts) {
		t.Fatalf("%d records, want %d", recv.Count(), 4*len(texts))
	}
}

// Every input, hostile ones included, through the real plugin: every record
// delivered (OTLP and stdout), none twice, no secret in clear.
func TestHarnessHostile(t *testing.T) {
	recv := otlptest.NewReceiver(t, "127.0.0.1:0")
	h := startHarness(t)
	h.instance(0, map[string]string{"output": "otlp", "otlp_endpoint": recv.URL})
	h.instance(1, map[string]string{"output": "stdout"})
	total := 0
	for _, in := range hostile.Inputs(t, "..") {
		chunk, n := splitChunk(in.Data)
		if n == 0 {
			continue
		}
		file := chunkFile(t, chunk)
		if r := h.do("flush 0 t %s", file); r != "flush 0 1" {
			t.Fatalf("%s: otlp flush %s", in.Name, r)
		}
		total += n
		if got := recv.Count(); got != total {
			t.Fatalf("%s: %d records delivered so far, want %d", in.Name, got, total)
		}
		h.mu.Lock()
		h.stdout = h.stdout[:0]
		h.mu.Unlock()
		if r := h.do("flush 1 t %s", file); r != "flush 1 1" {
			t.Fatalf("%s: stdout flush %s", in.Name, r)
		}
		h.mu.Lock()
		lines := len(h.stdout)
		hostile.CheckNoSecret(t, in.Name+" (stdout)", []byte(strings.Join(h.stdout, "\n")))
		h.mu.Unlock()
		if lines != n {
			t.Errorf("%s: %d stdout lines, want %d", in.Name, lines, n)
		}
	}
	var m plog.JSONMarshaler
	for _, lr := range recv.Records() {
		ld := plog.NewLogs()
		lr.CopyTo(ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty())
		out, _ := m.MarshalLogs(ld)
		hostile.CheckNoSecret(t, "otlp", out)
	}
}

// A flush in Fluent Bit's engine thread (a Go output without workers) is
// warned about once; a flush in a worker thread is not. The plugin also
// logs the Go runtime settings it runs with.
func TestHarnessEngineThread(t *testing.T) {
	h := startHarness(t)
	h.instance(0, map[string]string{"output": "stdout"})
	h.instance(1, map[string]string{"output": "stdout", "go_maxprocs": "2"})
	if !h.logged("[output:pamaudit:1] output=stdout format=auto go: GOMAXPROCS=2") {
		t.Errorf("runtime settings not logged:\n%s", h.stderr.String())
	}
	chunk := chunkFile(t, event(chunkTime, kv{"log", "28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login"}))
	h.do("thread flb-out-pamaud-w0")
	h.do("flush 0 t %s", chunk)
	h.do("thread flb-pipeline")
	h.do("flush 1 t %s", chunk)
	h.do("flush 1 t %s", chunk)
	if !h.logged("[output:pamaudit:1] flushing in Fluent Bit's engine thread") {
		t.Fatalf("no warning:\n%s", h.stderr.String())
	}
	if log := h.stderr.String(); strings.Contains(log, "[output:pamaudit:0] flushing in") || strings.Count(log, "engine thread") != 1 {
		t.Errorf("warned for a worker thread, or twice:\n%s", log)
	}
}

// The counts the real plugin logs: every stats_interval, and at exit, of
// the records delivered (a chunk retried counts once), the same as the
// converter counts them.
func TestHarnessStats(t *testing.T) {
	addr := testutil.FreeAddr(t)
	h := startHarness(t)
	if r := h.instance(0, map[string]string{"output": "otlp", "otlp_endpoint": "http://" + addr + "/v1/logs", "otlp_timeout": "2s", "stats_interval": "200ms"}); r != "init 0 1" {
		t.Fatal(r)
	}
	chunk, _ := testdataChunk(t, "passman/audit.log", "passman/tamper.log", "netwrix/seed.log", "hmac/secrets.log", "capam/tamper.log")
	chunk = append(chunk, event(chunkTime, kv{"note", "no text"})...)
	file := chunkFile(t, chunk)
	if r := h.do("flush 0 t %s", file); r != "flush 0 2" {
		t.Fatalf("with the receiver down: %s", r)
	}
	recv := otlptest.NewReceiver(t, addr)
	if r := h.do("flush 0 t %s", file); r != "flush 0 1" {
		t.Fatalf("with the receiver up: %s", r)
	}
	_ = recv
	conv, err := newConverter(testConfig(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	conv.convertChunk(chunk, "t", &collect{})
	want := "stats: " + conv.stats.String()
	if !strings.Contains(want, "secrets redacted passman=") || !strings.Contains(want, "unknown/missing_source_key=1") {
		t.Fatalf("the chunk counts little: %s", want)
	}
	if !h.logged("[output:pamaudit:0] " + want) {
		t.Fatalf("no periodic line %q:\n%s", want, h.stderr.String())
	}
	if r := h.do("exit 0"); r != "exit 0 1" {
		t.Fatal(r)
	}
	log := h.stderr.String()
	if !strings.HasSuffix(strings.TrimSpace(log), want) {
		t.Errorf("the last line is not the counts %q:\n%s", want, log)
	}
}

// redact_mode hmac through the real plugin: the records are the hmac
// goldens (the key from the environment variable redact_key_env names),
// and a key passed on beside the record gets the same pseudonym.
func TestHarnessHMAC(t *testing.T) {
	recv := otlptest.NewReceiver(t, "127.0.0.1:0")
	h := startHarness(t, "PAMAUDIT_TEST_HMAC_KEY=pamaudit-test-key-0123456789")
	if r := h.instance(0, map[string]string{"output": "otlp", "otlp_endpoint": recv.URL, "redact_mode": "hmac", "redact_key_env": "PAMAUDIT_TEST_HMAC_KEY"}); r != "init 0 1" {
		t.Fatalf("init: %s\n%s", r, h.stderr.String())
	}
	chunk, texts := testdataChunk(t, "hmac/secrets.log")
	chunk = append(chunk, event(chunkTime, kv{"log", "x"}, kv{"db_password", "hunter22"})...)
	if r := h.do("flush 0 t %s", chunkFile(t, chunk)); r != "flush 0 1" {
		t.Fatal(r)
	}
	b, err := os.ReadFile("../testdata/hmac/secrets.hmac.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(b)), "\n")
	recs := recv.Records()
	if len(recs) != len(texts)+1 {
		t.Fatalf("%d records, want %d", len(recs), len(texts)+1)
	}
	for i := range texts {
		if got, w := otlptest.RecordJSON(recs[i], "fluentbit.tag", "stream"), otlptest.Golden(t, want[i]); got != w {
			t.Errorf("record %d:\n got %s\nwant %s", i+1, got, w)
		}
	}
	// hunter22's pseudonym, as the goldens have it.
	if v, _ := recs[len(texts)].Attributes().Get("db_password"); !strings.Contains(string(b), v.Str()) || !strings.HasPrefix(v.Str(), "hmac:") {
		t.Errorf("db_password %q is not the goldens' pseudonym", v.Str())
	}
	if strings.Contains(h.stderr.String(), "pamaudit-test-key") {
		t.Errorf("the key is in the log:\n%s", h.stderr.String())
	}
}
