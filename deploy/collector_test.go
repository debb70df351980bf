package deploy

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/pamaudit/pamaudit/internal/testutil"
)

// The collector's pipeline in the ConfigMap, validated and run by the real
// distribution (otelcol-pamaudit, built by make otelcol) on a temporary
// directory shaped like a node's /var/log/pods, with the environment the
// DaemonSet gives it.
//
// What the test changes, and why: k8s_attributes needs an API server, which
// is not here (the processor would only report an error, but the records
// would then wait on nothing): it is left out of the container pipeline.
// The addresses (health_check, syslog, the state directory) are moved to
// free loopback ports and a temporary directory, and the collector's own
// metrics are off so parallel runs do not fight over port 8888. Everything
// else is the ConfigMap's text.

// collectorSetup is a rendered overlay: the pipeline, the DaemonSet (none
// for the gateway), the collector's container and its settings.
type collectorSetup struct {
	config    string
	ds        appsv1.DaemonSet
	container corev1.Container
	settings  map[string]string
}

func collector(t *testing.T) collectorSetup {
	t.Helper()
	return collectorOverlay(t, "kubernetes/collector/overlays/default")
}

// collectorOverlay renders an overlay of the collector DaemonSet.
func collectorOverlay(t *testing.T, dir string) collectorSetup {
	t.Helper()
	o := render(t, dir)
	ds := o.daemonSet(t, "otelcol-pamaudit")
	return collectorSetup{
		config:    o.configMap(t, "otelcol-pamaudit-config").Data["config.yaml"],
		ds:        ds,
		container: ds.Spec.Template.Spec.Containers[0],
		settings:  o.configMap(t, "otelcol-pamaudit-settings").Data,
	}
}

// env is the container's environment as the kubelet builds it: the
// settings ConfigMap, then env with the Downward API fields given here and
// $(VAR) references resolved; overrides replace settings.
func (c collectorSetup) env(t *testing.T, fields, overrides map[string]string) []string {
	t.Helper()
	vars := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := vars[k]; !ok {
			order = append(order, k)
		}
		vars[k] = v
	}
	for k, v := range c.settings {
		set(k, v)
	}
	for k, v := range overrides {
		set(k, v)
	}
	ref := regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)
	for _, e := range c.container.Env {
		switch {
		case e.ValueFrom != nil && e.ValueFrom.FieldRef != nil:
			v, ok := fields[e.ValueFrom.FieldRef.FieldPath]
			if !ok {
				t.Fatalf("env %s: no test value for %s", e.Name, e.ValueFrom.FieldRef.FieldPath)
			}
			set(e.Name, v)
		case e.ValueFrom != nil:
			t.Fatalf("env %s: unsupported source", e.Name)
		default:
			set(e.Name, ref.ReplaceAllStringFunc(e.Value, func(m string) string { return vars[m[2:len(m)-1]] }))
		}
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for _, k := range order {
		env = append(env, k+"="+vars[k])
	}
	return env
}

// yamlOverride is a --config argument for the collector's yaml provider:
// one key path set to a value.
func yamlOverride(path string, v any) string {
	b, err := json.Marshal(v) // JSON is YAML on one line
	if err != nil {
		panic(err)
	}
	return "yaml:" + path + ": " + string(b)
}

// configKey reads a value of the pipeline's YAML by its path.
func configKey(t *testing.T, config string, path ...string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(config), &v); err != nil {
		t.Fatal(err)
	}
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("config: no %v", path)
		}
		v = m[p]
	}
	return v
}

// The distribution accepts the ConfigMap's pipeline as it is, with the
// DaemonSet's environment; and it refuses a broken one, so the check can
// fail.
func TestCollectorConfigValidates(t *testing.T) {
	bin := artifact(t, "PAMAUDIT_OTELCOL", "the collector distribution")
	c := collector(t)
	env := c.env(t, map[string]string{"spec.nodeName": "node-1", "status.podIP": "127.0.0.1"}, nil)
	dir := t.TempDir()
	file := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(file, []byte(c.config), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "validate", "--config", file)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("otelcol-pamaudit validate: %v\n%s", err, out)
	}
	bad := strings.Replace(c.config, "  pamaudit:\n    timezone: UTC\n", "  pamaudit:\n    timezone: Not/AZone\n", 1)
	if bad == c.config {
		t.Fatal("could not find the pamaudit processor's timezone")
	}
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(bin, "validate", "--config", file)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("a bad timezone was accepted:\n%s", out)
	}
}

// node is a temporary directory laid out like a node's /var/log/pods.
type node struct {
	t    *testing.T
	root string // stands for /
}

// podLog appends CRI lines to /var/log/pods/<ns>_<pod>_<uid>/<container>/0.log.
func (n node) podLog(ns, pod, uid, container string, lines ...string) string {
	dir := filepath.Join(n.root, "var/log/pods", ns+"_"+pod+"_"+uid, container)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		n.t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "0.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		n.t.Fatal(err)
	}
	defer f.Close()
	for _, l := range lines {
		if _, err := f.WriteString(l + "\n"); err != nil {
			n.t.Fatal(err)
		}
	}
	return dir
}

// cri writes text as the container runtime does: one full (F) line, or
// partial (P) lines and a last full one when text is split.
func cri(stream string, parts ...string) []string {
	return testutil.CRI(time.Date(2026, 3, 5, 10, 16, 0, 123456789, time.UTC), stream, parts...)
}

// runningCollector is otelcol-pamaudit running the ConfigMap's pipeline.
type runningCollector struct {
	*testutil.Proc
	out *testutil.SyncBuffer
}

func startCollector(t *testing.T, bin string, env, args []string) *runningCollector {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out := &testutil.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	r := &runningCollector{Proc: testutil.Start(t, cmd, syscall.SIGTERM, 30*time.Second), out: out}
	t.Cleanup(func() { r.stop(t) })
	return r
}

// output is what the collector logged so far.
func (r *runningCollector) output() string { return r.out.String() }

// stop sends SIGTERM, as the kubelet does, and waits.
func (r *runningCollector) stop(t *testing.T) {
	if !r.Stop(syscall.SIGTERM, 30*time.Second) {
		t.Errorf("the collector did not stop on SIGTERM")
	}
}

// waitHealthy polls the health_check endpoint the probes call.
func waitHealthy(t *testing.T, r *runningCollector, url string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-r.Done():
			t.Fatalf("the collector stopped:\n%s", r.out)
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("health_check at %s never answered 200:\n%s", url, r.out)
}

// pipelineRun is the ConfigMap's pipeline set to run on a temporary node:
// the deployed glob and exclusion rooted in it, the state directory moved
// to a temporary one, k8s_attributes left out, the listeners on free
// loopback ports.
type pipelineRun struct {
	node                         node
	env, args                    []string
	health, syslogTCP, syslogUDP int
}

func newPipelineRun(t *testing.T, c collectorSetup, recv *receiver) *pipelineRun {
	t.Helper()
	n := node{t: t, root: t.TempDir()}
	state := t.TempDir()

	// The deployed glob and exclusion, rooted in the temporary node.
	logs := c.settings["PAMAUDIT_CONTAINER_LOGS"]
	if !strings.HasPrefix(logs, "/var/log/pods/") {
		t.Fatalf("PAMAUDIT_CONTAINER_LOGS %q is not under /var/log/pods", logs)
	}
	var exclude []string
	for _, e := range configKey(t, c.config, "receivers", "file_log/containers", "exclude").([]any) {
		exclude = append(exclude, filepath.Join(n.root, e.(string)))
	}
	// From the DaemonSet's state mount, the collector's directories move to
	// the temporary one.
	storage := configKey(t, c.config, "extensions", "file_storage", "directory").(string)
	rel, ok := strings.CutPrefix(storage, "/var/lib/otelcol-pamaudit/")
	if !ok {
		t.Fatalf("file_storage directory %s is not on the state hostPath", storage)
	}
	var processors []string
	for _, p := range configKey(t, c.config, "service", "pipelines", "logs/containers", "processors").([]any) {
		if p != "k8s_attributes" {
			processors = append(processors, p.(string))
		}
	}
	if len(processors) < 2 || !slices.Contains(processors, "pamaudit") {
		t.Fatalf("container pipeline processors %v", processors)
	}
	r := &pipelineRun{node: n, health: freePort(t, "tcp"), syslogTCP: freePort(t, "tcp"), syslogUDP: freePort(t, "udp")}
	r.env = c.env(t, map[string]string{"spec.nodeName": "node-1", "status.podIP": "127.0.0.1"}, map[string]string{
		"PAMAUDIT_OTLP_ENDPOINT":  recv.url,
		"PAMAUDIT_CONTAINER_LOGS": filepath.Join(n.root, logs),
	})
	file := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(file, []byte(c.config), 0o644); err != nil {
		t.Fatal(err)
	}
	r.args = []string{
		"--config", file,
		"--config", yamlOverride("service::pipelines::logs/containers::processors", processors),
		"--config", yamlOverride("receivers::file_log/containers::exclude", exclude),
		"--config", yamlOverride("extensions::health_check::endpoint", fmt.Sprintf("127.0.0.1:%d", r.health)),
		"--config", yamlOverride("extensions::file_storage::directory", filepath.Join(state, rel)),
		"--config", yamlOverride("extensions::file_storage::compaction::directory", filepath.Join(state, rel)),
		"--config", yamlOverride("receivers::tcp_log/syslog::listen_address", fmt.Sprintf("127.0.0.1:%d", r.syslogTCP)),
		"--config", yamlOverride("receivers::udp_log/syslog::listen_address", fmt.Sprintf("127.0.0.1:%d", r.syslogUDP)),
		"--config", yamlOverride("service::telemetry::metrics::level", "none"),
	}
	for _, a := range c.ds.Spec.Template.Spec.Containers[0].Args {
		if !strings.HasPrefix(a, "--config=") {
			r.args = append(r.args, a) // the feature gates
		}
	}
	return r
}

// restart starts the collector again on the same state, on a new health
// port (the old one may linger), and waits until it is healthy.
func (r *pipelineRun) restart(t *testing.T, bin string) *runningCollector {
	t.Helper()
	r.health = freePort(t, "tcp")
	r.args = append(r.args, "--config", yamlOverride("extensions::health_check::endpoint", fmt.Sprintf("127.0.0.1:%d", r.health)))
	col := startCollector(t, bin, r.env, r.args)
	waitHealthy(t, col, fmt.Sprintf("http://127.0.0.1:%d/", r.health))
	return col
}

// The ConfigMap's pipeline, run: CRI container logs of PAM pods come out
// parsed, with the Kubernetes attributes of their path and the node's name;
// files of other namespaces and the collector's own are not read; syslog
// over TCP and UDP is parsed; after a restart the collector goes on from
// its stored offsets.
func TestCollectorPipelineRuns(t *testing.T) {
	bin := artifact(t, "PAMAUDIT_OTELCOL", "the collector distribution")
	c := collector(t)
	recv := newReceiver(t)
	run := newPipelineRun(t, c, recv)
	n, env, args := run.node, run.env, run.args
	health, syslogTCP, syslogUDP := run.health, run.syslogTCP, run.syslogUDP

	// PassMan audit lines in a PAM pod, one of them split by the runtime
	// into partial lines; single-line Netwrix JSON in another.
	passman := testdataLines(t, "passman/audit.log")
	netwrix := testdataLines(t, "netwrix/bunyan.log")
	const pmUID, nwUID = "5f0d1c2e-8a4b-4c3d-9e1f-0a1b2c3d4e5f", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
	var lines []string
	for i, l := range passman {
		if i == 1 {
			lines = append(lines, cri("stdout", l[:40], l[40:90], l[90:])...)
		} else {
			lines = append(lines, cri("stdout", l)...)
		}
	}
	n.podLog("pam", "passman-0", pmUID, "passman", lines...)
	for _, l := range netwrix {
		n.podLog("pam", "netwrix-api-7d9f", nwUID, "api", cri("stderr", l)...)
	}
	// Not read: another namespace, and the collector's own container.
	n.podLog("default", "web-1", "11111111-2222-4333-8444-555555555555", "web", cri("stdout", passman[0])...)
	n.podLog("pam", "otelcol-pamaudit-x7k2p", "66666666-7777-4888-9999-000000000000", "otelcol-pamaudit", cri("stdout", passman[0])...)

	col := startCollector(t, bin, env, args)
	waitHealthy(t, col, fmt.Sprintf("http://127.0.0.1:%d/", health))

	// Syslog from an appliance, with its <PRI>, over TCP and UDP.
	sendSyslog(t, "tcp", syslogTCP, "<134>"+passman[1]+"\n")
	sendSyslog(t, "udp", syslogUDP, "<134>"+passman[2])

	want := len(passman) + len(netwrix) + 2
	recs := recv.wait(want, 60*time.Second)
	time.Sleep(2 * time.Second) // anything beyond the expected count shows now
	recs = recv.records()
	if len(recs) != want {
		t.Fatalf("%d records, want %d\n%s", len(recs), want, col.out)
	}

	byPod := map[string][]record{}
	var syslog []record
	for _, r := range recs {
		if r.resource["k8s.node.name"] != "node-1" {
			t.Errorf("record %q: k8s.node.name %q, want the node's name", r.event, r.resource["k8s.node.name"])
		}
		if pod := r.resource["k8s.pod.name"]; pod != "" {
			byPod[pod] = append(byPod[pod], r)
		} else {
			syslog = append(syslog, r)
		}
	}
	checkPod(t, byPod["passman-0"], "passman", pmUID, "stdout", goldenEvents(t, "passman/audit.log"))
	checkPod(t, byPod["netwrix-api-7d9f"], "api", nwUID, "stderr", goldenEvents(t, "netwrix/bunyan.log"))
	if len(byPod) != 2 {
		t.Errorf("records from pods %v: only the two PAM pods' files are read", keys(byPod))
	}
	if joined := byPod["passman-0"]; len(joined) > 1 && joined[1].body != passman[1] {
		t.Errorf("the partial CRI lines were not joined: %q", joined[1].body)
	}
	gold := goldenEvents(t, "passman/audit.log")
	var sysEvents []string
	for _, r := range syslog {
		sysEvents = append(sysEvents, r.event)
		if r.attrs["net.peer.ip"] != "127.0.0.1" {
			t.Errorf("syslog record %q: net.peer.ip %q, want the sender's address", r.event, r.attrs["net.peer.ip"])
		}
	}
	slices.Sort(sysEvents)
	wantSys := []string{gold[1], gold[2]}
	slices.Sort(wantSys)
	if !slices.Equal(sysEvents, wantSys) {
		t.Errorf("syslog events %v, want %v", sysEvents, wantSys)
	}

	// Restart, as a new pod on the same node: the stored offsets hold, so
	// only the line written in between comes out.
	col.stop(t)
	n.podLog("pam", "passman-0", pmUID, "passman", cri("stdout", passman[0])...)
	before := len(recv.records())
	col = run.restart(t, bin)
	recv.wait(before+1, 30*time.Second)
	time.Sleep(3 * time.Second)
	after := recv.records()[before:]
	if len(after) != 1 || after[0].event != gold[0] || after[0].resource["k8s.pod.name"] != "passman-0" {
		var ev []string
		for _, r := range after {
			ev = append(ev, r.event+"@"+r.resource["k8s.pod.name"])
		}
		t.Errorf("after the restart: %v, want only the new %s line\n%s", ev, gold[0], col.out)
	}
}

func checkPod(t *testing.T, recs []record, container, uid, stream string, events []string) {
	t.Helper()
	if len(recs) != len(events) {
		t.Errorf("%s: %d records, want %d", container, len(recs), len(events))
		return
	}
	for i, r := range recs {
		if r.event != events[i] {
			t.Errorf("%s record %d: event %q, want %q", container, i, r.event, events[i])
		}
		if r.resource["k8s.namespace.name"] != "pam" || r.resource["k8s.container.name"] != container || r.resource["k8s.pod.uid"] != uid {
			t.Errorf("%s record %d: resource %v, want the path's namespace, container and UID", container, i, r.resource)
		}
		if r.attrs["log.iostream"] != stream {
			t.Errorf("%s record %d: log.iostream %q", container, i, r.attrs["log.iostream"])
		}
	}
}

func keys[V any](m map[string]V) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	slices.Sort(k)
	return k
}

func sendSyslog(t *testing.T, network string, port int, msg string) {
	t.Helper()
	conn, err := net.Dial(network, fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("syslog over %s: %v", network, err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
}
