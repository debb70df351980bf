package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/pamaudit/pamaudit/core"
)

// recordReader hands out the records of one input; core.Splitter is one. A
// record longer than the limit comes cut, with a *core.CutError.
type recordReader interface {
	Next() ([]byte, error)
}

// newRecordReader picks an input's framing from its start: octet-counted
// syslog (RFC 6587) when it starts with "<digits> <", else lines grouped by
// core.Splitter. maxRecordBytes is the compiled settings' (core.Compile
// applied its default).
func newRecordReader(r io.Reader, maxRecordBytes int) recordReader {
	br := bufio.NewReaderSize(r, 64<<10)
	bom := 0 // a BOM is looked for only when its first byte comes
	if b, _ := br.Peek(1); len(b) == 1 && b[0] == 0xef {
		if b, _ := br.Peek(3); string(b) == "\xef\xbb\xbf" {
			bom = 3
		}
	}
	if _, _, ok := frameHeader(br, bom); ok {
		br.Discard(bom)
		return &frames{r: br, max: maxRecordBytes}
	}
	return core.NewSplitter(br, maxRecordBytes)
}

// maxLenDigits bounds MSG-LEN: longer numbers are not a frame header.
const maxLenDigits = 9

// frameHeader reads, at off in r's unread bytes and without taking them,
// an octet-counted frame's header: MSG-LEN (digits, the first not 0) and a
// space, before a syslog message's "<". It returns MSG-LEN and the header's
// size. It waits for only as many bytes as it needs.
func frameHeader(r *bufio.Reader, off int) (n, size int, ok bool) {
	at := func(i int) (byte, bool) {
		b, _ := r.Peek(off + i + 1)
		if len(b) <= off+i {
			return 0, false
		}
		return b[off+i], true
	}
	for i := 0; ; i++ {
		c, more := at(i)
		switch {
		case !more:
			return 0, 0, false
		case c >= '0' && c <= '9' && i < maxLenDigits && (i > 0 || c != '0'):
			n = n*10 + int(c-'0')
		case c == ' ' && i > 0:
			if c, more := at(i + 1); more && c == '<' {
				return n, i + 1, true
			}
			return 0, 0, false
		default:
			return 0, 0, false
		}
	}
}

// frames reads octet-counted syslog (RFC 6587 3.4.1): each record is MSG-LEN
// SP SYSLOG-MSG, the message exactly MSG-LEN bytes, with or without line
// endings between the frames. A message longer than max keeps its first max
// bytes; the rest is read and dropped, and the record comes with a
// *core.CutError, as the splitter does with long lines (pieces of their own
// would cut through whatever stands at the cut, a secret's name and its
// value too). A frame the input ends inside is handed out as far as it goes,
// with a *frameCut. Bytes where a frame should start but does not (a wrong
// MSG-LEN) are a record of their own, up to a line ending or the next frame
// header, so frames after them are read again as frames; cut the same way
// past max.
type frames struct {
	r   *bufio.Reader
	max int
	buf []byte
}

// frameCut is a frame the input ended inside; large, when the frame was
// longer than the limit too.
type frameCut struct {
	got, want int
	large     *core.CutError
}

func (e *frameCut) Error() string {
	return fmt.Sprintf("octet-counted frame cut short: %d of %d bytes", e.got, e.want)
}

// Unwrap gives the *core.CutError of a frame that was too long too.
func (e *frameCut) Unwrap() error {
	if e.large == nil {
		return nil
	}
	return e.large
}

func (f *frames) Next() ([]byte, error) {
	for { // line endings between frames
		b, err := f.r.Peek(1)
		if len(b) == 0 {
			return nil, err
		}
		if b[0] != '\n' && b[0] != '\r' {
			break
		}
		f.r.Discard(1)
	}
	n, size, ok := frameHeader(f.r, 0)
	if !ok {
		return f.unframed()
	}
	f.r.Discard(size)
	return f.body(n)
}

// body reads a frame's message of n bytes: at most max of them are kept,
// the rest is read and dropped.
func (f *frames) body(n int) ([]byte, error) {
	take := min(n, f.max)
	if cap(f.buf) < take {
		f.buf = make([]byte, take)
	}
	got, err := io.ReadFull(f.r, f.buf[:take])
	var large *core.CutError
	if err == nil && n > take {
		d, derr := f.r.Discard(n - take) // through the reader's buffer
		large = &core.CutError{Kept: take, Dropped: int64(d), Limit: f.max}
		got += d
		err = derr
	}
	if err != nil {
		// The input ended (or failed) inside the frame: what there is of
		// it is still a record; the next call reports the error.
		return f.buf[:min(got, take)], &frameCut{got: got, want: n, large: large}
	}
	if large != nil {
		return f.buf[:take], large
	}
	return f.buf[:got], nil
}

// unframed hands out the bytes up to a line ending or the next frame
// header: at most max of them, the rest dropped.
func (f *frames) unframed() ([]byte, error) {
	f.buf = f.buf[:0]
	var dropped int64
	digit := false // the byte before is a digit
	for {
		if !digit && len(f.buf) > 0 {
			if _, _, ok := frameHeader(f.r, 0); ok {
				break
			}
		}
		c, err := f.r.ReadByte()
		if err != nil {
			if len(f.buf) > 0 {
				break
			}
			return nil, err
		}
		if c == '\n' {
			break
		}
		if len(f.buf) < f.max {
			f.buf = append(f.buf, c)
		} else {
			dropped++
		}
		digit = c >= '0' && c <= '9'
	}
	if dropped > 0 {
		return f.buf, &core.CutError{Kept: len(f.buf), Dropped: dropped, Limit: f.max}
	}
	return f.buf, nil
}
