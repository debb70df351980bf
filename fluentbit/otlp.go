package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/pdataconv"
)

// otlpOutput posts each chunk's records as one OTLP/HTTP protobuf request.
type otlpOutput struct {
	cfg    *config
	client *http.Client // shared by the workers; keeps connections alive
	logf   func(level, format string, args ...any)
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

func (o *otlpOutput) flush(conv *converter, data []byte, tag string) int {
	s := newOTLPSink()
	if conv.convertChunk(data, tag, s) == 0 {
		return flbOK
	}
	return o.send(s.logs)
}

func (o *otlpOutput) close() { o.client.CloseIdleConnections() }

// otlpSink builds the OTLP request with the collector processor's
// conversion (internal/pdataconv), which copies each record: one
// ResourceLogs per distinct resource (kubernetes.go), in the order of their
// first records.
type otlpSink struct {
	logs   plog.Logs
	groups map[string]plog.LogRecordSlice
	key    []byte
}

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
		sl.Scope().SetName("github.com/pamaudit/pamaudit/fluentbit")
		lrs = sl.LogRecords()
		s.groups[string(s.key)] = lrs
	}
	pdataconv.NewRecord(lrs, rec)
}

// send posts the logs as OTLP/HTTP protobuf, gzipped unless
// otlp_compression is none.
func (o *otlpOutput) send(ld plog.Logs) int {
	var m plog.ProtoMarshaler
	body, err := m.MarshalLogs(ld)
	if err != nil {
		o.logf("error", "otlp: %v", err)
		return flbError
	}
	var enc string
	if o.cfg.otlpGzip {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(body) // a bytes.Buffer does not fail
		_ = zw.Close()
		body, enc = b.Bytes(), "gzip"
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
	return o.result(resp.StatusCode, msg, ld.LogRecordCount())
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
