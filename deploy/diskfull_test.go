package deploy

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The disk under the persistent sending queue fills while the backend is
// down: the collector says so (its log names the full disk), holds filelog
// back instead of dropping records, and once there is room again and the
// backend is back, delivers every record. The state directory (file_storage:
// filelog's offsets and the queue) is a 2 MiB tmpfs, made bigger for the
// recovery (the tests run as root; without mount the test is skipped).
// The ConfigMap's pipeline runs (less k8s_attributes); only the retry
// intervals are shortened, so the recovery shows within seconds.
func TestCollectorDiskFull(t *testing.T) {
	bin := artifact(t, "PAMAUDIT_OTELCOL", "the collector distribution")
	state := filepath.Join(t.TempDir(), "state")
	if err := os.MkdirAll(state, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", state).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (the test needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", state).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", state, err, out)
		}
	})
	const total = 20000
	c := collector(t)
	recv := newReceiver(t)
	recv.down.Store(true)
	run := newPipelineRun(t, c, recv)
	run.args = append(run.args,
		"--config", yamlOverride("extensions::file_storage::directory", state),
		"--config", yamlOverride("extensions::file_storage::compaction::directory", state),
		"--config", yamlOverride("exporters::otlp_http::retry_on_failure::initial_interval", "100ms"),
		"--config", yamlOverride("exporters::otlp_http::retry_on_failure::max_interval", "500ms"),
		"--config", yamlOverride("receivers::file_log/containers::retry_on_failure::initial_interval", "100ms"),
		"--config", yamlOverride("receivers::file_log/containers::retry_on_failure::max_interval", "500ms"),
	)
	col := startCollector(t, bin, run.env, run.args)
	waitHealthy(t, col, fmt.Sprintf("http://127.0.0.1:%d/", run.health))

	const uid = "3e1b7c2d-9a4f-4b6e-8d1c-7f2a9b3c4d5e"
	var lines []string
	for i := 0; i < total; i++ {
		lines = append(lines, cri("stdout", fmt.Sprintf("2026-03-05T10:15:30Z pm-node1 passman: passman-audit(2301): id = %d, type = CheckoutCredentials, user_upn = alice@corp.example, user_address = 10.0.0.15, business_result = success", i))...)
	}
	run.node.podLog("pam", "passman-0", uid, "passman", lines...)

	// The collector says the disk is full.
	const full = "no space left on device"
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(col.output(), full) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the collector's log after 30 s:\n%s", full, col.output())
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // it stays full a while: filelog is held back
	select {
	case <-col.done:
		t.Fatalf("the collector stopped on a full disk:\n%s", col.output())
	default:
	}
	// What each component says about it, once.
	said := map[string]bool{}
	for _, l := range strings.Split(col.output(), "\n") {
		if !strings.Contains(l, full) {
			continue
		}
		_, comp, _ := strings.Cut(l, `"otelcol.component.id": "`)
		comp, _, _ = strings.Cut(comp, `"`)
		if !said[comp] {
			said[comp] = true
			msg := l
			if i := strings.Index(l, "\t{"); i > 0 {
				msg = l[:i] // the message, without the resource
			}
			_, e, _ := strings.Cut(l, `"error": "`)
			e, _, _ = strings.Cut(e, `"`)
			t.Logf("%s says: %s: %s", comp, msg, e)
		}
	}

	// Room again, and the backend back.
	if out, err := exec.Command("mount", "-o", "remount,size=64m", state).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v %s", err, out)
	}
	recv.down.Store(false)
	distinct := map[string]bool{}
	var recs []record
	deadline = time.Now().Add(60 * time.Second)
	for len(distinct) < total && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		recs = recv.records()
		clear(distinct)
		for _, r := range recs {
			distinct[r.attrs["log.record.uid"]] = true
		}
	}
	t.Logf("%d records in, %d out, %d duplicates", total, len(distinct), len(recs)-len(distinct))
	if len(distinct) != total {
		t.Errorf("%d of %d records delivered after the disk had room again\n%s", len(distinct), total, col.output())
	}
}
