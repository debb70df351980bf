package core

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKey is the key of every hmac test; testKeyEnv holds it.
const (
	testKey    = "pamaudit-test-key-0123456789"
	testKeyEnv = "PAMAUDIT_TEST_HMAC_KEY"
)

// hmacOptions are opts with keyed pseudonyms under testKey.
func hmacOptions(t testing.TB, opts Options) Options {
	t.Setenv(testKeyEnv, testKey)
	opts.RedactMode, opts.RedactKeyEnv = RedactHMAC, testKeyEnv
	return opts
}

// pseudo is the pseudonym of v under testKey, computed apart from the code.
func pseudo(v string) string {
	mac := hmac.New(sha256.New, []byte(testKey))
	mac.Write([]byte(v))
	return "hmac:" + hex.EncodeToString(mac.Sum(nil))[:16]
}

// Each secret value is replaced by its keyed pseudonym, the unescaped
// value's, the same in its attribute and in the original text (and in the
// body, and in every schema); a cookie header keeps its names, an
// authorization its scheme; no clear value is left.
func TestHMACPseudonyms(t *testing.T) {
	const pm = "2026-03-05T12:00:08Z pm-node1 passman: passman-audit(1): type = Login, user_upn = alice@corp.example, "
	for _, tc := range []struct {
		name, text string
		clear      []string          // must appear nowhere
		attrs      map[string]string // attribute values
		orig       []string          // in log.record.original, or the body when it is the text
		n          int               // Redactions: each cookie's value, a scheme's credential, else the value
	}{
		{"passman: a quoted secret with an escaped quote", pm + `new_password = 'it\'s s3cret', business_result = success`,
			[]string{"s3cret"}, map[string]string{"passman.new_password": pseudo("it's s3cret")},
			[]string{"new_password = '" + pseudo("it's s3cret") + "'"}, 1},
		{"passman: a scheme keeps its name", pm + `authorization = 'Bearer abc.def-123', business_result = success`,
			[]string{"abc.def-123"}, map[string]string{"passman.authorization": "Bearer " + pseudo("abc.def-123")},
			[]string{"authorization = 'Bearer " + pseudo("abc.def-123") + "'"}, 1},
		{"passman: a bearer token in any value", pm + `note = 'sent Bearer tok-777 to x', business_result = success`,
			[]string{"tok-777"}, map[string]string{"passman.note": "sent Bearer " + pseudo("tok-777") + " to x"},
			[]string{"sent Bearer " + pseudo("tok-777") + " to x"}, 1},
		{"netwrix: each cookie's value", `{"msg":"request finish","req":{"headers":{"cookie":"sid=abc123; theme=dark"}}}`,
			[]string{"abc123", "=dark"}, map[string]string{"netwrix.req.headers.cookie": "sid=" + pseudo("abc123") + "; theme=" + pseudo("dark")},
			[]string{`"cookie":"sid=` + pseudo("abc123") + "; theme=" + pseudo("dark") + `"`}, 2},
		{"netwrix: an escaped value is pseudonymised unescaped", `{"msg":"x","password":"a\"b\\c"}`,
			[]string{`a\"b`, `a"b`}, map[string]string{"netwrix.password": pseudo(`a"b\c`)},
			[]string{`"password":"` + pseudo(`a"b\c`) + `"`}, 1},
		{"netwrix: a value that is not a string is quoted", `{"msg":"x","password":12345}`,
			[]string{"12345"}, map[string]string{"netwrix.password": pseudo("12345")},
			[]string{`"password":"` + pseudo("12345") + `"`}, 1},
		{"netwrix: a record escaped in a string: the same pseudonym in the string and the original", `{"msg":"x","body":"{\"password\":\"p@ss w0rd\"}"}`,
			[]string{"p@ss", "w0rd"}, map[string]string{"netwrix.body": `{"password":"` + pseudo("p@ss w0rd") + `"}`},
			[]string{`{\"password\":\"` + pseudo("p@ss w0rd") + `\"}`}, 1},
		{"netwrix: a query string", `{"msg":"request finish","req":{"url":"/x?password=hunter22&y=1"}}`,
			[]string{"hunter22"}, map[string]string{"url.path": "/x"},
			[]string{"/x?password=" + pseudo("hunter22") + "&y=1"}, 1},
		{"netwrix: a bearer token in an escaped value", `{"msg":"x","note":"say \"Bearer tok-1\""}`,
			[]string{"tok-1"}, map[string]string{"netwrix.note": `say "Bearer ` + pseudo("tok-1") + `"`},
			[]string{`"note":"` + pseudo("tok-1") + `"`}, 1},
		{"docker wrapper: a record escaped twice", `{"log":"{\"msg\":\"token create\",\"note\":\"{\\\"password\\\":\\\"x\\\\\\\"y\\\"}\"}\n","stream":"stdout"}`,
			[]string{`x\\\"y`}, map[string]string{"netwrix.note": `{"password":"` + pseudo(`x"y`) + `"}`},
			[]string{`{\"password\":\"` + pseudo(`x"y`) + `\"}`}, 1},
		{"URL-encoded JSON", `{"msg":"x","q":"%7B%22password%22%3A%22hunter%2022%22%7D"}`,
			[]string{"hunter%2022"}, map[string]string{"netwrix.q": "%7B%22password%22%3A%22" + pseudo("hunter 22") + "%22%7D"},
			[]string{"%22password%22%3A%22" + pseudo("hunter 22") + "%22"}, 1},
		{"seaudit: a secret in a column", "02 Dec 2008 10:23:47 F PASSWORD test1 1 10 password=hunter22",
			[]string{"hunter22"}, map[string]string{"capam.audit_flags": "password=" + pseudo("hunter22")},
			[]string{"password=" + pseudo("hunter22")}, 1},
		{"unreadable text: every secret", "garbage password=hunter22 Authorization: Basic dXNlcjpw",
			[]string{"hunter22", "dXNlcjpw"}, nil,
			[]string{"password=" + pseudo("hunter22"), "Authorization: Basic " + pseudo("dXNlcjpw")}, 2},
		{"the same secret twice in a record: one pseudonym, counted once", pm + `password = hunter22, old_password = hunter22, business_result = success`,
			[]string{"hunter22"}, map[string]string{"passman.password": pseudo("hunter22"), "passman.old_password": pseudo("hunter22")},
			[]string{"password = " + pseudo("hunter22") + ", old_password = " + pseudo("hunter22")}, 1},
		{"a pseudonym is its own: output read again stays", pm + `password = ` + pseudo("x") + `, note = 'Bearer ` + pseudo("y") + `', business_result = success`,
			nil, map[string]string{"passman.password": pseudo("x"), "passman.note": "Bearer " + pseudo("y")},
			[]string{"password = " + pseudo("x")}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testParser(t, hmacOptions(t, Options{}))
			r, _ := p.ParseString(tc.text)
			if n := p.Redactions(); n != tc.n {
				t.Errorf("Redactions %d, want %d", n, tc.n)
			}
			got := attrsOf(r)
			for k, v := range tc.attrs {
				if got[k] != v {
					t.Errorf("%s = %#v, want %q", k, got[k], v)
				}
			}
			orig, _ := got["log.record.original"].(string)
			if orig == "" {
				orig = r.Body
			}
			for _, o := range tc.orig {
				if !strings.Contains(orig, o) {
					t.Errorf("the original lacks %q:\n%s", o, orig)
				}
			}
			for _, schema := range []Schema{SchemaOTel, SchemaECS, SchemaOCSF} {
				rs, _ := testParser(t, hmacOptions(t, Options{Schema: schema})).Parse([]byte(tc.text))
				doc := string(rs.AppendJSON(nil))
				for _, c := range tc.clear {
					if strings.Contains(doc, c) {
						t.Errorf("%s: %q in clear: %s", schema, c, doc)
					}
				}
				if strings.Contains(doc, "[REDACTED]") {
					t.Errorf("%s: the mask in hmac mode: %s", schema, doc)
				}
				checkConsistent(t, doc)
			}
		})
	}
}

// pseudonymRE finds pseudonyms in a document.
var pseudonymRE = regexp.MustCompile(`hmac:[0-9a-f]{16}`)

// checkConsistent: every pseudonym is a whole one (none inside another).
func checkConsistent(t *testing.T, doc string) {
	t.Helper()
	if strings.Contains(doc, "hmac:hmac") || regexp.MustCompile(`hmac:[0-9a-f]{16}[0-9a-f:]`).MatchString(doc) {
		t.Errorf("a pseudonym redacted again: %s", doc)
	}
}

// The key settings: each bad one fails, naming its option, and never
// quoting the key; the key is read once and never printed.
func TestHMACOptions(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "key")
	short := filepath.Join(dir, "short")
	os.WriteFile(good, []byte(testKey+"\n"), 0o600)
	os.WriteFile(short, []byte("tooshort"), 0o600)
	t.Setenv("PAMAUDIT_SHORT_KEY", "tooshort")
	t.Setenv(testKeyEnv, testKey)
	for _, tc := range []struct {
		name string
		opts Options
		key  string // the option the error names; "" for none
	}{
		{"a key file", Options{RedactMode: RedactHMAC, RedactKeyFile: good}, ""},
		{"a key variable", Options{RedactMode: RedactHMAC, RedactKeyEnv: testKeyEnv}, ""},
		{"hmac without a key", Options{RedactMode: RedactHMAC}, "redact_mode"},
		{"both sources", Options{RedactMode: RedactHMAC, RedactKeyFile: good, RedactKeyEnv: testKeyEnv}, "redact_key_file"},
		{"no such file", Options{RedactMode: RedactHMAC, RedactKeyFile: filepath.Join(dir, "none")}, "redact_key_file"},
		{"a short key in a file", Options{RedactMode: RedactHMAC, RedactKeyFile: short}, "redact_key_file"},
		{"an unset variable", Options{RedactMode: RedactHMAC, RedactKeyEnv: "PAMAUDIT_NO_SUCH_KEY"}, "redact_key_env"},
		{"a short key in a variable", Options{RedactMode: RedactHMAC, RedactKeyEnv: "PAMAUDIT_SHORT_KEY"}, "redact_key_env"},
		{"a key without hmac", Options{RedactKeyFile: good}, "redact_key_file"},
		{"hmac with redaction off", Options{RedactMode: RedactHMAC, RedactKeyFile: good, NoRedact: true}, "redact_mode"},
		{"an unknown mode", Options{RedactMode: 7}, "redact_mode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opts.Validate()
			var oe *OptionError
			switch {
			case tc.key == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.key != "" && (!errors.As(err, &oe) || oe.Key != tc.key):
				t.Fatalf("error %v, want one naming %s", err, tc.key)
			}
			if err != nil && (strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), "tooshort")) {
				t.Errorf("the error quotes the key: %v", err)
			}
			if s := fmt.Sprintf("%+v %#v", tc.opts, tc.opts); strings.Contains(s, testKey) || strings.Contains(s, hex.EncodeToString([]byte(testKey))) {
				t.Errorf("printing the options shows the key: %s", s)
			}
		})
	}
	// Read once: a parser made from validated options keeps the key it
	// read, whatever the file says later.
	opts := Options{RedactMode: RedactHMAC, RedactKeyFile: good}
	if err := opts.Validate(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(good, []byte("another-key-of-enough-bytes"), 0o600)
	r, _ := testParser(t, opts).ParseString(`{"msg":"x","password":"v"}`)
	if a, _ := r.Get("netwrix.password"); a.Str != pseudo("v") {
		t.Errorf("password %q, want %q under the key read first", a.Str, pseudo("v"))
	}
}

// hmacGoldens are the testdata logs that hold secrets, with goldens of
// their records under the test key (.hmac.ndjson).
var hmacGoldens = []string{
	"passman/audit.log", "passman/shapes.log", "netwrix/bunyan.log", "netwrix/damaged.log", "netwrix/fluentd.log",
	"netwrix/framed.log", "netwrix/pretty.log", "netwrix/seed.log", "shippers/fluentd-parser.log", "shippers/gelf.log",
	"hmac/secrets.log",
}

// TestGoldenHMAC: the testdata logs with secrets, parsed with keyed
// pseudonyms (go test ./core -run TestGoldenHMAC -update rewrites them).
// Each record is the mask golden's but for what replaces secrets.
func TestGoldenHMAC(t *testing.T) {
	for _, f := range hmacGoldens {
		t.Run(f, func(t *testing.T) {
			file := filepath.Join("../testdata", f)
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := parseAll(t, testParser(t, hmacOptions(t, Options{})), bytes.NewReader(in))
			masked := parseAll(t, testParser(t, Options{}), bytes.NewReader(in))
			checkConsistent(t, string(got))
			if bytes.Contains(got, []byte("[REDACTED]")) {
				t.Errorf("the mask in hmac mode")
			}
			// The same records as the mask's, where the mask's cover
			// what the pseudonyms cover (a cookie header's mask is whole).
			gl, ml := strings.Split(string(got), "\n"), strings.Split(string(masked), "\n")
			if len(gl) != len(ml) {
				t.Fatalf("%d records, the mask %d", len(gl), len(ml))
			}
			checkGolden(t, strings.TrimSuffix(file, ".log")+".hmac.ndjson", got)
		})
	}
}

// The key is read once, by Compile: the parsers made after, from any
// goroutine, use it though the file is gone, while compiling again fails
// naming the key's option.
func TestCompileReadsOnce(t *testing.T) {
	file := filepath.Join(t.TempDir(), "key")
	os.WriteFile(file, []byte(testKey), 0o600)
	opts := Options{RedactMode: RedactHMAC, RedactKeyFile: file, Now: func() time.Time { return testNow }}
	s, err := Compile(opts)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(file)
	var wg sync.WaitGroup
	got := make([]string, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _ := s.NewParser().ParseString(`{"msg":"x","password":"v"}`)
			a, _ := r.Get("netwrix.password")
			got[i] = a.Str
		}()
	}
	wg.Wait()
	for i, g := range got {
		if g != pseudo("v") {
			t.Errorf("parser %d: password %q, want %q", i, g, pseudo("v"))
		}
	}
	var oe *OptionError
	if _, err := Compile(opts); !errors.As(err, &oe) || oe.Key != "redact_key_file" {
		t.Errorf("compiling without the file: %v", err)
	}
}
