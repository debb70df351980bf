package builder

import (
	"testing"

	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/record"
)

// Raw names from real records, and the keys and secrecy they get.
func TestField(t *testing.T) {
	r := redact.NewKeyed(nil, nil, true, nil)
	n := newNames()
	for _, tc := range []struct {
		name, key string
		secret    bool
		kind      redact.Kind
	}{
		{"authInfo.0.domain", "netwrix.auth_info.0.domain", false, redact.KindWhole},
		{"req.headers.cookie", "netwrix.req.headers.cookie", true, redact.KindCookies},
		{"Set-Cookie", "netwrix.set_cookie", true, redact.KindOf("set-cookie")},
		{"password", "netwrix.password", true, redact.KindWhole},
		{"a..b", "netwrix.a._.b", false, redact.KindWhole},
	} {
		f := n.fieldSlow(tc.name, record.FormatNetwrix, "netwrix.", &r)
		if f.Key != tc.key || f.Secret != tc.secret || f.Kind != tc.kind {
			t.Errorf("%s: got %q secret %v kind %v", tc.name, f.Key, f.Secret, f.Kind)
		}
		if again := n.fieldSlow(tc.name, record.FormatNetwrix, "netwrix.", &r); again != f {
			t.Errorf("%s: not kept", tc.name)
		}
	}
	// The same raw name in another product's namespace.
	if f := n.fieldSlow("password", record.FormatPassMan, "passman.", &r); f.Key != "passman.password" {
		t.Errorf("PassMan's password: %q", f.Key)
	}
}

func TestIntern(t *testing.T) {
	n := newNames()
	a := n.Intern([]byte("passman.login"))
	b := n.Intern([]byte("passman.login"))
	if a != b || n.keys[a] != a {
		t.Errorf("%q, %q", a, b)
	}
	bl := newTest(10, 10)
	k := bl.InternKey(append(bl.KeyBuf("capam.detail."), "user_name"...))
	if k != "capam.detail.user_name" || string(bl.KeyBuf("x")) != "x" {
		t.Errorf("InternKey %q", k)
	}
}

// Through the Builder's direct-mapped cache: the same name in two
// products' records is two fields.
func TestFieldCache(t *testing.T) {
	b := started("x", record.FormatNetwrix, "netwrix.")
	nx := b.Field("password")
	if b.Field("password") != nx || nx.Key != "netwrix.password" || !nx.Secret {
		t.Errorf("netwrix: %+v", nx)
	}
	b.SetFormat(record.FormatPassMan, "passman.")
	if pm := b.Field("password"); pm == nx || pm.Key != "passman.password" {
		t.Errorf("passman: %+v", pm)
	}
}
