package builder

import (
	"errors"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/record"
)

// A PassMan payload behind an RFC 5424 header: the product's offsets are
// the payload's, the spans and the error's are the whole line's.
func TestOffsets(t *testing.T) {
	const head = "<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 - - "
	const payload = `passman-audit(2301): type = login, token = t0k3n-value, user = "alice`
	line := head + payload
	b := newTest(10, 100)
	b.Start(line, now, false)
	b.SetBase(len(head))
	b.SetFormat(record.FormatPassMan, "passman.")
	i := strings.Index(payload, "t0k3n-value")
	b.Secret(i, i+len("t0k3n-value"))
	q := strings.Index(payload, `"alice`)
	err := record.ErrAt(record.FormatPassMan, q, record.ErrMalformed)
	b.Finish(line, err)
	r := b.Record()
	if strings.Contains(r.Body, "t0k3n-value") || !strings.HasPrefix(r.Body, head+"passman-audit(2301): type = login, token = ") {
		t.Errorf("body %q", r.Body)
	}
	var pe *record.ParseError
	if !errors.As(err, &pe) || pe.Offset != len(head)+q {
		t.Fatalf("offset %d, want %d", pe.Offset, len(head)+q)
	}
	if msg := str(t, r, record.AttrErrorMessage); !strings.Contains(msg, `"alice`) {
		t.Errorf("error.message %q does not quote the place", msg)
	}
}

func TestOffsetSpan(t *testing.T) {
	o := offsets{base: 54}
	if s, e := o.span(18, 25); s != 72 || e != 79 {
		t.Errorf("span %d, %d", s, e)
	}
	// An error offset inside a secret quotes from the secret's start.
	const s = "token = t0k3n-value rest"
	r := redact.NewKeyed(nil, nil, true, nil)
	spans := []redact.Span{{Start: 8, End: 19}}
	red := string(r.Replace(nil, s, spans))
	err := record.ErrAt(record.FormatPassMan, 10, record.ErrMalformed)
	offsets{}.quote(err, s, red, spans, &r)
	if !strings.Contains(err.Error(), "[REDACTED] rest") || strings.Contains(err.Error(), "t0k3n") {
		t.Errorf("%v", err)
	}
}
