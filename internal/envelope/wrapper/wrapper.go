// Package wrapper unwraps the JSON objects container logging puts around a
// line: Docker's json-file driver ({"log":"…\n","stream":"stdout","time":…})
// and Fluentd's docker logging driver ({"source":"stdout","log":"…",
// "container_id":…,"container_name":"/…"}). The line travels as the escaped
// string "log"; an object with any other member is a record, not a wrapper.
package wrapper

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/jsonwalk"
	"github.com/pamaudit/pamaudit/internal/scan"
)

// Wrapper is what the object says of the line it carries.
type Wrapper struct {
	Log           string // the line, unescaped
	Stream        string // stream or source: stdout, stderr
	Time          string // Docker's time, RFC 3339
	ContainerID   string
	ContainerName string // without Docker's leading '/'
}

// Parse unwraps s, a JSON object (leading white space allowed).
func Parse(s string) (Wrapper, bool) {
	var w Wrapper
	i := scan.SkipWS(s, 0)
	// No search for "log" first: the walk stops at the first member a
	// wrapper does not have, which is sooner and cheaper than a scan of
	// the record for it.
	if i >= len(s) || s[i] != '{' {
		return w, false
	}
	hasLog := false
	i++
	for {
		i = scan.SkipWS(s, i)
		if i < len(s) && s[i] == '}' {
			break
		}
		if i >= len(s) || s[i] != '"' {
			return w, false
		}
		k0, k1, end, esc := jsonwalk.String(s, i)
		if esc || end > len(s) {
			return w, false
		}
		i = scan.SkipWS(s, end)
		if i >= len(s) || s[i] != ':' {
			return w, false
		}
		i = scan.SkipWS(s, i+1)
		if i >= len(s) || s[i] != '"' {
			return w, false // every member of a wrapper is a string
		}
		v0, v1, end, esc := jsonwalk.String(s, i)
		if end > len(s) {
			return w, false
		}
		v := s[v0:v1]
		if esc {
			var ok bool
			if v, ok = jsonwalk.Unescape(v); !ok {
				return w, false
			}
		}
		switch s[k0:k1] {
		case "log":
			w.Log, hasLog = v, true
		case "stream", "source":
			w.Stream = v
		case "time":
			w.Time = v
		case "container_id":
			w.ContainerID = v
		case "container_name":
			w.ContainerName = strings.TrimPrefix(v, "/")
		default:
			return w, false
		}
		i = scan.SkipWS(s, end)
		if i < len(s) && s[i] == ',' {
			i++
		}
	}
	if !hasLog || scan.SkipWS(s, i+1) != len(s) {
		return w, false
	}
	w.Log = strings.TrimRight(w.Log, "\r\n")
	return w, true
}
