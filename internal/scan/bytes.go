// Package scan holds the byte scanners every layer shares: digits, case
// folding, white space, snake case, times and the key = value byte classes.
// They are hand-written (no regexp) and never allocate unless they return a
// new string.
package scan

import (
	"net/netip"
	"strings"
)

// UnmapIPv4 turns an IPv4-mapped IPv6 address (::ffff:10.0.0.1) into the IPv4
// address.
func UnmapIPv4(s string) string {
	if len(s) > 7 && strings.EqualFold(s[:7], "::ffff:") && strings.IndexByte(s[7:], '.') > 0 {
		return s[7:]
	}
	return s
}

// IsIP reports whether s is an IPv4 or IPv6 address. A host name fails on
// its first letter past f, before netip, whose error would allocate.
func IsIP(s string) bool {
	addr, _, _ := strings.Cut(s, "%") // a zone (fe80::1%eth0) may hold any letter
	if addr == "" {
		return false
	}
	for i := 0; i < len(addr); i++ {
		if c := addr[i]; !IsHex(c) && c != '.' && c != ':' {
			return false
		}
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// Atoi reads a non-negative decimal integer that is the whole of s.
func Atoi(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

func IsDigit(c byte) bool { return c >= '0' && c <= '9' }

func IsHex(c byte) bool { return IsDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func Lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// IndexFold is strings.Index for a Lower-case needle, ASCII case-insensitive.
func IndexFold(s, sub string) int {
	n := len(sub)
outer:
	for i := 0; i+n <= len(s); i++ {
		for j := 0; j < n; j++ {
			if Lower(s[i+j]) != sub[j] {
				continue outer
			}
		}
		return i
	}
	return -1
}

// ContainsFold reports whether s contains the Lower-case sub, ASCII
// case-insensitively.
func ContainsFold(s, sub string) bool { return IndexFold(s, sub) >= 0 }

// EqualFoldDash compares ASCII case-insensitively, with '_' equal to '-'.
func EqualFoldDash(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := Lower(a[i]), Lower(b[i])
		if x == '_' {
			x = '-'
		}
		if y == '_' {
			y = '-'
		}
		if x != y {
			return false
		}
	}
	return true
}

// IndexFoldDash is IndexFold with '_' and '-' alike (x_access_token).
func IndexFoldDash(s, sub string) int {
	n := len(sub)
outer:
	for i := 0; i+n <= len(s); i++ {
		for j := 0; j < n; j++ {
			c := Lower(s[i+j])
			if c == '_' {
				c = '-'
			}
			if c != sub[j] {
				continue outer
			}
		}
		return i
	}
	return -1
}

// SkipWS skips JSON white space, and the no-break spaces (U+00A0) that
// documentation pages indent with: logs copied from them carry those.
func SkipWS(t string, i int) int {
	i, _ = SkipSpace(t, i)
	return i
}

// SkipSpace is SkipWS that also says whether it skipped a no-break space.
func SkipSpace(t string, i int) (int, bool) {
	nbsp := false
	for i < len(t) {
		switch t[i] {
		case ' ', '\n', '\r', '\t':
			i++
			continue
		case 0xc2:
			if i+1 < len(t) && t[i+1] == 0xa0 {
				i += 2
				nbsp = true
				continue
			}
		}
		return i, nbsp
	}
	return i, nbsp
}

// AppendSnake appends name in Lower Snake case: camelCase and spaces become
// underscores ("requestIP" → "request_ip", "User name" → "user_name").
func AppendSnake(b []byte, name string) []byte {
	if o, ok := snakeOverrides[name]; ok {
		return append(b, o...)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z':
			if i > 0 && len(b) > 0 && b[len(b)-1] != '_' && b[len(b)-1] != '.' {
				prev := name[i-1]
				// Start a word before the last capital of an acronym
				// ("HTTPServer" → "http_server"), but not for a plural
				// ("forwardedForIPs" → "forwarded_for_ips").
				nextLower := i+1 < len(name) && name[i+1] >= 'a' && name[i+1] <= 'z' &&
					!(name[i+1] == 's' && (i+2 == len(name) || !isLowerASCII(name[i+2])))
				if (prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9') ||
					(prev >= 'A' && prev <= 'Z' && nextLower) {
					b = append(b, '_')
				}
			}
			b = append(b, c+'a'-'A')
		case c == ' ' || c == '-':
			if len(b) > 0 && b[len(b)-1] != '_' {
				b = append(b, '_')
			}
		default:
			b = append(b, c)
		}
	}
	return b
}

func isLowerASCII(c byte) bool { return c >= 'a' && c <= 'z' }

// Snake is AppendSnake for cold paths.
func Snake(name string) string { return string(AppendSnake(nil, name)) }

// snakeOverrides are names whose capitals are not word starts.
var snakeOverrides = map[string]string{
	"sAMAccountName": "sam_account_name",
	"dNSHostName":    "dns_host_name",
}
