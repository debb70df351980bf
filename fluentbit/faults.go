//go:build pamaudit_faults

package main

import (
	"bytes"
	"os"
)

// Fault injection for the harness tests, built only with -tags
// pamaudit_faults (build/pamaudit-faults.so): a flush panics on a text that
// contains PAMAUDIT_TEST_PANIC_ON, to prove no panic crosses into Fluent
// Bit. The release plugin has no such hook.
func init() {
	if on := os.Getenv("PAMAUDIT_TEST_PANIC_ON"); on != "" {
		faultHook = func(text []byte) {
			if bytes.Contains(text, []byte(on)) {
				panic("fault injected: PAMAUDIT_TEST_PANIC_ON matched")
			}
		}
	}
}
