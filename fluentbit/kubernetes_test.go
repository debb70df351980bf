package main

import (
	"reflect"
	"testing"

	"github.com/pamaudit/pamaudit/internal/otlptest"
)

// The kubernetes filter's pod fields become the OTLP resource: one
// ResourceLogs per pod and container, in the order of their first records;
// host.name and service.name stay on the record, and what has no resource
// name stays a record attribute.
func TestHarnessKubernetesResource(t *testing.T) {
	recv := otlptest.NewReceiver(t, "127.0.0.1:0")
	h := startHarness(t)
	if r := h.instance(0, map[string]string{"output": "otlp", "otlp_endpoint": recv.URL}); r != "init 0 1" {
		t.Fatalf("init: %s", r)
	}
	line := func(n string) string {
		return "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = " + n + ", type = Login, user_upn = alice@corp.example, business_result = success"
	}
	pod := func(name, uid string) kv {
		return kv{"kubernetes", []kv{
			{"pod_name", name}, {"namespace_name", "pam"}, {"pod_id", uid},
			{"labels", []kv{{"app", "passman"}, {"statefulset.kubernetes.io/pod-name", name}}},
			{"annotations", []kv{{"prometheus.io/scrape", "true"}}},
			{"host", "node-1"}, {"container_name", "passman"},
			{"docker_id", "c0ffee" + uid}, {"container_hash", "sha256:abc"}, {"container_image", "registry.example/passman:7.2"},
		}}
	}
	var chunk []byte
	chunk = append(chunk, event(chunkTime, kv{"log", line("1")}, kv{"stream", "stdout"}, pod("passman-0", "u0"))...)
	chunk = append(chunk, event(chunkTime, kv{"log", line("2")}, kv{"stream", "stdout"}, pod("passman-1", "u1"))...)
	chunk = append(chunk, event(chunkTime, kv{"log", line("3")}, kv{"stream", "stdout"}, pod("passman-0", "u0"))...)
	chunk = append(chunk, event(chunkTime, kv{"log", line("4")})...)
	if r := h.do("flush 0 kube.pam %s", chunkFile(t, chunk)); r != "flush 0 1" {
		t.Fatalf("flush: %s", r)
	}
	logs := recv.Logs()
	if len(logs) != 1 {
		t.Fatalf("%d requests, want 1", len(logs))
	}
	rls := logs[0].ResourceLogs()
	resource := func(name, uid string) map[string]any {
		return map[string]any{
			"k8s.namespace.name": "pam", "k8s.pod.name": name, "k8s.pod.uid": uid, "k8s.container.name": "passman",
			"k8s.node.name": "node-1", "container.id": "c0ffee" + uid, "k8s.pod.label.app": "passman",
			"k8s.pod.label.statefulset.kubernetes.io/pod-name": name, "k8s.pod.annotation.prometheus.io/scrape": "true",
		}
	}
	want := []struct {
		res map[string]any
		ids []string
	}{
		{resource("passman-0", "u0"), []string{"1", "3"}},
		{resource("passman-1", "u1"), []string{"2"}},
		{map[string]any{}, []string{"4"}},
	}
	if rls.Len() != len(want) {
		t.Fatalf("%d ResourceLogs, want %d", rls.Len(), len(want))
	}
	for i, w := range want {
		rl := rls.At(i)
		if got := rl.Resource().Attributes().AsRaw(); !reflect.DeepEqual(got, w.res) {
			t.Errorf("resource %d: %v, want %v", i, got, w.res)
		}
		lrs := rl.ScopeLogs().At(0).LogRecords()
		if lrs.Len() != len(w.ids) {
			t.Fatalf("resource %d: %d records, want %d", i, lrs.Len(), len(w.ids))
		}
		for j, id := range w.ids {
			attrs := lrs.At(j).Attributes().AsRaw()
			if attrs["passman.id"] != id || attrs["host.name"] != "pm-node1" || attrs["service.name"] != "passman" {
				t.Errorf("resource %d record %d: %v", i, j, attrs)
			}
			for k := range attrs {
				if k == "container.id" || len(k) > 4 && k[:4] == "k8s." {
					t.Errorf("resource %d record %d: resource attribute %s on the record", i, j, k)
				}
			}
			if i < 2 && (attrs["kubernetes.container_image"] != "registry.example/passman:7.2" ||
				attrs["kubernetes.container_hash"] != "sha256:abc" || attrs["kubernetes.pod_name"] != nil) {
				t.Errorf("resource %d record %d: the kubernetes keys without a resource name: %v", i, j, attrs)
			}
		}
	}
}

// The forward and stdout outputs have no resource: the kubernetes keys stay
// record attributes, as before.
func TestKubernetesForwardUnchanged(t *testing.T) {
	cfg := testConfig(t, map[string]string{"output": "forward"})
	r := convertAll(t, cfg, event(chunkTime, kv{"log", "id = 1, type = Login"}, kv{"kubernetes", []kv{{"pod_name", "passman-0"}, {"labels", []kv{{"app", "passman"}}}}}))[0]
	if attr(r, "kubernetes.pod_name") != "passman-0" || attr(r, "kubernetes.labels.app") != "passman" || attr(r, "k8s.pod.name") != nil {
		t.Errorf("forward: %v", r)
	}
}
