package core

import "github.com/pamaudit/pamaudit/record"

// The record model lives in package record; these names keep the core's
// API whole for its users.
type (
	Record     = record.Record
	Attr       = record.Attr
	Kind       = record.Kind
	Format     = record.Format
	ParseError = record.ParseError
	Schema     = record.Schema
)

// The output schemas (Options.Schema).
const (
	SchemaOTel = record.SchemaOTel
	SchemaECS  = record.SchemaECS
	SchemaOCSF = record.SchemaOCSF
)

// Attribute value kinds.
const (
	KindString  = record.KindString
	KindInt     = record.KindInt
	KindBool    = record.KindBool
	KindStrings = record.KindStrings
	KindMap     = record.KindMap
)

// The formats. FormatAuto detects the format of each record.
const (
	FormatAuto    = record.FormatAuto
	FormatPassMan = record.FormatPassMan
	FormatCAPAM   = record.FormatCAPAM
	FormatNetwrix = record.FormatNetwrix
)

// Sentinel errors; see package record.
var (
	ErrUnknownFormat = record.ErrUnknownFormat
	ErrMalformed     = record.ErrMalformed
	ErrMalformedJSON = record.ErrMalformedJSON
	ErrBadTimestamp  = record.ErrBadTimestamp
	ErrTooLarge      = record.ErrTooLarge
)

// ErrorType is the error.type of a parse error (ErrUnknownFormat gives
// unknown_format, …).
func ErrorType(err error) string { return record.ErrorCode(err) }

// ErrorTypes lists the error.type values the core gives.
func ErrorTypes() []string {
	out := make([]string, len(record.ErrorCodes))
	for i, e := range record.ErrorCodes {
		out[i] = e.Code
	}
	return out
}
