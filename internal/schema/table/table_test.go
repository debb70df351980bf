package table

import (
	"testing"

	"github.com/pamaudit/pamaudit/record"
)

// rec is a record of event ev with string attributes kv (key, value, …).
func rec(ev string, kv ...string) *record.Record {
	r := &record.Record{EventName: ev}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Attrs = append(r.Attrs, record.Attr{Key: kv[i], Kind: record.KindString, Str: kv[i+1]})
	}
	return r
}

type row struct {
	key  Key
	name string
}

func TestIndex(t *testing.T) {
	rows := []*row{
		{Key{Event: "passman.login", When: []Cond{{Key: "event.outcome", Values: []string{"failure"}}}}, "failed login"},
		{Key{Event: "passman.login"}, "login"},
		{Key{Event: "netwrix.*"}, "any netwrix"},
		{Key{Event: "netwrix.request.*", When: []Cond{{Key: "url.path", Values: []string{"/api/v1/login"}, Prefix: true}}}, "login request"},
		{Key{Event: "netwrix.token.validate"}, "token"},
	}
	x := NewIndex(rows, func(r *row) *Key { return &r.key })
	for _, tc := range []struct {
		name string
		r    *record.Record
		want string
	}{
		{"a failed PassMan login: the first row whose condition holds", rec("passman.login", "event.outcome", "failure"), "failed login"},
		{"a PassMan login", rec("passman.login", "event.outcome", "success"), "login"},
		{"exact rows before prefix rows", rec("netwrix.token.validate"), "token"},
		{"prefix rows in table order", rec("netwrix.request.finish", "url.path", "/api/v1/login/"), "any netwrix"},
		{"no row", rec("capam.login"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if r := x.Lookup(tc.r); r != nil {
				got = r.name
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if r := x.Find("passman.login", nil); r == nil || r.name != "login" {
		t.Errorf("Find without attributes: %v", r)
	}
}

func TestCond(t *testing.T) {
	c := Cond{Key: "url.path", Values: []string{"/api/v1/login", "/api/v1/token"}, Prefix: true}
	if !c.Holds(rec("", "url.path", "/api/v1/token/refresh")) || c.Holds(rec("", "url.path", "/api/v1/me")) {
		t.Error("prefix condition")
	}
	n := &record.Record{Attrs: []record.Attr{{Key: "url.path", Kind: record.KindInt, Int: 1}}}
	if c.Holds(n) {
		t.Error("a condition held on an integer")
	}
	if got, want := c.String(), "`url.path` starts with `/api/v1/login`, `/api/v1/token`"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

func TestLines(t *testing.T) {
	var l Lines
	l.W("| `", "user.name", "` |")
	l.W()
	if got := l.String(); got != "| `user.name` |\n\n" {
		t.Errorf("got %q", got)
	}
}
