package main

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pamaudit/pamaudit/core"
)

// Every flag lands on its core.Options field (or the command's own).
func TestFlagsMapOntoOptions(t *testing.T) {
	var c parseConfig
	err := readFlags(&c, parseFlags(&c), []string{
		"a.log", "--formats", "passman, capam", "--formats=netwrix", "-timezone", "Europe/Berlin",
		"--no-original", "--no-ocsf-captions", "--no-redact=true", "--redact-headers", "x-api-key,x-session", "--redact-keys=pin",
		"--max-record-bytes", "4096", "--max-attributes=64", "--max-depth", "5", "--max-value-bytes", "100",
		"--strict", "-", "--", "--not-a-flag.log",
	})
	if err != nil {
		t.Fatal(err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	want := core.Options{
		Formats:        []core.Format{core.FormatPassMan, core.FormatCAPAM, core.FormatNetwrix},
		Location:       berlin,
		NoOriginal:     true,
		NoOCSFCaptions: true,
		NoRedact:       true,
		RedactHeaders:  []string{"x-api-key", "x-session"},
		RedactKeys:     []string{"pin"},
		MaxRecordBytes: 4096,
		MaxAttrs:       64,
		MaxDepth:       5,
		MaxValueBytes:  100,
	}
	if !reflect.DeepEqual(c.opts, want) {
		t.Errorf("options\n got %+v\nwant %+v", c.opts, want)
	}
	if !c.strict {
		t.Error("--strict not set")
	}
	if files := []string{"a.log", "-", "--not-a-flag.log"}; !reflect.DeepEqual(c.files, files) {
		t.Errorf("files %q, want %q", c.files, files)
	}

	c = parseConfig{}
	if err := readFlags(&c, parseFlags(&c), []string{"--format", "CAPAM"}); err != nil || c.opts.Format != core.FormatCAPAM {
		t.Errorf("--format CAPAM: %v, %v", c.opts.Format, err)
	}
}

// A bad flag exits 2 with a message naming it as typed, every bad flag at
// once, including those Options.Validate finds.
func TestBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msgs []string
	}{
		{[]string{"--max-attributes", "3"}, []string{"--max-attributes: must be at least 8"}},
		{[]string{"--max-depth=-1", "--max-value-bytes", "-5", "--max-record-bytes=-1"}, []string{"--max-depth: must not be negative", "--max-value-bytes: must not be negative", "--max-record-bytes: must not be negative"}},
		{[]string{"--redact-headers", "a,,b", "--redact-keys", " "}, []string{"--redact-headers: empty name", "--redact-keys: empty name"}},
		{[]string{"--formats", "passman,auto"}, []string{`--formats: unknown format "auto"`}},
		{[]string{"--format", "passman", "--formats", "capam"}, []string{"--formats: only with --format auto"}},
		{[]string{"--max-depth", "deep"}, []string{`--max-depth: "deep" is not a whole number`}},
		{[]string{"--strict=perhaps"}, []string{`--strict: "perhaps" is not true or false`}},
		{[]string{"--timezone="}, []string{`--timezone: unknown time zone ""`}},
		{[]string{"--format"}, []string{"--format: needs a value"}},
		{[]string{"-bogus", "--other=1"}, []string{"--bogus: unknown flag", "--other: unknown flag"}},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"parse"}, tc.args...), strings.NewReader(""), &out, &errb, testNow)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		for _, m := range tc.msgs {
			if !strings.Contains(errb.String(), "pamaudit: "+m) {
				t.Errorf("%v: %q does not say %q", tc.args, errb.String(), m)
			}
		}
		if out.Len() > 0 {
			t.Errorf("%v: output %q", tc.args, out.String())
		}
	}
}

// The usage lists every flag as users type it.
func TestUsage(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"parse", "--help"}, nil, &out, &out, testNow); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var c parseConfig
	for _, o := range parseFlags(&c) {
		if !strings.Contains(out.String(), "\n  --"+o.name+" ") {
			t.Errorf("usage lacks --%s:\n%s", o.name, out.String())
		}
	}
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "-") && !strings.HasPrefix(strings.TrimSpace(l), "--") {
			t.Errorf("single-dash flag in usage: %q", l)
		}
		if utf8.RuneCountInString(l) > 80 {
			t.Errorf("usage line longer than 80 columns: %q", l)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		var out bytes.Buffer
		if code := run([]string{arg}, nil, &out, &out, testNow); code != 0 || out.String() != "pamaudit devel\n" {
			t.Errorf("%s: exit %d, %q (a test binary has no module version)", arg, code, out.String())
		}
	}
}
