package flbsim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"
)

// A little MessagePack: Fluent Bit's chunks ([[EventTime, {}], record]),
// what the forward input receives, and records for the stdout output.

func appendStr(b []byte, s string) []byte {
	switch n := len(s); {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n < 1<<8:
		b = append(b, 0xd9, byte(n))
	case n < 1<<16:
		b = append(b, 0xda, byte(n>>8), byte(n))
	default:
		b = append(b, 0xdb)
		b = binary.BigEndian.AppendUint32(b, uint32(n))
	}
	return append(b, s...)
}

func appendArrayHeader(b []byte, n int) []byte {
	if n < 16 {
		return append(b, 0x90|byte(n))
	}
	b = append(b, 0xdd)
	return binary.BigEndian.AppendUint32(b, uint32(n))
}

func appendMapHeader(b []byte, n int) []byte {
	if n < 16 {
		return append(b, 0x80|byte(n))
	}
	b = append(b, 0xdf)
	return binary.BigEndian.AppendUint32(b, uint32(n))
}

// appendEventTime appends Fluent Bit's EventTime (extension type 0).
func appendEventTime(b []byte, t time.Time) []byte {
	b = append(b, 0xd7, 0x00)
	b = binary.BigEndian.AppendUint32(b, uint32(t.Unix()))
	return binary.BigEndian.AppendUint32(b, uint32(t.Nanosecond()))
}

// appendValue appends a record value: strings, numbers, booleans, nil,
// maps and slices of them.
func AppendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 0xc0)
	case bool:
		if x {
			return append(b, 0xc3)
		}
		return append(b, 0xc2)
	case string:
		return appendStr(b, x)
	case int64:
		b = append(b, 0xd3)
		return binary.BigEndian.AppendUint64(b, uint64(x))
	case int:
		return AppendValue(b, int64(x))
	case uint64:
		b = append(b, 0xcf)
		return binary.BigEndian.AppendUint64(b, x)
	case float64:
		b = append(b, 0xcb)
		return binary.BigEndian.AppendUint64(b, math.Float64bits(x))
	case []any:
		b = appendArrayHeader(b, len(x))
		for _, e := range x {
			b = AppendValue(b, e)
		}
		return b
	case []string:
		b = appendArrayHeader(b, len(x))
		for _, e := range x {
			b = appendStr(b, e)
		}
		return b
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = appendMapHeader(b, len(x))
		for _, k := range keys {
			b = appendStr(b, k)
			b = AppendValue(b, x[k])
		}
		return b
	case Record:
		return AppendValue(b, []RecordKV(x))
	case []RecordKV:
		b = appendMapHeader(b, len(x))
		for _, kv := range x {
			b = appendStr(b, kv.Key)
			b = AppendValue(b, kv.Value)
		}
		return b
	}
	panic(fmt.Sprintf("flbsim: cannot encode %T", v))
}

// Record is a record's map, its keys in order.
type Record []RecordKV

// RecordKV is one key of a record.
type RecordKV struct {
	Key   string
	Value any
}

// Event is a record with its time and tag.
type Event struct {
	Tag    string
	Time   time.Time
	Record Record
}

// Chunk encodes events as Fluent Bit 5.1 hands them to an output (a
// chunk file for the harness's flush).
func Chunk(events []Event) []byte {
	var b []byte
	for _, e := range events {
		b = appendArrayHeader(b, 2)
		b = appendArrayHeader(b, 2)
		b = appendEventTime(b, e.Time)
		b = appendMapHeader(b, 0)
		b = AppendValue(b, e.Record)
	}
	return b
}

var errShort = errors.New("short msgpack")

// decoder reads MessagePack values into Go values: maps keep their order as
// a Record.
type decoder struct {
	b   []byte
	pos int
}

func (d *decoder) need(n int) ([]byte, error) {
	if d.pos+n > len(d.b) {
		return nil, errShort
	}
	s := d.b[d.pos : d.pos+n]
	d.pos += n
	return s, nil
}

func (d *decoder) value() (any, error) {
	h, err := d.need(1)
	if err != nil {
		return nil, err
	}
	c := h[0]
	switch {
	case c <= 0x7f:
		return int64(c), nil
	case c >= 0xe0:
		return int64(int8(c)), nil
	case c&0xe0 == 0xa0:
		return d.str(int(c & 0x1f))
	case c&0xf0 == 0x90:
		return d.array(int(c & 0x0f))
	case c&0xf0 == 0x80:
		return d.mapN(int(c & 0x0f))
	}
	uint := func(n int) (uint64, error) {
		s, err := d.need(n)
		if err != nil {
			return 0, err
		}
		var v uint64
		for _, x := range s {
			v = v<<8 | uint64(x)
		}
		return v, nil
	}
	switch c {
	case 0xc0:
		return nil, nil
	case 0xc2:
		return false, nil
	case 0xc3:
		return true, nil
	case 0xcc, 0xcd, 0xce, 0xcf:
		v, err := uint(1 << (c - 0xcc))
		return int64(v), err
	case 0xd0, 0xd1, 0xd2, 0xd3:
		n := 1 << (c - 0xd0)
		v, err := uint(n)
		shift := 64 - 8*n
		return int64(v<<shift) >> shift, err
	case 0xca:
		v, err := uint(4)
		return float64(math.Float32frombits(uint32(v))), err
	case 0xcb:
		v, err := uint(8)
		return math.Float64frombits(v), err
	case 0xd9, 0xda, 0xdb, 0xc4, 0xc5, 0xc6:
		var n uint64
		switch c {
		case 0xd9, 0xc4:
			n, err = uint(1)
		case 0xda, 0xc5:
			n, err = uint(2)
		default:
			n, err = uint(4)
		}
		if err != nil {
			return nil, err
		}
		return d.str(int(n))
	case 0xdc, 0xdd, 0xde, 0xdf: // array 16, array 32, map 16, map 32
		n, err := uint(2 << (c & 1))
		if err != nil {
			return nil, err
		}
		if c <= 0xdd {
			return d.array(int(n))
		}
		return d.mapN(int(n))
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xc7, 0xc8, 0xc9:
		var n uint64
		switch c {
		case 0xc7:
			n, err = uint(1)
		case 0xc8:
			n, err = uint(2)
		case 0xc9:
			n, err = uint(4)
		default:
			n = 1 << (c - 0xd4)
		}
		if err != nil {
			return nil, err
		}
		t, err := d.need(1)
		if err != nil {
			return nil, err
		}
		data, err := d.need(int(n))
		if err != nil {
			return nil, err
		}
		if t[0] == 0 && len(data) == 8 { // EventTime
			return time.Unix(int64(binary.BigEndian.Uint32(data)), int64(binary.BigEndian.Uint32(data[4:]))), nil
		}
		return data, nil
	}
	return nil, fmt.Errorf("msgpack byte 0x%02x", c)
}

func (d *decoder) str(n int) (any, error) {
	s, err := d.need(n)
	return string(s), err
}

func (d *decoder) array(n int) (any, error) {
	out := make([]any, 0, min(n, 1024))
	for i := 0; i < n; i++ {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (d *decoder) mapN(n int) (any, error) {
	out := make(Record, 0, min(n, 1024))
	for i := 0; i < n; i++ {
		k, err := d.value()
		if err != nil {
			return nil, err
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		ks, _ := k.(string)
		out = append(out, RecordKV{ks, v})
	}
	return out, nil
}
