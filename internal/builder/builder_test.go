package builder

import (
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/record"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// newTest returns a builder with redaction on and the given limits.
func newTest(maxAttrs, maxValueBytes int) *Builder {
	return New(Settings{Location: time.UTC, MaxAttrs: maxAttrs, MaxValueBytes: maxValueBytes, Redact: redact.NewKeyed(nil, nil, true, nil)})
}

// started returns a builder that started text as a record of format f.
func started(text string, f record.Format, prefix string) *Builder {
	b := newTest(20, 200)
	b.Start(text, now, false)
	b.SetFormat(f, prefix)
	return b
}

func str(t *testing.T, r *record.Record, key string) string {
	t.Helper()
	a, ok := r.Get(key)
	if !ok {
		t.Fatalf("no %s in %v", key, r.Attrs)
	}
	return a.Str
}

// The record under construction: limits, the last value of a key wins in
// its first place, the framing's fields give way.
func TestRecordLimits(t *testing.T) {
	const line = "2026-03-05T12:00:00Z pm-node1 passman: passman-audit(1): type = login, user = alice, user = bob"
	b := newTest(4, 8)
	b.Start(line, now, false)
	b.Frame(time.Time{}, "", "pm-node1", "passman", "1", nil)
	if b.Framed(record.AttrUserName) != true || b.Framed(record.AttrHostName) != true {
		t.Error("Framed: a framing's field or an absent key must give way")
	}
	b.SetFormat(record.FormatPassMan, "passman.")
	b.AddStr(record.AttrUserName, "alice")
	if b.Framed(record.AttrUserName) {
		t.Error("Framed: the record's own field")
	}
	b.AddStr(record.AttrUserName, "bob")
	b.AddStr(record.AttrEventAction, "login") // the fifth attribute: cut
	b.Finish(line, nil)
	r := b.Record()
	if got := str(t, r, record.AttrUserName); got != "bob" {
		t.Errorf("user.name %q, want the last value", got)
	}
	if r.Attrs[3].Key != record.AttrUserName {
		t.Errorf("user.name moved: %v", r.Attrs)
	}
	if a, ok := r.Get("passman.truncated"); !ok || a.Int != 1 {
		t.Errorf("passman.truncated %v", a)
	}
	if r.Body != line || r.ObservedTime != now {
		t.Errorf("body %q observed %v", r.Body, r.ObservedTime)
	}
}

func TestValueCutAtRune(t *testing.T) {
	b := newTest(10, 5)
	b.Start("user = jürgen", now, false)
	b.AddStr(record.AttrUserName, "jürgen") // 5 bytes: "jürg"
	b.AddStr(record.AttrUserFullName, "jjjjü")
	b.Finish("user = jürgen", nil)
	r := b.Record()
	if got := str(t, r, record.AttrUserName); got != "jürg" {
		t.Errorf("user.name %q", got)
	}
	if got := str(t, r, record.AttrUserFullName); got != "jjjj" {
		t.Errorf("user.full_name %q, want the cut before the rune", got)
	}
}

// A message body keeps the original text beside it, redacted.
func TestMessage(t *testing.T) {
	const line = `{"msg":"token create","password":"hunter22"}`
	b := newTest(10, 100)
	b.Start(line, now, false)
	b.SetFormat(record.FormatNetwrix, "netwrix.")
	b.SetMessage("token create")
	b.Finish(line, nil)
	r := b.Record()
	if !r.HasMessage || r.Body != "token create" {
		t.Fatalf("body %q", r.Body)
	}
	orig := str(t, r, record.AttrLogRecordOriginal)
	if strings.Contains(orig, "hunter22") || !strings.Contains(orig, `"msg":"token create"`) {
		t.Errorf("log.record.original %q", orig)
	}
	if b.Redactions() != 1 {
		t.Errorf("Redactions %d", b.Redactions())
	}
}

func TestSeverityFromOutcome(t *testing.T) {
	b := newTest(10, 100)
	b.Start("type = login, result = failure", now, false)
	b.SetOutcome(record.OutcomeFailure)
	b.Finish("type = login, result = failure", nil)
	if r := b.Record(); r.SeverityNumber != record.SevWarn {
		t.Errorf("severity %d, want warn", r.SeverityNumber)
	}
}
