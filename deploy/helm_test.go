package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// The Helm values for the upstream charts. No chart and no helm run here:
// the values are decoded strictly (the Kubernetes parts into k8s.io/api
// types), and their pipelines are compared with the kustomize ones, which
// the tests run. What the charts add themselves is in docs/kubernetes.md.

type otelValues struct {
	Mode             string `json:"mode"`
	FullnameOverride string `json:"fullnameOverride"`
	Image            image  `json:"image"`
	Command          struct {
		Name      string   `json:"name"`
		ExtraArgs []string `json:"extraArgs"`
	} `json:"command"`
	Presets struct {
		LogsCollection struct {
			Enabled              bool `json:"enabled"`
			IncludeCollectorLogs bool `json:"includeCollectorLogs"`
			StoreCheckpoints     bool `json:"storeCheckpoints"`
		} `json:"logsCollection"`
		KubernetesAttributes struct {
			Enabled bool `json:"enabled"`
		} `json:"kubernetesAttributes"`
	} `json:"presets"`
	ExtraEnvs []corev1.EnvVar      `json:"extraEnvs"`
	Config    map[string]any       `json:"config"`
	Ports     map[string]chartPort `json:"ports"`
	Service   struct {
		Enabled bool               `json:"enabled"`
		Type    corev1.ServiceType `json:"type"`
	} `json:"service"`
	Tolerations        []corev1.Toleration         `json:"tolerations"`
	Resources          corev1.ResourceRequirements `json:"resources"`
	PodSecurityContext *corev1.PodSecurityContext  `json:"podSecurityContext"`
	SecurityContext    *corev1.SecurityContext     `json:"securityContext"`
	// The gateway (mode deployment).
	Autoscaling *struct {
		Enabled                        bool                                           `json:"enabled"`
		MinReplicas                    int32                                          `json:"minReplicas"`
		MaxReplicas                    int32                                          `json:"maxReplicas"`
		TargetCPUUtilizationPercentage int32                                          `json:"targetCPUUtilizationPercentage"`
		Behavior                       *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior"`
	} `json:"autoscaling"`
	PodDisruptionBudget *struct {
		Enabled        bool                `json:"enabled"`
		MaxUnavailable *intstr.IntOrString `json:"maxUnavailable"`
		MinAvailable   *intstr.IntOrString `json:"minAvailable"`
	} `json:"podDisruptionBudget"`
	ExtraVolumes      []corev1.Volume      `json:"extraVolumes"`
	ExtraVolumeMounts []corev1.VolumeMount `json:"extraVolumeMounts"`
	LifecycleHooks    *corev1.Lifecycle    `json:"lifecycleHooks"`
}

type image struct {
	Repository string `json:"repository"`
	Tag        string `json:"tag"`
}

func (i image) String() string { return i.Repository + ":" + i.Tag }

type chartPort struct {
	Enabled       bool            `json:"enabled"`
	ContainerPort int32           `json:"containerPort"`
	ServicePort   int32           `json:"servicePort"`
	HostPort      int32           `json:"hostPort"`
	Protocol      corev1.Protocol `json:"protocol"`
	AppProtocol   string          `json:"appProtocol"`
}

type fluentBitValues struct {
	Image  image           `json:"image"`
	Env    []corev1.EnvVar `json:"env"`
	Config struct {
		Service       string            `json:"service"`
		Inputs        string            `json:"inputs"`
		Filters       string            `json:"filters"`
		Outputs       string            `json:"outputs"`
		CustomParsers string            `json:"customParsers"`
		ExtraFiles    map[string]string `json:"extraFiles"`
	} `json:"config"`
	ExtraPorts []struct {
		Name          string          `json:"name"`
		Port          int32           `json:"port"`
		ContainerPort int32           `json:"containerPort"`
		Protocol      corev1.Protocol `json:"protocol"`
	} `json:"extraPorts"`
	MetricsPort                   int32                       `json:"metricsPort"`
	LivenessProbe                 *corev1.Probe               `json:"livenessProbe"`
	ReadinessProbe                *corev1.Probe               `json:"readinessProbe"`
	DaemonSetVolumes              []corev1.Volume             `json:"daemonSetVolumes"`
	DaemonSetVolumeMounts         []corev1.VolumeMount        `json:"daemonSetVolumeMounts"`
	Tolerations                   []corev1.Toleration         `json:"tolerations"`
	TerminationGracePeriodSeconds *int64                      `json:"terminationGracePeriodSeconds"`
	Resources                     corev1.ResourceRequirements `json:"resources"`
	PodSecurityContext            *corev1.PodSecurityContext  `json:"podSecurityContext"`
	SecurityContext               *corev1.SecurityContext     `json:"securityContext"`
	TestFramework                 struct{ Enabled bool }      `json:"testFramework"`
	InitContainers                []corev1.Container          `json:"initContainers"`
	ExtraVolumes                  []corev1.Volume             `json:"extraVolumes"`
	ExtraVolumeMounts             []corev1.VolumeMount        `json:"extraVolumeMounts"`
}

func readValues(t *testing.T, path string, v any) {
	t.Helper()
	readLayered(t, v, path)
}

// readLayered merges values files as `helm -f a -f b` does (maps merged,
// anything else replaced, null removing a key), then decodes the result
// strictly into v.
func readLayered(t *testing.T, v any, paths ...string) {
	t.Helper()
	merged := map[string]any{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		strict(t, p, b, &m)
		mergeValues(merged, m)
	}
	b, err := yaml.Marshal(dropNulls(merged))
	if err != nil {
		t.Fatal(err)
	}
	strict(t, strings.Join(paths, " + "), b, v)
}

func mergeValues(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergeValues(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

// dropNulls removes the keys set to null: what they remove from the
// chart's defaults is no part of these files.
func dropNulls(m map[string]any) map[string]any {
	for k, v := range m {
		switch x := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			dropNulls(x)
		}
	}
	return m
}

// at returns the value at a path of nested maps.
func at(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func mapHas(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

// sameAt reports a difference between the kustomize pipeline and the Helm
// values' at a path (both as parsed YAML).
func sameAt(t *testing.T, kustomize, helm any, kpath, hpath []string) {
	t.Helper()
	k, h := at(kustomize, kpath...), at(helm, hpath...)
	if k == nil || !reflect.DeepEqual(k, h) {
		t.Errorf("%s: Helm values %v, kustomize %v", strings.Join(hpath, "."), h, k)
	}
}

func TestHelmCollectorValues(t *testing.T) {
	var v otelValues
	readValues(t, "helm/opentelemetry-collector/values.yaml", &v)
	c := collector(t)
	var kcfg any
	if err := yaml.Unmarshal([]byte(c.config), &kcfg); err != nil {
		t.Fatal(err)
	}
	hcfg := any(v.Config)

	if v.Mode != "daemonset" {
		t.Errorf("mode %q", v.Mode)
	}
	if v.Image.String() != makeVar(t, "OTELCOL_IMAGE") {
		t.Errorf("image %s, want %s", v.Image, makeVar(t, "OTELCOL_IMAGE"))
	}
	// The chart runs /<command.name>: the image's entry point.
	col := parseDockerfile(t, "deploy/images/otelcol/Dockerfile").stages[1]
	if want := fmt.Sprintf(`["/%s"]`, v.Command.Name); instr(col, "ENTRYPOINT") != want {
		t.Errorf("command.name %q is not the image's entry point %s", v.Command.Name, instr(col, "ENTRYPOINT"))
	}
	// The DaemonSet's arguments but the configuration file's.
	var dsArgs []string
	for _, a := range c.ds.Spec.Template.Spec.Containers[0].Args {
		if !strings.HasPrefix(a, "--config=") {
			dsArgs = append(dsArgs, a)
		}
	}
	if !slices.Equal(v.Command.ExtraArgs, dsArgs) {
		t.Errorf("command.extraArgs %q, the DaemonSet's %q", v.Command.ExtraArgs, dsArgs)
	}
	p := v.Presets
	if !p.LogsCollection.Enabled || !p.LogsCollection.StoreCheckpoints || p.LogsCollection.IncludeCollectorLogs || !p.KubernetesAttributes.Enabled {
		t.Errorf("presets %+v: logsCollection with checkpoints, without the collector's logs, and kubernetesAttributes", p)
	}

	// The same processing and delivery as the kustomize pipeline.
	for _, proc := range []string{"memory_limiter", "resource", "pamaudit"} {
		sameAt(t, kcfg, hcfg, []string{"processors", proc}, []string{"processors", proc})
	}
	sameAt(t, kcfg, hcfg, []string{"processors", "k8s_attributes", "pod_association"}, []string{"processors", "k8s_attributes", "pod_association"})
	sameAt(t, kcfg, hcfg, []string{"service", "pipelines", "logs/containers", "processors"}, []string{"service", "pipelines", "logs", "processors"})
	sameAt(t, kcfg, hcfg, []string{"service", "pipelines", "logs/syslog"}, []string{"service", "pipelines", "logs/syslog"})
	for _, k := range []string{"start_at", "include_file_record_offset"} {
		sameAt(t, kcfg, hcfg, []string{"receivers", "file_log/containers", k}, []string{"receivers", "filelog", k})
	}
	sameAt(t, kcfg, hcfg, []string{"extensions", "file_storage", "fsync"}, []string{"extensions", "file_storage", "fsync"})
	if procs, _ := at(hcfg, "processors").(map[string]any); procs == nil || procs["batch"] != nil || !mapHas(procs, "batch") {
		t.Errorf("processors.batch: the chart's batch processor is not removed (batch: null): the queue batches")
	}
	exp := at(kcfg, "exporters", "otlp_http").(map[string]any)
	hexp := at(hcfg, "exporters", "otlp_http").(map[string]any)
	for k := range exp {
		if k != "logs_endpoint" {
			sameAt(t, kcfg, hcfg, []string{"exporters", "otlp_http", k}, []string{"exporters", "otlp_http", k})
		}
	}
	if len(hexp) != len(exp) || hexp["logs_endpoint"] != c.settings["PAMAUDIT_OTLP_ENDPOINT"] {
		t.Errorf("otlp_http: Helm %v, kustomize %v with %s", hexp, exp, c.settings["PAMAUDIT_OTLP_ENDPOINT"])
	}
	if inc := at(hcfg, "receivers", "filelog", "include"); !reflect.DeepEqual(inc, []any{c.settings["PAMAUDIT_CONTAINER_LOGS"]}) {
		t.Errorf("filelog include %v, kustomize %s", inc, c.settings["PAMAUDIT_CONTAINER_LOGS"])
	}
	for _, r := range []string{"tcp_log/syslog", "udp_log/syslog"} {
		k, h := at(kcfg, "receivers", r).(map[string]any), at(hcfg, "receivers", r).(map[string]any)
		for key := range k {
			if key == "listen_address" {
				ks, hs := k[key].(string), h[key].(string)
				kp, hp := ks[strings.LastIndex(ks, ":")+1:], hs[strings.LastIndex(hs, ":")+1:]
				if kp != hp {
					t.Errorf("%s: port %s, kustomize %s", r, hp, kp)
				}
				continue
			}
			sameAt(t, kcfg, hcfg, []string{"receivers", r, key}, []string{"receivers", r, key})
		}
		if len(h) != len(k) {
			t.Errorf("%s: Helm %v, kustomize %v", r, h, k)
		}
	}
	// The syslog ports of the pod, Service and node.
	for name, proto := range map[string]corev1.Protocol{"syslog-tcp": corev1.ProtocolTCP, "syslog-udp": corev1.ProtocolUDP} {
		pt := v.Ports[name]
		if !pt.Enabled || pt.ContainerPort != 5514 || pt.ServicePort != 5514 || pt.Protocol != proto {
			t.Errorf("port %s: %+v", name, pt)
		}
	}
	for name, pt := range v.Ports {
		if pt.Enabled && !strings.HasPrefix(name, "syslog-") {
			t.Errorf("port %s is open: the log agent listens for syslog only", name)
		}
	}
	checkContainer(t, corev1.PodSpec{}, corev1.Container{Name: "helm collector", Resources: v.Resources, SecurityContext: withNonRoot(v.SecurityContext)})
	if !toleratesAll(v.Tolerations) {
		t.Errorf("tolerations %v: every node", v.Tolerations)
	}
}

// withNonRoot fills runAsNonRoot as the chart leaves it (unset, so false)
// for checkContainer's explicit-root check.
func withNonRoot(sc *corev1.SecurityContext) *corev1.SecurityContext {
	if sc == nil || sc.RunAsNonRoot != nil || sc.RunAsUser == nil || *sc.RunAsUser != 0 {
		return sc
	}
	c := sc.DeepCopy()
	f := false
	c.RunAsNonRoot = &f
	return c
}

func toleratesAll(ts []corev1.Toleration) bool {
	for _, tl := range ts {
		if tl.Operator == corev1.TolerationOpExists && tl.Key == "" && tl.Effect == "" {
			return true
		}
	}
	return false
}

func TestHelmFluentBitValues(t *testing.T) {
	var v fluentBitValues
	readValues(t, "helm/fluent-bit/values.yaml", &v)
	conf, data, o := fluentBitConf(t)

	// The pipeline is the kustomize one, section for section.
	helm := parseClassic(t, v.Config.Service+v.Config.Inputs+v.Config.Filters+v.Config.Outputs)
	if len(helm) != len(conf) {
		t.Fatalf("Helm pipeline has %d sections, kustomize %d", len(helm), len(conf))
	}
	for i := range conf {
		if !reflect.DeepEqual(helm[i], conf[i]) {
			t.Errorf("section %d [%s] %s differs:\nHelm      %v\nkustomize %v", i, conf[i].kind, conf[i].get("name"), helm[i].props, conf[i].props)
		}
	}
	if !reflect.DeepEqual(parseClassic(t, v.Config.ExtraFiles["plugins.conf"]), parseClassic(t, data["plugins.conf"])) {
		t.Errorf("plugins.conf differs from the kustomize one")
	}
	// The chart writes customParsers to custom_parsers.conf beside the rest.
	if !reflect.DeepEqual(parseClassic(t, v.Config.CustomParsers), parseClassic(t, data["custom_parsers.conf"])) {
		t.Errorf("customParsers differs from the kustomize custom_parsers.conf")
	}
	// The chart mounts its ConfigMap at /fluent-bit/etc/conf, as the
	// DaemonSet does: plugins_file finds plugins.conf there.
	if pf := conf.section(t, "SERVICE", "").get("plugins_file"); pf != "/fluent-bit/etc/conf/plugins.conf" {
		t.Errorf("plugins_file %s is not where the chart mounts extraFiles", pf)
	}
	settings := o.configMap(t, "fluent-bit-pamaudit-settings").Data
	env := map[string]string{}
	for _, e := range v.Env {
		env[e.Name] = e.Value
	}
	if !reflect.DeepEqual(env, settings) {
		t.Errorf("env %v, kustomize settings %v", env, settings)
	}
	if v.Env[0].Name != "PAMAUDIT_OTLP_ENDPOINT" {
		t.Errorf("env[0] is %s: the docs set the endpoint as env[0].value", v.Env[0].Name)
	}
	if v.Image.String() != makeVar(t, "FLUENTBIT_IMAGE") {
		t.Errorf("image %s, want %s", v.Image, makeVar(t, "FLUENTBIT_IMAGE"))
	}

	// Probes on the HTTP server of the pipeline.
	if port := conf.section(t, "SERVICE", "").get("http_port"); fmt.Sprint(v.MetricsPort) != port {
		t.Errorf("metricsPort %d (the chart's http port) is not http_port %s", v.MetricsPort, port)
	}
	for _, p := range []*corev1.Probe{v.LivenessProbe, v.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/api/v1/health" || p.HTTPGet.Port.StrVal != "http" {
			t.Errorf("probe %+v: /api/v1/health on the http port", p)
		}
	}
	// Host paths: the log directories read-only, the state directory, and
	// nothing else of the node.
	hostPaths := map[string]string{}
	for _, vol := range v.DaemonSetVolumes {
		if vol.HostPath == nil {
			continue
		}
		hostPaths[vol.Name] = vol.HostPath.Path
		if !contains(logDirs, vol.HostPath.Path) && vol.HostPath.Path != "/var/lib/fluent-bit-pamaudit" {
			t.Errorf("hostPath %s", vol.HostPath.Path)
		}
	}
	mounted := 0
	for _, m := range v.DaemonSetVolumeMounts {
		hp := hostPaths[m.Name]
		if contains(logDirs, hp) {
			mounted++
			if !m.ReadOnly || m.MountPath != hp {
				t.Errorf("%s: mounted at %s, readOnly %v", hp, m.MountPath, m.ReadOnly)
			}
		}
		if hp == "/var/lib/fluent-bit-pamaudit" {
			mounted++
		}
	}
	if mounted != 3 {
		t.Errorf("the log directories and the state directory are not all mounted: %v", v.DaemonSetVolumeMounts)
	}
	spec := corev1.PodSpec{SecurityContext: v.PodSecurityContext}
	checkContainer(t, spec, corev1.Container{Name: "helm fluent-bit", Resources: v.Resources, SecurityContext: v.SecurityContext})
	if !toleratesAll(v.Tolerations) {
		t.Errorf("tolerations %v: every node", v.Tolerations)
	}
	ports := map[string]bool{}
	for _, p := range v.ExtraPorts {
		ports[fmt.Sprintf("%s/%d/%d/%s", p.Name, p.Port, p.ContainerPort, p.Protocol)] = true
	}
	if !ports["syslog-tcp/5514/5514/TCP"] || !ports["syslog-udp/5514/5514/UDP"] {
		t.Errorf("extraPorts %v: syslog on 5514, TCP and UDP", v.ExtraPorts)
	}
}

// values-plugin-init.yaml: the stock image the plugin is built for, and
// the init container of the kustomize plugin-init overlay, field for field.
func TestHelmFluentBitPluginInit(t *testing.T) {
	var v fluentBitValues
	readValues(t, "helm/fluent-bit/values-plugin-init.yaml", &v)
	if want := dockerfileArg(t, "deploy/images/fluent-bit/Dockerfile", "FLUENT_BIT_IMAGE"); v.Image.String() != want {
		t.Errorf("image %s, want %s", v.Image, want)
	}
	ds := render(t, filepath.Join("kubernetes", "fluent-bit", "overlays", "plugin-init")).daemonSet(t, "fluent-bit-pamaudit")
	if len(v.InitContainers) != 1 || !reflect.DeepEqual(v.InitContainers[0], ds.Spec.Template.Spec.InitContainers[0]) {
		t.Errorf("initContainers %+v\nkustomize %+v", v.InitContainers, ds.Spec.Template.Spec.InitContainers)
	}
	if len(v.ExtraVolumes) != 1 || v.ExtraVolumes[0].EmptyDir == nil || len(v.ExtraVolumeMounts) != 1 ||
		v.ExtraVolumeMounts[0].Name != v.ExtraVolumes[0].Name || v.ExtraVolumeMounts[0].MountPath != "/fluent-bit/plugins" || !v.ExtraVolumeMounts[0].ReadOnly {
		t.Errorf("the plugin volume: %+v %+v, want an emptyDir read-only at /fluent-bit/plugins", v.ExtraVolumes, v.ExtraVolumeMounts)
	}
}

// values-gateway.yaml: the gateway Deployment of deploy/kubernetes/gateway,
// through the chart's values: the same pipeline (listen addresses on the
// chart's MY_POD_IP), autoscaler, disruption budget, queue volume, preStop
// wait, resources and security.
func TestHelmGatewayValues(t *testing.T) {
	var v otelValues
	readValues(t, "helm/opentelemetry-collector/values-gateway.yaml", &v)
	o := render(t, "kubernetes/gateway/overlays/default")
	d := o.deployment(t, gatewayName)
	c := d.Spec.Template.Spec.Containers[0]
	kcfg := mustYAML(t, o.configMap(t, gatewayName+"-config").Data["config.yaml"])
	hcfg := any(v.Config)

	if v.Mode != "deployment" || v.FullnameOverride != gatewayName {
		t.Errorf("mode %q, fullnameOverride %q: want a Deployment named %s", v.Mode, v.FullnameOverride, gatewayName)
	}
	if v.Image.String() != c.Image {
		t.Errorf("image %s, kustomize %s", v.Image, c.Image)
	}
	// The pipeline, but for the addresses: the pod's IP is MY_POD_IP here.
	sameAt(t, kcfg, hcfg, []string{"processors"}, []string{"processors"})
	sameAt(t, kcfg, hcfg, []string{"service", "pipelines", "logs"}, []string{"service", "pipelines", "logs"})
	sameAt(t, kcfg, hcfg, []string{"service", "pipelines", "logs/syslog"}, []string{"service", "pipelines", "logs/syslog"})
	sameAt(t, kcfg, hcfg, []string{"service", "extensions"}, []string{"service", "extensions"})
	sameAt(t, kcfg, hcfg, []string{"extensions", "file_storage"}, []string{"extensions", "file_storage"})
	for _, r := range []string{"tcp_log/syslog", "udp_log/syslog"} {
		sameAt(t, kcfg, hcfg, []string{"receivers", r}, []string{"receivers", r})
	}
	sameAt(t, kcfg, hcfg, []string{"receivers", "otlp", "protocols", "grpc", "keepalive"}, []string{"receivers", "otlp", "protocols", "grpc", "keepalive"})
	for _, proto := range []string{"grpc", "http"} {
		k := strings.Replace(at(kcfg, "receivers", "otlp", "protocols", proto, "endpoint").(string), "K8S_POD_IP", "MY_POD_IP", 1)
		if h := at(hcfg, "receivers", "otlp", "protocols", proto, "endpoint"); h != k {
			t.Errorf("otlp %s endpoint %v, want %s", proto, h, k)
		}
	}
	kexp, hexp := at(kcfg, "exporters", "otlp_http").(map[string]any), at(hcfg, "exporters", "otlp_http").(map[string]any)
	for k := range kexp {
		if k != "logs_endpoint" {
			sameAt(t, kcfg, hcfg, []string{"exporters", "otlp_http", k}, []string{"exporters", "otlp_http", k})
		}
	}
	if len(hexp) != len(kexp) || hexp["logs_endpoint"] != o.configMap(t, gatewayName+"-settings").Data["PAMAUDIT_OTLP_ENDPOINT"] {
		t.Errorf("otlp_http: Helm %v, kustomize %v", hexp, kexp)
	}
	checkQueues(t, "Helm gateway", mustYAMLString(t, hcfg))

	// Autoscaler and budget.
	h, b := o.autoscalers[0], o.budgets[0]
	a := v.Autoscaling
	if a == nil || !a.Enabled || a.MinReplicas != *h.Spec.MinReplicas || a.MaxReplicas != h.Spec.MaxReplicas ||
		a.TargetCPUUtilizationPercentage != *h.Spec.Metrics[0].Resource.Target.AverageUtilization || !reflect.DeepEqual(a.Behavior, h.Spec.Behavior) {
		t.Errorf("autoscaling %+v differs from base/hpa.yaml", a)
	}
	if p := v.PodDisruptionBudget; p == nil || !p.Enabled || p.MinAvailable != nil || !reflect.DeepEqual(p.MaxUnavailable, b.Spec.MaxUnavailable) {
		t.Errorf("podDisruptionBudget %+v differs from base/pdb.yaml", p)
	}
	// The queue's emptyDir, the preStop wait within the default grace
	// period (the chart sets none), resources and security.
	if len(v.ExtraVolumes) != 1 || len(v.ExtraVolumeMounts) != 1 || v.ExtraVolumeMounts[0].MountPath != gatewayState ||
		!reflect.DeepEqual(v.ExtraVolumes[0].EmptyDir, volumeAt(d, gatewayState).EmptyDir) {
		t.Errorf("extraVolumes %+v %+v: the emptyDir of base/deployment.yaml at %s", v.ExtraVolumes, v.ExtraVolumeMounts, gatewayState)
	}
	if !reflect.DeepEqual(v.LifecycleHooks, c.Lifecycle) || v.LifecycleHooks.PreStop.Sleep.Seconds+10 > 30 {
		t.Errorf("lifecycleHooks %+v: base/deployment.yaml's, within 30 s less 10 for the collector", v.LifecycleHooks)
	}
	if !reflect.DeepEqual(v.Resources, c.Resources) {
		t.Errorf("resources %+v, kustomize %+v", v.Resources, c.Resources)
	}
	spec := corev1.PodSpec{SecurityContext: v.PodSecurityContext}
	checkContainer(t, spec, corev1.Container{Name: "helm gateway", Resources: v.Resources, SecurityContext: v.SecurityContext})
	if _, nonRoot := effective(spec, corev1.Container{SecurityContext: v.SecurityContext}); nonRoot == nil || !*nonRoot {
		t.Errorf("the gateway runs as non-root")
	}
	// The ports: OTLP for the agents, syslog; nothing else.
	want := map[string]string{"otlp": "4317/TCP", "otlp-http": "4318/TCP", "syslog-tcp": "5514/TCP", "syslog-udp": "5514/UDP"}
	for name, pt := range v.Ports {
		if got := fmt.Sprintf("%d/%s", pt.ContainerPort, pt.Protocol); pt.Enabled && (want[name] != got || pt.ServicePort != pt.ContainerPort || pt.HostPort != 0) {
			t.Errorf("port %s: %+v", name, pt)
		} else if !pt.Enabled && want[name] != "" {
			t.Errorf("port %s is off", name)
		}
	}
}

func mustYAMLString(t *testing.T, v any) string {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// volumeAt returns the volume a Deployment's container mounts at path.
func volumeAt(d appsv1.Deployment, path string) corev1.Volume {
	spec := d.Spec.Template.Spec
	for _, m := range spec.Containers[0].VolumeMounts {
		if m.MountPath == path {
			for _, v := range spec.Volumes {
				if v.Name == m.Name {
					return v
				}
			}
		}
	}
	return corev1.Volume{}
}

// values.yaml + values-agent.yaml: the collector agent of the kustomize
// gateway-agent overlay, sending to the Helm gateway's Service.
func TestHelmCollectorAgentValues(t *testing.T) {
	var v, g otelValues
	readLayered(t, &v, "helm/opentelemetry-collector/values.yaml", "helm/opentelemetry-collector/values-agent.yaml")
	readValues(t, "helm/opentelemetry-collector/values-gateway.yaml", &g)
	agent := collectorOverlay(t, "kubernetes/collector/overlays/gateway-agent")
	kcfg, hcfg := mustYAML(t, agent.config), any(v.Config)

	if v.Mode != "daemonset" {
		t.Errorf("mode %q", v.Mode)
	}
	// k8s_attributes is the preset's, with the kustomize pod_association.
	for _, p := range []string{"memory_limiter", "resource"} {
		sameAt(t, kcfg, hcfg, []string{"processors", p}, []string{"processors", p})
	}
	sameAt(t, kcfg, hcfg, []string{"processors", "k8s_attributes", "pod_association"}, []string{"processors", "k8s_attributes", "pod_association"})
	if procs := at(hcfg, "processors").(map[string]any); len(procs) != 3 {
		t.Errorf("processors %v: the agent only forwards", procs)
	}
	sameAt(t, kcfg, hcfg, []string{"service", "pipelines", "logs/containers", "processors"}, []string{"service", "pipelines", "logs", "processors"})
	sameAt(t, kcfg, hcfg, []string{"service", "pipelines", "logs/containers", "exporters"}, []string{"service", "pipelines", "logs", "exporters"})
	sameAt(t, kcfg, hcfg, []string{"service", "pipelines", "logs/syslog"}, []string{"service", "pipelines", "logs/syslog"})
	kexp, hexp := at(kcfg, "exporters", "otlp/gateway").(map[string]any), at(hcfg, "exporters", "otlp/gateway").(map[string]any)
	for k := range kexp {
		if k != "endpoint" {
			sameAt(t, kcfg, hcfg, []string{"exporters", "otlp/gateway", k}, []string{"exporters", "otlp/gateway", k})
		}
	}
	if want := fmt.Sprintf("%s.pamaudit.svc.cluster.local:%d", g.FullnameOverride, g.Ports["otlp"].ServicePort); len(hexp) != len(kexp) || hexp["endpoint"] != want {
		t.Errorf("otlp/gateway: Helm %v, want kustomize's %v to %s", hexp, kexp, want)
	}
	if exps := at(hcfg, "exporters").(map[string]any); len(exps) != 1 {
		t.Errorf("exporters %v: the agent only forwards", exps)
	}
	// The preset's file_storage, with fsync.
	if at(hcfg, "extensions", "file_storage", "fsync") != true {
		t.Errorf("file_storage: fsync is not on")
	}
	if !v.Presets.LogsCollection.StoreCheckpoints {
		t.Errorf("storeCheckpoints is off: no file_storage for the offsets and the queue")
	}
}

// values.yaml + values-agent.yaml: the Fluent Bit agent of the kustomize
// gateway-agent overlay, section for section, sending to the Helm gateway.
func TestHelmFluentBitAgentValues(t *testing.T) {
	var v fluentBitValues
	var g otelValues
	readLayered(t, &v, "helm/fluent-bit/values.yaml", "helm/fluent-bit/values-agent.yaml")
	readValues(t, "helm/opentelemetry-collector/values-gateway.yaml", &g)
	o := render(t, "kubernetes/fluent-bit/overlays/gateway-agent")
	conf := parseClassic(t, o.configMap(t, "fluent-bit-pamaudit-config").Data["fluent-bit.conf"])
	helm := parseClassic(t, v.Config.Service+v.Config.Inputs+v.Config.Filters+v.Config.Outputs)
	if !reflect.DeepEqual(helm, conf) {
		t.Errorf("the Helm agent pipeline differs from overlays/gateway-agent/fluent-bit.conf")
	}
	env := map[string]string{}
	for _, e := range v.Env {
		env[e.Name] = e.Value
	}
	if settings := o.configMap(t, "fluent-bit-pamaudit-settings").Data; !reflect.DeepEqual(env, settings) {
		t.Errorf("env %v, kustomize settings %v", env, settings)
	}
	if got, want := env["PAMAUDIT_GATEWAY_HOST"]+":"+env["PAMAUDIT_GATEWAY_PORT"], fmt.Sprintf("%s.pamaudit.svc.cluster.local:%d", g.FullnameOverride, g.Ports["otlp-http"].ServicePort); got != want {
		t.Errorf("the agent sends to %s, want the Helm gateway's %s", got, want)
	}
}
