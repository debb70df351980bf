package deploy

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// The gateway tier: the gateway Deployment's overlays keep their
// invariants; the agents (the gateway-agent overlays of the DaemonSets)
// read what the node pipelines read and only deliver differently; and the
// real distribution runs an agent and a gateway from these files on
// loopback, the gateway killed with SIGKILL mid-stream.

const (
	gatewayName = "otelcol-pamaudit-gateway"
	// gatewayState is the mount of the gateway's emptyDir.
	gatewayState = "/var/lib/otelcol-pamaudit-gateway"
)

func (o *objects) deployment(t *testing.T, name string) appsv1.Deployment {
	t.Helper()
	if len(o.deployments) != 1 || o.deployments[0].Name != name {
		t.Fatalf("want one Deployment %s, have %d", name, len(o.deployments))
	}
	return o.deployments[0]
}

// gateway renders a gateway overlay as the collector tests use it.
func gateway(t *testing.T, dir string) collectorSetup {
	t.Helper()
	o := render(t, dir)
	return collectorSetup{
		config:    o.configMap(t, gatewayName+"-config").Data["config.yaml"],
		container: o.deployment(t, gatewayName).Spec.Template.Spec.Containers[0],
		settings:  o.configMap(t, gatewayName+"-settings").Data,
	}
}

// port returns the port of a listen address ("${env:K8S_POD_IP}:4317").
func port(t *testing.T, addr string) int32 {
	t.Helper()
	p, err := strconv.Atoi(addr[strings.LastIndex(addr, ":")+1:])
	if err != nil {
		t.Fatalf("listen address %q: %v", addr, err)
	}
	return int32(p)
}

func TestGatewayOverlays(t *testing.T) {
	dirs, err := filepath.Glob("kubernetes/gateway/overlays/*")
	if err != nil || len(dirs) < 3 {
		t.Fatalf("gateway overlays: %v %v", dirs, err)
	}
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			o := render(t, dir)
			d := o.deployment(t, gatewayName)
			checkGateway(t, o, d)
			checkGatewayServices(t, filepath.Base(dir), o, d)
		})
	}
}

func checkGateway(t *testing.T, o *objects, d appsv1.Deployment) {
	spec := d.Spec.Template.Spec
	if d.Spec.Replicas != nil {
		t.Errorf("replicas %d: the autoscaler sets the number, an apply must not reset it", *d.Spec.Replicas)
	}
	for k, v := range d.Spec.Selector.MatchLabels {
		if d.Spec.Template.Labels[k] != v {
			t.Errorf("the selector %s=%s does not select the template's pods", k, v)
		}
	}
	if len(spec.Containers) != 1 || spec.Containers[0].Name != gatewayName || len(spec.InitContainers) != 0 {
		t.Fatalf("want one container %s", gatewayName)
	}
	c := spec.Containers[0]
	checkContainer(t, spec, c)
	if _, nonRoot := effective(spec, c); nonRoot == nil || !*nonRoot {
		t.Errorf("the gateway reads no host file: it runs as non-root")
	}
	if c.Image != makeVar(t, "OTELCOL_IMAGE") {
		t.Errorf("image %s, want %s", c.Image, makeVar(t, "OTELCOL_IMAGE"))
	}
	for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil || resolvePort(t, c, p.HTTPGet.Port) != 13133 || p.HTTPGet.Path != "/" {
			t.Errorf("a liveness and a readiness probe on health_check (13133, /) are required")
		}
	}
	for _, p := range c.Ports {
		if p.HostPort != 0 {
			t.Errorf("port %s binds the node's port %d", p.Name, p.HostPort)
		}
	}
	// No access to the API server, nor to the node.
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Errorf("automountServiceAccountToken is not false")
	}
	if len(o.accounts) != 1 || o.accounts[0].Name != spec.ServiceAccountName || len(o.roles)+len(o.bindings) != 0 {
		t.Errorf("want the ServiceAccount %s and no role", spec.ServiceAccountName)
	}
	checkPodSettings(t, gatewayName, o, spec)
	config := o.configMap(t, gatewayName+"-config").Data["config.yaml"]
	if !mountsPodKey(o, spec, gatewayName+"-config", "/etc/otelcol-pamaudit-gateway", "config.yaml") ||
		!slices.Contains(c.Args, "--config=/etc/otelcol-pamaudit-gateway/config.yaml") {
		t.Errorf("the --config %v is not the mounted ConfigMap", c.Args)
	}

	// The queue: file_storage with fsync on the emptyDir, and nothing of
	// the node.
	if configKey(t, config, "extensions", "file_storage", "fsync") != true {
		t.Errorf("file_storage: fsync is not on")
	}
	storage, _ := configKey(t, config, "extensions", "file_storage", "directory").(string)
	if !strings.HasPrefix(storage, gatewayState+"/") {
		t.Errorf("file_storage %s is not under %s", storage, gatewayState)
	}
	vols := map[string]corev1.Volume{}
	for _, v := range spec.Volumes {
		vols[v.Name] = v
		if v.HostPath != nil {
			t.Errorf("hostPath %s: the gateway mounts nothing of the node", v.HostPath.Path)
		}
	}
	i := slices.IndexFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == gatewayState })
	if i < 0 || vols[c.VolumeMounts[i].Name].EmptyDir == nil || vols[c.VolumeMounts[i].Name].EmptyDir.SizeLimit == nil || c.VolumeMounts[i].ReadOnly {
		t.Errorf("%s is not a writable emptyDir with a sizeLimit", gatewayState)
	}
	checkQueues(t, "gateway", config)

	// The autoscaler and the disruption budget.
	if len(o.autoscalers) != 1 || len(o.budgets) != 1 {
		t.Fatalf("want one HorizontalPodAutoscaler and one PodDisruptionBudget")
	}
	h := o.autoscalers[0]
	if h.Spec.ScaleTargetRef.Kind != "Deployment" || h.Spec.ScaleTargetRef.Name != d.Name || h.Spec.ScaleTargetRef.APIVersion != "apps/v1" {
		t.Errorf("the autoscaler scales %+v", h.Spec.ScaleTargetRef)
	}
	minR := int32(1)
	if h.Spec.MinReplicas != nil {
		minR = *h.Spec.MinReplicas
	}
	if minR < 2 || h.Spec.MaxReplicas <= minR {
		t.Errorf("replicas %d to %d: at least 2, so that one can stop while the other works", minR, h.Spec.MaxReplicas)
	}
	if len(h.Spec.Metrics) == 0 || h.Spec.Metrics[0].Resource == nil || h.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU {
		t.Errorf("the autoscaler does not scale on CPU")
	}
	if _, ok := c.Resources.Requests[corev1.ResourceCPU]; !ok {
		t.Errorf("no CPU request: CPU utilisation is measured against it")
	}
	b := o.budgets[0]
	for k, v := range b.Spec.Selector.MatchLabels {
		if d.Spec.Template.Labels[k] != v {
			t.Errorf("the PodDisruptionBudget's selector %s=%s does not select the pods", k, v)
		}
	}
	if b.Spec.MaxUnavailable == nil || b.Spec.MaxUnavailable.IntValue() != 1 || b.Spec.MinAvailable != nil {
		t.Errorf("the PodDisruptionBudget lets %v go at once, want 1", b.Spec.MaxUnavailable)
	}

	// A stopping pod leaves the Service, the agents' connections age out,
	// then SIGTERM: preStop outlasts max_connection_age and its grace.
	ka := at(mustYAML(t, config), "receivers", "otlp", "protocols", "grpc", "keepalive", "server_parameters")
	age, err1 := time.ParseDuration(fmt.Sprint(at(ka, "max_connection_age")))
	grace, err2 := time.ParseDuration(fmt.Sprint(at(ka, "max_connection_age_grace")))
	if err1 != nil || err2 != nil {
		t.Fatalf("otlp grpc keepalive: %v %v", err1, err2)
	}
	if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil {
		t.Fatalf("no preStop sleep")
	}
	stop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	if stop <= age+grace {
		t.Errorf("preStop %s does not outlast max_connection_age %s + %s", stop, age, grace)
	}
	if spec.TerminationGracePeriodSeconds == nil || time.Duration(*spec.TerminationGracePeriodSeconds)*time.Second < stop+10*time.Second {
		t.Errorf("terminationGracePeriodSeconds leaves the collector less than 10 s after preStop")
	}
}

func mustYAML(t *testing.T, text string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// mountsPodKey tells whether the pod's first container mounts the
// generated ConfigMap prefix at dir, and the ConfigMap has key.
func mountsPodKey(o *objects, spec corev1.PodSpec, prefix, dir, key string) bool {
	ds := appsv1.DaemonSet{}
	ds.Spec.Template.Spec = spec
	return mountsKey(o, ds, prefix, dir, key)
}

// checkQueues: nothing holds records in memory before the exporters'
// queues (no batch processor: it answers before the records are stored),
// and each queue is persistent in file_storage, retried without end.
func checkQueues(t *testing.T, what, config string) {
	t.Helper()
	cfg := mustYAML(t, config)
	pipes, _ := at(cfg, "service", "pipelines").(map[string]any)
	for name := range pipes {
		procs, _ := at(pipes, name, "processors").([]any)
		for _, p := range procs {
			if s := p.(string); s == "batch" || strings.HasPrefix(s, "batch/") {
				t.Errorf("%s: pipeline %s batches before its queue", what, name)
			}
		}
	}
	exps, _ := at(cfg, "exporters").(map[string]any)
	if len(exps) != 1 {
		t.Fatalf("%s: want one exporter, have %v", what, exps)
	}
	for name := range exps {
		q := at(exps, name, "sending_queue")
		if at(q, "enabled") != true || at(q, "storage") != "file_storage" || at(q, "batch") == nil {
			t.Errorf("%s: %s's queue %v is not persistent in file_storage with its own batching", what, name, q)
		}
		if at(exps, name, "retry_on_failure", "max_elapsed_time") != float64(0) {
			t.Errorf("%s: %s gives up retrying", what, name)
		}
	}
	if at(cfg, "extensions", "file_storage", "fsync") != true {
		t.Errorf("%s: file_storage without fsync", what)
	}
}

// checkGatewayServices: the agents' Service (OTLP gRPC and HTTP, the
// ports the receivers listen on) and the syslog Service, as the overlay
// makes it.
func checkGatewayServices(t *testing.T, overlay string, o *objects, d appsv1.Deployment) {
	c := d.Spec.Template.Spec.Containers[0]
	config := mustYAML(t, o.configMap(t, gatewayName+"-config").Data["config.yaml"])
	var otlp, syslog *corev1.Service
	for i, s := range o.services {
		for k, v := range s.Spec.Selector {
			if d.Spec.Template.Labels[k] != v {
				t.Errorf("Service %s: selector %s=%s does not select the pods", s.Name, k, v)
			}
		}
		for _, p := range s.Spec.Ports {
			j := slices.IndexFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.TargetPort.StrVal })
			if j < 0 || c.Ports[j].Protocol != p.Protocol || c.Ports[j].ContainerPort != p.Port {
				t.Errorf("Service %s port %s targets no container port of the same protocol and number", s.Name, p.Name)
			}
		}
		switch s.Name {
		case gatewayName:
			otlp = &o.services[i]
		case gatewayName + "-syslog":
			syslog = &o.services[i]
		}
	}
	if otlp == nil || syslog == nil || len(o.services) != 2 {
		t.Fatalf("want the Services %s and %s-syslog", gatewayName, gatewayName)
	}
	ports := map[string]int32{}
	for _, p := range otlp.Spec.Ports {
		ports[p.Name] = p.Port
	}
	if otlp.Spec.Type != corev1.ServiceTypeClusterIP ||
		ports["otlp-grpc"] != port(t, at(config, "receivers", "otlp", "protocols", "grpc", "endpoint").(string)) ||
		ports["otlp-http"] != port(t, at(config, "receivers", "otlp", "protocols", "http", "endpoint").(string)) {
		t.Errorf("Service %s: %s, ports %v, want ClusterIP on the OTLP receivers' ports", otlp.Name, otlp.Spec.Type, ports)
	}
	got := map[string]bool{}
	for _, p := range syslog.Spec.Ports {
		got[fmt.Sprintf("%d/%s", p.Port, p.Protocol)] = true
	}
	external := syslog.Spec.Type == corev1.ServiceTypeLoadBalancer && syslog.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal
	switch overlay {
	case "default":
		if syslog.Spec.Type != corev1.ServiceTypeClusterIP || !reflect.DeepEqual(got, map[string]bool{"5514/TCP": true, "5514/UDP": true}) {
			t.Errorf("syslog Service: %s %v, want ClusterIP on 5514 TCP and UDP", syslog.Spec.Type, got)
		}
	case "syslog-loadbalancer":
		if !external || len(got) != 2 {
			t.Errorf("syslog Service: %s, externalTrafficPolicy %q, %v: want a LoadBalancer that keeps the sender's address", syslog.Spec.Type, syslog.Spec.ExternalTrafficPolicy, got)
		}
	case "syslog-tls":
		if !external || !reflect.DeepEqual(got, map[string]bool{"6514/TCP": true}) {
			t.Errorf("syslog Service: %s, %q, %v: want a LoadBalancer keeping the sender's address, TLS on 6514 only", syslog.Spec.Type, syslog.Spec.ExternalTrafficPolicy, got)
		}
		checkGatewayTLS(t, o, d)
	default:
		t.Errorf("overlay %s: no check written for it", overlay)
	}
}

// checkGatewayTLS: the second --config is the mounted config-tls.yaml, and
// its certificate and key are in the mounted Secret.
func checkGatewayTLS(t *testing.T, o *objects, d appsv1.Deployment) {
	spec := d.Spec.Template.Spec
	c := spec.Containers[0]
	if !slices.Contains(c.Args, "--config=/etc/otelcol-pamaudit-gateway/tls/config-tls.yaml") ||
		!mountsPodKey(o, spec, gatewayName+"-tls", "/etc/otelcol-pamaudit-gateway/tls", "config-tls.yaml") {
		t.Errorf("config-tls.yaml is not a mounted --config: %v", c.Args)
	}
	part := mustYAML(t, o.configMapNamed(configMapVolume(spec, gatewayName+"-tls")).Data["config-tls.yaml"])
	tls := at(part, "receivers", "tcp_log/syslog-tls", "tls")
	secretDir := ""
	for _, v := range spec.Volumes {
		if v.Secret != nil && v.Secret.SecretName == gatewayName+"-syslog-tls" {
			for _, m := range c.VolumeMounts {
				if m.Name == v.Name {
					secretDir = m.MountPath
				}
			}
		}
	}
	for _, k := range []string{"cert_file", "key_file"} {
		if f, _ := at(tls, k).(string); secretDir == "" || filepath.Dir(f) != secretDir {
			t.Errorf("tls %s %v is not in the mounted Secret %s-syslog-tls (%q)", k, at(tls, k), gatewayName, secretDir)
		}
	}
	if r, _ := at(part, "service", "pipelines", "logs/syslog", "receivers").([]any); !slices.Contains(r, any("tcp_log/syslog-tls")) {
		t.Errorf("the TLS receiver is in no pipeline: %v", r)
	}
}

// configMapVolume returns the name of the ConfigMap with that prefix that a
// pod mounts.
func configMapVolume(spec corev1.PodSpec, prefix string) string {
	for _, v := range spec.Volumes {
		if v.ConfigMap != nil && strings.HasPrefix(v.ConfigMap.Name, prefix) {
			return v.ConfigMap.Name
		}
	}
	return ""
}

// The collector agent reads what the node pipeline reads, with the same
// metadata, and sends it unparsed to the gateway's OTLP/gRPC Service; its
// queue is persistent. The gateway's too.
func TestCollectorGatewayAgent(t *testing.T) {
	agent := collectorOverlay(t, "kubernetes/collector/overlays/gateway-agent")
	node := collector(t)
	a, n := mustYAML(t, agent.config), mustYAML(t, node.config)
	sameAt(t, n, a, []string{"receivers"}, []string{"receivers"})
	for _, p := range []string{"memory_limiter", "k8s_attributes", "resource"} {
		sameAt(t, n, a, []string{"processors", p}, []string{"processors", p})
	}
	if procs := at(a, "processors").(map[string]any); len(procs) != 3 {
		t.Errorf("the agent has processors %v: it only forwards", procs)
	}
	for name, p := range at(n, "service", "pipelines").(map[string]any) {
		sameAt(t, n, a, []string{"service", "pipelines", name, "receivers"}, []string{"service", "pipelines", name, "receivers"})
		var want []any
		for _, proc := range at(p, "processors").([]any) {
			if proc != "pamaudit" && proc != "batch" {
				want = append(want, proc)
			}
		}
		if got := at(a, "service", "pipelines", name, "processors"); !reflect.DeepEqual(got, want) {
			t.Errorf("pipeline %s: processors %v, want the node's without parsing and batching: %v", name, got, want)
		}
	}
	checkQueues(t, "agent", agent.config)
	checkQueues(t, "gateway", gateway(t, "kubernetes/gateway/overlays/default").config)
	if exp := at(a, "exporters", "otlp/gateway"); at(exp, "endpoint") != "${env:PAMAUDIT_OTLP_ENDPOINT}" {
		t.Errorf("otlp/gateway: %v", exp)
	}
	// The endpoint is the gateway's Service, in its namespace, on its gRPC
	// port.
	g := render(t, "kubernetes/gateway/overlays/default")
	if want := gatewayAddress(t, g, "otlp-grpc"); agent.settings["PAMAUDIT_OTLP_ENDPOINT"] != want {
		t.Errorf("PAMAUDIT_OTLP_ENDPOINT %s, want the gateway's %s", agent.settings["PAMAUDIT_OTLP_ENDPOINT"], want)
	}
}

// gatewayAddress is host:port of the gateway's OTLP Service, by port name.
func gatewayAddress(t *testing.T, g *objects, name string) string {
	t.Helper()
	for _, s := range g.services {
		if s.Name != gatewayName {
			continue
		}
		for _, p := range s.Spec.Ports {
			if p.Name == name {
				return fmt.Sprintf("%s.%s.svc.cluster.local:%d", s.Name, s.Namespace, p.Port)
			}
		}
	}
	t.Fatalf("the gateway's Service has no port %s", name)
	return ""
}

// The Fluent Bit agent: the node pipeline's inputs and filters, section
// for section, and Fluent Bit's opentelemetry output to the gateway's
// OTLP/HTTP Service, the line as the body and every other key an
// attribute; chunks synced to disk.
func TestFluentBitGatewayAgent(t *testing.T) {
	node, _, _ := fluentBitConf(t)
	o := render(t, "kubernetes/fluent-bit/overlays/gateway-agent")
	agent := parseClassic(t, o.configMap(t, "fluent-bit-pamaudit-config").Data["fluent-bit.conf"])
	var nodeSecs, agentSecs []section
	for _, s := range node {
		if s.kind == "INPUT" || s.kind == "FILTER" {
			nodeSecs = append(nodeSecs, s)
		}
	}
	for _, s := range agent {
		if s.kind == "INPUT" || s.kind == "FILTER" {
			agentSecs = append(agentSecs, s)
		}
	}
	if !reflect.DeepEqual(nodeSecs, agentSecs) {
		t.Errorf("the agent's inputs and filters differ from the node pipeline's")
	}
	ns, as := node.section(t, "SERVICE", ""), agent.section(t, "SERVICE", "")
	for _, k := range ns.order {
		switch k {
		case "plugins_file":
			if as.get(k) != "" {
				t.Errorf("the agent loads the plugin it does not use")
			}
		case "storage.sync":
			if as.get(k) != "full" {
				t.Errorf("storage.sync %q, want full (the chunks synced to disk)", as.get(k))
			}
		default:
			if as.get(k) != ns.get(k) {
				t.Errorf("[SERVICE] %s %q, the node pipeline's %q", k, as.get(k), ns.get(k))
			}
		}
	}
	var outs []section
	for _, s := range agent {
		if s.kind == "OUTPUT" {
			outs = append(outs, s)
		}
	}
	if len(outs) != 1 {
		t.Fatalf("want one output, have %d", len(outs))
	}
	want := map[string]string{
		"name": "opentelemetry", "match": "*", "host": "${PAMAUDIT_GATEWAY_HOST}", "port": "${PAMAUDIT_GATEWAY_PORT}",
		"logs_uri": "/v1/logs", "logs_body_key": "$log", "logs_body_key_attributes": "true", "retry_limit": "no_limits",
	}
	for k, v := range want {
		if outs[0].get(k) != v {
			t.Errorf("output %s %q, want %q", k, outs[0].get(k), v)
		}
	}
	if outs[0].get("storage.total_limit_size") == "" {
		t.Errorf("no storage.total_limit_size: the buffer on the node is unbounded")
	}
	g := render(t, "kubernetes/gateway/overlays/default")
	settings := o.configMap(t, "fluent-bit-pamaudit-settings").Data
	if got, want := settings["PAMAUDIT_GATEWAY_HOST"]+":"+settings["PAMAUDIT_GATEWAY_PORT"], gatewayAddress(t, g, "otlp-http"); got != want {
		t.Errorf("the agent sends to %s, want the gateway's %s", got, want)
	}
}

// onLoopback is a collector of deploy's files run on loopback: free ports,
// a state directory, the collector's own metrics off.
type onLoopback struct {
	env    []string
	args   []string
	health int
}

// loopback prepares a collector setup to run here. stateMount is the
// directory its file_storage lies under in the pod; listen are the
// listen addresses to move, as config key paths; more are further
// overrides.
func loopback(t *testing.T, c collectorSetup, stateMount, state string, env map[string]string, listen []string, more ...string) onLoopback {
	t.Helper()
	storage := configKey(t, c.config, "extensions", "file_storage", "directory").(string)
	rel, ok := strings.CutPrefix(storage, stateMount+"/")
	if !ok {
		t.Fatalf("file_storage directory %s is not under %s", storage, stateMount)
	}
	file := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(file, []byte(c.config), 0o644); err != nil {
		t.Fatal(err)
	}
	l := onLoopback{health: freePort(t, "tcp")}
	l.env = c.env(t, map[string]string{"spec.nodeName": "node-1", "status.podIP": "127.0.0.1"}, env)
	l.args = []string{
		"--config", file,
		"--config", yamlOverride("extensions::health_check::endpoint", fmt.Sprintf("127.0.0.1:%d", l.health)),
		"--config", yamlOverride("extensions::file_storage::directory", filepath.Join(state, rel)),
		"--config", yamlOverride("extensions::file_storage::compaction::directory", filepath.Join(state, rel)),
		"--config", yamlOverride("service::telemetry::metrics::level", "none"),
	}
	for _, key := range listen {
		network := "tcp"
		if strings.HasPrefix(key, "receivers::udp") {
			network = "udp"
		}
		l.args = append(l.args, "--config", yamlOverride(key, fmt.Sprintf("127.0.0.1:%d", freePort(t, network))))
	}
	for _, m := range more {
		l.args = append(l.args, "--config", m)
	}
	return l
}

func (l onLoopback) start(t *testing.T, bin string) *runningCollector {
	t.Helper()
	r := startCollector(t, bin, l.env, l.args)
	waitHealthy(t, r, fmt.Sprintf("http://127.0.0.1:%d/", l.health))
	return r
}

var syslogListen = []string{"receivers::tcp_log/syslog::listen_address", "receivers::udp_log/syslog::listen_address"}

// gatewayLoopback prepares a gateway to run here, exporting to backend:
// its OTLP receivers on the ports grpcPort and httpPort the test sends to
// (0: a free port, for a receiver it does not use), its syslog receivers
// on free ports.
func gatewayLoopback(t *testing.T, gw collectorSetup, backend string, grpcPort, httpPort int) onLoopback {
	t.Helper()
	listen := slices.Clone(syslogListen)
	var more []string
	for _, r := range []struct {
		key  string
		port int
	}{{"receivers::otlp::protocols::grpc::endpoint", grpcPort}, {"receivers::otlp::protocols::http::endpoint", httpPort}} {
		if r.port == 0 {
			listen = append(listen, r.key)
		} else {
			more = append(more, yamlOverride(r.key, fmt.Sprintf("127.0.0.1:%d", r.port)))
		}
	}
	return loopback(t, gw, gatewayState, t.TempDir(), map[string]string{"PAMAUDIT_OTLP_ENDPOINT": backend}, listen, more...)
}

// The agent → gateway fault: the collector agent of the gateway-agent
// overlay reads a pod's log and forwards it to the gateway of
// overlays/default, which parses it and exports to a backend here. Mid
// stream the backend refuses for a moment (records pile up in the
// gateway's queue), the gateway is killed with SIGKILL, and restarted on
// the same emptyDir after the agent found it down for a while (records pile
// up in the agent's queue). Every record comes out parsed; the duplicates
// are counted by the records' unique text and reported.
func TestGatewayKilled(t *testing.T) {
	bin := artifact(t, "PAMAUDIT_OTELCOL", "the collector distribution")
	const n = 20000
	backend := newReceiver(t)

	grpc := freePort(t, "tcp")
	gwRun := gatewayLoopback(t, gateway(t, "kubernetes/gateway/overlays/default"), backend.url, grpc, 0)

	agent := collectorOverlay(t, "kubernetes/collector/overlays/gateway-agent")
	nd := node{t: t, root: t.TempDir()}
	var processors []string
	for _, p := range configKey(t, agent.config, "service", "pipelines", "logs/containers", "processors").([]any) {
		if p != "k8s_attributes" { // needs an API server
			processors = append(processors, p.(string))
		}
	}
	var exclude []string
	for _, e := range configKey(t, agent.config, "receivers", "file_log/containers", "exclude").([]any) {
		exclude = append(exclude, filepath.Join(nd.root, e.(string)))
	}
	agRun := loopback(t, agent, "/var/lib/otelcol-pamaudit", t.TempDir(), map[string]string{
		"PAMAUDIT_OTLP_ENDPOINT":  fmt.Sprintf("127.0.0.1:%d", grpc),
		"PAMAUDIT_CONTAINER_LOGS": filepath.Join(nd.root, agent.settings["PAMAUDIT_CONTAINER_LOGS"]),
	}, syslogListen,
		yamlOverride("service::pipelines::logs/containers::processors", processors),
		yamlOverride("receivers::file_log/containers::exclude", exclude))

	gwCol := gwRun.start(t, bin)
	agCol := agRun.start(t, bin)

	// n PassMan lines, each its own id, written over about 3 s.
	tmpl := regexp.MustCompile(`id = \d+`).ReplaceAllString(testdataLines(t, "passman/audit.log")[0], "id = %d")
	written := make(chan struct{})
	go func() {
		defer close(written)
		for i := 0; i < n; i += 500 {
			var lines []string
			for j := i; j < i+500; j++ {
				lines = append(lines, cri("stdout", fmt.Sprintf(tmpl, j))...)
			}
			nd.podLog("pam", "passman-0", "5f0d1c2e-8a4b-4c3d-9e1f-0a1b2c3d4e5f", "passman", lines...)
			time.Sleep(75 * time.Millisecond)
		}
	}()

	// The fault, mid-stream.
	if got := len(backend.wait(n/5, 30*time.Second)); got < n/5 {
		t.Fatalf("only %d records before the fault\nagent:\n%s\ngateway:\n%s", got, agCol.out, gwCol.out)
	}
	backend.down.Store(true)
	time.Sleep(1500 * time.Millisecond)
	if err := gwCol.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-gwCol.Done()
	atKill := len(backend.records())
	backend.down.Store(false)
	time.Sleep(2 * time.Second)
	atRestart := len(backend.records())
	gwCol = gwRun.start(t, bin)
	<-written

	ids := map[int]int{}
	deadline := time.Now().Add(45 * time.Second)
	for time.Now().Before(deadline) && len(ids) < n {
		time.Sleep(250 * time.Millisecond)
		clear(ids)
		for _, r := range backend.records() {
			id, err := strconv.Atoi(r.attrs["passman.id"])
			if err != nil || r.event != "passman.login" {
				t.Fatalf("a record not parsed at the gateway: %q %v", r.event, r.attrs)
			}
			ids[id]++
		}
	}
	time.Sleep(time.Second) // duplicates still in flight show now
	total := len(backend.records())
	var missing []int
	for i := 0; i < n; i++ {
		if ids[i] == 0 {
			missing = append(missing, i)
		}
	}
	if atKill >= n {
		t.Errorf("every record was delivered before the gateway was killed: no fault was tested")
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d records lost (first %v)\nagent:\n%s\ngateway:\n%s", len(missing), n, missing[:min(10, len(missing))], agCol.out, gwCol.out)
	}
	t.Logf("agent -> gateway, gateway killed (SIGKILL) after %d records reached the backend (it refused for 1.5 s before), down 2 s: %d records in, %d distinct out, %d duplicates (%d delivered before the restart)",
		atKill, n, len(ids), total-len(ids), atRestart)
}

// Syslog over TLS to the gateway (overlays/syslog-tls): its config-tls.yaml
// merged over config.yaml, with a certificate made here in place of the
// Secret's, parses a line sent over TLS, with the sender's address.
func TestGatewaySyslogTLS(t *testing.T) {
	bin := artifact(t, "PAMAUDIT_OTELCOL", "the collector distribution")
	o := render(t, "kubernetes/gateway/overlays/syslog-tls")
	d := o.deployment(t, gatewayName)
	gw := collectorSetup{
		config:    o.configMap(t, gatewayName+"-config").Data["config.yaml"],
		container: d.Spec.Template.Spec.Containers[0],
		settings:  o.configMap(t, gatewayName+"-settings").Data,
	}
	part := o.configMapNamed(configMapVolume(d.Spec.Template.Spec, gatewayName+"-tls")).Data["config-tls.yaml"]
	if part == "" {
		t.Fatal("no config-tls.yaml")
	}
	dir := t.TempDir()
	ca := testutil.NewCA(t, dir, "gateway-test-ca")
	certFile, keyFile, _ := ca.Issue("gateway", false, nil, "gateway.test")
	partFile := filepath.Join(dir, "config-tls.yaml")
	if err := os.WriteFile(partFile, []byte(part), 0o644); err != nil {
		t.Fatal(err)
	}
	tlsPort := freePort(t, "tcp")
	backend := newReceiver(t)
	run := gatewayLoopback(t, gw, backend.url, 0, 0)
	// config-tls.yaml comes after config.yaml, as the Deployment's args
	// have it; then what is moved here.
	run.args = slices.Insert(run.args, 2, "--config", partFile)
	run.args = append(run.args,
		"--config", yamlOverride("receivers::tcp_log/syslog-tls::listen_address", fmt.Sprintf("127.0.0.1:%d", tlsPort)),
		"--config", yamlOverride("receivers::tcp_log/syslog-tls::tls::cert_file", certFile),
		"--config", yamlOverride("receivers::tcp_log/syslog-tls::tls::key_file", keyFile))
	col := run.start(t, bin)

	conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", tlsPort), &tls.Config{RootCAs: ca.Pool(), ServerName: "gateway.test"})
	if err != nil {
		t.Fatalf("TLS: %v\n%s", err, col.out)
	}
	line := testdataLines(t, "passman/audit.log")[1]
	if _, err := conn.Write([]byte("<134>" + line + "\n")); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	recs := backend.wait(1, 20*time.Second)
	if len(recs) != 1 || recs[0].event != goldenEvents(t, "passman/audit.log")[1] || recs[0].attrs["net.peer.ip"] != "127.0.0.1" {
		t.Fatalf("records %+v\n%s", recs, col.out)
	}
	if recs[0].resource["k8s.node.name"] != "node-1" {
		t.Errorf("k8s.node.name %q: the gateway's node", recs[0].resource["k8s.node.name"])
	}
	// Plain text to the TLS port is not read.
	sendSyslog(t, "tcp", tlsPort, "<134>"+line+"\n")
	time.Sleep(2 * time.Second)
	if got := len(backend.records()); got != 1 {
		t.Errorf("%d records: a plain-text line on the TLS port was read", got)
	}
}

// The Helm gateway's config, as the chart gives it to the collector (with
// MY_POD_IP), passes otelcol-pamaudit validate.
func TestHelmGatewayConfigValidates(t *testing.T) {
	bin := artifact(t, "PAMAUDIT_OTELCOL", "the collector distribution")
	var v otelValues
	readLayered(t, &v, "helm/opentelemetry-collector/values-gateway.yaml")
	file := filepath.Join(t.TempDir(), "relay.yaml")
	if err := os.WriteFile(file, []byte(mustYAMLString(t, v.Config)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "validate", "--config", file)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "MY_POD_IP=127.0.0.1", "K8S_NODE_NAME=node-1"}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("otelcol-pamaudit validate: %v\n%s", err, out)
	}
}

// What the Fluent Bit agent sends (its opentelemetry output: OTLP/HTTP,
// the line as the body, every other key of the record an attribute; shaped
// as Fluent Bit 5.1.1 sent it when run by hand, docs/kubernetes.md) reaches
// the gateway's HTTP receiver and comes out parsed, the attributes kept.
func TestGatewayFromFluentBitAgent(t *testing.T) {
	bin := artifact(t, "PAMAUDIT_OTELCOL", "the collector distribution")
	backend := newReceiver(t)
	httpPort := freePort(t, "tcp")
	run := gatewayLoopback(t, gateway(t, "kubernetes/gateway/overlays/default"), backend.url, 0, httpPort)
	col := run.start(t, bin)

	passman := testdataLines(t, "passman/audit.log")
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	container := lrs.AppendEmpty()
	container.Body().SetStr(passman[0])
	for k, v := range map[string]string{"time": "2026-03-05T10:16:01.123456789Z", "log.iostream": "stdout", "k8s.namespace.name": "pam", "k8s.pod.name": "passman-0", "k8s.container.name": "passman"} {
		container.Attributes().PutStr(k, v)
	}
	syslog := lrs.AppendEmpty()
	syslog.Body().SetStr("<134>" + passman[1])
	syslog.Attributes().PutStr("fluentbit.source_address", "tcp://10.20.0.7:51234")
	status, err := otlptest.Send(http.DefaultClient, fmt.Sprintf("http://127.0.0.1:%d/v1/logs", httpPort), ld)
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusOK {
		t.Fatalf("the gateway answered %d\n%s", status, col.out)
	}
	recs := backend.wait(2, 20*time.Second)
	gold := goldenEvents(t, "passman/audit.log")
	if len(recs) != 2 || recs[0].event != gold[0] || recs[1].event != gold[1] {
		t.Fatalf("records %+v, want %s and %s parsed\n%s", recs, gold[0], gold[1], col.out)
	}
	if recs[0].attrs["k8s.pod.name"] != "passman-0" || recs[0].attrs["log.iostream"] != "stdout" || recs[1].attrs["fluentbit.source_address"] != "tcp://10.20.0.7:51234" {
		t.Errorf("the agent's attributes were not kept: %v %v", recs[0].attrs, recs[1].attrs)
	}
}
