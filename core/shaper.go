package core

import (
	"github.com/pamaudit/pamaudit/internal/schema/ecs"
	"github.com/pamaudit/pamaudit/internal/schema/ocsf"
)

// A Shaper maps records of the OpenTelemetry schema, the ones the products
// build, onto the schema of Options.Schema: the last step of Parse. A face
// that adds attributes of its own to parsed records, or builds records
// itself (the Fluent Bit plugin), parses in SchemaOTel and shapes after, so
// that what it adds is mapped too. The tables are prepared once, by
// NewShaper; a Shaper is reused from record to record and must not be
// shared between goroutines.
type Shaper struct {
	schema Schema
	ecs    *ecs.Mapper
	ocsf   *ocsf.Mapper
}

// NewShaper compiles opts (Compile) and returns a Shaper for its Schema (a
// face that compiled already calls Settings.NewShaper); NoOriginal leaves
// the original text out of OCSF's raw_data and ECS's event.original,
// NoOCSFCaptions the captions out of OCSF events.
func NewShaper(opts Options) (*Shaper, error) {
	s, err := Compile(opts)
	if err != nil {
		return nil, err
	}
	return s.NewShaper(), nil
}

func newShaper(opts Options) *Shaper {
	s := &Shaper{schema: opts.Schema}
	switch opts.Schema {
	case SchemaECS:
		s.ecs = ecs.New(ecs.Options{KeepOriginal: !opts.NoOriginal, Products: opts.Products})
	case SchemaOCSF:
		s.ocsf = ocsf.New(ocsf.Options{KeepOriginal: !opts.NoOriginal, NoCaptions: opts.NoOCSFCaptions, Products: opts.Products})
	}
	return s
}

// Shape returns rec in the Shaper's schema: rec itself for SchemaOTel,
// otherwise a record of the Shaper's, valid until the next call. rec must be
// in SchemaOTel. The record's keys are unique (Record.Unique): what a face
// added may repeat a key of the parser's, or meet one under the schema's
// names.
func (s *Shaper) Shape(rec *Record) *Record {
	rec = s.built(rec)
	rec.Unique()
	return rec
}

// built is Shape for the record the builder just finished: its keys are
// unique (the builder merges them as it adds them) and the mappings keep
// them so (TestHostileCore checks every schema), so the check Shape makes
// for a face's additions is spared the parser.
func (s *Shaper) built(rec *Record) *Record {
	switch s.schema {
	case SchemaECS:
		return s.ecs.Map(rec)
	case SchemaOCSF:
		return s.ocsf.Map(rec)
	}
	return rec
}
