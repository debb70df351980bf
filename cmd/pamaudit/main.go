// Command pamaudit parses privileged-access-management audit logs (PassMan,
// CA Privileged Access Manager Server Control seaudit, Netwrix Privilege
// Secure) into structured records, one JSON object per line.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/record"
)

const usage = `pamaudit turns PAM audit logs into structured records.

Usage:
  pamaudit parse [flags] [FILE...]   parse files (or standard input) to NDJSON
  pamaudit --version                 the version
  pamaudit --help                    this text

Run 'pamaudit parse --help' for the flags.
`

// command is what one run works with: main passes the process's, tests
// their own.
type command struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	// flushEach flushes the output after each record (standard output is a
	// pipe or a terminal); otherwise it is flushed when the input is idle.
	flushEach bool

	now     func() time.Time                     // the parser's clock
	after   func(time.Duration) <-chan time.Time // the idle timer
	signals <-chan os.Signal                     // SIGINT and SIGTERM
}

func main() {
	c := &command{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		flushEach: !isRegularFile(os.Stdout),
		now:       time.Now,
		after:     time.After,
		signals:   notifySignals(),
	}
	os.Exit(c.run(os.Args[1:]))
}

// notifySignals delivers the first SIGINT or SIGTERM; a second one has its
// default effect, so a command stuck on a blocked output can still be
// stopped.
func notifySignals() <-chan os.Signal {
	in := make(chan os.Signal, 1)
	signal.Notify(in, os.Interrupt, syscall.SIGTERM)
	out := make(chan os.Signal, 1)
	go func() {
		s := <-in
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		out <- s
	}()
	return out
}

func isRegularFile(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular()
}

func (c *command) run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(c.stdout, usage)
		return 0
	case "-version", "--version", "version":
		fmt.Fprintln(c.stdout, "pamaudit", version())
		return 0
	case "parse":
		return c.parse(args[1:])
	}
	fmt.Fprintf(c.stderr, "pamaudit: unknown command %q (try pamaudit --help)\n", args[0])
	return 2
}

// version is the module version the binary was built from, or "devel".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func (c *command) parse(args []string) int {
	cfg := parseConfig{opts: core.Options{Now: c.now}}
	table := parseFlags(&cfg)
	if err := readFlags(&cfg, table, args); err != nil {
		if errors.Is(err, errHelp) {
			writeUsage(c.stdout, table)
			return 0
		}
		for _, e := range unjoin(err) {
			fmt.Fprintf(c.stderr, "pamaudit: %v\n", e)
		}
		fmt.Fprintln(c.stderr, "Run 'pamaudit parse --help' for the flags.")
		return 2
	}
	p := cfg.settings.NewParser()
	out := bufio.NewWriterSize(c.stdout, 64<<10)
	files := cfg.files
	if len(files) == 0 {
		files = []string{"-"}
	}
	var sum summary
	status := 0
	var stop os.Signal
	for _, name := range files {
		s, err := c.parseFile(p, name, out, cfg.settings.Options().MaxRecordBytes, &sum)
		if err != nil {
			out.Flush()
			fmt.Fprintf(c.stderr, "pamaudit: %v\n", err)
			status = 1
		}
		if stop = s; stop != nil {
			break
		}
	}
	if err := out.Flush(); err != nil && status == 0 {
		fmt.Fprintf(c.stderr, "pamaudit: %v\n", err)
		status = 1
	}
	sum.write(c.stderr)
	switch {
	case stop != nil:
		return 128 + signalNumber(stop)
	case status == 0 && cfg.strict && sum.failed():
		return 1
	}
	return status
}

func signalNumber(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return int(n)
	}
	return int(syscall.SIGINT)
}

// parseFile parses one input into out. It returns the signal that stopped
// it, if one did.
func (c *command) parseFile(p *core.Parser, name string, out *bufio.Writer, maxRecord int, sum *summary) (os.Signal, error) {
	r := c.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	in := newFeed(r, c, func() bool { return out.Buffered() > 0 }, func() { out.Flush() })
	defer in.close()
	recs := newRecordReader(in, maxRecord)
	var buf []byte
	for {
		text, err := recs.Next()
		var cut *frameCut        // the input ended inside a frame
		var large *core.CutError // kept up to the limit, the rest dropped (a frame cut short may be too)
		errors.As(err, &cut)
		errors.As(err, &large)
		if err != nil && cut == nil && large == nil {
			if err == io.EOF {
				return in.stop, nil
			}
			return in.stop, fmt.Errorf("%s: %w", name, err)
		}
		// A bad record is still written, with error.type; a cut one is not
		// parsed (record_too_large), its text redacted.
		rec, perr := p.ParseCut(text, large)
		etype := ""
		if perr != nil {
			etype = core.ErrorType(perr)
		}
		if cut != nil {
			markCut(rec, cut)
			if etype == "" {
				etype = core.ErrorType(core.ErrMalformed)
			}
			perr = cut
		}
		sum.add(rec, perr, etype, p.Redactions())
		buf = rec.AppendJSON(buf[:0])
		buf = append(buf, '\n')
		if _, err := out.Write(buf); err != nil {
			return in.stop, err
		}
		if c.flushEach {
			if err := out.Flush(); err != nil {
				return in.stop, err
			}
		}
	}
}

// markCut marks a record made of a cut frame as malformed, or says so in its
// error.message when it failed anyway.
func markCut(rec *core.Record, cut *frameCut) {
	if i := rec.Index(record.AttrErrorMessage); i >= 0 {
		rec.Attrs[i].Str = cut.Error() + "; " + rec.Attrs[i].Str
		return
	}
	rec.Attrs = append(rec.Attrs,
		record.Attr{Key: record.AttrErrorType, Kind: record.KindString, Str: record.ErrorCode(record.ErrMalformed)},
		record.Attr{Key: record.AttrErrorMessage, Kind: record.KindString, Str: cut.Error()})
}

// summary counts records, failures by error type, and the secrets
// redacted, per product.
type summary struct {
	records, failures, redacted [core.MaxFormat + 1]int
	types                       [core.MaxFormat + 1]map[string]int // failures by error.type
}

// add counts a record; err says whether it failed, etype why (its
// error.type), secrets how many secret values it had redacted.
func (s *summary) add(rec *core.Record, err error, etype string, secrets int) {
	f := rec.Format
	var pe *core.ParseError
	if f == core.FormatAuto && errors.As(err, &pe) {
		f = pe.Format
	}
	if int(f) >= len(s.records) {
		f = core.FormatAuto
	}
	s.records[f]++
	s.redacted[f] += secrets
	if err != nil {
		s.failures[f]++
		if s.types[f] == nil {
			s.types[f] = map[string]int{}
		}
		s.types[f][etype]++
	}
}

func (s *summary) failed() bool {
	for _, n := range s.failures {
		if n > 0 {
			return true
		}
	}
	return false
}

// write prints a line per product that had records ("passman: 120 records,
// 2 failed (malformed_record 1, bad_timestamp 1), 3 secrets redacted": the
// failures by error.type when there are some, the secrets when there are
// some), the records of no product last, as "unknown".
func (s *summary) write(w io.Writer) {
	total := 0
	products := core.DefaultProducts()
	for _, f := range append(products.IDs(), core.FormatAuto) {
		n := s.records[f]
		if n == 0 {
			continue
		}
		total += n
		name := products.Label(f)
		plural := "s"
		if n == 1 {
			plural = ""
		}
		fmt.Fprintf(w, "%s: %d record%s, %d failed", name, n, plural, s.failures[f])
		if s.failures[f] > 0 {
			var types []string
			for _, e := range append(core.ErrorTypes(), "parse_error") {
				if k := s.types[f][e]; k > 0 {
					types = append(types, fmt.Sprintf("%s %d", e, k))
				}
			}
			fmt.Fprintf(w, " (%s)", strings.Join(types, ", "))
		}
		switch r := s.redacted[f]; r {
		case 0:
		case 1:
			fmt.Fprint(w, ", 1 secret redacted")
		default:
			fmt.Fprintf(w, ", %d secrets redacted", r)
		}
		fmt.Fprintln(w)
	}
	if total == 0 {
		fmt.Fprintln(w, "no records")
	}
}
