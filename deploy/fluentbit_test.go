package deploy

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/pamaudit/pamaudit/docs/mdblock"
	"github.com/pamaudit/pamaudit/fluentbit/flbsim"
)

// The Fluent Bit pipeline in the ConfigMap: parsed as Fluent Bit's classic
// format, checked, and its pamaudit output given to the real plugin
// (build/pamaudit.so) through the harness (build/flb-harness) that calls
// it as Fluent Bit's Go proxy does.

// section is one [SECTION] of a classic Fluent Bit configuration. Keys are
// lower case (Fluent Bit's are case-insensitive); a key given more than
// once (rename) keeps every value.
type section struct {
	kind  string
	props map[string][]string
	order []string
}

func (s section) get(k string) string {
	if v := s.props[k]; len(v) > 0 {
		return v[len(v)-1]
	}
	return ""
}

type classicConf []section

// parseClassic reads a classic configuration: [SECTION] headers, indented
// "key value" lines, # comments. @INCLUDE and @SET are not used here, and
// are refused so that nothing is silently skipped.
func parseClassic(t *testing.T, text string) classicConf {
	t.Helper()
	var conf classicConf
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "@"):
			t.Fatalf("line %d: %s is not supported by this test", n, line)
		case strings.HasPrefix(line, "["):
			if !strings.HasSuffix(line, "]") || raw != line {
				t.Fatalf("line %d: bad section header %q", n, raw)
			}
			conf = append(conf, section{kind: strings.ToUpper(strings.Trim(line, "[]")), props: map[string][]string{}})
		default:
			if len(conf) == 0 {
				t.Fatalf("line %d: %q outside a section", n, raw)
			}
			if raw == line {
				t.Fatalf("line %d: %q is not indented", n, raw)
			}
			k, v, _ := strings.Cut(line, " ")
			k = strings.ToLower(k)
			s := &conf[len(conf)-1]
			if _, seen := s.props[k]; !seen {
				s.order = append(s.order, k)
			}
			s.props[k] = append(s.props[k], strings.TrimSpace(v))
		}
	}
	return conf
}

// section returns the one section of kind with that name ("" for
// [SERVICE]); two of them fail the test.
func (c classicConf) section(t *testing.T, kind, name string) section {
	t.Helper()
	var found []section
	for _, s := range c {
		if s.kind == kind && s.get("name") == name {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one [%s] %s, have %d", kind, name, len(found))
	}
	return found[0]
}

// documentedKeys returns the plugin's keys from the configuration table of
// docs/fluent-bit.md.
func documentedKeys(t *testing.T) map[string]bool {
	t.Helper()
	keys, ok := mdblock.TableKeys(readFile(t, "docs/fluent-bit.md"), "## Configuration")
	if !ok {
		t.Fatal("docs/fluent-bit.md has no Configuration section")
	}
	if !keys["otlp_endpoint"] || !keys["output"] {
		t.Fatalf("could not read the keys of docs/fluent-bit.md: %v", keys)
	}
	return keys
}

// outputProperties are Fluent Bit's own properties of every output; the
// proxy hands them to the plugin too.
var outputProperties = map[string]bool{"name": true, "match": true, "workers": true, "retry_limit": true, "storage.total_limit_size": true}

func fluentBitConf(t *testing.T) (classicConf, map[string]string, *objects) {
	t.Helper()
	o := render(t, "kubernetes/fluent-bit/overlays/default")
	data := o.configMap(t, "fluent-bit-pamaudit-config").Data
	return parseClassic(t, data["fluent-bit.conf"]), data, o
}

func TestFluentBitPipeline(t *testing.T) {
	conf, data, o := fluentBitConf(t)
	ds := o.daemonSet(t, "fluent-bit-pamaudit")
	c := ds.Spec.Template.Spec.Containers[0]

	svc := conf.section(t, "SERVICE", "")
	if svc.get("http_server") != "on" || svc.get("health_check") != "on" {
		t.Errorf("the HTTP server and its health check must be on for the probes")
	}
	port := svc.get("http_port")
	if i := slices.IndexFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.Name == "http" }); i < 0 || strconv.Itoa(int(c.Ports[i].ContainerPort)) != port {
		t.Errorf("http_port %s is not the container's http port (the probes')", port)
	}

	tail := conf.section(t, "INPUT", "tail")
	multiline := strings.Split(strings.ReplaceAll(tail.get("multiline.parser"), " ", ""), ",")
	if !slices.Contains(multiline, "cri") {
		t.Errorf("tail: multiline.parser %q does not read CRI files", tail.get("multiline.parser"))
	}
	if tail.get("path") != "${PAMAUDIT_CONTAINER_LOGS}" || !strings.HasPrefix(o.configMap(t, "fluent-bit-pamaudit-settings").Data["PAMAUDIT_CONTAINER_LOGS"], "/var/log/containers/") {
		t.Errorf("tail reads %q", tail.get("path"))
	}
	if !strings.HasPrefix(tail.get("tag"), "kube.") || conf.section(t, "FILTER", "kubernetes").get("match") != "kube.*" {
		t.Errorf("the kubernetes filter does not match the tail input's tag")
	}
	for _, s := range conf {
		if s.kind == "INPUT" && s.get("storage.type") != "filesystem" {
			t.Errorf("input %s: storage.type %q, want filesystem (a restart must not lose buffered records)", s.get("name"), s.get("storage.type"))
		}
	}
	// Syslog over TCP and UDP on 5514, each message whole under "log": the
	// parser the inputs name must match any text (a message it does not
	// match is dropped) and capture all of it.
	parsersFile := svc.get("parsers_file")
	parsers := parseClassic(t, data[filepath.Base(parsersFile)])
	modes := map[string]bool{}
	for _, in := range conf {
		if in.kind != "INPUT" || in.get("name") != "syslog" {
			continue
		}
		modes[in.get("mode")] = true
		if in.get("port") != "5514" {
			t.Errorf("syslog %s: port %s", in.get("mode"), in.get("port"))
		}
		p := parsers.section(t, "PARSER", in.get("parser"))
		re, err := regexp.Compile(strings.ReplaceAll(p.get("regex"), "(?<", "(?P<"))
		if err != nil || p.get("format") != "regex" {
			t.Fatalf("parser %s: %v", in.get("parser"), err)
		}
		for _, msg := range []string{"<134>" + testdataLines(t, "passman/audit.log")[1], "", "not syslog at all: {\"a\": 1}"} {
			m := re.FindStringSubmatch(msg)
			if m == nil || m[re.SubexpIndex("log")] != msg {
				t.Errorf("parser %s does not keep %q whole under log", in.get("parser"), msg)
			}
		}
	}
	if !modes["tcp"] || !modes["udp"] {
		t.Errorf("syslog inputs %v: tcp and udp", modes)
	}
	if !strings.HasPrefix(parsersFile, "/fluent-bit/etc/conf/") {
		t.Errorf("parsers_file %s is not in the mounted ConfigMap", parsersFile)
	}

	plugins := parseClassic(t, data["plugins.conf"]).section(t, "PLUGINS", "")
	if plugins.get("path") != "/fluent-bit/plugins/pamaudit.so" {
		t.Errorf("plugins.conf loads %q", plugins.get("path"))
	}

	out := conf.section(t, "OUTPUT", "pamaudit")
	if out.get("match") != "*" {
		t.Errorf("the pamaudit output matches %q: container logs and syslog both go through it", out.get("match"))
	}
	known := documentedKeys(t)
	for _, k := range out.order {
		if !known[k] && !outputProperties[k] {
			t.Errorf("output key %q is neither the plugin's (docs/fluent-bit.md) nor Fluent Bit's", k)
		}
	}
	if out.get("output") != "otlp" || out.get("otlp_endpoint") != "${PAMAUDIT_OTLP_ENDPOINT}" {
		t.Errorf("the output sends to %s %s, want otlp to ${PAMAUDIT_OTLP_ENDPOINT}", out.get("output"), out.get("otlp_endpoint"))
	}
}

// The pamaudit output's settings, as Fluent Bit passes them, initialise the
// real plugin; records shaped as the pipeline makes them (tail with the cri
// parser, the kubernetes, nest and modify filters; the tcp input) are
// parsed and delivered to the endpoint.
func TestFluentBitPluginAcceptsPipeline(t *testing.T) {
	plugin := artifact(t, "PAMAUDIT_PLUGIN", "build/pamaudit.so")
	bin := artifact(t, "PAMAUDIT_HARNESS", "build/flb-harness")
	conf, _, _ := fluentBitConf(t)
	out := conf.section(t, "OUTPUT", "pamaudit")
	recv := newReceiver(t)
	vars := map[string]string{"PAMAUDIT_OTLP_ENDPOINT": recv.url}

	h, log := startHarness(t, bin, plugin)
	h.Do("new 0")
	for _, k := range out.order {
		h.Do("set 0 %s %s", k, expandEnv(t, out.get(k), vars))
	}
	if r := h.Do("init 0"); r != "init 0 1" {
		t.Fatalf("the plugin refused the ConfigMap's settings: %s\n%s", r, log.String())
	}

	// A setting the plugin refuses fails init: the check above can fail.
	h.Do("new 1")
	for _, k := range out.order {
		v := expandEnv(t, out.get(k), vars)
		if k == "timezone" {
			v = "Not/AZone"
		}
		h.Do("set 1 %s %s", k, v)
	}
	if r := h.Do("init 1"); r != "init 1 0" {
		t.Fatalf("a bad timezone was accepted: %s", r)
	}

	now := time.Date(2026, 3, 5, 10, 16, 3, 0, time.UTC)
	passman := testdataLines(t, "passman/audit.log")
	netwrix := testdataLines(t, "netwrix/bunyan.log")
	var events []flbsim.Event
	var want []string
	kube := func(ns, pod, container string) flbsim.Record {
		return flbsim.Record{
			{Key: "k8s.namespace.name", Value: ns}, {Key: "k8s.pod.name", Value: pod},
			{Key: "k8s.pod.uid", Value: "0b7c8e2a-4f7e-4c1e-9f5d-2a7b1c3d4e5f"}, {Key: "k8s.container.name", Value: container},
			{Key: "k8s.node.name", Value: "node-1"}, {Key: "k8s.pod.label", Value: flbsim.Record{{Key: "app", Value: container}}},
		}
	}
	// The tail input's record of a container's line: the CRI fields, then
	// what the kubernetes filter added.
	line := func(l string, k8s flbsim.Record) flbsim.Event {
		rec := flbsim.Record{{Key: "time", Value: "2026-03-05T10:16:02.123456789Z"}, {Key: "log.iostream", Value: "stdout"}, {Key: "log", Value: l}}
		return flbsim.Event{Time: now, Record: append(rec, k8s...)}
	}
	for i, l := range passman {
		events = append(events, line(l, kube("pam", "passman-0", "passman")))
		want = append(want, goldenEvents(t, "passman/audit.log")[i])
	}
	for i, l := range netwrix {
		events = append(events, line(l, kube("pam", "netwrix-api-7d9f", "api")))
		want = append(want, goldenEvents(t, "netwrix/bunyan.log")[i])
	}
	chunk := flbsim.Chunk(events)
	file := filepath.Join(t.TempDir(), "kube.chunk")
	if err := os.WriteFile(file, chunk, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := h.Do("flush 0 kube.var.log.containers.passman-0_pam_passman-0123.log %s", file); r != "flush 0 1" {
		t.Fatalf("flush: %s", r)
	}
	// Syslog from an appliance: the syslog input's {"log": line}, with the
	// sender's address.
	syslog := "<134>" + passman[1]
	sys := flbsim.Chunk([]flbsim.Event{{Time: now, Record: flbsim.Record{{Key: "log", Value: syslog}, {Key: "fluentbit.source_address", Value: "tcp://10.20.0.7:51234"}}}})
	sysFile := filepath.Join(t.TempDir(), "syslog.chunk")
	if err := os.WriteFile(sysFile, sys, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := h.Do("flush 0 pam.syslog.tcp %s", sysFile); r != "flush 0 1" {
		t.Fatalf("flush: %s", r)
	}
	want = append(want, goldenEvents(t, "passman/audit.log")[1])

	recs := recv.wait(len(want), 10*time.Second)
	if len(recs) != len(want) {
		t.Fatalf("%d records delivered, want %d", len(recs), len(want))
	}
	for i, r := range recs {
		if r.event != want[i] {
			t.Errorf("record %d: event %q, want %q", i, r.event, want[i])
		}
		if i < len(recs)-1 {
			if r.attrs["k8s.namespace.name"] != "pam" || r.attrs["k8s.container.name"] == "" || r.attrs["k8s.pod.label.app"] == "" {
				t.Errorf("record %d: the Kubernetes keys were not kept: %v", i, r.attrs)
			}
		} else if r.attrs["fluentbit.tag"] != "pam.syslog.tcp" {
			t.Errorf("syslog record: tag %q", r.attrs["fluentbit.tag"])
		}
	}
	if recs[0].event != "passman.login" || !slices.Contains(want, "passman.checkout_credentials") {
		t.Errorf("the PassMan records are not the expected ones: %q", recs[0].event)
	}
}
