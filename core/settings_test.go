package core

import (
	"errors"
	"strings"
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
