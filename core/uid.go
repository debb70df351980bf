package core

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// A record's identity (log.record.uid; event.id in ECS, metadata.uid in
// OCSF) is what a consumer deduplicates on after an at-least-once pipeline
// delivered a record twice (a crash between a delivery and its
// checkpoint). It is worked out from what the source gives, never from the
// clock or a counter, so the same record read again gives the same
// identity:
//
//   - a record read from a file: the file's path, the byte offset of the
//     record's first byte, and the text. Two identical lines at different
//     offsets (two failed logins in the same second) differ; the same line
//     read again after a restart is the same.
//   - a record with no position (syslog over TCP or UDP, standard input,
//     a collector record without the file attributes): the text and the
//     header a pipeline took off it (host, app name, pid, time). Two records
//     with the same text and header collide: a sender that writes the same
//     line twice in one second (its header's time has no fraction) gives
//     two records one identity.
//
// The faces pass the text as Parser.IdentityText gives it: with the
// secrets it held redacted, so an identity is never a hash of a secret.
//
// The identity is the first 128 bits of a SHA-256 of those fields, each
// length-prefixed, in 32 hex digits. SHA-256 rather than a faster hash of
// the standard library: on amd64 and arm64 it runs on the CPU's SHA
// instructions and costs less than FNV-1a 128 (docs/performance.md).

// UIDLen is the length of an identity: 32 hex digits.
const UIDLen = 32

// A UIDer works out identities; it keeps its buffer from record to record
// and must not be shared between goroutines.
type UIDer struct {
	buf []byte
}

// File is the identity of a record whose text was read at offset in the
// file at path.
func (u *UIDer) File(path string, offset int64, text string) string {
	return fileUID(u, path, offset, text)
}

// FileBytes is File of a text in bytes.
func (u *UIDer) FileBytes(path string, offset int64, text []byte) string {
	return fileUID(u, path, offset, text)
}

// Stream is the identity of a record with no position: its text and the
// header a pipeline read off it (h may be nil).
func (u *UIDer) Stream(h *Header, text string) string { return streamUID(u, h, text) }

// StreamBytes is Stream of a text in bytes.
func (u *UIDer) StreamBytes(h *Header, text []byte) string { return streamUID(u, h, text) }

func fileUID[T string | []byte](u *UIDer, path string, offset int64, text T) string {
	b := append(u.buf[:0], 'f')
	b = appendField(b, path)
	b = strconv.AppendInt(b, offset, 10)
	b = appendField(b, text)
	u.buf = b
	return sum(b)
}

func streamUID[T string | []byte](u *UIDer, h *Header, text T) string {
	if h == nil {
		h = &noHeader
	}
	b := append(u.buf[:0], 's')
	b = appendField(b, h.Host)
	b = appendField(b, h.App)
	b = appendField(b, h.PID)
	if !h.Time.IsZero() {
		b = h.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	}
	b = append(b, 0)
	b = appendField(b, text)
	u.buf = b
	return sum(b)
}

// noHeader stands for a nil header.
var noHeader Header

// appendField appends s after its length, so fields cannot run together.
func appendField[T string | []byte](b []byte, s T) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:UIDLen/2])
}
