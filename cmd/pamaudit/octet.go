package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/pamaudit/pamaudit/core"
)

// recordReader hands out the records of one input; core.Splitter is one.
type recordReader interface {
	Next() ([]byte, error)
}

// newRecordReader picks an input's framing from its start: octet-counted
// syslog (RFC 6587) when it starts with "<digits> <", else lines grouped by
// core.Splitter.
func newRecordReader(r io.Reader, maxRecordBytes int) recordReader {
	if maxRecordBytes <= 0 {
		maxRecordBytes = core.DefaultMaxRecordBytes
	}
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
// endings between the frames. A message longer than max is handed out in
// pieces of max bytes, as the splitter cuts long lines. A frame the input
// ends inside is handed out as far as it goes, with a *frameCut. Bytes
// where a frame should start but does not (a wrong MSG-LEN) are a record of
// their own, up to a line ending or the next frame header, so frames after
// them are read again as frames.
type frames struct {
	r   *bufio.Reader
	max int
	buf []byte

	want int // the current frame's MSG-LEN
	rest int // its bytes not handed out yet
}

// frameCut is a frame the input ended inside.
type frameCut struct{ got, want int }

func (e *frameCut) Error() string {
	return fmt.Sprintf("octet-counted frame cut short: %d of %d bytes", e.got, e.want)
}

func (f *frames) Next() ([]byte, error) {
	if f.rest > 0 {
		return f.body()
	}
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
	f.want, f.rest = n, n
	return f.body()
}

// body hands out the current frame's next piece.
func (f *frames) body() ([]byte, error) {
	take := min(f.rest, f.max)
	if cap(f.buf) < take {
		f.buf = make([]byte, take)
	}
	got, err := io.ReadFull(f.r, f.buf[:take])
	f.rest -= got
	if err != nil {
		// The input ended (or failed) inside the frame: what there is of
		// it is still a record; the next call reports the error.
		cut := &frameCut{got: f.want - f.rest, want: f.want}
		f.rest = 0
		return f.buf[:got], cut
	}
	return f.buf[:got], nil
}

// unframed hands out the bytes up to a line ending or the next frame
// header, at most max.
func (f *frames) unframed() ([]byte, error) {
	f.buf = f.buf[:0]
	digit := false // the byte before is a digit
	for len(f.buf) < f.max {
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
		f.buf = append(f.buf, c)
		digit = c >= '0' && c <= '9'
	}
	return f.buf, nil
}
