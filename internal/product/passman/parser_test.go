package passman_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/internal/parsetest"
	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/product/passman"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

func TestPassManKeyValue(t *testing.T) {
	const head = "2026-03-05T12:00:00Z pm-node1 passman: passman-audit(1): "
	for _, tc := range []struct {
		name, kv string
		want     map[string]any
	}{
		{"comma separated, bare values", "type = CheckoutCredentials, account = 5f1c2a, exclusive_duration = 3600",
			map[string]any{"event.action": "CheckoutCredentials", "passman.account": "5f1c2a", "passman.exclusive_duration": "3600"}},
		{"no spaces around =", "type=CreateTarget,parent=7,name=db-prod-02",
			map[string]any{"passman.parent": "7", "passman.name": "db-prod-02"}},
		{"semicolons", "type = UpdateTarget; target = 41; description = primary database",
			map[string]any{"passman.target": "41", "passman.description": "primary database"}},
		{"spaces only, value with spaces runs to the next key", "type = MoveTarget details = moved to group 9 target = 41",
			map[string]any{"passman.details": "moved to group 9", "passman.target": "41"}},
		{"single quotes with = and commas inside", "type = UpdateACL, acl = 'allow read, write = admins; deny all', group = 12",
			map[string]any{"passman.acl": "allow read, write = admins; deny all", "passman.group": "12"}},
		{"double quotes with escapes", `type = UpdateGroup, name = "Linux \"prod\" servers"`,
			map[string]any{"passman.name": `Linux "prod" servers`}},
		{"escaped single quote", `type = UpdateGroup, description = 'it\'s prod'`,
			map[string]any{"passman.description": "it's prod"}},
		{"empty bare value", "type = CreateGroup, name = , parent = 1",
			map[string]any{"passman.name": "", "passman.parent": "1"}},
		{"empty quoted value", "type = CreateGroup, description = ''",
			map[string]any{"passman.description": ""}},
		{"duplicated key: the last wins", "type = UpdateGroup, description = first, description = second",
			map[string]any{"passman.description": "second"}},
		{"unclosed quote reads as bare", "type = UpdateGroup, note = 'oops, group = 9",
			map[string]any{"passman.note": "'oops", "passman.group": "9"}},
		{"user_upn splits the domain", "type = Login, user_upn = auto@internal",
			map[string]any{"user.name": "auto@internal", "user.domain": "internal"}},
		{"IPv4-mapped address", "type = Login, user_address = ::ffff:10.0.0.1",
			map[string]any{"client.address": "10.0.0.1"}},
		{"outcome failure", "type = Login, business_result = failed",
			map[string]any{"event.outcome": "failure"}},
		{"unknown outcome keeps the value", "type = Login, business_result = pending",
			map[string]any{"event.outcome": "unknown", "passman.business_result": "pending"}},
		{"epoch as integer", "type = Login, start_timestamp = 1772702130",
			map[string]any{"passman.start_timestamp": int64(1772702130)}},
		{"password redacted", "type = ChangePassword, new_password = hunter2, username = erin",
			map[string]any{"passman.new_password": "[REDACTED]", "passman.username": "erin"}},
		{"padded value before a key, spaces only", "type = Login authorization = dXNlcg= start_timestamp = 1772704362 user_upn = dave@corp.example",
			map[string]any{"passman.authorization": "[REDACTED]", "passman.start_timestamp": int64(1772704362), "user.name": "dave@corp.example"}},
		{"padded value in a value, semicolons", "type = Login; failure_details = authorization: Bearer dXNlcg=; business_result = failure",
			map[string]any{"passman.failure_details": "authorization: [REDACTED]", "event.outcome": "failure"}},
		{"empty value before a key written key=", "type=Login, note=, user_upn=erin@corp.example",
			map[string]any{"passman.note": "", "user.name": "erin@corp.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got := parse(t, parsetest.Options{}, head+tc.kv)
			for k, v := range tc.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %#v, want %#v (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

// Backslashes in values are literal, as PassMan writes Windows paths, except
// one before the value's own quote when that quote does not end the value. A
// quote ends the value when a pair separator (a comma or semicolon, or
// spaces then the next "key =") or the end of the line follows it.
func TestPassManBackslashes(t *testing.T) {
	const head = "2026-03-05T12:00:00Z pm-node1 passman: passman-audit(1): "
	for _, tc := range []parseCase{
		{"share_path_with_backslashes", head + `type = UpdateTarget, business_result = success, share = 'D:\Shares\Finance', target = 41`, "passman.update_target",
			map[string]any{"passman.share": `D:\Shares\Finance`, "passman.target": "41"}, nil},
		{"program_path_ending_in_backslash", head + `type = UpdateTarget, install_dir = "C:\Program Files\App\", target = 41`, "passman.update_target",
			map[string]any{"passman.install_dir": `C:\Program Files\App\`, "passman.target": "41"}, nil},
		{"value_ending_in_backslash", head + `type = UpdateTarget, path = 'C:\', next = x`, "passman.update_target",
			map[string]any{"passman.path": `C:\`, "passman.next": "x"}, nil},
		{"value_ending_in_backslash_then_spaces_and_key", head + `type = UpdateTarget path = 'C:\' next = x`, "passman.update_target",
			map[string]any{"passman.path": `C:\`, "passman.next": "x"}, nil},
		{"value_ending_in_backslash_at_end_of_line", head + `type = UpdateTarget, path = 'C:\'`, "passman.update_target",
			map[string]any{"passman.path": `C:\`}, nil},
		{"value_ending_in_backslash_then_semicolon", head + `type = UpdateTarget; path = 'C:\'; next = x`, "passman.update_target",
			map[string]any{"passman.path": `C:\`, "passman.next": "x"}, nil},
		{"escaped_own_quote", head + `type = UpdateGroup, description = 'it\'s here', group = 9`, "passman.update_group",
			map[string]any{"passman.description": "it's here", "passman.group": "9"}, nil},
		{"escaped_own_quote_double", head + `type = UpdateGroup, name = "Linux \"prod\" servers", group = 9`, "passman.update_group",
			map[string]any{"passman.name": `Linux "prod" servers`, "passman.group": "9"}, nil},
		{"escaped_own_quote_and_path", head + `type = UpdateTarget, note = 'Bob\'s share D:\Shares\Bob', target = 41`, "passman.update_target",
			map[string]any{"passman.note": `Bob's share D:\Shares\Bob`, "passman.target": "41"}, nil},
		{"other_quote_inside", head + `type = UpdateGroup, description = "it\'s the \"prod\" folder", group = 9`, "passman.update_group",
			map[string]any{"passman.description": `it\'s the "prod" folder`, "passman.group": "9"}, nil},
		{"other_quote_inside_single", head + `type = UpdateGroup, description = 'say \"hi\"', group = 9`, "passman.update_group",
			map[string]any{"passman.description": `say \"hi\"`, "passman.group": "9"}, nil},
		{"backslash_letters_stay", head + `type = UpdateTarget, pattern = 'a\nb\tc\\d', target = 41`, "passman.update_target",
			map[string]any{"passman.pattern": `a\nb\tc\\d`, "passman.target": "41"}, nil},
		{"bare_path_keeps_backslashes", head + `type = UpdateTarget, share = D:\Shares\Finance, target = 41`, "passman.update_target",
			map[string]any{"passman.share": `D:\Shares\Finance`, "passman.target": "41"}, nil},
		{"bare_value_with_backslash_quote", head + `type = UpdateTarget, note = it\'s, target = 41`, "passman.update_target",
			map[string]any{"passman.note": `it\'s`, "passman.target": "41"}, nil},
		{"unescaped_own_quote_inside_stays", head + `type = UpdateUser, name = 'O'Brien', user = 7`, "passman.update_user",
			map[string]any{"passman.name": "O'Brien", "passman.user": "7"}, nil},
		{"quoted_key_value_text_inside", head + `type = AddUser, details = 'role = auditor, dir = C:\Users\frank', user = frank`, "passman.add_user",
			map[string]any{"passman.details": `role = auditor, dir = C:\Users\frank`, "passman.user": "frank"}, nil},
	} {
		t.Run(tc.Name, func(t *testing.T) { parsetest.Case(tc).Run(t, row) })
	}
}

// parseCase is a table row: a real line and what it must give.
type parseCase parsetest.Case

// A secret value is redacted whole, in its attribute and in the original
// text, whatever backslashes and escaped quotes it holds; the pairs after
// it are read and kept.
func TestPassManEscapedSecrets(t *testing.T) {
	const head = "2026-03-05T12:00:00Z pm-node1 passman: passman-audit(1): "
	for _, tc := range []struct {
		name, kv, attr, secret, original string
		after                            map[string]any
	}{
		{"secret_with_escaped_quote", `type = ChangePassword, new_password = 'p4\'ss\'w0rd', user = erin`,
			"passman.new_password", `p4\'ss\'w0rd`, `new_password = '[REDACTED]', user = erin`, map[string]any{"passman.user": "erin"}},
		{"secret_with_backslashes", `type = ChangePassword, new_password = 'C0rr\ect\Horse', user = erin`,
			"passman.new_password", `C0rr\ect\Horse`, `new_password = '[REDACTED]', user = erin`, map[string]any{"passman.user": "erin"}},
		// The attribute after it is read; in the original text the loose
		// secret search (internal/redact), which reads \" as an escape
		// whatever the format, redacts to the end of the line: more than
		// the value, never less.
		{"secret_ending_in_backslash", `type = ChangePassword, new_password = "s3cr3t\", user = erin`,
			"passman.new_password", `s3cr3t\`, `new_password = "[REDACTED]`, map[string]any{"passman.user": "erin"}},
		{"bare_secret_with_backslash_quote", `type = ChangePassword, new_password = s3\'cr\et, user = erin`,
			"passman.new_password", `s3\'cr\et`, `new_password = [REDACTED], user = erin`, map[string]any{"passman.user": "erin"}},
		{"bearer_token_in_escaped_value", `type = CheckCredentials, comment = 'it\'s Bearer abc.def.ghi here', user = erin`,
			"passman.comment", "abc.def.ghi", `comment = 'it\'s Bearer [REDACTED] here', user = erin`,
			map[string]any{"passman.comment": "it's Bearer [REDACTED] here", "passman.user": "erin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, got := parse(t, parsetest.Options{}, head+tc.kv)
			if v, _ := got[tc.attr].(string); strings.Contains(v, tc.secret) || !strings.Contains(v, record.Redacted) {
				t.Errorf("%s = %q, want it redacted", tc.attr, v)
			}
			// An audit line's original text is its body (log.record.original
			// only where a message is the body).
			orig, ok := got[record.AttrLogRecordOriginal].(string)
			if !ok {
				orig = r.Body
			}
			if strings.Contains(orig, tc.secret) || !strings.Contains(orig, tc.original) {
				t.Errorf("original %q, want it to hold %q", orig, tc.original)
			}
			for k, v := range tc.after {
				if got[k] != v {
					t.Errorf("%s = %#v, want %#v", k, got[k], v)
				}
			}
			// Every secret byte sequence is gone from the whole output.
			if out := string(r.AppendJSON(nil)); strings.Contains(out, tc.secret) || strings.Contains(out, strings.ReplaceAll(tc.secret, `\`, `\\`)) {
				t.Errorf("secret in output: %s", out)
			}
		})
	}
}

// An audit line's time in each form its header writes, the year of an RFC
// 3164 time inferred from the test clock (parsetest.Now); the body is the
// line.
func TestPassManRecord(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zoneinfo:", err)
	}
	for _, tc := range []struct {
		name, stamp string
		loc         *time.Location
		time        time.Time
	}{
		{"RFC 3339 with offset", "2026-03-05T10:15:30.5+01:00", nil, time.Date(2026, 3, 5, 9, 15, 30, 5e8, time.UTC)},
		{"RFC 3164 time takes the current year", "Mar  5 10:20:00", nil, time.Date(2026, 3, 5, 10, 20, 0, 0, time.UTC)},
		{"RFC 3164 time more than 7 days ahead is last year", "Dec 24 10:20:00", nil, time.Date(2025, 12, 24, 10, 20, 0, 0, time.UTC)},
		{"RFC 3164 time within 7 days ahead stays this year", "Nov 28 10:20:00", nil, time.Date(2026, 11, 28, 10, 20, 0, 0, time.UTC)},
		{"time without offset read in the configured zone", "2026-03-05T10:00:00", berlin, time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			line := tc.stamp + " pm-node2 passman: passman-audit(2417): type = DeleteAccount"
			r, _ := parse(t, parsetest.Options{Location: tc.loc}, line)
			if r.EventName != "passman.delete_account" {
				t.Errorf("event %q", r.EventName)
			}
			if !r.Time.Equal(tc.time) {
				t.Errorf("time %v, want %v", r.Time, tc.time)
			}
			if r.Body != line {
				t.Errorf("body %q, want the line", r.Body)
			}
		})
	}
	// A system line's body is its message.
	r, _ := parse(t, parsetest.Options{}, "2026-03-05T10:00:01Z pm-node1 systemd: Started PassMan application server.")
	if r.EventName != "passman.system" || r.Body != "Started PassMan application server." || !r.Time.Equal(time.Date(2026, 3, 5, 10, 0, 1, 0, time.UTC)) {
		t.Errorf("system line: event %q, body %q, time %v", r.EventName, r.Body, r.Time)
	}
}

// parse parses line with a parser of its own, with the settings o; the
// line must parse.
func parse(t *testing.T, o parsetest.Options, line string) (*record.Record, map[string]any) {
	t.Helper()
	r, err := parsetest.NewParser(t, row, o, false).ParseString(line)
	if err != nil {
		t.Fatal(err)
	}
	return r, parsetest.AttrsOf(r)
}

// Every documented activity type has its event name and category.
func TestPassManActivities(t *testing.T) {
	types, categories := passman.ActivityTypes()
	if n := len(types); n < 70 {
		t.Fatalf("%d activity types, the seed documents 70", n)
	}
	p := parsetest.NewParser(t, row, parsetest.Options{}, false)
	for i, typ := range types {
		r, _ := p.ParseString("2026-03-05T12:00:00Z n s: p(1): type = " + typ)
		if r.EventName != "passman."+scan.Snake(typ) || r.EventName == "passman." {
			t.Errorf("%s: event %q", typ, r.EventName)
		}
		if got, _ := r.Get(passman.AttrCategory); got.Str != categories[i] {
			t.Errorf("%s: category %q, want %q", typ, got.Str, categories[i])
		}
	}
	for typ, want := range map[string]string{
		"CheckoutCredentials": "passman.checkout_credentials", "PadminDatabaseBackup": "passman.padmin_database_backup",
		"UpdateACL": "passman.update_acl", "PadminOsUpdate": "passman.padmin_os_update",
	} {
		if got := passman.ActivityEvent(typ); got != want {
			t.Errorf("%s: %q, want %q", typ, got, want)
		}
	}
}

// Text no format reads is still redacted.
func TestLooseRedaction(t *testing.T) {
	p := parsetest.NewParser(t, row, parsetest.Options{}, false)
	for _, text := range []string{
		`garbage password=hunter2 and more`,
		`{"cookie": "sid=abc123` + "\x00",
		`not json "Authorization": "Bearer tok.en.value" x`,
		`api_secret : 's3cr3t, still'`,
		`x Bearer tok.en.value y`,
	} {
		r, err := p.ParseString(text)
		if err == nil {
			t.Fatalf("%q parsed", text)
		}
		out := string(r.AppendJSON(nil))
		for _, secret := range []string{"hunter2", "abc123", "tok.en.value", "s3cr3t"} {
			if strings.Contains(out, secret) {
				t.Errorf("%q: %s in clear: %s", text, secret, out)
			}
		}
	}
}

func TestValidDate(t *testing.T) {
	for _, tc := range []struct {
		y, m, d int
		ok      bool
	}{{2024, 2, 29, true}, {2023, 2, 29, false}, {1900, 2, 29, false}, {2000, 2, 29, true}, {2026, 4, 31, false}, {2026, 12, 31, true}, {2026, 1, 0, false}, {2026, 13, 1, false}} {
		if got := scan.ValidDate(tc.y, time.Month(tc.m), tc.d); got != tc.ok {
			t.Errorf("%d-%d-%d: %v", tc.y, tc.m, tc.d, got)
		}
	}
}

// row is passman's row of the products table, for parsetest.
var row = product.Default().ByID(record.FormatPassMan)
