package main

import (
	"encoding/hex"
	"reflect"
	"testing"
)

// Every format Fluent Bit writes decodes to its value, and the reader ends
// right after it; arrays and maps give their header only.
func TestMsgpackNext(t *testing.T) {
	for _, tc := range []struct {
		name string
		hex  string
		want mpValue
	}{
		{"positive fixint", "2a", mpValue{kind: mpInt, i: 42}},
		{"negative fixint", "ff", mpValue{kind: mpInt, i: -1}},
		{"nil", "c0", mpValue{kind: mpNil}},
		{"false", "c2", mpValue{kind: mpBool}},
		{"true", "c3", mpValue{kind: mpBool, b: true}},
		{"fixstr log", "a36c6f67", mpValue{kind: mpStr, s: []byte("log")}},
		{"str8", "d903616263", mpValue{kind: mpStr, s: []byte("abc")}},
		{"str16", "da0001ab", mpValue{kind: mpStr, s: []byte{0xab}}},
		{"bin8", "c4020102", mpValue{kind: mpStr, s: []byte{1, 2}}},
		{"uint8", "cc80", mpValue{kind: mpUint, u: 128}},
		{"uint16", "cd0100", mpValue{kind: mpUint, u: 256}},
		{"uint32 pid", "ce00010000", mpValue{kind: mpUint, u: 65536}},
		{"uint64", "cf0000000100000000", mpValue{kind: mpUint, u: 1 << 32}},
		{"int8", "d080", mpValue{kind: mpInt, i: -128}},
		{"int16", "d1ff00", mpValue{kind: mpInt, i: -256}},
		{"int32", "d2ffffffff", mpValue{kind: mpInt, i: -1}},
		{"int64", "d3fffffffffffffffe", mpValue{kind: mpInt, i: -2}},
		{"float32", "ca3fc00000", mpValue{kind: mpFloat, f: 1.5}},
		{"float64 seconds", "cb41d954fc3fe00000", mpValue{kind: mpFloat, f: 1699999999.5}},
		{"EventTime fixext8", "d70065a4f1a000000001", mpValue{kind: mpExt, extType: 0, s: []byte{0x65, 0xa4, 0xf1, 0xa0, 0, 0, 0, 1}}},
		{"ext8", "c70205aabb", mpValue{kind: mpExt, extType: 5, s: []byte{0xaa, 0xbb}}},
		{"fixarray event", "92", mpValue{kind: mpArray, n: 2}},
		{"array16", "dc0003", mpValue{kind: mpArray, n: 3}},
		{"fixmap record", "83", mpValue{kind: mpMap, n: 3}},
		{"map16", "de0001", mpValue{kind: mpMap, n: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := hex.DecodeString(tc.hex)
			r := mpReader{buf: b}
			v, err := r.next()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v, tc.want) {
				t.Errorf("got %+v, want %+v", v, tc.want)
			}
			if r.pos != len(b) {
				t.Errorf("read %d of %d bytes", r.pos, len(b))
			}
		})
	}
}

// What Fluent Bit never writes, and what a chunk cut short leaves, is an
// error, never a panic nor a read past the end.
func TestMsgpackErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		hex  string
	}{
		{"empty", ""},
		{"never used 0xc1", "c1"},
		{"fixstr cut", "a36c6f"},
		{"str8 without length", "d9"},
		{"str32 longer than the chunk", "dbffffffff61"},
		{"bin16 cut", "c50005ab"},
		{"uint32 cut", "ce0001"},
		{"float64 cut", "cb3ff0"},
		{"fixext8 without type", "d7"},
		{"fixext8 cut", "d700650001"},
		{"ext32 longer than the chunk", "c9ffffffff00"},
		{"array32 longer than the chunk", "ddffffffff"},
		{"map32 longer than the chunk", "dfffffffff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := hex.DecodeString(tc.hex)
			r := mpReader{buf: b}
			if _, err := r.next(); err != errMsgpack {
				t.Errorf("next: %v, want errMsgpack", err)
			}
			if r.pos > len(b) {
				t.Errorf("read to %d of %d bytes", r.pos, len(b))
			}
		})
	}
}

// skip passes over one whole value, nested maps and arrays included, and
// stops at the next; pair takes only string keys.
func TestMsgpackSkipPair(t *testing.T) {
	// {"log": "x", "k8s": {"labels": ["a", "b"]}} then 7
	rec := appendValue(nil, []kv{{"log", "x"}, {"k8s", []kv{{"labels", []string{"a", "b"}}}}})
	r := mpReader{buf: append(rec, 0x07)}
	if err := r.skip(); err != nil || r.pos != len(rec) {
		t.Fatalf("skip: %v, at %d of %d", err, r.pos, len(rec))
	}
	if v, err := r.next(); err != nil || v.i != 7 {
		t.Errorf("after skip: %+v, %v", v, err)
	}

	r = mpReader{buf: rec}
	h, _ := r.next()
	k, v, err := r.pair()
	if err != nil || string(k.s) != "log" || string(v.s) != "x" {
		t.Errorf("pair: %q %q %v", k.s, v.s, err)
	}
	if _, v, err = r.pair(); err != nil || v.kind != mpMap || v.n != 1 {
		t.Errorf("pair of a nested map: %+v, %v", v, err)
	}
	if err := skipContents(&r, v); err != nil || r.pos != len(rec) || h.n != 2 {
		t.Errorf("skipContents: %v, at %d of %d", err, r.pos, len(rec))
	}

	r = mpReader{buf: []byte{0x81, 0x01, 0xa1, 'x'}} // {1: "x"}
	r.next()
	if _, _, err := r.pair(); err != errMsgpack {
		t.Errorf("an integer key: %v", err)
	}
	// A header promising more elements than bytes fails at once.
	r = mpReader{buf: []byte{0xdc, 0xff, 0xff, 0xdc, 0xff, 0xff}}
	if err := r.skip(); err != errMsgpack {
		t.Errorf("nested headers past the chunk: %v", err)
	}
}

// FuzzMsgpackReader: on any bytes, skipping value after value ends in an
// error or at the end, never past it.
func FuzzMsgpackReader(f *testing.F) {
	f.Add(appendValue(nil, []kv{{"log", "x"}, {"k8s", []kv{{"labels", []string{"a"}}}}}))
	f.Add([]byte{0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0xd7, 0x00, 0x65, 0xa4, 0xf1, 0xa0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := mpReader{buf: data}
		for r.pos < len(data) {
			if r.skip() != nil {
				break
			}
		}
		if r.pos > len(data) {
			t.Fatalf("read to %d of %d bytes", r.pos, len(data))
		}
	})
}
