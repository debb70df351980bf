package main

import (
	"io"
	"sync"

	"github.com/pamaudit/pamaudit/core"
)

// stdoutOutput prints each chunk's records as NDJSON, the lines `pamaudit
// parse` prints, in one write.
type stdoutOutput struct {
	mu   sync.Mutex // one chunk's lines stay together when workers flush at once
	w    io.Writer
	logf func(level, format string, args ...any)
}

func (o *stdoutOutput) flush(conv *converter, data []byte, tag string) int {
	s := &jsonSink{buf: conv.scratch.json[:0]}
	conv.convertChunk(data, tag, s)
	o.mu.Lock()
	_, err := o.w.Write(s.buf)
	o.mu.Unlock()
	conv.scratch.json = s.buf
	if err != nil {
		o.logf("warn", "stdout: %v", err)
		return flbRetry
	}
	return flbOK
}

func (o *stdoutOutput) close() {}

// jsonSink collects NDJSON (Record.AppendJSON).
type jsonSink struct{ buf []byte }

func (s *jsonSink) add(rec *core.Record) {
	s.buf = rec.AppendJSON(s.buf)
	s.buf = append(s.buf, '\n')
}
