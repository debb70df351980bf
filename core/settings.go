package core

import "time"

// Settings are Options checked and completed, once: Compile validates them
// (Options.Validate, every wrong key named), reads the HMAC key, and applies
// every default, here and nowhere else. A Settings is immutable; it may be
// shared by any number of goroutines, each making its own Parser and Shaper
// from it. A face compiles its configuration once per instance (the
// processor, the plugin, the command) and hands the result to every worker:
//
//	s, err := core.Compile(opts) // errors name the key: max_attributes: ...
//	...
//	p := s.NewParser() // one per goroutine, no error, nothing read again
type Settings struct {
	opts Options // completed: limits, Location, Now and Products set, the key read
}

// Compile checks opts and returns them completed as Settings. The error is
// Validate's: every wrong option, each an *OptionError naming its key.
func Compile(opts Options) (*Settings, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	for _, l := range []struct {
		v   *int
		def int
	}{
		{&opts.MaxRecordBytes, DefaultMaxRecordBytes},
		{&opts.MaxAttrs, DefaultMaxAttrs},
		{&opts.MaxDepth, DefaultMaxDepth},
		{&opts.MaxValueBytes, DefaultMaxValueBytes},
	} {
		if *l.v == 0 {
			*l.v = l.def
		}
	}
	if opts.Products == nil {
		opts.Products = DefaultProducts()
	}
	return &Settings{opts: opts}, nil
}

// Options returns the options the Settings were compiled from, completed:
// no limit is zero, Location, Now and Products are set. Its slices are the Settings':
// do not modify them.
func (s *Settings) Options() Options { return s.opts }

// OTel returns the same settings in SchemaOTel, for a face that adds
// attributes of its own to parsed records and then shapes them into the
// configured schema with s.NewShaper() (the Fluent Bit plugin). Nothing is
// checked or read again.
func (s *Settings) OTel() *Settings {
	if s.opts.Schema == SchemaOTel {
		return s
	}
	o := *s
	o.opts.Schema = SchemaOTel
	return &o
}

// NewShaper returns a Shaper for the schema of s.
func (s *Settings) NewShaper() *Shaper { return newShaper(s.opts) }
