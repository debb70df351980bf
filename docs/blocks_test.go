package docs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/docs/mdblock"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// blockTest says how a shell block is run and what it must do. A block
// runs as written, with bash, in a copy of the repository (the files a
// clone has, and the build outputs of build/ and bin/ linked in, so make
// finds them up to date), with flbsim as fluent-bit on the PATH.
type blockTest struct {
	// needs are build outputs the block's make commands must find up to
	// date (make test builds them first); without them the test is skipped
	// rather than building for minutes.
	needs []string
	// env is added to the environment: only what the files leave open
	// (ports, endpoints).
	env func(t *testing.T) map[string]string
	// done reports whether a block that runs until stopped (a collector, a
	// Fluent Bit) has done its work, from its output; nil means the block
	// must end by itself, with status 0.
	done func(out string) error
}

// blockTests are the shell blocks of README.md and docs/fluent-bit.md that
// run, by their first command.
var blockTests = map[string]blockTest{
	// README, quick start: the collector on the example logs.
	"make run": {
		needs: []string{"build/otelcol-pamaudit/otelcol-pamaudit"},
		done:  debugRecords,
	},
	// README, Fluent Bit: the example collector receives what otlp.conf
	// sends.
	"make fluentbit otelcol": {
		needs: []string{"build/otelcol-pamaudit/otelcol-pamaudit", "build/pamaudit.so", "build/flb-harness"},
		env: func(t *testing.T) map[string]string {
			addr := testutil.FreeAddr(t)
			return map[string]string{"PAMAUDIT_OTLP_LISTEN": addr, "PAMAUDIT_OTLP_ENDPOINT": "http://" + addr + "/v1/logs"}
		},
		done: debugRecords,
	},
	// docs/fluent-bit.md, build and load: stdout.conf prints the seaudit
	// example's records.
	"make fluentbit": {
		needs: []string{"build/pamaudit.so", "build/flb-harness"},
		done: func(out string) error {
			want := testutil.ExampleRecords(filepath.Join(root, "examples", "logs"))["capam"]
			if n := len(regexp.MustCompile(`(?m)^\{.*"event_name":"capam\.`).FindAllString(out, -1)); n != want {
				return fmt.Errorf("%d capam records printed, want %d", n, want)
			}
			return nil
		},
	},
}

// debugRecords checks that the collector's debug exporter printed every
// record of the example logs, of all three products.
func debugRecords(out string) error {
	want := testutil.ExampleRecords(filepath.Join(root, "examples", "logs"))
	total := want["passman"] + want["capam"] + want["netwrix"]
	n := len(regexp.MustCompile(`(?m)^LogRecord #\d+`).FindAllString(out, -1))
	if n < total {
		return fmt.Errorf("the debug exporter printed %d records, want %d", n, total)
	}
	for p := range want {
		if !strings.Contains(out, "EventName: "+p+".") {
			return fmt.Errorf("no %s record", p)
		}
	}
	if n > total {
		return fmt.Errorf("the debug exporter printed %d records, want %d (some twice?)", n, total)
	}
	return nil
}

// copyRepo copies the repository's files into a temporary directory with
// their modification times, and links build/ and bin/'s entries.
func copyRepo(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	for _, f := range files(t) {
		src := filepath.Join(root, f)
		st, err := os.Lstat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		to := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(to, st.ModTime(), st.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"build", "bin"} {
		entries, _ := os.ReadDir(filepath.Join(root, d))
		if len(entries) > 0 {
			if err := os.MkdirAll(filepath.Join(dst, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, e := range entries {
			abs, _ := filepath.Abs(filepath.Join(root, d, e.Name()))
			if err := os.Symlink(abs, filepath.Join(dst, d, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dst
}

// TestDocBlocks runs the shell blocks of README.md and docs/fluent-bit.md
// that blockTests names, as written.
func TestDocBlocks(t *testing.T) {
	for _, doc := range []string{"README.md", "docs/fluent-bit.md"} {
		for _, b := range readBlocks(t, doc) {
			bt, ok := blockTests[b.first()]
			if !isShell(b.lang) || b.notRun != "" || !ok {
				continue
			}
			t.Run(fmt.Sprintf("%s:%d", doc, b.line), func(t *testing.T) { runBlock(t, b, bt) })
		}
	}
}

func runBlock(t *testing.T, b block, bt blockTest) {
	dir := copyRepo(t)
	if len(bt.needs) > 0 {
		for _, n := range bt.needs {
			if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
				t.Skipf("%s is not built (make test builds it first)", n)
			}
		}
		q := exec.Command("make", append([]string{"-q"}, bt.needs...)...)
		q.Dir = dir
		if out, err := q.CombinedOutput(); err != nil {
			t.Skipf("%v are older than their sources (make test builds them first): %v %s", bt.needs, err, out)
		}
	}
	env := []string{"PATH=" + mdblock.FakeBin(t, "fluent-bit") + string(os.PathListSeparator) + os.Getenv("PATH")}
	if harness, err := filepath.Abs(filepath.Join(root, "build", "flb-harness")); err == nil && os.Getenv("PAMAUDIT_HARNESS") == "" {
		env = append(env, "PAMAUDIT_HARNESS="+harness)
	}
	if bt.env != nil {
		for k, v := range bt.env(t) {
			env = append(env, k+"="+v)
		}
	}
	sh := mdblock.StartShell(t, b.text, dir, env, "-e")
	out := sh.Out
	stop := func() { sh.Stop(15 * time.Second) }
	if bt.done == nil {
		if !sh.Wait(3 * time.Minute) {
			stop()
			t.Fatalf("did not end\n%s\noutput:\n%s", b.text, out.String())
		}
		if err := sh.Err(); err != nil {
			t.Fatalf("%v\n%s\noutput:\n%s", err, b.text, out.String())
		}
		return
	}
	deadline := time.After(90 * time.Second)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-sh.Done():
			if bt.done(out.String()) == nil {
				return
			}
			t.Fatalf("ended (%v) before it did its work: %v\n%s\noutput:\n%s", sh.Err(), bt.done(out.String()), b.text, tail(out.String()))
		case <-deadline:
			err := bt.done(out.String())
			stop()
			t.Fatalf("%v\n%s\noutput:\n%s", err, b.text, tail(out.String()))
		case <-tick.C:
			if bt.done(out.String()) == nil {
				// A second more: records beyond the expected would show.
				time.Sleep(time.Second)
				err := bt.done(out.String())
				stop()
				if err != nil {
					t.Fatalf("%v\n%s\noutput:\n%s", err, b.text, tail(out.String()))
				}
				return
			}
		}
	}
}

// tail is the end of a long output.
func tail(s string) string {
	if len(s) > 20000 {
		return "…" + s[len(s)-20000:]
	}
	return s
}
