package core

import (
	"testing"
	"time"
)

// The identity is the same for the same record and differs when any of its
// parts does; fields cannot run into each other; a nil header is an empty
// one.
func TestUID(t *testing.T) {
	var u UIDer
	at := time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC)
	h := &Header{Host: "pm-node1", App: "passman", PID: "2301", Time: at}
	ids := map[string]string{}
	for name, id := range map[string]string{
		"file":              u.File("/var/log/a.log", 0, "line"),
		"other offset":      u.File("/var/log/a.log", 5, "line"),
		"other path":        u.File("/var/log/b.log", 0, "line"),
		"other text":        u.File("/var/log/a.log", 0, "line2"),
		"path into offset":  u.File("/var/log/a.log1", 0, "line"),
		"stream":            u.Stream(nil, "line"),
		"stream, header":    u.Stream(h, "line"),
		"host into app":     u.Stream(&Header{Host: "pm-node1p", App: "assman", PID: "2301", Time: at}, "line"),
		"other time":        u.Stream(&Header{Host: "pm-node1", App: "passman", PID: "2301", Time: at.Add(time.Nanosecond)}, "line"),
		"stream, bytes":     u.StreamBytes(h, []byte("line2")),
		"file, bytes":       u.FileBytes("/var/log/a.log", 5, []byte("line2")),
		"text like a field": u.Stream(nil, "4:line"),
	} {
		if len(id) != UIDLen {
			t.Errorf("%s: %q is not %d hex digits", name, id, UIDLen)
		}
		if other, ok := ids[id]; ok {
			t.Errorf("%s and %s have one identity", name, other)
		}
		ids[id] = name
	}
	if u.Stream(nil, "line") != u.Stream(&Header{}, "line") || u.File("p", 1, "x") != u.FileBytes("p", 1, []byte("x")) {
		t.Error("the same record, two identities")
	}
}

// BenchmarkUID is the identity of a PassMan line of 180 bytes read from a
// file: what the faces add to each record's parse (BenchmarkParse*).
func BenchmarkUID(b *testing.B) {
	text := []byte("2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = 18734, type = Login, user_upn = alice@corp.example, user_address = 10.0.0.15, business_result = failure")
	var u UIDer
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		u.FileBytes("/var/log/pods/pam_passman-0_5f0d1c2e/passman/0.log", 123456, text)
	}
}
