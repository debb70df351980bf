package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
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

// flush writes the chunk's records straight into the protobuf request
// (otlp_proto.go), in the converter's reused buffers.
func (o *otlpOutput) flush(conv *converter, data []byte, tag string) int {
	sc := &conv.scratch
	w := &sc.proto
	w.reset()
	if conv.convertChunk(data, tag, w) == 0 {
		return flbOK
	}
	sc.body = w.appendRequest(sc.body[:0])
	return o.send(sc, w.n)
}

func (o *otlpOutput) close() { o.client.CloseIdleConnections() }

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
