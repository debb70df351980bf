package core

import (
	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/record"
)

// redactSpans returns s with every recorded secret span replaced. Without
// secrets it returns s itself (no copy).
func (p *Parser) redactSpans(s string) string {
	if len(p.spans) == 0 {
		return s
	}
	p.scratch = redact.Replace(p.scratch[:0], s, p.spans)
	return string(p.scratch)
}

// bearer is redact.Bearer for a value of the current record.
func (p *Parser) bearer(v string) (int, int, bool) {
	if !p.mayBearer {
		return 0, 0, false
	}
	return redact.Bearer(v)
}

// redactedOffset maps an offset of the text to the redacted text (spans are
// sorted by redactSpans); an offset inside a secret maps to its start.
func (p *Parser) redactedOffset(off int) int {
	shift, last := 0, 0
	for _, x := range p.spans {
		if x.Start < last {
			if x.End <= last {
				continue
			}
			x.Start = last
		}
		if off < x.End {
			if off >= x.Start {
				off = x.Start
			}
			break
		}
		n := len(record.Redacted)
		if x.Quote {
			n += 2
		}
		shift += n - (x.End - x.Start)
		last = x.End
	}
	return off + shift
}

// looseSecrets finds secrets in text: a secret name followed by ':' or '='
// in any quoting form (see secretValue) and its value, and bearer tokens. The
// spans go to the redaction of the original.
func (p *Parser) looseSecrets(s string, bearer bool) {
	if p.redact.Enabled() {
		p.spans = p.redact.Find(s, 0, p.spans, bearer)
	}
}
