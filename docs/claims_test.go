package docs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/core"
)

// docs/reliability.md, "What redaction reaches": names are found in any
// case, inside a word too; a name with \u escapes is found where a format
// parses the JSON, not in text no format reads.
func TestRedactionClaims(t *testing.T) {
	p, err := core.NewParser(core.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text, secret string
		redacted     bool
	}{
		{"2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = 1, type = Login, user_upn = a@b.example, PassWord = hunter22xyz", "hunter22xyz", true},
		{"2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = 1, type = Login, user_upn = a@b.example, NewPassWord = hunter33xyz", "hunter33xyz", true},
		{`{"name":"secureone-api","hostname":"h","pid":1,"level":30,"msg":"x","time":"2019-08-29T20:13:31.120Z","v":0,"PassWord":"hunter44xyz"}`, "hunter44xyz", true},
		{`{"name":"secureone-api","hostname":"h","pid":1,"level":30,"msg":"x","time":"2019-08-29T20:13:31.120Z","v":0,"pass\u0077ord":"hunter55xyz"}`, "hunter55xyz", true},
		{`some text no format reads "pass\u0077ord":"hunter66xyz"`, "hunter66xyz", false},
	} {
		rec, _ := p.ParseString(c.text)
		out := fmt.Sprintf("%+v", *rec)
		if strings.Contains(out, c.secret) == c.redacted {
			t.Errorf("%s: redacted %v, the docs say %v:\n%s", c.text, !c.redacted, c.redacted, out)
		}
	}
}
