package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// cutLimit is the --max-record-bytes of the cut tests.
const cutLimit = 64

// cutMessage is the error.message of a record cut at cutLimit.
var cutMessage = regexp.MustCompile(`^(octet-counted frame cut short: \d+ of \d+ bytes; )?record too large: the first \d+ bytes kept, \d+ dropped \(limit 64 bytes\)$`)

// secretForms are the texts slid through the limit, each with its secret
// value.
var secretForms = []struct{ text, value string }{
	{"password = hunter22", "hunter22"},
	{"cookie: sid=abc123", "sid=abc123"},
	{`"x-access-token":"tok123"`, "tok123"},
	{"Authorization: Bearer abcdef", "abcdef"},
}

// cutContexts put a secret form behind a prefix of exactly n bytes and
// before some text, so that the line is longer than cutLimit.
var cutContexts = []struct {
	name   string
	octet  bool // a syslog message: also sent in octet-counted frames
	prefix func(n int) string
	suffix string
}{
	{"passman pairs", false, func(n int) string { return pad("type = Login, note = ", n, ", ") }, ", user_upn = a@b, business_result = ok"},
	{"syslog", true, func(n int) string { return pad("<13>Mar  5 10:16:02 h passman-audit: type = Login, n = ", n, ", ") }, ", user_upn = a@b, business_result = ok"},
	{"json", false, func(n int) string { return pad(`{"msg":"request finish","note":"`, n, `",`) }, `,"hostname":"nps.example.com","x":1}`},
	{"free text", false, func(n int) string { return pad("no format reads this: ", n, " ") }, " and some more text after it"},
}

// pad returns head, then x up to n bytes in all, then tail; or as much of
// head as fits before tail.
func pad(head string, n int, tail string) string {
	if k := n - len(head) - len(tail); k >= 0 {
		return head + strings.Repeat("x", k) + tail
	}
	return head[:n-len(tail)] + tail
}

// A line longer than --max-record-bytes never leaks a secret, wherever the
// limit cuts it: the secret form is slid through the limit a byte at a
// time, from a cut before its name to one after its value. Each cut line is
// one record, with error.type record_too_large (nothing of it passes for a
// complete record, nothing of it makes up records of its own), no output
// holds the value or a piece of it of 3 bytes or more, and the record after
// it comes out whole. Octet-counted frames the same.
func TestCutNeverLeaks(t *testing.T) {
	const next = "<13>Mar  5 10:16:03 h passman-audit: id = 2, type = Logout"
	for _, form := range secretForms {
		for _, ctx := range cutContexts {
			for k := -3; k <= len(form.text)+3; k++ { // k bytes of the form before the limit
				line := ctx.prefix(cutLimit-k) + form.text + ctx.suffix
				if len(line) <= cutLimit || line[cutLimit-k:][:len(form.text)] != form.text {
					t.Fatalf("bad test line %q", line)
				}
				checkCut(t, ctx.name+"/lines", line+"\n"+next+"\n", 0, line, form.value)
				if ctx.octet {
					checkCut(t, ctx.name+"/octet", frame(line)+frame(next), 0, line, form.value)
					// The input ends inside the frame, in what is dropped.
					checkCut(t, ctx.name+"/octet, cut short", frame(next)+frame(line)[:len(frame(line))-2], 1, line, form.value)
				}
			}
		}
	}
}

// checkCut runs pamaudit parse --max-record-bytes cutLimit on in, which
// holds the line over the limit with the secret value, as its record cut
// (0 or 1), and the record next.
func checkCut(t *testing.T, name, in string, cut int, line, value string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run([]string{"parse", "--max-record-bytes", "64"}, strings.NewReader(in), &out, &errb, testNow); code != 0 {
		t.Fatalf("%s: exit %d: %s", name, code, errb.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%s, cut after %q: %d records, want 2:\n%s", name, line[:cutLimit], len(lines), out.String())
	}
	for i, l := range lines {
		var r struct {
			EventName  string         `json:"event_name"`
			Attributes map[string]any `json:"attributes"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%s: not JSON: %s", name, l)
		}
		msg, _ := r.Attributes["error.message"].(string)
		if i == cut {
			// The cut line: one record, marked, and not parsed.
			if r.Attributes["error.type"] != "record_too_large" || !cutMessage.MatchString(msg) || r.EventName != "" {
				t.Errorf("%s, cut after %q: the cut record is not marked record_too_large:\n%s", name, line[:cutLimit], l)
			}
		} else if r.EventName != "passman.logout" || r.Attributes["error.type"] != nil {
			t.Errorf("%s, cut after %q: the next record is not whole:\n%s", name, line[:cutLimit], l)
		}
		// error.message is checked above: numbers only. The rest of the
		// record must hold no piece of the secret.
		checkNoPiece(t, name, strings.Replace(l, msg, "", 1), line, value)
	}
	checkNoPiece(t, name+" (summary)", errb.String(), line, value)
}

// checkNoPiece fails when out holds value, or a prefix or suffix of it of 3
// bytes or more that line, without the value, does not hold.
func checkNoPiece(t *testing.T, name, out, line, value string) {
	t.Helper()
	around := strings.Replace(line, value, "\x00", 1)
	for n := 3; n <= len(value); n++ {
		for _, piece := range []string{value[:n], value[len(value)-n:]} {
			if !strings.Contains(around, piece) && strings.Contains(out, piece) {
				t.Errorf("%s: %q of the secret %q in clear, line %q cut after %q:\n%s", name, piece, value, line, line[:cutLimit], out)
				return
			}
		}
	}
}
