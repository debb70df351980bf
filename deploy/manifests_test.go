package deploy

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// The Kubernetes manifests: every file and every rendered overlay decodes
// strictly into the k8s.io/api types (an unknown or misspelt field fails),
// and the DaemonSets keep the invariants docs/kubernetes.md promises.

// engine describes what differs between the two DaemonSets.
type engine struct {
	dir        string // under deploy/kubernetes
	name       string // DaemonSet, container, ServiceAccount, ClusterRole
	healthPort int32
	healthPath string
	stateDir   string // the hostPath for offsets and buffers
	imageVar   string // the Makefile variable of its image
	rbac       map[string][]string
}

var engines = []engine{
	{
		dir: "collector", name: "otelcol-pamaudit", healthPort: 13133, healthPath: "/",
		stateDir: "/var/lib/otelcol-pamaudit", imageVar: "OTELCOL_IMAGE",
		// What k8s_attributes reads.
		rbac: map[string][]string{"": {"pods", "namespaces", "nodes"}, "apps": {"replicasets"}},
	},
	{
		dir: "fluent-bit", name: "fluent-bit-pamaudit", healthPort: 2020, healthPath: "/api/v1/health",
		stateDir: "/var/lib/fluent-bit-pamaudit", imageVar: "FLUENTBIT_IMAGE",
		// What the kubernetes filter reads.
		rbac: map[string][]string{"": {"pods", "namespaces"}},
	},
}

// logDirs are the node's log directories; they are mounted read-only.
var logDirs = []string{"/var/log/pods", "/var/log/containers"}

// objects is one rendered kustomization, decoded.
type objects struct {
	daemonSets   []appsv1.DaemonSet
	deployments  []appsv1.Deployment
	autoscalers  []autoscalingv2.HorizontalPodAutoscaler
	budgets      []policyv1.PodDisruptionBudget
	configMaps   []corev1.ConfigMap
	services     []corev1.Service
	accounts     []corev1.ServiceAccount
	namespaces   []corev1.Namespace
	roles        []rbacv1.ClusterRole
	bindings     []rbacv1.ClusterRoleBinding
	renderedYAML []byte
}

// lists maps each kind a kustomization may render ("apiVersion kind") to
// the list of o its documents go to; any other kind fails.
func (o *objects) lists() map[string]any {
	return map[string]any{
		"apps/v1 DaemonSet":                               &o.daemonSets,
		"apps/v1 Deployment":                              &o.deployments,
		"autoscaling/v2 HorizontalPodAutoscaler":          &o.autoscalers,
		"policy/v1 PodDisruptionBudget":                   &o.budgets,
		"v1 ConfigMap":                                    &o.configMaps,
		"v1 Service":                                      &o.services,
		"v1 ServiceAccount":                               &o.accounts,
		"v1 Namespace":                                    &o.namespaces,
		"rbac.authorization.k8s.io/v1 ClusterRole":        &o.roles,
		"rbac.authorization.k8s.io/v1 ClusterRoleBinding": &o.bindings,
	}
}

// render builds a kustomization with the kustomize Go API, as
// `kubectl apply -k` does.
func render(t *testing.T, dir string) *objects {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize %s: %v", dir, err)
	}
	y, err := m.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	o := decodeAll(t, dir, y)
	o.renderedYAML = y
	return o
}

// splitDocs splits a YAML stream into its documents.
func splitDocs(b []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(append([]byte("\n"), b...), []byte("\n---")) {
		if len(bytes.TrimSpace(stripComments(d))) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

func stripComments(b []byte) []byte {
	var out [][]byte
	for _, l := range bytes.Split(b, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(l), []byte("#")) {
			out = append(out, l)
		}
	}
	return bytes.Join(out, []byte("\n"))
}

// strict decodes YAML into v; unknown fields and duplicate keys fail.
func strict(t *testing.T, what string, doc []byte, v any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(doc, v); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func decodeAll(t *testing.T, what string, y []byte) *objects {
	t.Helper()
	o := &objects{}
	for i, doc := range splitDocs(y) {
		var meta struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			t.Fatalf("%s document %d: %v", what, i, err)
		}
		at := fmt.Sprintf("%s: %s %d", what, meta.Kind, i)
		list, ok := o.lists()[meta.APIVersion+" "+meta.Kind]
		if !ok {
			t.Fatalf("%s: unexpected %s %s", at, meta.APIVersion, meta.Kind)
		}
		// A new element of the list's type, decoded strictly and appended.
		l := reflect.ValueOf(list).Elem()
		v := reflect.New(l.Type().Elem())
		strict(t, at, doc, v.Interface())
		l.Set(reflect.Append(l, v.Elem()))
	}
	return o
}

// overlays returns the overlay directories of an engine.
func overlays(t *testing.T, e engine) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("kubernetes", e.dir, "overlays", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no overlays for %s: %v", e.dir, err)
	}
	return dirs
}

func (o *objects) configMap(t *testing.T, prefix string) corev1.ConfigMap {
	t.Helper()
	for _, c := range o.configMaps {
		// kustomize appends a hash of the content to generated names.
		if c.Name == prefix || strings.HasPrefix(c.Name, prefix+"-") {
			return c
		}
	}
	t.Fatalf("no ConfigMap %s", prefix)
	return corev1.ConfigMap{}
}

func (o *objects) daemonSet(t *testing.T, name string) appsv1.DaemonSet {
	t.Helper()
	if len(o.daemonSets) != 1 || o.daemonSets[0].Name != name {
		t.Fatalf("want one DaemonSet %s, have %d", name, len(o.daemonSets))
	}
	return o.daemonSets[0]
}

// Every YAML file in the bases and overlays that is a Kubernetes object or
// a patch decodes strictly.
func TestManifestFilesDecodeStrictly(t *testing.T) {
	n := 0
	err := filepath.Walk("kubernetes", func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || filepath.Ext(path) != ".yaml" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch filepath.Base(path) {
		case "kustomization.yaml": // into kustomize's own type: a misspelt field fails
			var k types.Kustomization
			strict(t, path, b, &k)
			return nil
		case "config.yaml", "config-tls.yaml": // the collector's pipeline (and a part merged over it): the distribution checks it
			var c map[string]any
			strict(t, path, b, &c)
			return nil
		}
		decodeAll(t, path, b)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("only %d manifest files found", n)
	}
}

// Every overlay renders, and its DaemonSet keeps the invariants.
func TestOverlays(t *testing.T) {
	for _, e := range engines {
		for _, dir := range overlays(t, e) {
			t.Run(dir, func(t *testing.T) {
				o := render(t, dir)
				ds := o.daemonSet(t, e.name)
				checkDaemonSet(t, e, ds)
				checkImages(t, e, dir, ds)
				checkRBAC(t, e, o, ds)
				checkServices(t, o, ds)
				checkSettings(t, e, o, ds)
				checkHostPorts(t, filepath.Base(dir) == "syslog-hostport", ds)
			})
		}
	}
}

func checkDaemonSet(t *testing.T, e engine, ds appsv1.DaemonSet) {
	spec := ds.Spec.Template.Spec
	if !slices.ContainsFunc(spec.Tolerations, func(tl corev1.Toleration) bool {
		return tl.Operator == corev1.TolerationOpExists && tl.Key == "" && tl.Effect == ""
	}) {
		t.Errorf("no toleration of every taint: the agent would miss tainted nodes")
	}
	if spec.ServiceAccountName != e.name {
		t.Errorf("serviceAccountName %q", spec.ServiceAccountName)
	}
	if len(spec.Containers) != 1 || spec.Containers[0].Name != e.name {
		t.Fatalf("want one container %s", e.name)
	}
	for _, c := range append(slices.Clone(spec.InitContainers), spec.Containers...) {
		checkContainer(t, spec, c)
	}
	c := spec.Containers[0]
	for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("%s: a liveness and a readiness probe over HTTP are required", c.Name)
			continue
		}
		if port := resolvePort(t, c, p.HTTPGet.Port); port != e.healthPort || p.HTTPGet.Path != e.healthPath {
			t.Errorf("%s: probe %s on %d, want %s on %d", c.Name, p.HTTPGet.Path, port, e.healthPath, e.healthPort)
		}
	}
	// Host paths: the log directories read-only, the state directory, and
	// nothing else of the node.
	hostPaths := map[string]string{} // volume name -> host path
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			hostPaths[v.Name] = v.HostPath.Path
			if !slices.Contains(logDirs, v.HostPath.Path) && v.HostPath.Path != e.stateDir {
				t.Errorf("hostPath %s: only the log directories and %s are mounted", v.HostPath.Path, e.stateDir)
			}
		}
	}
	mounted := map[string]bool{}
	for _, m := range c.VolumeMounts {
		hp, ok := hostPaths[m.Name]
		if !ok {
			continue
		}
		mounted[hp] = true
		if slices.Contains(logDirs, hp) && (!m.ReadOnly || m.MountPath != hp) {
			t.Errorf("%s must be mounted read-only at the same path (mount %s, readOnly %v)", hp, m.MountPath, m.ReadOnly)
		}
		if hp == e.stateDir && m.ReadOnly {
			t.Errorf("%s is where offsets are written: it cannot be read-only", hp)
		}
	}
	for _, p := range append(slices.Clone(logDirs), e.stateDir) {
		if !mounted[p] {
			t.Errorf("%s is not mounted", p)
		}
	}
}

// checkContainer: limits, requests and the security context of every
// container, init containers included.
func checkContainer(t *testing.T, spec corev1.PodSpec, c corev1.Container) {
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[r]; !ok {
			t.Errorf("%s: no %s request", c.Name, r)
		}
		if _, ok := c.Resources.Limits[r]; !ok {
			t.Errorf("%s: no %s limit", c.Name, r)
		}
	}
	sc := c.SecurityContext
	if sc == nil {
		t.Fatalf("%s: no securityContext", c.Name)
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("%s: readOnlyRootFilesystem is not set", c.Name)
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Errorf("%s: allowPrivilegeEscalation is not false", c.Name)
	}
	if sc.Privileged != nil && *sc.Privileged {
		t.Errorf("%s: privileged", c.Name)
	}
	if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
		t.Errorf("%s: capabilities must drop ALL and add none", c.Name)
	}
	// Root only where it is said: runAsNonRoot false with UID 0 (the log
	// files), runAsNonRoot true with another UID.
	uid, nonRoot := effective(spec, c)
	if uid == nil || nonRoot == nil {
		t.Errorf("%s: runAsUser and runAsNonRoot must both be explicit", c.Name)
	} else if (*uid == 0) == *nonRoot {
		t.Errorf("%s: runAsUser %d with runAsNonRoot %v", c.Name, *uid, *nonRoot)
	}
}

// effective returns a container's runAsUser and runAsNonRoot, the
// container's own over the pod's.
func effective(spec corev1.PodSpec, c corev1.Container) (*int64, *bool) {
	var uid *int64
	var nonRoot *bool
	if p := spec.SecurityContext; p != nil {
		uid, nonRoot = p.RunAsUser, p.RunAsNonRoot
	}
	if s := c.SecurityContext; s != nil {
		if s.RunAsUser != nil {
			uid = s.RunAsUser
		}
		if s.RunAsNonRoot != nil {
			nonRoot = s.RunAsNonRoot
		}
	}
	return uid, nonRoot
}

func resolvePort(t *testing.T, c corev1.Container, p intstr.IntOrString) int32 {
	if p.Type == intstr.Int {
		return p.IntVal
	}
	for _, cp := range c.Ports {
		if cp.Name == p.StrVal {
			return cp.ContainerPort
		}
	}
	t.Errorf("%s: no port named %s", c.Name, p.StrVal)
	return 0
}

// checkImages: the images are the ones `make images` builds; the stock
// Fluent Bit image (plugin-init) is the one the plugin is built for.
func checkImages(t *testing.T, e engine, dir string, ds appsv1.DaemonSet) {
	spec := ds.Spec.Template.Spec
	want := makeVar(t, e.imageVar)
	if filepath.Base(dir) == "plugin-init" {
		want = dockerfileArg(t, "deploy/images/fluent-bit/Dockerfile", "FLUENT_BIT_IMAGE")
		if len(spec.InitContainers) != 1 || spec.InitContainers[0].Image != makeVar(t, "PLUGIN_IMAGE") {
			t.Errorf("plugin-init: the init container runs %v, want %s", spec.InitContainers, makeVar(t, "PLUGIN_IMAGE"))
		}
	} else if len(spec.InitContainers) != 0 {
		t.Errorf("unexpected init containers")
	}
	if got := spec.Containers[0].Image; got != want {
		t.Errorf("image %s, want %s", got, want)
	}
}

// checkRBAC: read-only access to what the engine's metadata lookup reads,
// bound to the DaemonSet's ServiceAccount.
func checkRBAC(t *testing.T, e engine, o *objects, ds appsv1.DaemonSet) {
	if len(o.roles) != 1 || len(o.bindings) != 1 || len(o.accounts) != 1 {
		t.Fatalf("want one ClusterRole, ClusterRoleBinding and ServiceAccount")
	}
	got := map[string][]string{}
	for _, r := range o.roles[0].Rules {
		if len(r.ResourceNames) > 0 || len(r.NonResourceURLs) > 0 {
			t.Errorf("unexpected rule %+v", r)
		}
		verbs := slices.Clone(r.Verbs)
		sort.Strings(verbs)
		if !slices.Equal(verbs, []string{"get", "list", "watch"}) {
			t.Errorf("verbs %v: only get, list, watch", r.Verbs)
		}
		for _, g := range r.APIGroups {
			got[g] = append(got[g], r.Resources...)
		}
	}
	for g := range got {
		sort.Strings(got[g])
	}
	for g, want := range e.rbac {
		w := slices.Clone(want)
		sort.Strings(w)
		if !slices.Equal(got[g], w) {
			t.Errorf("API group %q: resources %v, want %v", g, got[g], w)
		}
	}
	if len(got) != len(e.rbac) {
		t.Errorf("API groups %v, want those of %v", got, e.rbac)
	}
	b := o.bindings[0]
	sa := o.accounts[0]
	if b.RoleRef.Name != o.roles[0].Name || len(b.Subjects) != 1 || b.Subjects[0].Kind != "ServiceAccount" ||
		b.Subjects[0].Name != sa.Name || b.Subjects[0].Namespace != ds.Namespace || sa.Namespace != ds.Namespace {
		t.Errorf("the binding %+v does not bind %s to %s/%s", b, o.roles[0].Name, ds.Namespace, sa.Name)
	}
}

// checkServices: the syslog Service selects the DaemonSet's pods and
// targets its syslog ports with their protocols.
func checkServices(t *testing.T, o *objects, ds appsv1.DaemonSet) {
	if len(o.services) != 1 {
		t.Fatalf("want one Service, have %d", len(o.services))
	}
	s := o.services[0]
	labels := ds.Spec.Template.Labels
	for k, v := range s.Spec.Selector {
		if labels[k] != v {
			t.Errorf("Service selector %s=%s does not select the pods (%v)", k, v, labels)
		}
	}
	c := ds.Spec.Template.Spec.Containers[0]
	protocols := map[corev1.Protocol]bool{}
	for _, p := range s.Spec.Ports {
		i := slices.IndexFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.TargetPort.StrVal })
		if i < 0 || c.Ports[i].Protocol != p.Protocol || c.Ports[i].ContainerPort != p.Port {
			t.Errorf("Service port %s targets no container port of the same protocol and number", p.Name)
		}
		protocols[p.Protocol] = true
	}
	if !protocols[corev1.ProtocolTCP] || !protocols[corev1.ProtocolUDP] {
		t.Errorf("syslog over TCP and UDP: %v", protocols)
	}
}

// checkSettings: the container takes its settings from the generated
// ConfigMap, and the OTLP endpoint is set there only: one value.
func checkSettings(t *testing.T, e engine, o *objects, ds appsv1.DaemonSet) {
	checkPodSettings(t, e.name, o, ds.Spec.Template.Spec)
	if o.configMap(t, e.name+"-settings").Data["PAMAUDIT_CONTAINER_LOGS"] == "" {
		t.Errorf("%s-settings: no PAMAUDIT_CONTAINER_LOGS", e.name)
	}
}

// checkPodSettings: the settings ConfigMap name+"-settings" is the
// container's environment, its endpoint (the OTLP URL, or the gateway's
// host for Fluent Bit's opentelemetry output) is set there only, and the
// pipeline ConfigMap name+"-config", mounted, reads every setting.
func checkPodSettings(t *testing.T, name string, o *objects, spec corev1.PodSpec) {
	settings := o.configMap(t, name+"-settings")
	c := spec.Containers[0]
	if !slices.ContainsFunc(c.EnvFrom, func(s corev1.EnvFromSource) bool {
		return s.ConfigMapRef != nil && s.ConfigMapRef.Name == settings.Name
	}) {
		t.Errorf("the container does not read %s", settings.Name)
	}
	ep := settings.Data["PAMAUDIT_OTLP_ENDPOINT"]
	if h, ok := settings.Data["PAMAUDIT_GATEWAY_HOST"]; ok {
		ep = h
	}
	if ep == "" {
		t.Fatalf("%s: no endpoint: %v", settings.Name, settings.Data)
	}
	if n := bytes.Count(o.renderedYAML, []byte(ep)); n != 1 {
		t.Errorf("the endpoint %s appears %d times: it must be set in one place", ep, n)
	}
	config := o.configMap(t, name+"-config")
	mounted := false
	for _, v := range spec.Volumes {
		if v.ConfigMap != nil && v.ConfigMap.Name == config.Name {
			mounted = true
		}
	}
	if !mounted {
		t.Errorf("the pipeline ConfigMap %s is not mounted", config.Name)
	}
	for k := range settings.Data {
		found := false
		for _, text := range config.Data {
			found = found || strings.Contains(text, "{env:"+k+"}") || strings.Contains(text, "${"+k+"}")
		}
		if !found {
			t.Errorf("the pipeline does not read %s", k)
		}
	}
}

// checkHostPorts: only the syslog-hostport overlay binds node ports, and
// there the syslog ports, each with its protocol.
func checkHostPorts(t *testing.T, want bool, ds appsv1.DaemonSet) {
	got := map[string]int32{}
	for _, p := range ds.Spec.Template.Spec.Containers[0].Ports {
		if p.HostPort != 0 {
			got[p.Name+"/"+string(p.Protocol)] = p.HostPort
		}
	}
	if !want {
		if len(got) > 0 {
			t.Errorf("host ports %v outside the syslog-hostport overlay", got)
		}
		return
	}
	if len(got) != 2 || got["syslog-tcp/TCP"] != 5514 || got["syslog-udp/UDP"] != 5514 {
		t.Errorf("host ports %v, want syslog-tcp/TCP and syslog-udp/UDP on 5514", got)
	}
}

// The pipelines write their state under the DaemonSet's state hostPath, and
// read the files the container mounts.
func TestStateOnHostPath(t *testing.T) {
	col := render(t, "kubernetes/collector/overlays/default")
	cfg := col.configMap(t, "otelcol-pamaudit-config").Data["config.yaml"]
	if !strings.Contains(cfg, "directory: /var/lib/otelcol-pamaudit/") {
		t.Errorf("file_storage is not under /var/lib/otelcol-pamaudit")
	}
	ds := col.daemonSet(t, "otelcol-pamaudit")
	if args := ds.Spec.Template.Spec.Containers[0].Args; !slices.Contains(args, "--config=/etc/otelcol-pamaudit/config.yaml") || !mountsKey(col, ds, "otelcol-pamaudit-config", "/etc/otelcol-pamaudit", "config.yaml") {
		t.Errorf("the collector's --config is not the mounted ConfigMap: %v", args)
	}

	fb := render(t, "kubernetes/fluent-bit/overlays/default")
	conf := parseClassic(t, fb.configMap(t, "fluent-bit-pamaudit-config").Data["fluent-bit.conf"])
	svc := conf.section(t, "SERVICE", "")
	tail := conf.section(t, "INPUT", "tail")
	for _, p := range []string{svc.get("storage.path"), tail.get("db")} {
		if !strings.HasPrefix(p, "/var/lib/fluent-bit-pamaudit/") {
			t.Errorf("%s is not under the state hostPath", p)
		}
	}
	fds := fb.daemonSet(t, "fluent-bit-pamaudit")
	if !mountsKey(fb, fds, "fluent-bit-pamaudit-config", "/fluent-bit/etc/conf", "fluent-bit.conf") ||
		!slices.Contains(fds.Spec.Template.Spec.Containers[0].Args, "--config=/fluent-bit/etc/conf/fluent-bit.conf") {
		t.Errorf("Fluent Bit's --config is not the mounted ConfigMap")
	}
	if pf := svc.get("plugins_file"); !mountsKey(fb, fds, "fluent-bit-pamaudit-config", filepath.Dir(pf), filepath.Base(pf)) {
		t.Errorf("plugins_file %s is not in the mounted ConfigMap", pf)
	}
}

// mountsKey tells whether the DaemonSet's container mounts the generated
// ConfigMap prefix at dir, and the ConfigMap has key.
func mountsKey(o *objects, ds appsv1.DaemonSet, prefix, dir, key string) bool {
	spec := ds.Spec.Template.Spec
	for _, v := range spec.Volumes {
		if v.ConfigMap == nil || !strings.HasPrefix(v.ConfigMap.Name, prefix) {
			continue
		}
		if _, ok := o.configMapNamed(v.ConfigMap.Name).Data[key]; !ok {
			return false
		}
		for _, m := range spec.Containers[0].VolumeMounts {
			if m.Name == v.Name && m.MountPath == dir {
				return true
			}
		}
	}
	return false
}

func (o *objects) configMapNamed(name string) corev1.ConfigMap {
	for _, c := range o.configMaps {
		if c.Name == name {
			return c
		}
	}
	return corev1.ConfigMap{}
}
