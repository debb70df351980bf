package envelope

import "github.com/pamaudit/pamaudit/internal/builder"

// Into hands what the framings say of the record to its builder, before the
// product reads the payload: the original text when a wrapper decoded it,
// where the payload starts in the text (or that it is a decoded copy), and
// the header's fields.
func (f *Frame) Into(b *builder.Builder) {
	if f.Orig != "" {
		b.SetOriginal(f.Orig)
	}
	b.SetBase(f.Offset)
	if f.Decoded {
		b.SetDecoded(f.Payload)
	}
	b.Frame(f.Time, f.TimeText, f.Host, f.App, f.PID, f.Attrs)
}
