package core

import (
	"testing"

	"github.com/pamaudit/pamaudit/record"
)

// TestUnknownFormat: text that no product's sniff recognises and no framing
// names is kept as body, with error.type unknown_format (moved from the
// PassMan tests: detection is core's).
func TestUnknownFormat(t *testing.T) {
	p := damageParser(t)
	r, err := p.ParseString("hello world")
	if err == nil || r.Body != "hello world" {
		t.Fatalf("err %v body %q", err, r.Body)
	}
	if a, _ := r.Get(record.AttrErrorType); a.Str != "unknown_format" {
		t.Errorf("error.type %q", a.Str)
	}
}
