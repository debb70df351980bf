package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/pdataconv"
)

// otlpOutput posts each chunk's records as one OTLP/HTTP protobuf request.
type otlpOutput struct {
	cfg    *config
	client *http.Client // shared by the workers; keeps connections alive
	logf   func(level, format string, args ...any)

	envOnce sync.Once
	env     *otlpEnvelope // the request around the records (otlp_proto.go)
	envErr  error
}

func newOTLPOutput(cfg *config, logf func(string, string, ...any)) *otlpOutput {
	client := &http.Client{Timeout: cfg.otlpTimeout}
	if cfg.tls != nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = cfg.tls
		client.Transport = t
	}
	return &otlpOutput{cfg: cfg, client: client, logf: logf}
}

// flush writes the chunk's records straight into the protobuf request
// (otlp_proto.go), in the converter's reused buffers.
func (o *otlpOutput) flush(conv *converter, data []byte, tag string) int {
	o.envOnce.Do(func() { o.env, o.envErr = newOTLPEnvelope(otlpTemplate()) })
	if o.envErr != nil {
		o.logf("error", "otlp: %v", o.envErr)
		return flbError
	}
	sc := &conv.scratch
	w := &sc.proto
	w.reset()
	if conv.convertChunk(data, tag, w) == 0 {
		return flbOK
	}
	if w.grouped {
		// Records with Kubernetes pod fields go one ResourceLogs per pod:
		// the chunk is converted again through pdata, which groups them.
		s := newOTLPSink()
		conv.convertChunk(data, tag, s)
		var m plog.ProtoMarshaler
		body, err := m.MarshalLogs(s.logs)
		if err != nil {
			o.logf("error", "otlp: %v", err)
			return flbError
		}
		sc.body = append(sc.body[:0], body...)
		return o.send(sc, w.n)
	}
	sc.body = o.env.appendRequest(sc.body[:0], w.records)
	return o.send(sc, w.n)
}

func (o *otlpOutput) close() { o.client.CloseIdleConnections() }

// otlpSink builds the OTLP request with the collector processor's
// conversion (internal/pdataconv), which copies each record: one
// ResourceLogs per distinct resource (kubernetes.go), in the order of their
// first records. The output writes protobuf directly (otlp_proto.go) for a
// chunk whose records carry no resource; otlpSink gives it the resource and
// scope, builds the request of a chunk that does, and gives the tests the
// pdata the direct writer must match.
type otlpSink struct {
	logs   plog.Logs
	groups map[string]plog.LogRecordSlice
	key    []byte
}

// otlpTemplate is the request around a chunk without resources: one
// ResourceLogs, its scope, no records.
func otlpTemplate() plog.Logs {
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().Scope().SetName(otlpScope)
	return ld
}

// otlpScope names the plugin as the records' instrumentation scope.
const otlpScope = "github.com/pamaudit/pamaudit/fluentbit"

func newOTLPSink() *otlpSink {
	return &otlpSink{logs: plog.NewLogs(), groups: map[string]plog.LogRecordSlice{}}
}

func (s *otlpSink) add(rec *core.Record, res []core.Attr) {
	s.key = appendResourceKey(s.key[:0], res)
	lrs, ok := s.groups[string(s.key)]
	if !ok {
		rl := s.logs.ResourceLogs().AppendEmpty()
		attrs := rl.Resource().Attributes()
		attrs.EnsureCapacity(len(res))
		for i := range res {
			attrs.PutStr(res[i].Key, res[i].Str)
		}
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName(otlpScope)
		lrs = sl.LogRecords()
		s.groups[string(s.key)] = lrs
	}
	pdataconv.NewRecord(lrs, rec)
}

// send posts the request in sc.body (n records) as OTLP/HTTP protobuf,
// gzipped unless otlp_compression is none.
func (o *otlpOutput) send(sc *scratch, n int) int {
	body, enc := sc.body, ""
	if o.cfg.otlpGzip {
		body, enc = sc.gzip(body), "gzip"
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, o.cfg.otlpEndpoint, bytes.NewReader(body))
	if err != nil {
		o.logf("error", "otlp: %v", err)
		return flbError
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	if enc != "" {
		req.Header.Set("Content-Encoding", enc)
	}
	for k, v := range o.cfg.otlpHeaders {
		req.Header.Set(k, v)
	}
	resp, err := o.client.Do(req)
	if err != nil {
		level, msg := sendFailure(err)
		o.logf(level, "otlp: %s; Fluent Bit will retry", msg)
		return flbRetry
	}
	defer resp.Body.Close()
	// The reason, for the log; a short or failed read leaves it shorter.
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return o.result(resp.StatusCode, msg, n)
}

// result classifies an HTTP status: 2xx delivered; 429 and 5xx may pass
// (retry); any other status is a permanent rejection.
func (o *otlpOutput) result(code int, msg []byte, n int) int {
	switch {
	case code >= 200 && code < 300:
		return flbOK
	case code == http.StatusTooManyRequests || code >= 500:
		o.logf("warn", "otlp: HTTP %d: %s; Fluent Bit will retry %d records", code, bytes.TrimSpace(msg), n)
		return flbRetry
	default:
		o.logf("error", "otlp: HTTP %d: %s; %d records rejected", code, bytes.TrimSpace(msg), n)
		return flbError
	}
}
