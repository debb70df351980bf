package record

import (
	"errors"
	"strings"
)

// Format identifies a source product.
type Format uint8

// The formats. FormatAuto detects the format of each record.
const (
	FormatAuto Format = iota
	FormatPassMan
	FormatCAPAM
	FormatNetwrix
)

var formatNames = [...]string{
	FormatAuto:    "auto",
	FormatPassMan: "passman",
	FormatCAPAM:   "capam",
	FormatNetwrix: "netwrix",
}

func (f Format) String() string { return nameOf(formatNames[:], int(f)) }

// MarshalText implements encoding.TextMarshaler.
func (f Format) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText accepts the names String returns, in any case.
func (f *Format) UnmarshalText(b []byte) error { return parseName(f, "format", formatNames[:], b) }

// nameOf is the String of an enumeration (Format, Schema) whose names are
// names.
func nameOf(names []string, i int) string {
	if i < len(names) {
		return names[i]
	}
	return "unknown"
}

// parseName is the UnmarshalText of an enumeration of what (format,
// schema): *p is the index of the name b, in any case.
func parseName[T ~uint8](p *T, what string, names []string, b []byte) error {
	for i, n := range names {
		if strings.EqualFold(n, string(b)) {
			*p = T(i)
			return nil
		}
	}
	last := len(names) - 1
	return errors.New("unknown " + what + " " + Quote(string(b), 0) + " (want " + strings.Join(names[:last], ", ") + " or " + names[last] + ")")
}
