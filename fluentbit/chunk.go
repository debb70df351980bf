package main

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/record"
)

// A Fluent Bit chunk into records, in one pass: decode an event, parse its
// text, hand the record to the sink, then the next event. The MessagePack
// reader at the bottom walks the chunk in place, so strings are slices of
// the chunk and decoding allocates nothing.

// Attributes and error types the plugin adds (documented in docs/schema.md).
const (
	attrTag       = "fluentbit.tag"
	attrRawChunk  = "fluentbit.raw_base64"
	errMissingKey = "missing_source_key"
	errBadChunk   = "malformed_chunk"
)

// maxKeyDepth bounds the flattening of nested maps in a Fluent Bit record.
const maxKeyDepth = 8

// sink receives the records of one chunk, each with its resource
// attributes (kubernetes.go; none unless the converter was made for the
// otlp output). Both are valid only during add: the converter reuses them
// for the next record.
type sink interface {
	add(rec *core.Record, res []core.Attr)
}

// faultHook, when set, sees each text before it is parsed. Only a build with
// -tags pamaudit_faults sets it (faults.go), for the harness's panic test.
var faultHook func(text []byte)

// errNoSettings: a converter of a configuration that failed parseConfig.
var errNoSettings = errors.New("the configuration has errors")

// converter turns chunks into records. It owns a Parser, so one flush uses
// it at a time; the instance keeps one per concurrent flush.
type converter struct {
	parser      *core.Parser // in the OpenTelemetry schema: the plugin adds its attributes, then shapes
	shaper      *core.Shaper
	sourceKeys  []string
	syslogKeys  bool // read a syslog input's header keys (syslog.go)
	k8sResource bool // the kubernetes map's pod fields go to res (kubernetes.go)
	loc         *time.Location
	now         func() time.Time // the parser's clock, for the records made here
	keyBuf      []byte
	extra       []core.Attr
	res         []core.Attr
	sys         syslogKeys
	hdr         core.Header // the header of the current record, when read
	uids        core.UIDer
	own         core.Record // a record for input that never reached the parser
	scratch     scratch     // the sinks' buffers, reused (scratch.go)
	stats       stats       // the records of the current flush (stats.go)
	secrets     int         // the secrets redacted in the current record
}

func newConverter(cfg *config) (*converter, error) {
	if cfg.parser == nil {
		return nil, errNoSettings
	}
	opts := cfg.parser.Options() // completed: Now and Location set
	p, shaper, loc, now := cfg.parser.OTel().NewParser(), cfg.parser.NewShaper(), opts.Location, opts.Now
	c := &converter{parser: p, shaper: shaper, sourceKeys: cfg.sourceKeys, syslogKeys: cfg.syslogKeys,
		k8sResource: cfg.output == outputOTLP, loc: loc, now: now, stats: newStats()}
	c.scratch.keys.Max = maxKeys
	return c, nil
}

// convertChunk hands every event of a chunk to out as a record and returns
// how many it handed. Group markers are skipped; the bytes from the first
// event that cannot be decoded become one record with error.type
// malformed_chunk, so nothing is lost.
func (c *converter) convertChunk(data []byte, tag string, out sink) int {
	r := mpReader{buf: data}
	n := 0
	for r.pos < len(data) {
		start := r.pos
		rec, err := c.event(&r, tag)
		res := c.res
		if err != nil {
			rec, res = c.badChunk(data[start:], tag), nil
			c.secrets = 0
			r.pos = len(data)
		} else if rec == nil {
			continue // a group start or end marker
		}
		c.stats.count(rec, c.secrets)
		out.add(c.shaper.Shape(rec), res)
		n++
	}
	return n
}

// event reads one event, [[time, metadata], map] or the older [time, map],
// and returns its record, or nil for a group marker.
func (c *converter) event(r *mpReader, tag string) (*core.Record, error) {
	h, err := r.next()
	if err != nil || h.kind != mpArray || h.n != 2 {
		return nil, errMsgpack
	}
	t, err := r.next()
	if err != nil {
		return nil, err
	}
	if t.kind == mpArray { // [time, metadata]
		if t.n < 1 {
			return nil, errMsgpack
		}
		header := t.n
		if t, err = r.next(); err != nil {
			return nil, err
		}
		for i := 1; i < header; i++ { // the metadata is not used
			if err := r.skip(); err != nil {
				return nil, err
			}
		}
	}
	ts, group, ok := eventTime(t)
	if !ok {
		return nil, errMsgpack
	}
	body, err := r.next()
	if err != nil || body.kind != mpMap {
		return nil, errMsgpack
	}
	if group {
		return nil, skipContents(r, body)
	}
	return c.record(r, body.n, tag, ts)
}

// eventTime reads an event's time: EventTime (ext 0), an integer or a float
// of seconds. Negative seconds (-1, -2) mark group starts and ends.
func eventTime(v mpValue) (ts time.Time, group, ok bool) {
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

// record reads a record map of n pairs and parses it: the text of the first
// source key present is parsed, the other keys become attributes under their
// own names, but for a syslog input's header keys (syslog.go) and, for the
// otlp output, the kubernetes filter's resource fields (kubernetes.go). The
// event time is the observed time.
func (c *converter) record(r *mpReader, n int, tag string, ts time.Time) (*core.Record, error) {
	c.extra = c.extra[:0]
	c.res = c.res[:0]
	c.sys.reset()
	c.secrets = 0
	var text []byte
	found, maySig := false, false
	rank := len(c.sourceKeys)
	for i := 0; i < n; i++ {
		k, v, err := r.pair()
		if err != nil {
			return nil, err
		}
		if v.kind == mpStr {
			if j := keyRank(c.sourceKeys, k.s); j < rank {
				if found {
					// A lower-ranked source key seen before: keep it as an attribute.
					c.extra = append(c.extra, core.Attr{Key: c.sourceKeys[rank], Kind: core.KindString, Str: c.scrub(c.sourceKeys[rank], text)})
				}
				text, found, rank = v.s, true, j
				continue
			}
		}
		if c.k8sResource && v.kind == mpMap && string(k.s) == k8sKey {
			if err := c.kubernetes(r, v); err != nil {
				return nil, err
			}
			continue
		}
		if c.syslogKeys {
			c.sys.note(k.s, v)
		}
		if !maySig && core.ShipperMember(string(k.s)) {
			maySig = true
		}
		c.keyBuf = append(c.keyBuf[:0], k.s...)
		if err := c.value(r, v, 0); err != nil {
			return nil, err
		}
	}
	var rec *core.Record
	var hdr *core.Header // the header the record was parsed with, for its identity
	syslogInput := false
	shipKey := ""
	if found && faultHook != nil {
		faultHook(text)
	}
	// A text that does not parse still gives a record, with error.type and
	// error.message: the error is in the record.
	if maySig && c.syslogKeys {
		// A shipper's layout (journald from the systemd input, GELF,
		// Vector, …): its text member and the header its other members
		// make. Its members name it more surely than the syslog keys.
		if k, t, h, ok := c.parser.Shipper(c.extraGetter(text, found, rank)); ok {
			shipKey = k
			rec, _ = c.parser.ParseMessage(t, &h)
			text, c.hdr = []byte(t), h
			hdr = &c.hdr
		}
	}
	if rec == nil && found && c.syslogKeys && c.sourceKeys[rank] == "message" && c.sys.present() {
		syslogInput = true
		c.syslogHeader(&c.hdr, ts)
		hdr = &c.hdr
		var err error
		if rec, err = c.parser.ParseMessage(string(text), hdr); errors.Is(err, core.ErrTooLarge) {
			// A record too large to parse takes no header: the keys
			// pass on as they came, not dropped.
			syslogInput = false
		}
	}
	if rec == nil {
		if found {
			rec, _ = c.parser.Parse(text)
		} else {
			rec = c.errorRecord("", errMissingKey, "the record has none of the source keys "+strings.Join(c.sourceKeys, ", "))
		}
	}
	if rec != &c.own {
		c.secrets += c.parser.Redactions()
	}
	rec.ObservedTime = ts
	rec.Attrs = append(rec.Attrs, core.Attr{Key: attrTag, Kind: core.KindString, Str: tag})
	for _, a := range c.extra {
		if syslogInput && c.sys.dropped(a.Key) || a.Key == shipKey {
			continue
		}
		if rec.Index(a.Key) < 0 { // the parsed attribute wins
			rec.Attrs = append(rec.Attrs, a)
		}
	}
	if found || shipKey != "" {
		rec.Attrs = append(rec.Attrs, core.Attr{Key: record.AttrLogRecordUID, Kind: core.KindString, Str: c.uid(text, hdr)})
	}
	return rec, nil
}

// uid is the identity (core.UIDer) of the record whose text is text: of a
// file's record when Fluent Bit's tail input added its path and offset
// (path_key log.file.path, offset_key log.file.record_offset), else of
// the text and the header hdr it was parsed with. The parse of text must
// be the parser's last.
func (c *converter) uid(text []byte, hdr *core.Header) string {
	path, off := "", int64(-1)
	for i := range c.extra {
		switch a := &c.extra[i]; a.Key {
		case record.AttrLogFilePath:
			path = a.Str
		case record.AttrLogFileName:
			if path == "" {
				path = a.Str
			}
		case record.AttrLogFileRecordOffset:
			if a.Kind == core.KindInt {
				off = a.Int
			}
		}
	}
	if t, ok := c.parser.RedactedText(); ok {
		// Of the text with its secrets redacted (core.Parser.IdentityText).
		if path != "" && off >= 0 {
			return c.uids.File(path, off, t)
		}
		return c.uids.Stream(hdr, t)
	}
	if path != "" && off >= 0 {
		return c.uids.FileBytes(path, off, text)
	}
	return c.uids.StreamBytes(hdr, text)
}

// extraGetter reads the record's keys for core.Parser.Shipper: the
// attributes made of them (nested keys dotted) and the source key's text.
func (c *converter) extraGetter(text []byte, found bool, rank int) func(string) (string, bool, bool) {
	return func(name string) (string, bool, bool) {
		if found && name == c.sourceKeys[rank] {
			return string(text), true, true
		}
		for i := range c.extra {
			a := &c.extra[i]
			if a.Key != name {
				continue
			}
			switch a.Kind {
			case core.KindString:
				return a.Str, true, true
			case core.KindInt:
				return strconv.FormatInt(a.Int, 10), false, true
			case core.KindBool:
				return strconv.FormatBool(a.Bool), false, true
			}
			return "", false, false
		}
		return "", false, false
	}
}

func keyRank(keys []string, k []byte) int {
	for i, s := range keys {
		if s == string(k) {
			return i
		}
	}
	return len(keys)
}

// value adds the value v (already read) under the key in c.keyBuf; maps
// flatten with dots, arrays become string arrays.
func (c *converter) value(r *mpReader, v mpValue, depth int) error {
	key := func() string { return c.scratch.intern(c.keyBuf, c.scrubName) }
	n0 := len(c.extra)
	defer func() {
		// A scalar under a secret's name passes on redacted (strings
		// are scrubbed as they are added).
		if len(c.extra) == n0+1 && v.kind != mpStr && v.kind != mpMap {
			if a := &c.extra[n0]; c.parser.SecretKey(a.Key) {
				*a = core.Attr{Key: a.Key, Kind: core.KindString, Str: c.parser.Scrub(a.Key, scalarText(a))}
				c.secrets++
			}
		}
	}()
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
		k := key()
		c.extra = append(c.extra, core.Attr{Key: k, Kind: core.KindString, Str: c.scrub(k, v.s)})
	case mpExt:
		c.extra = append(c.extra, core.Attr{Key: key(), Kind: core.KindString, Str: base64.StdEncoding.EncodeToString(v.s)})
	case mpMap:
		if depth >= maxKeyDepth {
			return skipContents(r, v)
		}
		n := len(c.keyBuf)
		for i := 0; i < v.n; i++ {
			k, e, err := r.pair()
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
				strs = append(strs, c.scrub(string(c.keyBuf), e.s))
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

// scrubName is a key's name with the secrets its text embeds redacted.
func (c *converter) scrubName(k string) string {
	if r := c.parser.Scrub("", k); r != k {
		c.secrets++
		return r
	}
	return k
}

// scrub is core.Parser.Scrub of a key's value, counted when it redacted.
func (c *converter) scrub(key string, v []byte) string {
	s := string(v)
	if r := c.parser.Scrub(key, s); r != s {
		c.secrets++
		return r
	}
	return s
}

// scalarText is a scalar attribute's value as text.
func scalarText(a *core.Attr) string {
	switch a.Kind {
	case core.KindInt:
		return strconv.FormatInt(a.Int, 10)
	case core.KindBool:
		return strconv.FormatBool(a.Bool)
	}
	return a.Str
}

// errorRecord is a record of the plugin's own making, for input that never
// reached the parser: body, error.type and error.message, severity INFO as
// the parser gives its error records. It is c.own, valid until the next.
func (c *converter) errorRecord(body, code, msg string) *core.Record {
	rec := &c.own
	rec.Reset()
	rec.ObservedTime = c.now()
	rec.SetSeverity(record.SevInfo)
	rec.Body = body
	rec.Attrs = append(rec.Attrs,
		core.Attr{Key: record.AttrErrorType, Kind: core.KindString, Str: code},
		core.Attr{Key: record.AttrErrorMessage, Kind: core.KindString, Str: msg})
	return rec
}

// badChunk keeps the bytes that could not be decoded, scrubbed as text
// first: a cut record's strings stand in them as they are, and base64 is
// no redaction.
func (c *converter) badChunk(rest []byte, tag string) *core.Record {
	msg := "malformed Fluent Bit chunk: " + strconv.Itoa(len(rest)) + " bytes could not be decoded"
	rec := c.errorRecord(msg, errBadChunk, msg)
	rec.Attrs = append(rec.Attrs,
		core.Attr{Key: attrRawChunk, Kind: core.KindString, Str: base64.StdEncoding.EncodeToString([]byte(c.scrub(attrRawChunk, rest)))},
		core.Attr{Key: attrTag, Kind: core.KindString, Str: tag})
	return rec
}
