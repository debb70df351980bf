package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestRuntimeKeys(t *testing.T) {
	rc, errs := parseRuntimeConfig(func(k string) string {
		return map[string]string{"go_maxprocs": "2", "go_gc_percent": "Off", "go_memory_limit": "64MiB"}[k]
	})
	if len(errs) != 0 || rc.maxProcs != 2 || rc.gcPercent != -1 || rc.memoryLimit != 64<<20 {
		t.Errorf("%+v %v", rc, errs)
	}
	rc, errs = parseRuntimeConfig(func(string) string { return "" })
	if len(errs) != 0 || rc != (runtimeConfig{gcPercent: notSet}) {
		t.Errorf("no keys: %+v %v", rc, errs)
	}
	for key, bad := range map[string]string{"go_maxprocs": "0", "go_gc_percent": "-5", "go_memory_limit": "lots"} {
		_, errs := parseRuntimeConfig(func(k string) string {
			if k == key {
				return bad
			}
			return ""
		})
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), key) {
			t.Errorf("%s=%q: %v", key, bad, errs)
		}
	}
	for v, want := range map[string]int64{"512M": 512e6, "1GiB": 1 << 30, "100 kib": 100 << 10, "4096": 4096} {
		if n, err := parseBytes(v); err != nil || n != want {
			t.Errorf("%q: %d %v", v, n, err)
		}
	}
}

// applyRuntime sets GOMAXPROCS to the largest any instance asked for, and
// the collector's settings as given.
func TestApplyRuntime(t *testing.T) {
	procs, gc, limit := runtime.GOMAXPROCS(0), debug.SetGCPercent(-1), debug.SetMemoryLimit(-1)
	debug.SetGCPercent(gc)
	t.Cleanup(func() {
		runtime.GOMAXPROCS(procs)
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
		runtimeMaxProcs = 0
	})
	t.Setenv("GOMAXPROCS", "")
	runtimeMaxProcs = 0
	if s := applyRuntime(runtimeConfig{gcPercent: notSet}); runtime.GOMAXPROCS(0) != defaultMaxProcs || !strings.Contains(s, "GOMAXPROCS=1") {
		t.Errorf("default: %s", s)
	}
	applyRuntime(runtimeConfig{maxProcs: 3, gcPercent: 400, memoryLimit: 256 << 20})
	s := applyRuntime(runtimeConfig{maxProcs: 2, gcPercent: notSet})
	if runtime.GOMAXPROCS(0) != 3 || s != "go: GOMAXPROCS=3 gc_percent=400 memory_limit=256MiB" {
		t.Errorf("largest GOMAXPROCS, collector as set: %s", s)
	}
}
