package secretgen

import (
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// SECRETGEN_SHOW=n prints the first n cases of seed 1, to look at them.
func TestShow(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SECRETGEN_SHOW"))
	for i := 0; i < n; i++ {
		c := Nth(1, i)
		t.Logf("case %d: %s\n  forms %q\n  secrets %q\n  max %d\n%s\n", i, c.Name, c.Forms, c.Secrets, c.MaxRecordBytes, c.Text)
	}
}

// The generator is deterministic, and every case keeps its promises: 2 to
// 5 secrets, each planted, unique, 3 to 24 bytes, of the alphabet; the
// control has other values of the same lengths, in the same places.
func TestCases(t *testing.T) {
	for i := 0; i < 1500; i++ {
		c := Nth(7, i)
		if d := Nth(7, i); !reflect.DeepEqual(c.Text, d.Text) || !reflect.DeepEqual(c.Secrets, d.Secrets) || c.Control != d.Control {
			t.Fatalf("case %d is not deterministic", i)
		}
		checkCase(t, c)
	}
}

func checkCase(t *testing.T, c Case) {
	t.Helper()
	if len(c.Secrets) < 1 || len(c.Secrets) > 5 || len(c.Forms) != len(c.Secrets) || len(c.ControlSecrets) != len(c.Secrets) {
		t.Fatalf("%s: %d secrets, %d forms", c.Name, len(c.Secrets), len(c.Forms))
	}
	for i, s := range c.Secrets {
		if len(s) < 3 || len(s) > 24 || strings.Trim(s, tokenish+"=") != "" || !strings.Contains(alnum, s[:1]) {
			t.Fatalf("%s: bad value %q", c.Name, s)
		}
		if len(Leaks(c.Text, []string{s})) != 1 {
			t.Fatalf("%s: secret %q (%s) not planted in\n%s", c.Name, s, c.Forms[i], c.Text)
		}
		if len(Leaks(c.Control, []string{s})) != 0 {
			t.Fatalf("%s: secret %q in the control", c.Name, s)
		}
		cs := c.ControlSecrets[i]
		if len(cs) != len(s) || cs == s || len(Leaks(c.Control, []string{cs})) != 1 {
			t.Fatalf("%s: control value %q for %q", c.Name, cs, s)
		}
		for j, o := range c.Secrets {
			if j != i && (strings.Contains(o, s) || strings.Contains(s, o)) {
				t.Fatalf("%s: %q and %q overlap", c.Name, s, o)
			}
		}
	}
	if c.MaxRecordBytes != 0 && (c.MaxRecordBytes >= len(c.Text) || c.MaxRecordBytes >= len(c.Control) || c.MaxRecordBytes < 1) {
		t.Fatalf("%s: max %d for %d bytes", c.Name, c.MaxRecordBytes, len(c.Text))
	}
	for _, r := range c.Text {
		if isMarker(r) {
			t.Fatalf("%s: a marker left in the text", c.Name)
		}
	}
}

// Every product, framing, kind and form comes up, nested framings and the
// too-large path too.
func TestCoverage(t *testing.T) {
	seen := map[string]int{}
	for i := 0; i < 3000; i++ {
		c := Nth(7, i)
		p := c.p
		seen["product "+productNames[p.product]]++
		seen["framings "+strconv.Itoa(len(p.framings))]++
		for _, f := range p.framings {
			seen["framing "+framingNames[f.kind]]++
		}
		for _, s := range p.secrets {
			seen["form "+formNames[s.form]]++
			seen["kind "+strconv.Itoa(int(s.kind))]++
			if s.token {
				seen["token"]++
			}
		}
		if c.MaxRecordBytes > 0 {
			seen["too large"]++
		}
	}
	var want []string
	for _, n := range productNames {
		want = append(want, "product "+n)
	}
	for _, n := range framingNames {
		want = append(want, "framing "+n)
	}
	for _, n := range formNames {
		want = append(want, "form "+n)
	}
	for k := range nKinds {
		want = append(want, "kind "+strconv.Itoa(int(k)))
	}
	want = append(want, "framings 0", "framings 1", "framings 2", "framings 3", "too large", "token")
	for _, w := range want {
		if seen[w] == 0 {
			t.Errorf("never generated: %s", w)
		}
	}
	t.Logf("%v", seen)
}

// A fuzzer's bytes drive every choice; any bytes give a valid case, and
// the first bytes pick the shape.
func TestFromBytes(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	inputs := [][]byte{nil, {0}, {0xff, 0xff, 0xff}, []byte(strings.Repeat("\x00", 100))}
	for i := 0; i < 500; i++ {
		b := make([]byte, r.Intn(200))
		r.Read(b)
		inputs = append(inputs, b)
	}
	for _, in := range inputs {
		c := Generate(FromBytes(in))
		checkCase(t, c)
		if d := Generate(FromBytes(in)); d.Text != c.Text {
			t.Fatalf("not deterministic for %x", in)
		}
	}
	for p := range nProducts {
		c := Generate(FromBytes([]byte{byte(p)}))
		if !strings.HasPrefix(c.Name, productNames[p]) {
			t.Errorf("byte %d gave %s", p, c.Name)
		}
	}
}

// Shrinks keep the secret asked for, and are valid cases.
func TestShrinks(t *testing.T) {
	for i := 0; i < 300; i++ {
		c := Nth(9, i)
		s := c.Secrets[len(c.Secrets)-1]
		for _, d := range c.Shrinks(s) {
			checkCase(t, d)
			if !d.p.has(s) || len(Leaks(d.Text, []string{s})) != 1 {
				t.Fatalf("shrink of %s lost %q: %s", c.Name, s, d.Name)
			}
		}
		m := c.Shrink(s, 100, func(Case) bool { return true })
		framings := 0 // the framing that holds the secret stays
		if m.p.secrets[0].frame >= 0 {
			framings = 1
		}
		if len(m.p.framings) != framings || len(m.Secrets) != 1 || !m.p.minimal {
			t.Errorf("shrinking %s with an always-true predicate gave %s %q", c.Name, m.Name, m.Secrets)
		}
	}
}

// The oracle finds each form, in JSON strings at any depth, in keys, and in
// raw text, and nothing else.
func TestOracle(t *testing.T) {
	sec := []string{"Ab3+x/Y=", "zzTop9"}
	for _, tc := range []struct {
		out   string
		where string
	}{
		{`{"body":"x Ab3+x/Y= y"}`, "body"},
		{`{"attributes":{"netwrix.log":"{\"a\":\"Ab3+x\\/Y=\"}"}}`, "attributes[netwrix.log]"},
		{`{"attributes":{"k":["q","Ab3%2Bx%2FY%3D"]}}`, "attributes[k][1]"},
		{`{"unmapped":{"deep":{"Ab3 x/Y=":1}}}`, "unmapped[deep][Ab3 x/Y=] (the key)"},
		{"no json here Ab3+x/Y=", "raw output"},
		{"{\"a\":1}\n{\"b\":\"Ab3+x/Y=\"}\n", "#1 b"},
	} {
		got := Find(tc.out, sec)
		if len(got) != 1 || got[0].Secret != sec[0] || got[0].Where != tc.where {
			t.Errorf("%s: %+v, want one leak at %s", tc.out, got, tc.where)
		}
	}
	if l := Leaks(`{"body":"[REDACTED] Ab3+x","a":"zzTop"}`, sec); len(l) != 0 {
		t.Errorf("false leak: %q", l)
	}
	if l := Leaks(`{"a":"zzTop9"} Ab3+x/Y=`, sec); !reflect.DeepEqual(l, sec) {
		t.Errorf("Leaks = %q", l)
	}
}

// TestOracleMasksPseudonyms: a secret inside a pseudonym's hex is no leak,
// the same secret beside it is.
func TestOracleMasksPseudonyms(t *testing.T) {
	if l := Leaks("Basic hmac:487b9670f8ca8876", []string{"87b"}); len(l) != 0 {
		t.Errorf("inside a pseudonym: %v", l)
	}
	if l := Leaks("Basic hmac:487b9670f8ca8876 87b", []string{"87b"}); len(l) != 1 {
		t.Errorf("beside a pseudonym: %v", l)
	}
}
