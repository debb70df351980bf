package builder

import (
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/record"
)

// A PassMan pair that holds a secret: the product's span redacts the
// original, and the attribute gets the same replacement.
func TestSecretValue(t *testing.T) {
	const line = "passman-audit(1): type = login, user = alice, password = hunter22"
	b := newTest(10, 100)
	b.Start(line, now, false)
	b.SetFormat(record.FormatPassMan, "passman.")
	i := strings.Index(line, "hunter22")
	b.AddStr("passman.password", b.SecretValue(i, i+8, "hunter22", redact.KindWhole))
	b.Finish(line, nil)
	r := b.Record()
	if strings.Contains(r.Body, "hunter22") || !strings.HasPrefix(r.Body, "passman-audit(1): type = login, user = alice, password = ") {
		t.Errorf("body %q", r.Body)
	}
	if v := str(t, r, "passman.password"); v == "hunter22" || !strings.HasSuffix(r.Body, v) {
		t.Errorf("attribute %q, body %q", v, r.Body)
	}
	if b.Redactions() != 1 {
		t.Errorf("Redactions %d", b.Redactions())
	}
}

// A secret the product did not read as one (a cookie in a column) is found
// by the search of the text, and propagated to every attribute that holds
// its value.
func TestPropagate(t *testing.T) {
	const line = `28 Oct 2008 12:15:01 P LOGIN root 59 2 cookie=sid=abc123secret; theme=dark`
	b := newTest(10, 100)
	b.Start(line, now, false)
	b.SetFormat(record.FormatCAPAM, "capam.")
	b.AddStr("capam.session", "sid=abc123secret")
	b.AddStr("capam.theme", "theme=dark") // a cookie's pair too
	b.AddStr(record.AttrUserName, "root")
	b.Finish(line, nil)
	r := b.Record()
	if strings.Contains(r.Body, "abc123secret") {
		t.Errorf("body %q", r.Body)
	}
	if v := str(t, r, "capam.session"); strings.Contains(v, "abc123secret") {
		t.Errorf("capam.session %q", v)
	}
	if v := str(t, r, "capam.theme"); strings.Contains(v, "dark") {
		t.Errorf("capam.theme %q: a cookie's every value is a secret", v)
	}
	if v := str(t, r, record.AttrUserName); v != "root" {
		t.Errorf("user.name %q: not a secret", v)
	}
}

// A string that is not part of the text (an unescaped JSON string) is
// searched itself.
func TestForeignString(t *testing.T) {
	const line = `{"msg":"request finish","res":{"body":"{\"password\":\"s3cr3t-v4lue\"}"}}`
	b := newTest(10, 200)
	b.Start(line, now, false)
	b.SetFormat(record.FormatNetwrix, "netwrix.")
	b.AddStr("netwrix.res.body", `{"password":"s3cr3t-v4lue"}`) // a decoded copy
	b.Finish(line, nil)
	r := b.Record()
	if v := str(t, r, "netwrix.res.body"); strings.Contains(v, "s3cr3t-v4lue") {
		t.Errorf("netwrix.res.body %q", v)
	}
	if strings.Contains(r.Body, "s3cr3t-v4lue") {
		t.Errorf("body %q", r.Body)
	}
}

// Bearer tokens are looked for only when the text may hold one.
func TestBearer(t *testing.T) {
	b := newTest(10, 100)
	b.Start("type = login", now, false)
	if _, _, ok := b.Bearer("Bearer abc.def.ghi"); ok {
		t.Error("a bearer token in a text without one")
	}
	const line = `{"req":{"headers":{"authorization":"Bearer abc.def.ghi"}}}`
	b.Start(line, now, false)
	if s, e, ok := b.Bearer("Bearer abc.def.ghi"); !ok || "Bearer abc.def.ghi"[s:e] != "abc.def.ghi" {
		t.Errorf("Bearer = %d, %d, %v", s, e, ok)
	}
}

func TestWithin(t *testing.T) {
	s := "user = alice"
	if !within(s[7:], s) || within(strings.Clone(s[7:]), s) || !within("", s) {
		t.Error("within")
	}
}
