package jsonwalk

import (
	"strconv"
	"testing"
)

// refString is String as a byte loop: the oracle for the eight-byte scan.
func refString(t string, i int) (s0, s1, end int, esc, ctl bool) {
	s0 = i + 1
	for j := s0; j < len(t); j++ {
		switch c := t[j]; {
		case c == '\\':
			esc = true
			j++
		case c == '"':
			return s0, j, j + 1, esc, ctl
		case c < 0x20:
			ctl = true
		}
	}
	return s0, len(t), len(t) + 1, esc, ctl
}

// TestStringScan: every byte that matters (and its neighbours in value:
// 0x1f/0x20, '!' '#' around '"', '[' ']' around '\\', 0x7f, UTF-8 bytes) at
// every place of texts up to 24 bytes long, alone and in pairs, as str
// reads them from the opening quote.
func TestStringScan(t *testing.T) {
	bytes := []byte{0x00, 0x1f, 0x20, '!', '"', '#', '[', '\\', ']', 'a', 0x7f, 0x80, 0xc3, 0xff, '\n', '\t'}
	n := 0
	check := func(s string) {
		n++
		for i := 0; i < len(s) && i < 2; i++ {
			a0, a1, ae, aesc, actl := str(s, i)
			r0, r1, re, resc, rctl := refString(s, i)
			if a0 != r0 || a1 != r1 || ae != re || aesc != resc || actl != rctl {
				t.Fatalf("str(%q, %d) = %d %d %d %v %v, want %d %d %d %v %v", s, i, a0, a1, ae, aesc, actl, r0, r1, re, resc, rctl)
			}
		}
	}
	for size := 0; size <= 24; size++ {
		base := make([]byte, size)
		for i := range base {
			base[i] = 'x'
		}
		check(`"` + string(base))
		for p := 0; p < size; p++ {
			for _, c := range bytes {
				b := append([]byte(nil), base...)
				b[p] = c
				check(`"` + string(b))
				for q := p + 1; q < size; q += 3 {
					for _, d := range []byte{'"', '\\', 0x01, 0xe2} {
						b2 := append([]byte(nil), b...)
						b2[q] = d
						check(`"` + string(b2))
					}
				}
			}
		}
	}
	if n < 10000 {
		t.Fatalf("only %d texts checked", n)
	}
}

// TestSmallInt holds smallInt to strconv.ParseInt with JSON's number
// grammar: whatever it accepts, they accept with the same value.
func TestSmallInt(t *testing.T) {
	words := []string{"0", "-0", "7", "-7", "00", "01", "-01", "123456789012345678", "-123456789012345678",
		"1234567890123456789", "9223372036854775807", "-", "", "1a", "1.5", "1e3", "+1", "--1", " 1"}
	for n := int64(1); n < 1e18; n = n*7 + 3 {
		words = append(words, strconv.FormatInt(n, 10), strconv.FormatInt(-n, 10))
	}
	for _, w := range words {
		got, ok := smallInt(w)
		want, err := strconv.ParseInt(w, 10, 64)
		if ok && (err != nil || !isJSONNumber(w) || got != want) {
			t.Errorf("smallInt(%q) = %d, strconv: %d, %v", w, got, want, err)
		}
		if !ok && len(w) <= 18 && err == nil && isJSONNumber(w) {
			t.Errorf("smallInt(%q) refused a short JSON integer", w)
		}
	}
}
