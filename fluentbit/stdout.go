package main

import (
	"io"
	"sync"

	"github.com/pamaudit/pamaudit/core"
)

// stdoutOutput prints each chunk's records as NDJSON, the lines `pamaudit
// parse` prints, in writes of about stdoutWrite bytes: few system calls, and
// a buffer that does not grow with the chunk (a 2 MB chunk of PassMan audit
// prints about 5 MB).
type stdoutOutput struct {
	mu   sync.Mutex // one chunk's lines stay together when workers flush at once
	w    io.Writer
	logf func(level, format string, args ...any)
}

// stdoutWrite is the size of one write to stdout.
const stdoutWrite = 512 << 10

func (o *stdoutOutput) flush(conv *converter, data []byte, tag string) int {
	s := &jsonSink{buf: conv.scratch.json[:0], w: o.w}
	// The lock is held while the chunk converts, as its lines are written
	// as they come: with workers above 1, stdout converts one chunk at a
	// time (keep workers 1 for stdout, docs/fluent-bit.md). Deferred: after
	// a panic in the conversion, the next flush must not wait forever.
	o.mu.Lock()
	defer o.mu.Unlock()
	conv.convertChunk(data, tag, s)
	s.write()
	conv.scratch.json = s.buf
	if s.err != nil {
		// Lines already written are printed again on the retry.
		o.logf("warn", "stdout: %v", s.err)
		return flbRetry
	}
	return flbOK
}

func (o *stdoutOutput) close() {}

// jsonSink renders NDJSON (Record.AppendJSON) into buf, and writes it to w
// (when set) each time it holds stdoutWrite bytes.
type jsonSink struct {
	buf []byte
	w   io.Writer
	err error
}

func (s *jsonSink) add(rec *core.Record, _ []core.Attr) {
	s.buf = rec.AppendJSON(s.buf)
	s.buf = append(s.buf, '\n')
	if s.w != nil && len(s.buf) >= stdoutWrite {
		s.write()
	}
}

// write writes what buf holds; after an error, nothing more.
func (s *jsonSink) write() {
	if s.err == nil && len(s.buf) > 0 {
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
}
