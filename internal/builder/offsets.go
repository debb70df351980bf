package builder

import (
	"errors"

	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/record"
)

// offsets maps the offsets a product gives, in its text (the payload
// inside the framings), to the original text, and those to the redacted
// text an error quotes.
type offsets struct {
	base int // offset of the product's text in the original
}

// span returns the product's span [start, end) in the original text.
func (o offsets) span(start, end int) (int, int) { return o.base + start, o.base + end }

// quote moves err's offset, when it is a *record.ParseError, from the
// product's text to s, the original text, and has it quote redacted, the
// text redacted by spans (an offset inside a secret maps to its start).
func (o offsets) quote(err error, s, redacted string, spans []redact.Span, r *redact.Redactor) {
	var pe *record.ParseError
	if errors.As(err, &pe) {
		pe.Offset += o.base // the product's offset, in the whole text
		pe.SetQuote(redacted, r.MapOffset(s, spans, pe.Offset))
	}
}
