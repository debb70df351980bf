// Package hostile generates the hostile input corpus that every face of
// pamaudit is tested with (testdata/hostile/README.md). The small cases are
// also committed under testdata/hostile; the large ones are generated here,
// at test time, so the repository stays small.
package hostile

import (
	"bytes"
	"strconv"
	"strings"
)

// Case is one hostile input: a whole file's bytes.
type Case struct {
	Name  string
	Large bool // generated at test time only, not committed
	Gen   func() []byte
}

const passmanHead = "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): "

// Cases lists the corpus.
func Cases() []Case {
	return []Case{
		{"line-4mib", true, func() []byte {
			return []byte(passmanHead + "type = Login, note = " + strings.Repeat("x", 4<<20) + "\n")
		}},
		{"lines-100000-no-final-newline", true, func() []byte {
			var b bytes.Buffer
			for i := 0; i < 100000; i++ {
				if i > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(passmanHead + "type = Logout, id = " + strconv.Itoa(i))
			}
			return b.Bytes()
		}},
		{"json-nested-100000", true, func() []byte {
			return []byte(`{"msg":"deep","a":` + strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000) + "}\n")
		}},
		{"json-200000-keys", true, func() []byte {
			var b bytes.Buffer
			b.WriteString(`{"msg":"wide"`)
			for i := 0; i < 200000; i++ {
				b.WriteString(`,"k` + strconv.Itoa(i) + `":` + strconv.Itoa(i))
			}
			b.WriteString("}\n")
			return b.Bytes()
		}},
		{"kv-50000-pairs", true, func() []byte {
			var b bytes.Buffer
			b.WriteString(passmanHead + "type = UpdateTarget")
			for i := 0; i < 50000; i++ {
				b.WriteString(", key" + strconv.Itoa(i) + " = v" + strconv.Itoa(i))
			}
			b.WriteString("\n")
			return b.Bytes()
		}},
		{"kv-100000-unclosed-quotes", true, func() []byte {
			return []byte(passmanHead + "type = Login" + strings.Repeat(", k = 'v", 100000) + "\n")
		}},
		{"secret-names-run", true, func() []byte {
			return []byte("no format: " + strings.Repeat("password", 100000) + strings.Repeat(" cookie", 50000) + "\n")
		}},
		{"invalid-utf8", false, func() []byte {
			return []byte(passmanHead + "type = Login, user_upn = \xff\xfeal\xc3ice@corp.example, note = '\xe2\x82'\n" +
				"02 Dec 2008 10:23:47 F PASSWORD t\xffst1 1 10\n" +
				`{"msg":"token validate","authData":{"sAMAccountName":"iv\xc3an"}}` + "\n")
		}},
		{"nul-bytes", false, func() []byte {
			return []byte(passmanHead + "type = Login,\x00 user_upn = a\x00b@corp.example\n\x00\x00\x00\n" +
				"{\"msg\":\"x\x00y\",\"cookie\":\"sid=\x00secretcookie\"}\n")
		}},
		{"bom", false, func() []byte {
			return []byte("\ufeff" + passmanHead + "type = Login, user_upn = a@b\n")
		}},
		{"crlf-and-lone-cr", false, func() []byte {
			return []byte(passmanHead + "type = Login\r\n" + passmanHead + "type = Logout\r" +
				"28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login\r\n    Status: Permitted\r\n")
		}},
		{"json-unterminated-string", false, func() []byte {
			return []byte(`{"msg":"request finish","req":{"headers":{"authorization":"Bearer never.ends.here` + "\n")
		}},
		{"json-pretty-unterminated-at-eof", false, func() []byte {
			return []byte("{\n  \"message\": \"Access request granted\",\n  \"request\": {\n    \"id\": \"5d6843df\",\n    \"x-access-token\": \"tok-unterminated\"")
		}},
		{"kv-unclosed-quote", false, func() []byte {
			return []byte(passmanHead + "type = UpdateGroup, name = 'never closed, new_password = hunter2\n")
		}},
		{"unparseable-with-secrets", false, func() []byte {
			return []byte("no format reads this: password=hunter2 Authorization: Bearer abc.def.ghi\n" +
				`<13>Apr  7 11:15:14 host app: {"cookie": "secretcookie"` + "\n")
		}},
		{"secret-forms", true, secretForms},
		{"binary-garbage", false, func() []byte {
			b := make([]byte, 4096)
			x := uint32(2463534242)
			for i := range b {
				x ^= x << 13
				x ^= x >> 17
				x ^= x << 5
				b[i] = byte(x)
			}
			return b
		}},
	}
}

// Secrets are values planted in the corpus and in testdata that must never
// appear in any output.
var Secrets = []string{
	"secretcookie", "never.ends.here", "tok-unterminated", "hunter2",
	"node0bn5w93ovhv6u1qgn96r2rfgtd598633", "eyJhbGciOiJIUzI1NiJ9", "tok-7f1e2d3c4b5a", "abc123secret",
	"Sup3r$ecret!", "abc.def.ghi", "c2lnbmF0dXJl", plantedSecret,
}

// plantedSecret is the value secretForms hides under every secret name.
const plantedSecret = "Zk3tPlanted7"

// SecretNames are the names whose values the contract redacts: the HTTP
// headers whole, and any key containing password or secret.
var SecretNames = []string{
	"cookie", "Set-Cookie", "authorization", "X-Access-Token", "x_access_token",
	"proxy-authorization", "password", "new_password", "clientSecret", "COOKIE",
}

// secretForms plants plantedSecret under every secret name in every quoting
// form (plain JSON, JSON escaped once and twice, a query string, URL-encoded
// JSON, key = value, a header line, a command line's option) inside every
// product's framing: a Netwrix record and its Fluentd log-string wrapper, a
// PassMan value, a seaudit line and text no format reads.
func secretForms() []byte {
	var b bytes.Buffer
	for _, k := range SecretNames {
		v := plantedSecret
		if strings.Contains(strings.ToLower(k), "cookie") {
			v = "sid=" + plantedSecret + "; theme=dark " + plantedSecret
		}
		obj := `{"` + k + `":"` + v + `"}`
		texts := []string{
			obj,                               // JSON, escaped once when embedded
			`{"log":` + jsonString(obj) + `}`, // escaped twice when embedded
			"/api/v1/x?" + k + "=" + plantedSecret + "&page=2",    // query string
			"%7B%22" + k + "%22%3A%22" + plantedSecret + "%22%7D", // URL-encoded JSON
			k + " = " + plantedSecret + ", other = 1",             // key = value
			k + ": " + v, // header line
			"/usr/bin/tool -v --" + k + " " + plantedSecret + " --retry 2", // a command line's option
		}
		for _, t := range texts {
			// Netwrix: a string field that embeds the text.
			b.WriteString(`{"name":"s1_api","hostname":"nps.example.com","msg":"request finish","note":` + jsonString(t) + "}\n")
			// Fluentd's log-string wrapper around a Netwrix record with the
			// text in a header.
			inner := `{"name":"s1_api","msg":"request finish","req":{"url":` + jsonString(t) + `,"headers":{` + jsonString(k) + ":" + jsonString(v) + `}}}`
			b.WriteString(`{"source":"stdout","log":` + jsonString(inner) + `,"container_id":"0f1e2d","container_name":"/s1_api.1"}` + "\n")
			if !strings.ContainsAny(t, "'\"{") {
				// PassMan: a quoted value and a bare one.
				b.WriteString(passmanHead + "type = UpdateTarget, note = '" + t + "', user_upn = a@corp.example\n")
				b.WriteString(passmanHead + "type = UpdateTarget, note = " + t + "\n")
			}
			// seaudit: the text in a column.
			b.WriteString("28 Oct 2008 12:15:01 P LOGIN root 59 2 console " + t + "\n")
			// Text no format reads.
			b.WriteString("no format reads this: " + t + "\n")
		}
	}
	return b.Bytes()
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
