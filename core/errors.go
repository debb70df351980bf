package core

import (
	"errors"
	"strconv"
)

// Sentinel errors. A ParseError wraps one of them; errors.Is finds it. Each
// has a short stable code that records carry in error.type.
var (
	ErrUnknownFormat = errors.New("unknown format")
	ErrMalformed     = errors.New("malformed record")
	ErrMalformedJSON = errors.New("malformed JSON")
	ErrBadTimestamp  = errors.New("bad timestamp")
	ErrTooLarge      = errors.New("record too large")
)

// errorCodes is the error.type value of each sentinel.
var errorCodes = [...]struct {
	err  error
	code string
}{
	{ErrUnknownFormat, "unknown_format"},
	{ErrMalformed, "malformed_record"},
	{ErrMalformedJSON, "malformed_json"},
	{ErrBadTimestamp, "bad_timestamp"},
	{ErrTooLarge, "record_too_large"},
}

func errorCode(err error) string {
	for _, e := range errorCodes {
		if errors.Is(err, e.err) {
			return e.code
		}
	}
	return "parse_error"
}

// maxQuote bounds how much input an error message quotes: audit lines carry
// secrets, and the quote is taken from the redacted text.
const maxQuote = 80

// ParseError says which format failed where. Offset is a byte offset into the
// record's text.
type ParseError struct {
	Format Format
	Offset int
	Err    error
	quote  string // at most maxQuote bytes of redacted input at Offset
}

func (e *ParseError) Error() string {
	msg := e.Format.String() + ": " + e.Err.Error() + " at byte " + strconv.Itoa(e.Offset)
	if e.quote != "" {
		msg += ": " + strconv.Quote(e.quote)
	}
	return msg
}

func (e *ParseError) Unwrap() error { return e.Err }

// errAt builds a ParseError; the quote is filled in by the Parser once the
// text is redacted.
func errAt(f Format, off int, err error) *ParseError {
	return &ParseError{Format: f, Offset: off, Err: err}
}

// quoteAt returns at most maxQuote bytes of s from off, cut at a rune start.
func quoteAt(s string, off int) string {
	if off < 0 || off >= len(s) {
		return ""
	}
	s = s[off:]
	if len(s) > maxQuote {
		n := maxQuote
		for n > 0 && s[n]&0xC0 == 0x80 {
			n--
		}
		s = s[:n]
	}
	return s
}
