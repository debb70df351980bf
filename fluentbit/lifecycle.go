package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
)

const (
	pluginName        = "pamaudit"
	pluginDescription = "Parses PAM audit logs (PassMan, CA PAM seaudit, Netwrix) into structured records"
)

// instances numbers the [OUTPUT] instances for log messages.
var instances atomic.Int64

// testPanicOn is a test-only hook: a flush panics when a record's text
// contains it (PAMAUDIT_TEST_PANIC_ON), to prove the cgo boundary holds.
var testPanicOn = os.Getenv("PAMAUDIT_TEST_PANIC_ON")

// initInstance builds an instance from Fluent Bit's properties; a bad value
// is logged with the key it is about.
func initInstance(get func(string) string) (*instance, error) {
	name := fmt.Sprintf("%d", instances.Add(1)-1)
	in, err := newInstance(name, get, os.Stdout)
	if err != nil {
		log := stderrLog(name)
		for _, line := range strings.Split(err.Error(), "\n") {
			log("error", "config: %s", line)
		}
		return nil, err
	}
	in.logf("info", "output=%s format=%s", in.cfg.output, in.cfg.parser.Format)
	return in, nil
}

func (in *instance) close() {
	if in.client != nil {
		in.client.CloseIdleConnections()
	}
}

// guard turns a panic into the error code ret, logged with its stack: no
// panic may cross into Fluent Bit.
func guard(what string, ret *int, code int) {
	if r := recover(); r != nil {
		fmt.Fprintf(os.Stderr, "[error] [output:pamaudit] panic in %s: %v\n%s", what, r, debug.Stack())
		*ret = code
	}
}
