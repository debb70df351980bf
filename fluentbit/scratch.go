package main

import (
	"bytes"
	"compress/gzip"

	"github.com/pamaudit/pamaudit/internal/cache"
)

// scratch is the memory a converter reuses from flush to flush: the output
// of one chunk (NDJSON lines, OTLP records and request, its gzip) is built
// in buffers that stay with the converter, so a flush in steady state
// allocates nothing of its size and leaves no garbage behind. A buffer that
// grew past scratchKeep for an unusually large chunk is dropped after that
// flush, so one outlier does not pin its memory.
type scratch struct {
	json  []byte      // stdout: the chunk's NDJSON lines
	proto protoWriter // otlp: the chunk's log records
	body  []byte      // otlp: the request
	gz    *gzip.Writer
	gzBuf bytes.Buffer   // otlp: the gzipped request
	keys  cache.Interner // the record keys seen (stream, kubernetes.pod_name...), scrubbed (intern), at most maxKeys
}

// maxKeys bounds the key cache: records with ever new keys must not grow it
// without end.
const maxKeys = 4096

// intern returns k as a string, the same string each time the key comes
// again, so the keys beside the text cost no allocation per record.
// The key as kept is scrub(k): a name may embed a secret ("Authorization:
// Bearer …" as a JSON member's name), and keys are emitted too.
func (s *scratch) intern(k []byte, scrub func(string) string) string {
	if v, ok := s.keys.GetBytes(k); ok {
		return v
	}
	v := scrub(string(k))
	s.keys.Put(string(k), v)
	return v
}

// scratchKeep is the largest buffer kept between flushes: 4 times Fluent
// Bit's 2 MB chunk, room for the output of any chunk it makes.
const scratchKeep = 8 << 20

// trim drops the buffers that grew past scratchKeep.
func (s *scratch) trim() {
	if cap(s.json) > scratchKeep {
		s.json = nil
	}
	if s.proto.size() > scratchKeep {
		s.proto = protoWriter{}
	}
	if cap(s.body) > scratchKeep {
		s.body = nil
	}
	if s.gzBuf.Cap() > scratchKeep {
		s.gzBuf = bytes.Buffer{}
	}
}

// gzip compresses b into the reused buffer; the result is valid until the
// next call.
func (s *scratch) gzip(b []byte) []byte {
	s.gzBuf.Reset()
	if s.gz == nil {
		s.gz = gzip.NewWriter(&s.gzBuf)
	} else {
		s.gz.Reset(&s.gzBuf)
	}
	_, _ = s.gz.Write(b) // a bytes.Buffer does not fail
	_ = s.gz.Close()
	return s.gzBuf.Bytes()
}
