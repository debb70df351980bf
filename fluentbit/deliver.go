package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/pdataconv"
)

// Fluent Bit's flush results (flb_plugin.h).
const (
	flbError = 0
	flbOK    = 1
	flbRetry = 2
)

// instance is one [OUTPUT] instance: its config, its converters (one per
// concurrent flush: Fluent Bit's workers may flush in parallel) and its
// delivery.
type instance struct {
	name   string
	cfg    *config
	convs  sync.Pool
	client *http.Client
	stdout io.Writer
	outMu  sync.Mutex
	logf   func(level, format string, args ...any)
}

func newInstance(name string, get func(string) string, stdout io.Writer) (*instance, error) {
	cfg, err := parseConfig(get)
	if err != nil {
		return nil, err
	}
	in := &instance{name: name, cfg: cfg, stdout: stdout, logf: stderrLog(name)}
	in.convs.New = func() any {
		c, _ := newConverter(cfg) // the options were checked by parseConfig
		return c
	}
	if cfg.output == outputOTLP {
		in.client = &http.Client{Timeout: cfg.otlpTimeout}
	}
	return in, nil
}

// stderrLog writes in Fluent Bit's log format; Fluent Bit logs to stderr too.
func stderrLog(name string) func(level, format string, args ...any) {
	return func(level, format string, args ...any) {
		fmt.Fprintf(os.Stderr, "[%s] [%5s] [output:pamaudit:%s] %s\n",
			time.Now().Format("2006/01/02 15:04:05"), level, name, fmt.Sprintf(format, args...))
	}
}

// flush converts and delivers one chunk. It returns FLB_OK only once every
// record is delivered, FLB_RETRY when delivery may work later, FLB_ERROR
// when the receiver rejected the data for good.
func (in *instance) flush(data []byte, tag string) int {
	conv := in.convs.Get().(*converter)
	defer in.convs.Put(conv)
	switch in.cfg.output {
	case outputStdout:
		s := &jsonSink{buf: make([]byte, 0, 2*len(data))}
		if _, err := conv.convertChunk(data, tag, s); err != nil {
			return flbError
		}
		in.outMu.Lock()
		_, err := in.stdout.Write(s.buf)
		in.outMu.Unlock()
		if err != nil {
			in.logf("warn", "stdout: %v", err)
			return flbRetry
		}
		return flbOK
	case outputForward:
		s := &forwardSink{}
		n, _ := conv.convertChunk(data, tag, s)
		if n == 0 {
			return flbOK
		}
		ftag := in.cfg.forwardTag
		if ftag == "" {
			ftag = tag + ".parsed"
		}
		return in.sendForward(ftag, s, n)
	default:
		s := newOTLPSink()
		n, _ := conv.convertChunk(data, tag, s)
		if n == 0 {
			return flbOK
		}
		return in.sendOTLP(s.logs)
	}
}

// jsonSink collects NDJSON, as pamaudit parse prints it.
type jsonSink struct{ buf []byte }

func (s *jsonSink) add(rec *core.Record) error {
	s.buf = rec.AppendJSON(s.buf)
	s.buf = append(s.buf, '\n')
	return nil
}

// otlpSink builds the OTLP request with the collector processor's
// conversion (internal/pdataconv).
type otlpSink struct {
	logs plog.Logs
	lrs  plog.LogRecordSlice
}

func newOTLPSink() *otlpSink {
	ld := plog.NewLogs()
	sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty()
	sl.Scope().SetName("github.com/pamaudit/pamaudit/fluentbit")
	return &otlpSink{logs: ld, lrs: sl.LogRecords()}
}

func (s *otlpSink) add(rec *core.Record) error {
	pdataconv.NewRecord(s.lrs, rec)
	return nil
}

// sendOTLP posts the logs as OTLP/HTTP protobuf.
func (in *instance) sendOTLP(ld plog.Logs) int {
	var m plog.ProtoMarshaler
	body, err := m.MarshalLogs(ld)
	if err != nil {
		in.logf("error", "otlp: %v", err)
		return flbError
	}
	var enc string
	if in.cfg.otlpGzip {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body, enc = b.Bytes(), "gzip"
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, in.cfg.otlpEndpoint, bytes.NewReader(body))
	if err != nil {
		in.logf("error", "otlp: %v", err)
		return flbError
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	if enc != "" {
		req.Header.Set("Content-Encoding", enc)
	}
	for k, v := range in.cfg.otlpHeaders {
		req.Header.Set(k, v)
	}
	resp, err := in.client.Do(req)
	if err != nil {
		in.logf("warn", "otlp: %v; Fluent Bit will retry", err)
		return flbRetry
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return in.httpResult("otlp", resp.StatusCode, msg, ld.LogRecordCount())
}

// httpResult classifies an HTTP status: 2xx delivered; 429 and 5xx may
// pass (retry); any other status is a permanent rejection.
func (in *instance) httpResult(what string, code int, msg []byte, n int) int {
	switch {
	case code >= 200 && code < 300:
		return flbOK
	case code == http.StatusTooManyRequests || code >= 500:
		in.logf("warn", "%s: HTTP %d: %s; Fluent Bit will retry %d records", what, code, bytes.TrimSpace(msg), n)
		return flbRetry
	default:
		in.logf("error", "%s: HTTP %d: %s; %d records rejected", what, code, bytes.TrimSpace(msg), n)
		return flbError
	}
}

// forwardSink encodes records as Fluent forward entries: [time, record].
type forwardSink struct{ entries []byte }

func (s *forwardSink) add(rec *core.Record) error {
	t := rec.Time
	if t.IsZero() {
		t = rec.ObservedTime
	}
	b := appendArrayHeader(s.entries, 2)
	b = appendEventTime(b, t)
	s.entries = appendRecordMap(b, rec)
	return nil
}

// sendForward sends one Forward-mode message and waits for its ack.
func (in *instance) sendForward(tag string, s *forwardSink, n int) int {
	var id [16]byte
	_, _ = rand.Read(id[:])
	chunk := hex.EncodeToString(id[:])
	msg := appendArrayHeader(nil, 3)
	msg = appendStr(msg, tag)
	msg = appendArrayHeader(msg, n)
	msg = append(msg, s.entries...)
	msg = appendMapHeader(msg, 2)
	msg = appendStr(msg, "chunk")
	msg = appendStr(msg, chunk)
	msg = appendStr(msg, "size")
	msg = appendInt(msg, int64(n))

	conn, err := net.DialTimeout("tcp", in.cfg.forwardAddr, in.cfg.forwardTimeout)
	if err != nil {
		in.logf("warn", "forward: %v; Fluent Bit will retry", err)
		return flbRetry
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(in.cfg.forwardTimeout))
	if _, err := conn.Write(msg); err != nil {
		in.logf("warn", "forward: %v; Fluent Bit will retry", err)
		return flbRetry
	}
	ack, err := readAck(bufio.NewReader(conn))
	if err != nil || ack != chunk {
		in.logf("warn", "forward: no ack for chunk %s (%v); Fluent Bit will retry", chunk, err)
		return flbRetry
	}
	return flbOK
}

// readAck reads the receiver's {"ack": chunk} reply.
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

// appendRecordMap encodes a record as the map pamaudit parse prints.
func appendRecordMap(b []byte, rec *core.Record) []byte {
	n := 5
	if !rec.Time.IsZero() {
		n++
	}
	b = appendMapHeader(b, n)
	if !rec.Time.IsZero() {
		b = appendStr(b, "time")
		b = appendStr(b, rec.Time.UTC().Format(time.RFC3339Nano))
	}
	b = appendStr(b, "severity_number")
	b = appendInt(b, int64(rec.SeverityNumber))
	b = appendStr(b, "severity_text")
	b = appendStr(b, rec.SeverityText)
	b = appendStr(b, "event_name")
	b = appendStr(b, rec.EventName)
	b = appendStr(b, "body")
	b = appendStr(b, rec.Body)
	b = appendStr(b, "attributes")
	b = appendMapHeader(b, len(rec.Attrs))
	for i := range rec.Attrs {
		a := &rec.Attrs[i]
		b = appendStr(b, a.Key)
		switch a.Kind {
		case core.KindInt:
			b = appendInt(b, a.Int)
		case core.KindBool:
			b = appendBool(b, a.Bool)
		case core.KindStrings:
			b = appendArrayHeader(b, len(a.Strs))
			for _, s := range a.Strs {
				b = appendStr(b, s)
			}
		default:
			b = appendStr(b, a.Str)
		}
	}
	return b
}
