package main

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/core"
)

// Attributes the plugin adds (documented in docs/schema.md).
const (
	attrTag       = "fluentbit.tag"
	attrRawChunk  = "fluentbit.raw_base64"
	errMissingKey = "missing_source_key"
	errBadChunk   = "malformed_chunk"
)

// maxKeyDepth bounds the flattening of nested maps in a Fluent Bit record.
const maxKeyDepth = 8

// sink receives the converted records of one chunk.
type sink interface {
	add(rec *core.Record) error
}

// converter turns Fluent Bit chunks into parsed records. It is used by one
// flush at a time (it owns a Parser).
type converter struct {
	cfg    *config
	parser *core.Parser
	keyBuf []byte
	extra  []core.Attr
}

func newConverter(cfg *config) (*converter, error) {
	p, err := core.NewParser(cfg.parser)
	if err != nil {
		return nil, err
	}
	return &converter{cfg: cfg, parser: p}, nil
}

// convertChunk decodes every event of a chunk and hands each record to out.
// Group markers are skipped; the bytes of a chunk that cannot be decoded
// become one record with error.type malformed_chunk, so nothing is lost. It
// returns the number of records handed out.
func (c *converter) convertChunk(data []byte, tag string, out sink) (int, error) {
	r := mpReader{buf: data}
	n := 0
	for r.pos < len(data) {
		start := r.pos
		rec, ok, err := c.event(&r, tag)
		if err != nil {
			rec = c.badChunk(data[start:], tag)
			r.pos = len(data)
		} else if !ok {
			continue // a group start or end marker
		}
		if err := out.add(rec); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// event reads one event: [[time, metadata], map] or the older [time, map].
func (c *converter) event(r *mpReader, tag string) (*core.Record, bool, error) {
	h, err := r.next()
	if err != nil || h.kind != mpArray || h.n != 2 {
		return nil, false, errMsgpack
	}
	t, err := r.next()
	if err != nil {
		return nil, false, err
	}
	if t.kind == mpArray { // [time, metadata]
		if t.n < 1 {
			return nil, false, errMsgpack
		}
		if t, err = r.next(); err != nil {
			return nil, false, err
		}
		for i := 1; i < h.n && i < 2; i++ {
			if err := r.skip(); err != nil { // metadata
				return nil, false, err
			}
		}
	}
	ts, group, ok := eventTime(t)
	if !ok {
		return nil, false, errMsgpack
	}
	body, err := r.next()
	if err != nil || body.kind != mpMap {
		return nil, false, errMsgpack
	}
	if group {
		return nil, false, skipContents(r, body)
	}
	rec, err := c.record(r, body.n, tag, ts)
	return rec, err == nil, err
}

// eventTime reads an event's time: EventTime (ext 0), an integer or a float
// of seconds. Negative seconds (-1, -2) mark group starts and ends.
func eventTime(v mpValue) (time.Time, bool, bool) {
	switch v.kind {
	case mpExt:
		if v.extType != 0 || len(v.s) != 8 {
			return time.Time{}, false, false
		}
		sec := int32(binary.BigEndian.Uint32(v.s))
		nsec := binary.BigEndian.Uint32(v.s[4:])
		return time.Unix(int64(sec), int64(nsec)), sec < 0, true
	case mpInt:
		return time.Unix(v.i, 0), v.i < 0, true
	case mpUint:
		return time.Unix(int64(v.u), 0), false, true
	case mpFloat:
		sec, frac := math.Modf(v.f)
		return time.Unix(int64(sec), int64(frac*1e9)), v.f < 0, true
	}
	return time.Time{}, false, false
}

// record reads a record map of n pairs: the source key's text is parsed, the
// other keys become attributes under their own names.
func (c *converter) record(r *mpReader, n int, tag string, ts time.Time) (*core.Record, error) {
	c.extra = c.extra[:0]
	var text []byte
	found := false
	rank := len(c.cfg.sourceKeys)
	for i := 0; i < n; i++ {
		k, err := r.next()
		if err != nil || k.kind != mpStr {
			return nil, errMsgpack
		}
		v, err := r.next()
		if err != nil {
			return nil, err
		}
		if v.kind == mpStr {
			if j := keyRank(c.cfg.sourceKeys, k.s); j < rank {
				if found {
					// A lower-ranked source key seen before: keep it as an attribute.
					c.extra = append(c.extra, core.Attr{Key: string(c.cfg.sourceKeys[rank]), Kind: core.KindString, Str: string(text)})
				}
				text, found, rank = v.s, true, j
				continue
			}
		}
		c.keyBuf = append(c.keyBuf[:0], k.s...)
		if err := c.value(r, v, 0); err != nil {
			return nil, err
		}
	}
	var rec *core.Record
	if found {
		if testPanicOn != "" && strings.Contains(string(text), testPanicOn) {
			panic("test hook: PAMAUDIT_TEST_PANIC_ON matched")
		}
		rec, _ = c.parser.Parse(text)
	} else {
		rec = c.errorRecord("", errMissingKey, "the record has none of the source keys "+strings.Join(c.cfg.sourceKeys, ", "))
	}
	rec.ObservedTime = ts
	rec.Attrs = append(rec.Attrs, core.Attr{Key: attrTag, Kind: core.KindString, Str: tag})
	for _, a := range c.extra {
		if !hasAttr(rec, a.Key) {
			rec.Attrs = append(rec.Attrs, a)
		}
	}
	return rec, nil
}

func keyRank(keys []string, k []byte) int {
	for i, s := range keys {
		if s == string(k) {
			return i
		}
	}
	return len(keys)
}

func hasAttr(rec *core.Record, key string) bool {
	_, ok := rec.Get(key)
	return ok
}

// value adds the value v (already read) under the key in c.keyBuf; maps
// flatten with dots, arrays become string arrays.
func (c *converter) value(r *mpReader, v mpValue, depth int) error {
	key := func() string { return string(c.keyBuf) }
	switch v.kind {
	case mpNil:
	case mpBool:
		c.extra = append(c.extra, core.Attr{Key: key(), Kind: core.KindBool, Bool: v.b})
	case mpInt:
		c.extra = append(c.extra, core.Attr{Key: key(), Kind: core.KindInt, Int: v.i})
	case mpUint:
		if v.u <= math.MaxInt64 {
			c.extra = append(c.extra, core.Attr{Key: key(), Kind: core.KindInt, Int: int64(v.u)})
		} else {
			c.extra = append(c.extra, core.Attr{Key: key(), Kind: core.KindString, Str: strconv.FormatUint(v.u, 10)})
		}
	case mpFloat:
		c.extra = append(c.extra, core.Attr{Key: key(), Kind: core.KindString, Str: strconv.FormatFloat(v.f, 'g', -1, 64)})
	case mpStr:
		c.extra = append(c.extra, core.Attr{Key: key(), Kind: core.KindString, Str: string(v.s)})
	case mpExt:
		c.extra = append(c.extra, core.Attr{Key: key(), Kind: core.KindString, Str: base64.StdEncoding.EncodeToString(v.s)})
	case mpMap:
		if depth >= maxKeyDepth {
			return skipContents(r, v)
		}
		n := len(c.keyBuf)
		for i := 0; i < v.n; i++ {
			k, err := r.next()
			if err != nil || k.kind != mpStr {
				return errMsgpack
			}
			e, err := r.next()
			if err != nil {
				return err
			}
			c.keyBuf = append(append(c.keyBuf[:n], '.'), k.s...)
			if err := c.value(r, e, depth+1); err != nil {
				return err
			}
		}
		c.keyBuf = c.keyBuf[:n]
	case mpArray:
		strs := make([]string, 0, v.n)
		for i := 0; i < v.n; i++ {
			e, err := r.next()
			if err != nil {
				return err
			}
			switch e.kind {
			case mpStr:
				strs = append(strs, string(e.s))
			case mpInt:
				strs = append(strs, strconv.FormatInt(e.i, 10))
			case mpUint:
				strs = append(strs, strconv.FormatUint(e.u, 10))
			case mpFloat:
				strs = append(strs, strconv.FormatFloat(e.f, 'g', -1, 64))
			case mpBool:
				strs = append(strs, strconv.FormatBool(e.b))
			case mpArray, mpMap: // nested containers in arrays are not kept
				if err := skipContents(r, e); err != nil {
					return err
				}
			}
		}
		c.extra = append(c.extra, core.Attr{Key: key(), Kind: core.KindStrings, Strs: strs})
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

// errorRecord is a record of the plugin's own making, for input that never
// reached the parser: body, error.type and error.message.
func (c *converter) errorRecord(body, code, msg string) *core.Record {
	rec, _ := c.parser.ParseString("") // a fresh record from the parser's storage
	rec.EventName = ""
	rec.Body = body
	rec.Attrs = append(rec.Attrs[:0],
		core.Attr{Key: "error.type", Kind: core.KindString, Str: code},
		core.Attr{Key: "error.message", Kind: core.KindString, Str: msg})
	return rec
}

// badChunk keeps the bytes that could not be decoded.
func (c *converter) badChunk(rest []byte, tag string) *core.Record {
	msg := "malformed Fluent Bit chunk: " + strconv.Itoa(len(rest)) + " bytes could not be decoded"
	rec := c.errorRecord(msg, errBadChunk, msg)
	rec.Attrs = append(rec.Attrs,
		core.Attr{Key: attrRawChunk, Kind: core.KindString, Str: base64.StdEncoding.EncodeToString(rest)},
		core.Attr{Key: attrTag, Kind: core.KindString, Str: tag})
	return rec
}
