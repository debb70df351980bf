package record

import (
	"errors"
	"strconv"
	"unsafe"
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

// ErrorCodes lists the error.type value of each sentinel.
var ErrorCodes = [...]struct {
	Err  error
	Code string
}{
	{ErrUnknownFormat, "unknown_format"},
	{ErrMalformed, "malformed_record"},
	{ErrMalformedJSON, "malformed_json"},
	{ErrBadTimestamp, "bad_timestamp"},
	{ErrTooLarge, "record_too_large"},
}

// ErrorCode is the error.type value of err: a sentinel's code, else
// parse_error.
func ErrorCode(err error) string {
	for _, e := range ErrorCodes {
		if errors.Is(err, e.Err) {
			return e.Code
		}
	}
	return "parse_error"
}

// MaxQuote bounds how much input an error message quotes: audit lines carry
// secrets, and the quote is taken from the redacted text.
const MaxQuote = 80

// ParseError says which format failed where. Offset is a byte offset into the
// record's text.
type ParseError struct {
	Format Format
	Offset int
	Err    error
	quote  string // at most MaxQuote bytes of redacted input at Offset, in qbuf
	// qbuf holds the quote: one allocation per error, not two (a record
	// with a bad timestamp allocated a fifth of its parse's cost).
	qbuf [MaxQuote]byte
}

func (e *ParseError) Error() string { return string(e.AppendError(nil)) }

// AppendError appends the message Error returns to b: a caller with a buffer
// of its own (the builder's, reused from record to record) makes no string.
func (e *ParseError) AppendError(b []byte) []byte {
	b = append(b, e.Format.String()...)
	b = append(b, ": "...)
	b = append(b, e.Err.Error()...)
	b = append(b, " at byte "...)
	b = strconv.AppendInt(b, int64(e.Offset), 10)
	if e.quote != "" {
		b = append(b, ": "...)
		b = appendQuoted(b, e.quote)
	}
	return b
}

// appendQuoted appends strconv.Quote(s): most quotes are printable ASCII
// without a quote or backslash, which need no rune-by-rune escaping (it was
// a sixth of parsing a record with a bad timestamp).
func appendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func (e *ParseError) Unwrap() error { return e.Err }

// SetQuote sets the input the message quotes: at most MaxQuote bytes of the
// redacted text from off. It is a copy: the error outlives the text, which
// Parser.Parse reuses.
func (e *ParseError) SetQuote(redacted string, off int) {
	n := copy(e.qbuf[:], Quote(redacted, off))
	e.quote = unsafe.String(&e.qbuf[0], n)
}

// ErrAt builds a ParseError; the quote is filled in by the Parser once the
// text is redacted (SetQuote).
func ErrAt(f Format, off int, err error) *ParseError {
	return &ParseError{Format: f, Offset: off, Err: err}
}

// Quote returns at most MaxQuote bytes of s from off, cut at a rune start.
func Quote(s string, off int) string {
	if off < 0 || off >= len(s) {
		return ""
	}
	s = s[off:]
	if len(s) > MaxQuote {
		n := MaxQuote
		for n > 0 && s[n]&0xC0 == 0x80 {
			n--
		}
		s = s[:n]
	}
	return s
}
