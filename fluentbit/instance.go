package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	pluginName        = "pamaudit"
	pluginDescription = "Parses PAM audit logs (PassMan, CA PAM seaudit, Netwrix) into structured records"
)

// Fluent Bit's flush results (flb_plugin.h).
const (
	flbError = 0
	flbOK    = 1
	flbRetry = 2
)

// instances numbers the [OUTPUT] instances for log messages.
var instances atomic.Int64

// instance is one [OUTPUT] instance. FLBPluginInit makes it and hands it to
// Fluent Bit as the plugin context; Fluent Bit's workers flush through it,
// several at once; FLBPluginExitCtx closes it, after the last flush.
type instance struct {
	name string
	cfg  *config
	out  delivery
	logf func(level, format string, args ...any)

	// Idle converters (each with its parser): a flush takes one, or makes
	// one when all are busy, and gives it back. A parser is thus built once
	// per concurrent flush (worker) and keeps its caches; unlike a
	// sync.Pool, nothing is dropped at garbage collection.
	mu    sync.Mutex
	convs []*converter

	threadCheck sync.Once // the first flush looks at the thread it runs on

	totals *totals // the records delivered (stats.go)
}

// delivery is an instance's output: otlp.go, forward.go, stdout.go. One
// serves every worker of its instance at once.
type delivery interface {
	// flush converts the chunk with conv and delivers its records; it
	// returns a Fluent Bit flush result.
	flush(conv *converter, data []byte, tag string) int
	close()
}

// initInstance makes an instance from Fluent Bit's properties; each bad
// value is logged with its key.
// The Go runtime's keys (runtime.go) are read and applied here, not in
// newInstance: they change the whole process.
func initInstance(get func(string) string) (*instance, error) {
	name := strconv.FormatInt(instances.Add(1)-1, 10)
	rc, rerrs := parseRuntimeConfig(get)
	in, err := newInstance(name, get, os.Stdout)
	err = errors.Join(append([]error{err}, rerrs...)...)
	if err != nil {
		log := stderrLog(name)
		for _, line := range strings.Split(err.Error(), "\n") {
			log("error", "config: %s", line)
		}
		return nil, err
	}
	in.logf("info", "output=%s format=%s %s; unknown keys: %s", in.cfg.output, in.cfg.parser.Options().Format, applyRuntime(rc), unknownKeys)
	for _, w := range in.cfg.warnings {
		in.logf("warn", "config: %s", w)
	}
	if in.cfg.tls != nil && in.cfg.tls.InsecureSkipVerify {
		in.logf("warn", "%s is off: the server's certificate is not checked", keyTLSVerify)
	}
	return in, nil
}

// newInstance reads the configuration and builds the first converter, so a
// parser that cannot be built fails init, not a flush.
func newInstance(name string, get func(string) string, stdout io.Writer) (*instance, error) {
	cfg, err := parseConfig(get, nil)
	if err != nil {
		return nil, err
	}
	conv, err := newConverter(cfg)
	if err != nil {
		return nil, err
	}
	in := &instance{name: name, cfg: cfg, logf: stderrLog(name), convs: []*converter{conv}}
	in.totals = newTotals(cfg.statsInterval, in.logf)
	switch cfg.output {
	case outputStdout:
		in.out = &stdoutOutput{w: stdout, logf: in.logf}
	case outputForward:
		in.out = &forwardOutput{cfg: cfg, logf: in.logf}
	default:
		in.out = newOTLPOutput(cfg, in.logf)
	}
	return in, nil
}

// flush converts and delivers one chunk. It returns FLB_OK only once every
// record is delivered, FLB_RETRY when delivery may work later, FLB_ERROR
// when the receiver rejected the data for good.
func (in *instance) flush(data []byte, tag string) int {
	in.threadCheck.Do(in.checkThread)
	conv, err := in.takeConverter()
	if err != nil {
		in.logf("error", "parser: %v", err)
		return flbError
	}
	conv.stats.reset()
	ret := in.out.flush(conv, data, tag)
	if ret == flbOK {
		in.totals.add(&conv.stats)
	}
	conv.scratch.trim()
	// Not deferred: after a panic the converter's state is unknown, so it
	// is dropped, and a later flush makes a new one.
	in.giveConverter(conv)
	return ret
}

// engineThread is the name of Fluent Bit's engine thread (flb_lib.c).
const engineThread = "flb-pipeline"

// checkThread warns when Fluent Bit flushes in its engine thread, which it
// does for a Go plugin without the workers property: each flush then stops
// the engine (inputs, timers, other outputs) while it runs, and the flushes
// still queued when the Grace period ends are dropped, where a worker thread
// finishes its queue first. A cgo callback runs on the caller's thread, so
// /proc/thread-self names Fluent Bit's thread.
func (in *instance) checkThread() {
	name, err := os.ReadFile("/proc/thread-self/comm")
	if err == nil && strings.TrimSpace(string(name)) == engineThread {
		in.logf("warn", "flushing in Fluent Bit's engine thread: set workers 1 (or more) on this output, "+
			"or a backlog is lost when the Grace period ends (docs/fluent-bit.md, Shutdown)")
	}
}

func (in *instance) takeConverter() (*converter, error) {
	in.mu.Lock()
	if n := len(in.convs); n > 0 {
		c := in.convs[n-1]
		in.convs = in.convs[:n-1]
		in.mu.Unlock()
		return c, nil
	}
	in.mu.Unlock()
	return newConverter(in.cfg)
}

func (in *instance) giveConverter(c *converter) {
	in.mu.Lock()
	in.convs = append(in.convs, c)
	in.mu.Unlock()
}

func (in *instance) close() {
	in.out.close()
	in.totals.close()
}

// stderrLog writes in Fluent Bit's log format; Fluent Bit logs to stderr too.
func stderrLog(name string) func(level, format string, args ...any) {
	return func(level, format string, args ...any) {
		fmt.Fprintf(os.Stderr, "[%s] [%5s] [output:pamaudit:%s] %s\n",
			time.Now().Format("2006/01/02 15:04:05"), level, name, fmt.Sprintf(format, args...))
	}
}
