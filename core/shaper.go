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

// NewShaper validates opts (Options.Validate) and returns a Shaper for its
// Schema; NoOriginal leaves the original text out of OCSF's raw_data and
// ECS's event.original, NoOCSFCaptions the captions out of OCSF events.
func NewShaper(opts Options) (*Shaper, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return newShaper(opts), nil
}

func newShaper(opts Options) *Shaper {
	s := &Shaper{schema: opts.Schema}
	switch opts.Schema {
	case SchemaECS:
		s.ecs = ecs.New(ecs.Options{KeepOriginal: !opts.NoOriginal})
	case SchemaOCSF:
		s.ocsf = ocsf.New(ocsf.Options{KeepOriginal: !opts.NoOriginal, NoCaptions: opts.NoOCSFCaptions})
	}
	return s
}

// Shape returns rec in the Shaper's schema: rec itself for SchemaOTel,
// otherwise a record of the Shaper's, valid until the next call. rec must be
// in SchemaOTel. The record's keys are unique (Record.Unique): the schema's
// names, and what a face added, may have met.
func (s *Shaper) Shape(rec *Record) *Record {
	switch s.schema {
	case SchemaECS:
		rec = s.ecs.Map(rec)
	case SchemaOCSF:
		rec = s.ocsf.Map(rec)
	}
	rec.Unique()
	return rec
}

// built is Shape for the record the builder just finished, whose keys the
// builder made unique as it added them: in SchemaOTel it is the record
// already (the Fluent Bit plugin, which parses in SchemaOTel and shapes
// after adding its own, would pay twice).
func (s *Shaper) built(rec *Record) *Record {
	if s.schema == SchemaOTel {
		return rec
	}
	return s.Shape(rec)
}
