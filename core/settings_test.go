package core

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Compile fails once for each wrong key, naming it, and makes nothing.
func TestCompileErrors(t *testing.T) {
	s, err := Compile(Options{MaxAttrs: 3, MaxDepth: -1, RedactKeys: []string{" "}})
	if s != nil {
		t.Error("settings made from wrong options")
	}
	want := []string{"max_depth", "max_attributes", "redact_keys"}
	var got []string
	for _, e := range unjoinErr(err) {
		var oe *OptionError
		if !errors.As(e, &oe) {
			t.Fatalf("%v is not an *OptionError", e)
		}
		got = append(got, oe.Key)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("keys %q, want %q (each once)", got, want)
	}
}

func unjoinErr(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// The defaults are applied by Compile: Options() has every limit, the
// zone and the clock; values set are kept.
func TestCompileDefaults(t *testing.T) {
	s, err := Compile(Options{MaxDepth: 4})
	if err != nil {
		t.Fatal(err)
	}
	o := s.Options()
	if o.MaxRecordBytes != DefaultMaxRecordBytes || o.MaxAttrs != DefaultMaxAttrs || o.MaxValueBytes != DefaultMaxValueBytes ||
		o.MaxDepth != 4 || o.Location != time.UTC || o.Now == nil {
		t.Errorf("completed options %+v", o)
	}
	if s.OTel() != s {
		t.Error("OTel of settings in SchemaOTel is not themselves")
	}
	ocsf, err := Compile(Options{Schema: SchemaOCSF, MaxDepth: 4})
	if err != nil {
		t.Fatal(err)
	}
	if o := ocsf.OTel().Options(); o.Schema != SchemaOTel || o.MaxDepth != 4 {
		t.Errorf("OTel: schema %v, max depth %d", o.Schema, o.MaxDepth)
	}
	if ocsf.Options().Schema != SchemaOCSF {
		t.Error("OTel changed the settings it was called on")
	}
}

// The key is read once, by Compile: the parsers made after, from any
// goroutine, use it though the file is gone, while compiling again fails
// naming the key's option.
func TestCompileReadsOnce(t *testing.T) {
	file := filepath.Join(t.TempDir(), "key")
	os.WriteFile(file, []byte(testKey), 0o600)
	opts := Options{RedactMode: RedactHMAC, RedactKeyFile: file, Now: func() time.Time { return testNow }}
	s, err := Compile(opts)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(file)
	var wg sync.WaitGroup
	got := make([]string, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _ := s.NewParser().ParseString(`{"msg":"x","password":"v"}`)
			a, _ := r.Get("netwrix.password")
			got[i] = a.Str
		}()
	}
	wg.Wait()
	for i, g := range got {
		if g != pseudo("v") {
			t.Errorf("parser %d: password %q, want %q", i, g, pseudo("v"))
		}
	}
	var oe *OptionError
	if _, err := Compile(opts); !errors.As(err, &oe) || oe.Key != "redact_key_file" {
		t.Errorf("compiling without the file: %v", err)
	}
}
