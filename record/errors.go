package record

import (
	"errors"
	"strconv"
	"strings"
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
	quote  string // at most MaxQuote bytes of redacted input at Offset
}

func (e *ParseError) Error() string {
	var b strings.Builder
	msg := e.Err.Error()
	b.Grow(len(msg) + len(e.quote) + 40)
	b.WriteString(e.Format.String())
	b.WriteString(": ")
	b.WriteString(msg)
	b.WriteString(" at byte ")
	b.WriteString(strconv.Itoa(e.Offset))
	if e.quote != "" {
		b.WriteString(": ")
		writeQuoted(&b, e.quote)
	}
	return b.String()
}

// writeQuoted writes strconv.Quote(s): most quotes are printable ASCII
// without a quote or backslash, which need no rune-by-rune escaping (it was
// a sixth of parsing a record with a bad timestamp).
func writeQuoted(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			b.WriteString(strconv.Quote(s))
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

func (e *ParseError) Unwrap() error { return e.Err }

// SetQuote sets the input the message quotes: at most MaxQuote bytes of the
// redacted text from off. It is a copy: the error outlives the text, which
// Parser.Parse reuses.
func (e *ParseError) SetQuote(redacted string, off int) {
	e.quote = strings.Clone(Quote(redacted, off))
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
