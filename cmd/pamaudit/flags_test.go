package main

import (
	"bytes"
	"os"
	"path/filepath"
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
		{[]string{"--redact-mode", "sha1"}, []string{`--redact-mode: "sha1" is not mask or hmac`}},
		{[]string{"--redact-mode", "hmac"}, []string{"--redact-mode: hmac needs a key"}},
		{[]string{"--redact-mode", "hmac", "--redact-key-file", "/nonexistent/pamaudit.key"}, []string{"--redact-key-file: cannot read the key file"}},
		{[]string{"--redact-mode=hmac", "--redact-key-env", "PAMAUDIT_NO_SUCH_KEY"}, []string{"--redact-key-env: the environment variable PAMAUDIT_NO_SUCH_KEY is not set"}},
		{[]string{"--redact-key-env", "HOME"}, []string{"--redact-key-env: a key is only read with redact_mode hmac"}},
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

// --redact-mode hmac: the records are the hmac goldens; the summary counts
// the secrets; the key is in no output.
func TestParseHMAC(t *testing.T) {
	const key = "pamaudit-test-key-0123456789"
	file := filepath.Join(t.TempDir(), "key")
	os.WriteFile(file, []byte(key+"\n"), 0o600)
	var out, errb bytes.Buffer
	code := run([]string{"parse", "--redact-mode", "hmac", "--redact-key-file", file, "../../testdata/hmac/secrets.log"}, nil, &out, &errb, testNow)
	want, _ := os.ReadFile("../../testdata/hmac/secrets.hmac.ndjson")
	if code != 0 || out.String() != string(want) {
		t.Errorf("exit %d:\n%s\nwant\n%s", code, out.String(), want)
	}
	if s := errb.String(); s != "passman: 3 records, 0 failed, 6 secrets redacted\ncapam: 1 record, 0 failed, 1 secret redacted\nnetwrix: 3 records, 0 failed, 10 secrets redacted\n" {
		t.Errorf("summary %q", s)
	}
	if strings.Contains(out.String()+errb.String(), key) {
		t.Error("the key is in the output")
	}
}
