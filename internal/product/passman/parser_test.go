package passman_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/parsetest"
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
		{"duplicated key: the last wins", "type = UpdateGroup, name = first, name = second",
			map[string]any{"passman.name": "second"}},
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := parsetest.Parser(t, core.Options{})
			r, err := p.ParseString(head + tc.kv)
			if err != nil {
				t.Fatal(err)
			}
			got := parsetest.AttrsOf(r)
			for k, v := range tc.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %#v, want %#v (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

func TestPassManRecord(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zoneinfo:", err)
	}
	for _, tc := range []struct {
		name, line, event, body string
		loc                     *time.Location
		time                    time.Time
	}{
		{"RFC 3339 audit line with offset",
			"2026-03-05T10:15:30.5+01:00 pm-node1 passman: passman-audit(2301): type = PadminDatabaseBackup, user_upn = auto@internal",
			"passman.padmin_database_backup", "", nil, time.Date(2026, 3, 5, 9, 15, 30, 5e8, time.UTC)},
		{"RFC 3164 time takes the current year",
			"Mar  5 10:20:00 pm-node2 passman: passman-audit(2417): type = DeleteAccount",
			"passman.delete_account", "", nil, time.Date(2026, 3, 5, 10, 20, 0, 0, time.UTC)},
		{"RFC 3164 time more than 7 days ahead is last year",
			"Dec 24 10:20:00 pm-node2 passman: passman-audit(2417): type = DeleteAccount",
			"passman.delete_account", "", nil, time.Date(2025, 12, 24, 10, 20, 0, 0, time.UTC)},
		{"RFC 3164 time within 7 days ahead stays this year",
			"Nov 28 10:20:00 pm-node2 passman: passman-audit(2417): type = DeleteAccount",
			"passman.delete_account", "", nil, time.Date(2026, 11, 28, 10, 20, 0, 0, time.UTC)},
		{"time without offset read in the configured zone",
			"2026-03-05T10:00:00 pm-node1 passman: passman-audit(1): type = Logout",
			"passman.logout", "", berlin, time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)},
		{"system line",
			"2026-03-05T10:00:01Z pm-node1 systemd: Started PassMan application server.",
			"passman.system", "Started PassMan application server.", nil, time.Date(2026, 3, 5, 10, 0, 1, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := parsetest.Parser(t, core.Options{Location: tc.loc})
			r, err := p.ParseString(tc.line)
			if err != nil {
				t.Fatal(err)
			}
			if r.EventName != tc.event {
				t.Errorf("event %q, want %q", r.EventName, tc.event)
			}
			if !r.Time.Equal(tc.time) {
				t.Errorf("time %v, want %v", r.Time, tc.time)
			}
			body := tc.body
			if body == "" {
				body = tc.line
			}
			if r.Body != body {
				t.Errorf("body %q, want %q", r.Body, body)
			}
		})
	}
}

// Every documented activity type has its event name and category.
func TestPassManActivities(t *testing.T) {
	types, categories := passman.ActivityTypes()
	if n := len(types); n < 70 {
		t.Fatalf("%d activity types, the seed documents 70", n)
	}
	p := parsetest.Parser(t, core.Options{})
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

func TestUnknownFormat(t *testing.T) {
	p := parsetest.Parser(t, core.Options{})
	r, err := p.ParseString("hello world")
	if err == nil || r.Body != "hello world" {
		t.Fatalf("err %v body %q", err, r.Body)
	}
	if a, _ := r.Get(record.AttrErrorType); a.Str != "unknown_format" {
		t.Errorf("error.type %q", a.Str)
	}
}

// Text no format reads is still redacted.
func TestLooseRedaction(t *testing.T) {
	p := parsetest.Parser(t, core.Options{})
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
