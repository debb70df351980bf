package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"time"

	"github.com/pamaudit/pamaudit/core"
)

// forwardOutput sends each chunk's records as one Fluent forward message
// (Forward mode, with a chunk option) and waits for the receiver's ack.
type forwardOutput struct {
	cfg  *config
	logf func(level, format string, args ...any)
}

func (o *forwardOutput) flush(conv *converter, data []byte, tag string) int {
	var s forwardSink
	n := conv.convertChunk(data, tag, &s)
	if n == 0 {
		return flbOK
	}
	if o.cfg.forwardTag != "" {
		tag = o.cfg.forwardTag
	} else {
		tag += ".parsed"
	}
	return o.send(tag, s.entries, n)
}

// close has nothing to do: each flush has its own connection.
func (o *forwardOutput) close() {}

// forwardSink encodes records as forward entries, [time, record], with the
// record's own time or else its observed time.
type forwardSink struct {
	entries []byte
	w       recordWriter
}

func (s *forwardSink) add(rec *core.Record) {
	t := rec.Time
	if t.IsZero() {
		t = rec.ObservedTime
	}
	s.entries = appendArrayHeader(s.entries, 2)
	s.entries = appendEventTime(s.entries, t)
	s.entries = s.w.appendRecord(s.entries, rec)
}

// send sends [tag, entries, {chunk, size}] over a new connection and waits
// for {"ack": chunk}. Any failure may pass: Fluent Bit retries the chunk.
func (o *forwardOutput) send(tag string, entries []byte, n int) int {
	var id [16]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails
	chunk := hex.EncodeToString(id[:])
	msg := appendArrayHeader(nil, 3)
	msg = appendStr(msg, tag)
	msg = appendArrayHeader(msg, n)
	msg = append(msg, entries...)
	msg = appendMapHeader(msg, 2)
	msg = appendStr(msg, "chunk")
	msg = appendStr(msg, chunk)
	msg = appendStr(msg, "size")
	msg = appendInt(msg, int64(n))

	conn, err := net.DialTimeout("tcp", o.cfg.forwardAddr, o.cfg.forwardTimeout)
	if err != nil {
		o.logf("warn", "forward: %v; Fluent Bit will retry", err)
		return flbRetry
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(o.cfg.forwardTimeout)); err != nil {
		o.logf("warn", "forward: %v; Fluent Bit will retry", err)
		return flbRetry
	}
	if _, err := conn.Write(msg); err != nil {
		o.logf("warn", "forward: %v; Fluent Bit will retry", err)
		return flbRetry
	}
	ack, err := readAck(bufio.NewReader(conn))
	if err != nil || ack != chunk {
		o.logf("warn", "forward: no ack for chunk %s (%v); Fluent Bit will retry", chunk, err)
		return flbRetry
	}
	return flbOK
}

// readAck reads the receiver's {"ack": chunk} reply, a byte at a time until
// it holds a whole MessagePack value.
func readAck(r *bufio.Reader) (string, error) {
	buf := make([]byte, 0, 64)
	for len(buf) < 4096 {
		c, err := r.ReadByte()
		if err != nil {
			return "", err
		}
		buf = append(buf, c)
		mr := mpReader{buf: buf}
		if mr.skip() != nil {
			continue // not a whole value yet
		}
		mr = mpReader{buf: buf}
		h, err := mr.next()
		if err != nil || h.kind != mpMap {
			return "", errors.New("ack is not a map")
		}
		for i := 0; i < h.n; i++ {
			k, err1 := mr.next()
			v, err2 := mr.next()
			if err1 != nil || err2 != nil {
				return "", errMsgpack
			}
			if string(k.s) == "ack" && v.kind == mpStr {
				return string(v.s), nil
			}
		}
		return "", errors.New("ack map without ack")
	}
	return "", errors.New("ack too long")
}
