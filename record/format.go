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

func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "unknown"
}

// MarshalText implements encoding.TextMarshaler.
func (f Format) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText accepts the names String returns, in any case.
func (f *Format) UnmarshalText(b []byte) error {
	for i, n := range formatNames {
		if strings.EqualFold(n, string(b)) {
			*f = Format(i)
			return nil
		}
	}
	last := len(formatNames) - 1
	return errors.New("unknown format " + Quote(string(b), 0) + " (want " + strings.Join(formatNames[:last], ", ") + " or " + formatNames[last] + ")")
}
