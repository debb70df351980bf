package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"net"

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

func (s *forwardSink) add(rec *core.Record, _ []core.Attr) {
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

	// One deadline for connect, TLS handshake, send and ack.
	ctx, cancel := context.WithTimeout(context.Background(), o.cfg.forwardTimeout)
	defer cancel()
	conn, err := o.dial(ctx)
	if err != nil {
		return o.retry(err)
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(d); err != nil {
			return o.retry(err)
		}
	}
	if _, err := conn.Write(msg); err != nil {
		return o.retry(err)
	}
	ack, err := readAck(bufio.NewReader(conn))
	if err == nil && ack != chunk {
		err = errors.New("the ack is for another chunk")
	}
	if err != nil {
		level, m := sendFailure(err)
		o.logf(level, "forward: no ack for chunk %s (%s); Fluent Bit will retry", chunk, m)
		return flbRetry
	}
	return flbOK
}

// dial connects to the receiver, over TLS when pamaudit.tls is on (the
// handshake is done here, so its failure is reported as one).
func (o *forwardOutput) dial(ctx context.Context) (net.Conn, error) {
	if o.cfg.tls == nil {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", o.cfg.forwardAddr)
	}
	d := tls.Dialer{Config: o.cfg.tls}
	return d.DialContext(ctx, "tcp", o.cfg.forwardAddr)
}

func (o *forwardOutput) retry(err error) int {
	level, msg := sendFailure(err)
	o.logf(level, "forward: %s; Fluent Bit will retry", msg)
	return flbRetry
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
