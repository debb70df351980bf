package record

import (
	"errors"
	"strconv"
	"testing"
)

// TestParseErrorQuotes: the message quotes its input as strconv.Quote does,
// whatever the bytes.
func TestParseErrorQuotes(t *testing.T) {
	for _, q := range []string{"24 Sep YYYY 15:40:46 M SHUTDOWN", `a "quoted" b`, `back\slash`, "tab\there", "caf\u00e9", "\xff\xfe", "~ \x7f", ""} {
		e := &ParseError{Format: FormatCAPAM, Offset: 7, Err: ErrBadTimestamp, quote: q}
		want := "capam: bad timestamp at byte 7"
		if q != "" {
			want += ": " + strconv.Quote(q)
		}
		if got := e.Error(); got != want {
			t.Errorf("Error() = %s, want %s", got, want)
		}
		if !errors.Is(e, ErrBadTimestamp) {
			t.Error("errors.Is lost the sentinel")
		}
	}
}
