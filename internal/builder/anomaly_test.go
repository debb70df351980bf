package builder

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/record"
)

// tamperLines are testdata/passman/tamper.log's lines, what a product
// tells the builder of them, and what the tamper rule makes of it.
var tamperLines = []struct {
	name, line string
	build      func(b *Builder)
	marks      []string
	outcome    string
	dropped    string
}{
	{"business_result = failure, business_result = success: the outcome is unknown",
		"passman-audit(2301): id = 19101, type = Login, user_upn = alice@corp.example, business_result = failure, business_result = success",
		func(b *Builder) {
			b.SetOutcome(record.OutcomeSuccess)
			b.DuplicateKey("business_result", false, true, []string{record.AttrEventOutcome}, "failure", "success")
		},
		[]string{"duplicate_key:business_result=failure|success"}, record.OutcomeUnknown, ""},
	{"user_upn twice with two users: user.name is left out",
		"passman-audit(2301): id = 19102, type = Login, user_upn = alice@corp.example, business_result = success, user_upn = admin@corp.example",
		func(b *Builder) {
			b.AddStr(record.AttrUserName, "admin@corp.example")
			b.SetOutcome(record.OutcomeSuccess)
			b.DuplicateKey("user_upn", false, true, []string{record.AttrUserName}, "alice@corp.example", "admin@corp.example")
		},
		[]string{"duplicate_key:user_upn=alice@corp.example|admin@corp.example"}, record.OutcomeSuccess, record.AttrUserName},
	{"entity_name twice with one value: marked only",
		"passman-audit(2301): id = 19103, type = CheckoutCredentials, entity_name = root, entity_name = root",
		func(b *Builder) {
			b.AddStr("passman.entity_name", "root")
			b.DuplicateKey("entity_name", false, false, []string{"passman.entity_name"}, "root")
			b.DuplicateKey("entity_name", false, false, []string{"passman.entity_name"}, "root")
		},
		[]string{"duplicate_key:entity_name"}, "", ""},
	{"a secret repeated with two values: its values are never listed",
		"passman-audit(2301): type = Login, password = one-secret, password = two-secret",
		func(b *Builder) {
			b.DuplicateKey("password", true, true, nil, "one-secret", "two-secret")
			b.Anomaly(AnomalyEmbeddedRecord + "details")
		},
		[]string{"duplicate_key:password", "embedded_record:details"}, "", ""},
}

func TestDuplicateKey(t *testing.T) {
	for _, tc := range tamperLines {
		t.Run(tc.name, func(t *testing.T) {
			b := newTest(20, 200)
			b.Start(tc.line, now, false)
			b.SetFormat(record.FormatPassMan, "passman.")
			tc.build(b)
			b.Finish(tc.line, nil)
			r := b.Record()
			a, _ := r.Get(record.AttrAnomaly)
			if !reflect.DeepEqual(a.Strs, tc.marks) {
				t.Errorf("marks %q, want %q", a.Strs, tc.marks)
			}
			if o, _ := r.Get(record.AttrEventOutcome); o.Str != tc.outcome {
				t.Errorf("outcome %q, want %q", o.Str, tc.outcome)
			}
			if _, ok := r.Get(tc.dropped); tc.dropped != "" && ok {
				t.Errorf("%s kept", tc.dropped)
			}
		})
	}
}

func TestListValues(t *testing.T) {
	long := strings.Repeat("é", maxListedBytes) // 2 bytes each: cut at a rune
	got := listValues("duplicate_key:k", []string{"a", long, "c", "d", "e", "f", "g", "h", "i"})
	want := "duplicate_key:k=a|" + strings.Repeat("é", maxListedBytes/2) + "…|c|d|e|f|g|h|…"
	if got != want {
		t.Errorf("got %q", got)
	}
}

// First and Repeat: the places of a field's value, record by record.
func TestRepeat(t *testing.T) {
	b := started("type = login, user = a, user = b", record.FormatPassMan, "passman.")
	f := b.Field("user")
	if !b.First(f, 21, 22) {
		t.Fatal("the first user is not first")
	}
	if b.First(f, 31, 32) || !b.Repeat(f, 31, 32) {
		t.Fatal("the second user is not a repeat")
	}
	if v0, v1 := b.Previous(); v0 != 21 || v1 != 22 {
		t.Errorf("Previous %d, %d", v0, v1)
	}
	b.Start("type = login, user = c", now, false)
	if !b.First(f, 21, 22) {
		t.Error("a new record's field is not first")
	}
}
