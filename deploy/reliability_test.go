package deploy

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The collector's recovery from what stops it: a SIGKILL, a full disk.

// The collector killed with SIGKILL mid-stream (no shutdown: what is in
// memory is gone) and started again on the same state: every record comes
// out, and the duplicates, counted by the record identity (log.record.uid,
// from the file's path, the record's offset and its text), are reported.
// The ConfigMap's own pipeline runs (less k8s_attributes), so its settings
// are what is measured: docs/reliability.md has the figure.
//
// Records come as a workload writes them, in bursts over a few seconds; the
// kill comes once a third are delivered (filelog has checkpointed its
// offsets by then), and the writes go on while the collector is down.
// Every line is written twice in a row, as two failed logins in the same
// second are: the identity must still tell them apart.
func TestCollectorSIGKILL(t *testing.T) {
	bin := artifact(t, "PAMAUDIT_OTELCOL", "the collector distribution")
	total := 30000
	if s := os.Getenv("PAMAUDIT_CRASH_RECORDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1000 {
			t.Fatalf("PAMAUDIT_CRASH_RECORDS=%q: want a number of records, at least 1000", s)
		}
		total = n
	}
	// 2,500 records a second: as fast as the collector keeps up with on a
	// busy two-core machine, so filelog reaches the end of the file and
	// checkpoints (docs/reliability.md: a backlog is read to its end first).
	// PAMAUDIT_CRASH_INTERVAL shortens it to show a backlog.
	const burst = 250
	every := 100 * time.Millisecond
	if s := os.Getenv("PAMAUDIT_CRASH_INTERVAL"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			t.Fatalf("PAMAUDIT_CRASH_INTERVAL=%q: want a duration", s)
		}
		every = d
	}
	c := collector(t)
	recv := newReceiver(t)
	run := newPipelineRun(t, c, recv)
	const uid = "8c3f1a2b-4d5e-4f60-9a1b-2c3d4e5f6a7b"

	col := startCollector(t, bin, run.env, run.args)
	waitHealthy(t, col, fmt.Sprintf("http://127.0.0.1:%d/", run.health))

	text := func(id int) string {
		return fmt.Sprintf("2026-03-05T10:15:30Z pm-node1 passman: passman-audit(2301): id = %d, type = Login, user_upn = alice@corp.example, user_address = 10.0.0.15, business_result = failure", id)
	}
	written := make(chan struct{})
	go func() {
		defer close(written)
		var lines []string
		for i := 0; i < total; i++ {
			lines = append(lines, cri("stdout", text(i/2))...)
			if len(lines) == burst || i == total-1 {
				run.node.podLog("pam", "passman-0", uid, "passman", lines...)
				lines = lines[:0]
				time.Sleep(every)
			}
		}
	}()

	recv.wait(total/3, 60*time.Second)
	if err := col.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-col.Done()
	killedAt := len(recv.records())
	time.Sleep(time.Second) // down for a while; the writes go on
	col = run.restart(t, bin)
	<-written

	distinct := map[string]int{}
	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) {
		recs := recv.records()
		clear(distinct)
		for _, r := range recs {
			distinct[r.attrs["log.record.uid"]]++
		}
		if len(distinct) >= total {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // a late duplicate shows now
	recs := recv.records()
	clear(distinct)
	texts := map[string]int{} // distinct records of a text: 2 each
	seen := map[string]bool{}
	for _, r := range recs {
		if u := r.attrs["log.record.uid"]; len(u) != 32 {
			t.Fatalf("record %q: log.record.uid %q", r.body, u)
		}
		if r.event != "passman.login" {
			t.Fatalf("record %q: event %q", r.body, r.event)
		}
		distinct[r.attrs["log.record.uid"]]++
		if u := r.attrs["log.record.uid"]; !seen[u] {
			seen[u] = true
			texts[r.body]++
		}
	}
	dups := len(recs) - len(distinct)
	t.Logf("%d records in, %d out, %d duplicates (%d delivered when killed)", total, len(distinct), dups, killedAt)
	if len(texts) != total/2 {
		t.Errorf("%d distinct texts, want %d", len(texts), total/2)
	}
	if len(distinct) != total {
		var short []int
		for i := 0; i < total/2; i++ {
			if n := texts[text(i)]; n != 2 {
				short = append(short, i)
			}
		}
		t.Errorf("%d distinct records of %d: %d lost (or two lines at different offsets have one identity); ids short: %v\n%s", len(distinct), total, total-len(distinct), short, col.out)
	}
}

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
	case <-col.Done():
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
