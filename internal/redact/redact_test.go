package redact

import (
	"testing"
)

// Each form the contract names, with the secret value "s3cr3t-v4lue".
func TestFindForms(t *testing.T) {
	r := New(nil, nil, true)
	for _, tc := range []struct{ name, text, want string }{
		{"JSON", `{"cookie":"s3cr3t-v4lue","a":1}`, `{"cookie":"[REDACTED]","a":1}`},
		{"JSON escaped once", `{"log":"{\"x-access-token\":\"s3cr3t-v4lue\"}"}`, `{"log":"{\"x-access-token\":\"[REDACTED]\"}"}`},
		{"JSON escaped twice", `"{\\\"password\\\":\\\"s3cr3t-v4lue\\\"}"`, `"{\\\"password\\\":\\\"[REDACTED]\\\"}"`},
		{"query string", `/api?page=2&password=s3cr3t-v4lue&x=1`, `/api?page=2&password=[REDACTED]&x=1`},
		{"URL-encoded JSON", `%7B%22password%22%3A%22s3cr3t-v4lue%22%7D`, `%7B%22password%22%3A%22[REDACTED]%22%7D`},
		{"key = value", `type = Login, new_password = s3cr3t-v4lue, user = a`, `type = Login, new_password = [REDACTED], user = a`},
		{"header line to its end", `Cookie: sid=s3cr3t-v4lue; theme=dark`, `Cookie: [REDACTED]`},
		{"underscore for dash", `x_access_token=s3cr3t-v4lue`, `x_access_token=[REDACTED]`},
		{"upper case", `AUTHORIZATION: Basic s3cr3t-v4lue`, `AUTHORIZATION: [REDACTED]`},
		{"bearer anywhere", `sent Bearer s3cr3t-v4lue to x`, `sent Bearer [REDACTED] to x`},
		{"a name without a value is text", `Password failed for: alice`, `Password failed for: alice`},
		{"null is not a secret", `{"authorization":null}`, `{"authorization":null}`},
		{"command line option", `/usr/bin/mysql -u root --password s3cr3t-v4lue db`, `/usr/bin/mysql -u root --password [REDACTED] db`},
		{"option with a quoted value", `vault login --client-secret 's3cr3t v4lue' -v`, `vault login --client-secret '[REDACTED]' -v`},
		{"option in a quoted command", `command = "keytool -keystore k.jks -db-password s3cr3t-v4lue"`, `command = "keytool -keystore k.jks -db-password [REDACTED]"`},
		{"an option without a value", `docker login --password-stdin --username bob`, `docker login --password-stdin --username bob`},
		{"a name in prose is text", `the password was changed by admin`, `the password was changed by admin`},
		{"bearer credential ends the header", `failure_details = authorization: Bearer s3cr3t-v4lue; comment = audit`, `failure_details = authorization: [REDACTED]; comment = audit`},
		{"other schemes run on", `Authorization: Digest username="bob", response="s3cr3t-v4lue"`, `Authorization: [REDACTED]`},
		{"other schemes in a JSON string", `{"msg":"Authorization: Digest username=\"bob\", response=\"s3cr3t-v4lue\"","next":1}`, `{"msg":"Authorization: [REDACTED]","next":1}`},
		{"other schemes before a padded value in a JSON string", `{"msg":"Authorization: Digest username=\"bob\", response=\"s3cr3t-v4lue\" password = dXNlcg="}`, `{"msg":"Authorization: [REDACTED]"}`},
		{"unknown scheme runs on", `Authorization: SSWS s3cr3t-v4lue extra`, `Authorization: [REDACTED]`},
		{"rsyslog's escaped line break ends a header", `X-Access-Token: s3cr3t-v4lue#012    Event: Login`, `X-Access-Token: [REDACTED]#012    Event: Login`},
		{"a tab's escape does not", `Cookie: sid=s3cr3t-v4lue;#011theme=dark`, `Cookie: [REDACTED]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(r.Replace(nil, tc.text, r.Find(tc.text, 0, nil, true)))
			if got != tc.want {
				t.Errorf("\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestOff(t *testing.T) {
	r := New(nil, nil, false)
	if r.IsSecret("password") || r.Enabled() {
		t.Error("redaction off still redacts")
	}
	if sp := r.Find(`password=x`, 0, nil, false); len(sp) != 0 {
		t.Errorf("spans %v", sp)
	}
}

// Names the user adds are looked for like the contract's.
func TestExtraNames(t *testing.T) {
	r := New([]string{"X-Api-Key"}, []string{"pin"}, true)
	text := `x-api-key: k3y and user_pin=1234`
	if got := string(r.Replace(nil, text, r.Find(text, 0, nil, false))); got != `x-api-key: [REDACTED]` {
		t.Errorf("%s", got)
	}
	if !r.IsSecret("user_pin") || !r.IsSecret("X_API_KEY") {
		t.Error("IsSecret misses the added names")
	}
}

// A run of names is read once: linear, whatever its length.
func BenchmarkFindNoSecret(b *testing.B) {
	r := New(nil, nil, true)
	line := "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = 18735, type = CheckoutCredentials, user_upn = alice@corp.example, user_address = 10.1.2.3, entity_path = 'Servers/Linux/db-prod-01', business_result = Success"
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	var sp []Span
	for i := 0; i < b.N; i++ {
		sp = r.Find(line, 0, sp[:0], false)
	}
	sinkSpans = sp
}

var sinkSpans []Span

func TestMayHoldBearer(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"Authorization: Bearer eyJhbGciOi", true},
		{`{"auth":"bearer abc"}`, true},
		{"HEADER: BEARER abc", true},
		{"ends with Bearer ", true},
		{"ends with Bearer", false}, // no token can follow
		{"bearers of news", false},  // not the word
		{"a bear is here, b b B", false},
		{"", false},
	} {
		if got := MayHoldBearer(tc.s); got != tc.want {
			t.Errorf("MayHoldBearer(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// BenchmarkFindPaths: Find's two ways of reading a text (findWordsBelow
// chooses by length), each with its look for "bearer ", on a short CA PAM
// summary line and a PassMan line.
func BenchmarkFindPaths(b *testing.B) {
	r := New(nil, nil, true)
	for _, tc := range []struct{ name, s string }{
		{"short", "28 Oct 2008 12:16:40 P LOGIN jsmith 49047159:0000034c 59 2 pts/3 /usr/bin/ssh (OS user)"},
		{"long", "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = 18735, type = CheckoutCredentials, user_upn = alice@corp.example, user_address = 10.1.2.3, entity_path = 'Servers/Linux/db-prod-01', business_result = Success"},
	} {
		for _, way := range []struct {
			name string
			find func(string, int, []Span, bool) []Span
		}{{"words", func(s string, base int, dst []Span, bearer bool) []Span {
			dst, _ = r.findWords(s, base, dst, bearer)
			return dst
		}}, {"bytes", func(s string, base int, dst []Span, bearer bool) []Span {
			if bearer && MayHoldBearer(s) {
				dst = append(dst, Span{})
			}
			return r.findBytes(s, base, dst)
		}}} {
			b.Run(tc.name+"/"+way.name, func(b *testing.B) {
				b.SetBytes(int64(len(tc.s)))
				b.ReportAllocs()
				var sp []Span
				for i := 0; i < b.N; i++ {
					sp = way.find(tc.s, 0, sp[:0], true)
				}
				sinkSpans = sp
			})
		}
	}
}

// TestReplaceNeedlesKeepsPseudonyms: a short secret's needle that a
// pseudonym written before holds by chance ("87b" in "hmac:487b9670f8ca8876")
// leaves the pseudonym whole; the same text outside one is replaced.
func TestReplaceNeedlesKeepsPseudonyms(t *testing.T) {
	ns := []Needle{{Find: "87b", Repl: "hmac:025e313da0ca37aa"}}
	got := ReplaceNeedles("Basic hmac:487b9670f8ca8876 token=87b", ns)
	if want := "Basic hmac:487b9670f8ca8876 token=hmac:025e313da0ca37aa"; got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}
