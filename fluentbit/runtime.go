package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/pamaudit/pamaudit/core"
)

// The Go runtime inside Fluent Bit. The plugin shares the process with
// Fluent Bit, which calls it from its own threads: the Go scheduler's
// threads, spinning for work and waking each other on futexes, and the
// collector's idle mark workers cost CPU (most of it system time) without
// making a flush faster. A flush needs one P; a second runs only with
// workers above 1 and at the same time. So the plugin runs the runtime with
// GOMAXPROCS 1 unless told otherwise (docs/performance.md has the
// measurements), and leaves the collector's pace to Go unless told.
//
// Keys (per instance; the runtime is one for the process, see
// applyRuntime):
//
//	go_maxprocs      default 1; the GOMAXPROCS environment variable wins
//	                 over the default, the key over both
//	go_gc_percent    default: Go's (GOGC, or 100); -1 or off turns the
//	                 collector off (then set go_memory_limit)
//	go_memory_limit  default: Go's (GOMEMLIMIT, or none); a soft limit on
//	                 the Go heap, with a unit (64MiB, 1GiB, 512M)

// defaultMaxProcs is GOMAXPROCS inside Fluent Bit when neither the key nor
// the environment variable sets it.
const defaultMaxProcs = 1

// runtimeConfig is an instance's runtime keys; 0 or -2 means not set.
type runtimeConfig struct {
	maxProcs    int   // 0: not set
	gcPercent   int   // notSet: not set; -1: off
	memoryLimit int64 // 0: not set
}

const notSet = math.MinInt

// runtimeKeys lists the keys runtime.go reads (configKeys has them too).
var runtimeKeys = []string{"go_maxprocs", "go_gc_percent", "go_memory_limit"}

// parseRuntimeConfig reads the runtime keys; each error names its key.
func parseRuntimeConfig(get func(string) string) (runtimeConfig, []error) {
	rc := runtimeConfig{gcPercent: notSet}
	var errs []error
	fail := func(key, format string, args ...any) {
		errs = append(errs, &core.OptionError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if v := strings.TrimSpace(get("go_maxprocs")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1024 {
			fail("go_maxprocs", "%q is not a number from 1 to 1024", v)
		} else {
			rc.maxProcs = n
		}
	}
	if v := strings.TrimSpace(get("go_gc_percent")); v != "" {
		if on, ok := parseBool(v); ok && !on {
			rc.gcPercent = -1
		} else if n, err := strconv.Atoi(v); err == nil && n >= -1 {
			rc.gcPercent = n
		} else {
			fail("go_gc_percent", "%q is not a percentage, -1 or off", v)
		}
	}
	if v := strings.TrimSpace(get("go_memory_limit")); v != "" {
		n, err := parseBytes(v)
		if err != nil {
			fail("go_memory_limit", "%q is not a size (64MiB, 1GiB, 512M)", v)
		} else {
			rc.memoryLimit = n
		}
	}
	return rc, errs
}

// parseBytes reads a size: a number with an optional unit, K, M or G (or
// KB...: powers of 1000) and KiB, MiB, GiB (powers of 1024), in any case.
func parseBytes(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9},
		{"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"b", 1},
	} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("bad size %q", v)
	}
	return n * mult, nil
}

// The process's runtime settings, as the instances asked for them.
var (
	startMaxProcs   = runtime.GOMAXPROCS(0) // as the runtime started: $GOMAXPROCS or the CPUs
	runtimeMu       sync.Mutex
	runtimeMaxProcs int // the largest go_maxprocs of any instance so far
)

// applyRuntime applies an instance's runtime keys and returns what the
// process now runs with, for the log. GOMAXPROCS is the largest any instance
// asked for (workers of every instance share it); with no key, the
// environment variable, else defaultMaxProcs. go_gc_percent and
// go_memory_limit apply as given: the last instance to set one wins.
func applyRuntime(rc runtimeConfig) string {
	runtimeMu.Lock()
	defer runtimeMu.Unlock()
	want := rc.maxProcs
	if want == 0 {
		if env := os.Getenv("GOMAXPROCS"); env != "" {
			want = startMaxProcs
		} else {
			want = defaultMaxProcs
		}
	}
	if want > runtimeMaxProcs {
		runtimeMaxProcs = want
	}
	if runtime.GOMAXPROCS(0) != runtimeMaxProcs {
		runtime.GOMAXPROCS(runtimeMaxProcs)
	}
	if rc.gcPercent != notSet {
		debug.SetGCPercent(rc.gcPercent)
	}
	if rc.memoryLimit > 0 {
		debug.SetMemoryLimit(rc.memoryLimit)
	}
	gc := debug.SetGCPercent(-1)
	debug.SetGCPercent(gc)
	limit := "none"
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		limit = strconv.FormatInt(l>>20, 10) + "MiB"
	}
	return fmt.Sprintf("go: GOMAXPROCS=%d gc_percent=%d memory_limit=%s", runtime.GOMAXPROCS(0), gc, limit)
}

func init() { configKeys = append(configKeys, runtimeKeys...) }
