package main

import (
	"encoding/binary"
	"errors"
	"math"
)

// The MessagePack reader. Only what Fluent Bit writes is supported; anything
// else is an error, never a panic.

var errMsgpack = errors.New("malformed msgpack")

// mpKind is the kind of a decoded value.
type mpKind uint8

const (
	mpNil mpKind = iota
	mpBool
	mpInt
	mpUint
	mpFloat
	mpStr // str or bin
	mpArray
	mpMap
	mpExt
)

// mpValue is a decoded scalar, or the header of an array or map (n
// elements or pairs follow). s is a slice of the chunk.
type mpValue struct {
	kind    mpKind
	b       bool
	i       int64
	u       uint64
	f       float64
	s       []byte // str, bin or ext data
	n       int    // array or map length
	extType int8
}

type mpReader struct {
	buf []byte
	pos int
}

func (r *mpReader) need(n int) ([]byte, error) {
	if n < 0 || r.pos+n > len(r.buf) || r.pos+n < r.pos {
		return nil, errMsgpack
	}
	b := r.buf[r.pos : r.pos+n]
	r.pos += n
	return b, nil
}

func (r *mpReader) u8() (uint8, error) {
	b, err := r.need(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (r *mpReader) be(n int) (uint64, error) {
	b, err := r.need(n)
	if err != nil {
		return 0, err
	}
	switch n {
	case 1:
		return uint64(b[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(b)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(b)), nil
	}
	return binary.BigEndian.Uint64(b), nil
}

// next reads one value; for arrays and maps only the header.
func (r *mpReader) next() (mpValue, error) {
	c, err := r.u8()
	if err != nil {
		return mpValue{}, err
	}
	switch {
	case c <= 0x7f:
		return mpValue{kind: mpInt, i: int64(c)}, nil
	case c >= 0xe0:
		return mpValue{kind: mpInt, i: int64(int8(c))}, nil
	case c&0xf0 == 0x80:
		return mpValue{kind: mpMap, n: int(c & 0x0f)}, nil
	case c&0xf0 == 0x90:
		return mpValue{kind: mpArray, n: int(c & 0x0f)}, nil
	case c&0xe0 == 0xa0:
		s, err := r.need(int(c & 0x1f))
		return mpValue{kind: mpStr, s: s}, err
	}
	switch c {
	case 0xc0:
		return mpValue{kind: mpNil}, nil
	case 0xc2, 0xc3:
		return mpValue{kind: mpBool, b: c == 0xc3}, nil
	case 0xc4, 0xc5, 0xc6, 0xd9, 0xda, 0xdb: // bin8/16/32, str8/16/32
		base := byte(0xc4)
		if c >= 0xd9 {
			base = 0xd9
		}
		n, err := r.be(1 << (c - base))
		if err != nil {
			return mpValue{}, err
		}
		if n > uint64(len(r.buf)) {
			return mpValue{}, errMsgpack
		}
		s, err := r.need(int(n))
		return mpValue{kind: mpStr, s: s}, err
	case 0xc7, 0xc8, 0xc9: // ext8/16/32
		n, err := r.be(1 << (c - 0xc7))
		if err != nil {
			return mpValue{}, err
		}
		t, err := r.u8()
		if err != nil || n > uint64(len(r.buf)) {
			return mpValue{}, errMsgpack
		}
		s, err := r.need(int(n))
		return mpValue{kind: mpExt, extType: int8(t), s: s}, err
	case 0xca:
		v, err := r.be(4)
		return mpValue{kind: mpFloat, f: float64(math.Float32frombits(uint32(v)))}, err
	case 0xcb:
		v, err := r.be(8)
		return mpValue{kind: mpFloat, f: math.Float64frombits(v)}, err
	case 0xcc, 0xcd, 0xce, 0xcf:
		v, err := r.be(1 << (c - 0xcc))
		return mpValue{kind: mpUint, u: v}, err
	case 0xd0:
		v, err := r.be(1)
		return mpValue{kind: mpInt, i: int64(int8(v))}, err
	case 0xd1:
		v, err := r.be(2)
		return mpValue{kind: mpInt, i: int64(int16(v))}, err
	case 0xd2:
		v, err := r.be(4)
		return mpValue{kind: mpInt, i: int64(int32(v))}, err
	case 0xd3:
		v, err := r.be(8)
		return mpValue{kind: mpInt, i: int64(v)}, err
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext 1/2/4/8/16
		t, err := r.u8()
		if err != nil {
			return mpValue{}, err
		}
		s, err := r.need(1 << (c - 0xd4))
		return mpValue{kind: mpExt, extType: int8(t), s: s}, err
	case 0xdc, 0xdd:
		n, err := r.be(2 << (c - 0xdc))
		if n > uint64(len(r.buf)) {
			return mpValue{}, errMsgpack
		}
		return mpValue{kind: mpArray, n: int(n)}, err
	case 0xde, 0xdf:
		n, err := r.be(2 << (c - 0xde))
		if n > uint64(len(r.buf)) {
			return mpValue{}, errMsgpack
		}
		return mpValue{kind: mpMap, n: int(n)}, err
	}
	return mpValue{}, errMsgpack // 0xc1, never used
}

// pair reads a map entry: its key, which must be a string, and its value
// (for an array or map, only the header).
func (r *mpReader) pair() (k, v mpValue, err error) {
	if k, err = r.next(); err != nil || k.kind != mpStr {
		return k, v, errMsgpack
	}
	v, err = r.next()
	return k, v, err
}

// skip skips one whole value, nested ones included, iteratively.
func (r *mpReader) skip() error {
	pending := 1
	for pending > 0 {
		v, err := r.next()
		if err != nil {
			return err
		}
		pending--
		switch v.kind {
		case mpArray:
			pending += v.n
		case mpMap:
			pending += 2 * v.n
		}
		if pending > len(r.buf) {
			return errMsgpack
		}
	}
	return nil
}

// skipContents skips the elements of a container whose header was read.
func skipContents(r *mpReader, h mpValue) error {
	pending := h.n
	if h.kind == mpMap {
		pending *= 2
	}
	for ; pending > 0; pending-- {
		if err := r.skip(); err != nil {
			return err
		}
	}
	return nil
}
