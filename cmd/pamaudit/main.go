// Command pamaudit parses privileged-access-management audit logs (PassMan,
// CA Privileged Access Manager Server Control seaudit, Netwrix Privilege
// Secure) into structured records, one JSON object per line.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pamaudit/pamaudit/core"
)

const usage = `pamaudit turns PAM audit logs into structured records.

Usage:
  pamaudit parse [flags] [FILE...]   parse files (or standard input) to NDJSON
  pamaudit --help                    this text

Run 'pamaudit parse --help' for the flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, time.Now))
}

// run runs the command; now is the parser's clock, which tests fix since
// syslog times without a year depend on it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, now func() time.Time) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "parse":
		return parse(args[1:], stdin, stdout, stderr, now)
	}
	fmt.Fprintf(stderr, "pamaudit: unknown command %q (try pamaudit --help)\n", args[0])
	return 2
}

func parse(args []string, stdin io.Reader, stdout, stderr io.Writer, now func() time.Time) int {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "auto", "source format: auto, passman, capam or netwrix")
	zone := fs.String("timezone", "UTC", "IANA time zone for times without an offset (e.g. Europe/Berlin)")
	schema := fs.String("schema", "otel", "output schema: otel, ecs (ECS documents) or ocsf (OCSF events)")
	noOriginal := fs.Bool("no-original", false, "do not add log.record.original")
	maxRecord := fs.Int("max-record-bytes", core.DefaultMaxRecordBytes, "longest record; longer lines are cut into records of this size")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: pamaudit parse [flags] [FILE...]

Reads the files, or standard input when none is given ("-" is standard input
too), groups lines into records (pretty-printed JSON and indented seaudit
details span lines), parses each and writes one JSON object per record:

  {"time":…,"severity_number":…,"severity_text":…,"event_name":…,"body":…,"attributes":{…}}

With --schema ecs each line is an ECS document ({"@timestamp":…,"log.level":…,
"message":…,"event.kind":…,…}); with --schema ocsf an OCSF event.

A record that cannot be parsed is written with error.type and error.message,
never skipped. The exit status is 0 unless a flag is bad (2) or a file cannot
be read (1).

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	opts := core.Options{NoOriginal: *noOriginal, MaxRecordBytes: *maxRecord, Now: now}
	if err := opts.Format.UnmarshalText([]byte(*format)); err != nil {
		fmt.Fprintf(stderr, "pamaudit: --format: %v\n", err)
		return 2
	}
	if err := opts.Schema.UnmarshalText([]byte(*schema)); err != nil {
		fmt.Fprintf(stderr, "pamaudit: --schema: %v\n", err)
		return 2
	}
	loc, err := time.LoadLocation(*zone)
	if err != nil {
		fmt.Fprintf(stderr, "pamaudit: --timezone: unknown zone %q\n", *zone)
		return 2
	}
	opts.Location = loc
	p, err := core.NewParser(opts)
	if err != nil {
		fmt.Fprintf(stderr, "pamaudit: %v\n", err)
		return 2
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	files := fs.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := 0
	for _, name := range files {
		if err := parseFile(p, name, stdin, out, *maxRecord); err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "pamaudit: %v\n", err)
			status = 1
		}
	}
	return status
}

func parseFile(p *core.Parser, name string, stdin io.Reader, out *bufio.Writer, maxRecord int) error {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	sp := core.NewSplitter(r, maxRecord)
	var buf []byte
	for {
		text, err := sp.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rec, _ := p.Parse(text) // a bad record is still written, with error.type
		buf = rec.AppendJSON(buf[:0])
		buf = append(buf, '\n')
		if _, err := out.Write(buf); err != nil {
			return err
		}
	}
}
