package flbsim

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options are what a Fluent Bit process gets from its caller.
type Options struct {
	Args    []string                    // the command line after the program name
	Dir     string                      // the working directory
	Getenv  func(string) (string, bool) // the environment
	Harness string                      // the flb-harness binary that loads Go plugins
	Stdout  io.Writer                   // the process's standard output
	Stderr  io.Writer                   // and error
	Now     func() time.Time            // the clock (nil: time.Now)
}

// Engine is a running pipeline.
type Engine struct {
	o       Options
	cfg     *Config
	flush   time.Duration
	grace   time.Duration
	h       *Harness
	outputs []*output
	inputs  []input

	mu      sync.Mutex
	pending []Event // read, not yet flushed
	retry   []retryChunk
	logMu   sync.Mutex

	eof     chan struct{} // closed when every exit_on_eof input is done
	stopped chan struct{}
	done    chan struct{}
	stopErr error
}

type retryChunk struct {
	out    *output
	tag    string
	events []Event
}

// output is an [OUTPUT] instance.
type output struct {
	name   string
	id     int // the harness instance, for the Go plugin
	match  *regexp.Regexp
	format string // stdout
}

// input is a running input; stop ends it, after which it sends nothing.
type input interface{ stop() }

func (e *Engine) logf(level, scope, format string, args ...any) {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	fmt.Fprintf(e.o.Stderr, "[%s] [%5s] [%s] %s\n", time.Now().Format("2006/01/02 15:04:05"), level, scope, fmt.Sprintf(format, args...))
}

// ErrUsage is returned for a command line the simulator does not take.
var ErrUsage = errors.New("usage")

// Start loads the configuration and starts the pipeline, as Fluent Bit
// does before it runs: an error is what makes Fluent Bit exit at start,
// and is also logged to Stderr as Fluent Bit logs it. With --dry-run it
// returns a nil Engine once the configuration is read.
func Start(o Options) (*Engine, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	e := &Engine{o: o, eof: make(chan struct{}), stopped: make(chan struct{}), done: make(chan struct{})}
	var confFile string
	var plugins []string
	dryRun := false
	for i := 0; i < len(o.Args); i++ {
		a := o.Args[i]
		val := func() string {
			if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "--") {
				return v
			}
			if i+1 < len(o.Args) {
				i++
				return o.Args[i]
			}
			return ""
		}
		switch {
		case a == "-c" || a == "--config" || strings.HasPrefix(a, "--config="):
			confFile = val()
		case a == "-e" || a == "--plugin" || strings.HasPrefix(a, "--plugin="):
			plugins = append(plugins, val())
		case a == "-D" || a == "--dry-run":
			dryRun = true
		default:
			e.logf("error", "simulator", "option %q: the simulator takes -c, -e and --dry-run", a)
			return nil, ErrUsage
		}
	}
	e.logf("info", "fluent bit", "flbsim: fluentbit/flbsim stands in for Fluent Bit 5.1.1")
	fail := func(scope, format string, args ...any) (*Engine, error) {
		err := fmt.Errorf(format, args...)
		e.logf("error", scope, "%v", err)
		e.close()
		return nil, err
	}
	// -e loads before the configuration is read, as in Fluent Bit.
	for _, p := range plugins {
		if err := e.loadPlugin(p); err != nil {
			return fail("plugin", "%v", err)
		}
	}
	if confFile == "" {
		return fail("simulator", "no configuration file (-c)")
	}
	cfg, err := Load(o.Dir, confFile, o.Getenv)
	if err != nil {
		return fail("config", "%v", err)
	}
	e.cfg = cfg
	for _, p := range cfg.Plugins {
		if err := e.loadPlugin(p); err != nil {
			return fail("plugin", "%v", err)
		}
	}
	e.flush = seconds(cfg.Service.Get("flush"), time.Second)
	e.grace = seconds(cfg.Service.Get("grace"), 5*time.Second)
	if len(cfg.Filters) > 0 {
		return fail("simulator", "filter %s: the simulator runs no filters", cfg.Filters[0].Get("name"))
	}
	for i, s := range cfg.Outputs {
		out := &output{name: strings.ToLower(s.Get("name")), id: i, format: s.Get("format")}
		m := s.Get("match")
		if m == "" {
			m = "*"
		}
		out.match = regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(m), `\*`, ".*") + "$")
		if r := s.Get("match_regex"); r != "" {
			if out.match, err = regexp.Compile(r); err != nil {
				return fail("config", "match_regex %q: %v", r, err)
			}
		}
		switch {
		case out.name == "stdout" || out.name == "null":
		case e.h != nil && out.name == e.h.name:
		default:
			return fail("config", "section 'output' tried to instance a plugin name that does not exist: %s", out.name)
		}
		e.outputs = append(e.outputs, out)
	}
	for _, s := range cfg.Inputs {
		switch n := strings.ToLower(s.Get("name")); n {
		case "tail", "forward", "syslog":
		default:
			return fail("config", "input %s: not one the simulator runs (tail, forward, syslog)", n)
		}
	}
	if dryRun {
		fmt.Fprintln(o.Stdout, "configuration test is successful")
		e.close()
		return nil, nil
	}
	// Outputs are initialised (a bad property fails here), then inputs.
	for i, out := range e.outputs {
		if e.h == nil || out.name != e.h.name {
			continue
		}
		e.h.Do("new %d", out.id)
		for _, p := range cfg.Outputs[i].Props {
			e.h.Do("set %d %s %s", out.id, p.Key, p.Value)
		}
		if r := e.h.Do("init %d", out.id); r != fmt.Sprintf("init %d 1", out.id) {
			return fail("output", "failed to initialize '%s' plugin (%s)", out.name, r)
		}
	}
	exitOnEOF := 0
	eofs := make(chan struct{}, len(cfg.Inputs))
	for _, s := range cfg.Inputs {
		in, err := e.startInput(s, eofs)
		if err != nil {
			for _, in := range e.inputs {
				in.stop()
			}
			return fail("input", "%v", err)
		}
		e.inputs = append(e.inputs, in)
		if b, _ := parseBool(s.Get("exit_on_eof")); b {
			exitOnEOF++
		}
	}
	if exitOnEOF > 0 {
		go func() {
			for i := 0; i < exitOnEOF; i++ {
				<-eofs
			}
			close(e.eof)
		}()
	}
	go e.run()
	return e, nil
}

func seconds(v string, def time.Duration) time.Duration {
	if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f > 0 {
		return time.Duration(f * float64(time.Second))
	}
	return def
}

// loadPlugin loads a Go plugin as flb_plugin_proxy_create does: dlopen of
// the path as written, which a relative path with a slash resolves from
// the working directory.
func (e *Engine) loadPlugin(path string) error {
	p := path
	if !strings.Contains(path, "/") {
		return fmt.Errorf("error opening plugin %s: '%s: cannot open shared object file: No such file or directory' (a name without a slash is searched in the library path)", path, path)
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(e.o.Dir, p)
	}
	if _, err := os.Stat(p); err != nil {
		return fmt.Errorf("error opening plugin %s: '%s: cannot open shared object file: No such file or directory'", path, path)
	}
	if e.h != nil {
		// Fluent Bit 5.1.1 loads the same plugin twice (-e and a plugins
		// file) without complaint: the instances run all the same.
		if a, err1 := os.Stat(p); err1 == nil {
			if b, err2 := os.Stat(e.h.path); err2 == nil && os.SameFile(a, b) {
				return nil
			}
		}
		return fmt.Errorf("%s: a second Go plugin (already loaded: %s): the simulator loads one", path, e.h.path)
	}
	h, err := StartHarness(e.o.Harness, p, e.o.Dir, e.o.Getenv, e.o.Stdout, e.o.Stderr)
	if err != nil {
		return err
	}
	e.h = h
	return nil
}

// emit queues events read by an input.
func (e *Engine) emit(ev ...Event) {
	e.mu.Lock()
	e.pending = append(e.pending, ev...)
	e.mu.Unlock()
}

func (e *Engine) run() {
	defer close(e.done)
	t := time.NewTicker(e.flush)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			e.flushAll()
		case <-e.eof:
			e.logf("info", "engine", "service will shutdown in max %v seconds", e.grace.Seconds())
			e.shutdown()
			return
		case <-e.stopped:
			e.logf("info", "engine", "service will shutdown in max %v seconds", e.grace.Seconds())
			e.shutdown()
			return
		}
	}
}

// flushAll hands the pending events to the outputs that match their tags,
// a chunk per tag in the order the tags came, and retries failed chunks.
func (e *Engine) flushAll() {
	e.mu.Lock()
	events, retry := e.pending, e.retry
	e.pending, e.retry = nil, nil
	e.mu.Unlock()
	var tags []string
	byTag := map[string][]Event{}
	for _, ev := range events {
		if _, ok := byTag[ev.Tag]; !ok {
			tags = append(tags, ev.Tag)
		}
		byTag[ev.Tag] = append(byTag[ev.Tag], ev)
	}
	for _, r := range retry {
		e.deliver(r.out, r.tag, r.events)
	}
	for _, tag := range tags {
		for _, out := range e.outputs {
			if out.match.MatchString(tag) {
				e.deliver(out, tag, byTag[tag])
			}
		}
	}
}

func (e *Engine) deliver(out *output, tag string, events []Event) {
	switch out.name {
	case "null":
	case "stdout":
		e.stdout(out, tag, events)
	default:
		f, err := os.CreateTemp("", "flbsim-chunk")
		if err != nil {
			e.logf("error", "engine", "%v", err)
			return
		}
		_, _ = f.Write(Chunk(events))
		f.Close()
		defer os.Remove(f.Name())
		r := e.h.Do("flush %d %s %s", out.id, tag, f.Name())
		switch r {
		case fmt.Sprintf("flush %d 1", out.id):
		case fmt.Sprintf("flush %d 2", out.id):
			e.logf("warn", "engine", "failed to flush chunk of %s, retry issued: output=%s.%d", tag, out.name, out.id)
			e.mu.Lock()
			e.retry = append(e.retry, retryChunk{out, tag, events})
			e.mu.Unlock()
		default:
			e.logf("error", "engine", "chunk of %s cannot be retried: output=%s.%d (%s)", tag, out.name, out.id, r)
		}
	}
}

// stdout writes records as Fluent Bit's stdout output does: json_lines
// with a date key, or its default form.
func (e *Engine) stdout(out *output, tag string, events []Event) {
	w := bufio.NewWriter(e.o.Stdout)
	defer w.Flush()
	for i, ev := range events {
		date := float64(ev.Time.UnixNano()) / 1e9
		switch strings.ToLower(out.format) {
		case "json_lines":
			fmt.Fprintf(w, `{"date":%.6f`, date)
			for _, kv := range ev.Record {
				k, _ := json.Marshal(kv.Key)
				fmt.Fprintf(w, ",%s:%s", k, jsonValue(kv.Value))
			}
			fmt.Fprintln(w, "}")
		default:
			fmt.Fprintf(w, "[%d] %s: [[%.9f, {}], %s]\n", i, tag, date, jsonValue(ev.Record))
		}
	}
}

func jsonValue(v any) string {
	switch x := v.(type) {
	case Record:
		var b strings.Builder
		b.WriteByte('{')
		for i, kv := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(kv.Key)
			b.Write(k)
			b.WriteByte(':')
			b.WriteString(jsonValue(kv.Value))
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = jsonValue(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case []byte:
		b, _ := json.Marshal(string(x))
		return string(b)
	case time.Time:
		return strconv.FormatFloat(float64(x.UnixNano())/1e9, 'f', 9, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// Stop stops the engine as SIGTERM does: the inputs stop, what they read
// is flushed, chunks to retry are retried for the Grace period, the
// outputs exit.
func (e *Engine) Stop() error {
	select {
	case <-e.stopped:
	default:
		close(e.stopped)
	}
	<-e.done
	return e.stopErr
}

// Done is closed when the engine has stopped (after Stop, or at the end of
// the input with exit_on_eof).
func (e *Engine) Done() <-chan struct{} { return e.done }

func (e *Engine) shutdown() {
	for _, in := range e.inputs {
		in.stop()
	}
	deadline := time.Now().Add(e.grace)
	e.flushAll()
	left := 0
	for {
		e.mu.Lock()
		left = len(e.retry) + len(e.pending)
		e.mu.Unlock()
		if left == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
		e.flushAll()
	}
	if e.h != nil {
		for _, out := range e.outputs {
			if out.name == e.h.name {
				e.h.Do("exit %d", out.id)
			}
		}
	}
	e.close()
	e.logf("info", "engine", "service has stopped (%d pending tasks)", left)
}

func (e *Engine) close() {
	if e.h != nil {
		e.stopErr = e.h.Close()
	}
}

// Main runs the simulator as a fluent-bit command: from the working
// directory, with the process's environment, the harness named by
// PAMAUDIT_HARNESS, until SIGINT or SIGTERM (or the end of the input with
// exit_on_eof). It returns the exit status.
func Main(args []string) int {
	wd, _ := os.Getwd()
	o := Options{Args: args, Dir: wd, Getenv: os.LookupEnv, Harness: os.Getenv("PAMAUDIT_HARNESS"), Stdout: os.Stdout, Stderr: os.Stderr}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	e, err := Start(o)
	if err != nil {
		return 1
	}
	if e == nil { // --dry-run
		return 0
	}
	select {
	case <-sig:
		if err := e.Stop(); err != nil {
			return 1
		}
	case <-e.Done():
	}
	return 0
}

// Harness is the flb-harness process with the Go plugin loaded (the
// engine's, and deploy/'s tests' that give a plugin chunks by hand).
type Harness struct {
	path  string
	name  string
	cmd   *exec.Cmd
	in    io.WriteCloser
	res   chan string
	mu    sync.Mutex
	ended chan struct{}
}

// StartHarness runs bin with plugin in dir; the plugin's own output goes
// to stdout and stderr, the harness's results ("@@ ...") to Do.
func StartHarness(bin, plugin, dir string, getenv func(string) (string, bool), stdout, stderr io.Writer) (*Harness, error) {
	if bin == "" {
		return nil, errors.New("no flb-harness to load the plugin with (PAMAUDIT_HARNESS: make fluentbit builds build/flb-harness)")
	}
	cmd := exec.Command(bin, plugin)
	cmd.Dir = dir
	// The plugin reads its environment (PAMAUDIT_FLUENT_BIT_VERSION).
	cmd.Env = os.Environ()
	if v, ok := getenv("PAMAUDIT_FLUENT_BIT_VERSION"); ok {
		cmd.Env = append(cmd.Env, "PAMAUDIT_FLUENT_BIT_VERSION="+v)
	}
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	h := &Harness{path: plugin, cmd: cmd, in: in, res: make(chan string, 1), ended: make(chan struct{})}
	go func() {
		defer close(h.ended)
		r := bufio.NewReaderSize(out, 1<<20)
		for {
			line, err := r.ReadString('\n')
			if line != "" {
				if res, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "@@ "); ok {
					h.res <- res
				} else {
					_, _ = io.WriteString(stdout, line)
				}
			}
			if err != nil {
				return
			}
		}
	}()
	reg := h.read()
	f := strings.Fields(reg)
	if len(f) < 5 || f[0] != "register" || f[1] != "0" || f[2] != "2" || f[3] != "11" {
		_ = h.Close()
		return nil, fmt.Errorf("plugin %s did not register as a Go output plugin: %q", plugin, reg)
	}
	h.name = f[4]
	return h, nil
}

func (h *Harness) read() string {
	select {
	case r := <-h.res:
		return r
	case <-h.ended:
		return "ended"
	}
}

// Do sends one harness command (format and args as fmt.Sprintf) and
// returns its result line, "ended" if the harness has ended.
func (h *Harness) Do(format string, args ...any) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := fmt.Fprintf(h.in, format+"\n", args...); err != nil {
		return "ended"
	}
	return h.read()
}

// Close quits the harness (killing it after 10 s) and waits for it.
func (h *Harness) Close() error {
	_, _ = io.WriteString(h.in, "quit\n")
	_ = h.in.Close()
	select {
	case <-h.ended:
	case <-time.After(10 * time.Second):
		_ = h.cmd.Process.Kill()
	}
	return h.cmd.Wait()
}
