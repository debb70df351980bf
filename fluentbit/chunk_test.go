package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/fluentbit/flbsim"
)

// kv is one key and value of a test record: string, int, bool, nested kvs
// or a string slice.
type kv struct {
	k string
	v any
}

// appendValue encodes a test value with flbsim's encoder, kvs as its
// ordered records.
func appendValue(b []byte, v any) []byte { return flbsim.AppendValue(b, toRecord(v)) }

func toRecord(v any) any {
	x, ok := v.([]kv)
	if !ok {
		return v
	}
	r := make(flbsim.Record, len(x))
	for i, e := range x {
		r[i] = flbsim.RecordKV{Key: e.k, Value: toRecord(e.v)}
	}
	return r
}

// event encodes a Fluent Bit 2.1+ event: [[EventTime, metadata], record].
func event(ts time.Time, rec ...kv) []byte {
	b := appendArrayHeader(nil, 2)
	b = appendArrayHeader(b, 2)
	b = appendEventTime(b, ts)
	b = appendMapHeader(b, 0)
	return appendValue(b, rec)
}

// legacyEvent encodes the older [time, record] with an integer time.
func legacyEvent(sec int, rec ...kv) []byte {
	b := appendArrayHeader(nil, 2)
	b = appendInt(b, int64(sec))
	return appendValue(b, rec)
}

// groupMarker encodes a group start (-1) or end (-2) event.
func groupMarker(sec int32) []byte {
	b := appendArrayHeader(nil, 2)
	b = appendArrayHeader(b, 2)
	b = append(b, 0xd7, 0x00)
	b = append(b, byte(uint32(sec)>>24), byte(uint32(sec)>>16), byte(uint32(sec)>>8), byte(uint32(sec)), 0, 0, 0, 0)
	b = appendValue(b, []kv{{"resource", "x"}})
	return appendValue(b, []kv{})
}

var chunkTime = time.Date(2026, 11, 22, 12, 0, 0, 123000000, time.UTC)

// testEventTime is the time of a test chunk's event i: chunkTime and i
// nanoseconds, so that a record says which event it came from (testEventIndex)
// wherever an output put it.
func testEventTime(i int) time.Time { return chunkTime.Add(time.Duration(i)) }

// testEventIndex is i for a record whose observed time is testEventTime(i).
func testEventIndex(observed time.Time) int { return int(observed.Sub(chunkTime)) }

// testdataChunk makes a chunk of every record of the testdata files, each
// under the "log" key with a stream key beside it.
func testdataChunk(t testing.TB, files ...string) ([]byte, []string) {
	t.Helper()
	var chunk []byte
	var texts []string
	for _, f := range files {
		in, err := os.ReadFile(filepath.Join("..", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		sp := core.NewSplitter(bytes.NewReader(in), 0)
		for {
			text, err := sp.Next()
			if err == io.EOF {
				break
			}
			texts = append(texts, string(text))
			chunk = append(chunk, event(chunkTime, kv{"log", string(text)}, kv{"stream", "stdout"})...)
		}
	}
	return chunk, texts
}
