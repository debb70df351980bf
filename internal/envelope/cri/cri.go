// Package cri reads the container runtime interface log format that
// containerd and CRI-O write on Kubernetes nodes:
//
//	2026-03-05T10:16:02.123456789Z stdout F <message>
//
// F marks a full line, P a partial one that the next line continues.
package cri

import (
	"time"

	"github.com/pamaudit/pamaudit/internal/scan"
)

// Header is a CRI line's header.
type Header struct {
	Time     time.Time
	TimeText string // the time as the line wrote it
	Stream   string // stdout or stderr
	Partial  bool   // P: the next line continues the message
	Msg      int    // offset of the message
}

// Parse reads the header at the start of s.
func Parse(s string) (Header, bool) {
	var h Header
	if len(s) < 20 || s[0] < '0' || s[0] > '9' || s[10] != 'T' {
		return h, false
	}
	t, n, ok := scan.RFC3339(s, time.UTC)
	if !ok || n+9 > len(s) || s[n] != ' ' {
		return h, false
	}
	i := n + 1
	switch {
	case len(s) >= i+7 && s[i:i+7] == "stdout ":
		h.Stream = "stdout"
	case len(s) >= i+7 && s[i:i+7] == "stderr ":
		h.Stream = "stderr"
	default:
		return h, false
	}
	i += 7
	// The tag: F or P, possibly followed by more ':'-separated flags.
	j := i
	for j < len(s) && s[j] != ' ' {
		j++
	}
	if j == i || (s[i] != 'F' && s[i] != 'P') || (j > i+1 && s[i+1] != ':') {
		return h, false
	}
	h.Time, h.TimeText, h.Partial = t, s[:n], s[i] == 'P'
	if j < len(s) {
		j++
	}
	h.Msg = j
	return h, true
}
