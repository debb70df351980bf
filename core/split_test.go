package core

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

// splitAll returns every record of in.
func splitAll(t *testing.T, in string) []string {
	t.Helper()
	sp := NewSplitter(strings.NewReader(in), 0)
	var recs []string
	for {
		r, err := sp.Next()
		if err == io.EOF {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, string(r))
	}
}

// A pretty-printed record cut short (a crash, a rotation, a hand-edited
// record missing its brace) followed by 1,000 single-line records: 1,001
// records, the cut one with its own error.type, nothing merged into it.
func TestSplitterTruncatedThenThousand(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n  \"message\": \"Access request granted\",\n  \"request\": {\n    \"id\": \"5d6843df\",\n")
	for i := 0; i < 1000; i++ {
		b.WriteString(`{"msg":"token validate","req_id":"` + strconv.Itoa(i) + `","hostname":"nps.example.com"}` + "\n")
	}
	recs := splitAll(t, b.String())
	if len(recs) != 1001 {
		t.Fatalf("%d records, want 1001", len(recs))
	}
	p := testParser(t, Options{})
	r, err := p.Parse([]byte(recs[0]))
	if !errors.Is(err, ErrMalformedJSON) {
		t.Errorf("cut record: err %v, want malformed_json", err)
	}
	if a, _ := r.Get("error.type"); a.Str != "malformed_json" {
		t.Errorf("cut record: error.type %q", a.Str)
	}
	for i, rec := range recs[1:] {
		r, err := p.Parse([]byte(rec))
		if err != nil || r.EventName != "netwrix.token.validate" {
			t.Fatalf("record %d: %v %q", i+1, err, r.EventName)
		}
		if a, _ := r.Get("netwrix.req_id"); a.Str != strconv.Itoa(i) {
			t.Fatalf("record %d: req_id %q", i+1, a.Str)
		}
	}
}

// The other lines that can only start a record end an open one too.
func TestSplitterOpenRecordEnds(t *testing.T) {
	for name, next := range map[string]string{
		"syslog header":  "<134>Mar  5 10:16:02 pm-node1 passman-audit[2301]: id = 1, type = Login",
		"rfc 5424":       "<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 - - passman-audit(2301): id = 1, type = Login",
		"passman header": "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = 1, type = Login",
		"seaudit":        "28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login",
		"fluentd header": `2020-03-28 15:01:56 +0000 docker.s1_api: {"msg":"token validate"}`,
		"json one-liner": `{"msg":"token validate"}`,
	} {
		recs := splitAll(t, "{\n  \"msg\": \"cut here\",\n"+next+"\n")
		if len(recs) != 2 || recs[1] != next {
			t.Errorf("%s: %q", name, recs)
		}
	}
}

// CRI files: headers taken off per line, partial lines joined, records
// grouped by their messages and handed out behind their first header.
func TestSplitterCRI(t *testing.T) {
	in := "2026-03-05T10:16:02.000000001Z stdout F {\n" +
		"2026-03-05T10:16:02.000000002Z stdout F   \"msg\": \"token validate\",\n" +
		"2026-03-05T10:16:02.000000003Z stdout F   \"hostname\": \"nps.example.com\"\n" +
		"2026-03-05T10:16:02.000000004Z stdout F }\n" +
		"2026-03-05T10:16:03.000000001Z stderr P passman-audit(2301): id = 18735, \n" +
		"2026-03-05T10:16:03.000000002Z stderr F type = CheckoutCredentials, user_upn = alice@corp.example\n"
	recs := splitAll(t, in)
	want := []string{
		"2026-03-05T10:16:02.000000001Z stdout F {\n  \"msg\": \"token validate\",\n  \"hostname\": \"nps.example.com\"\n}",
		"2026-03-05T10:16:03.000000001Z stderr P passman-audit(2301): id = 18735, type = CheckoutCredentials, user_upn = alice@corp.example",
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records: %q", len(recs), recs)
	}
	for i := range want {
		if recs[i] != want[i] {
			t.Errorf("record %d:\n got %q\nwant %q", i, recs[i], want[i])
		}
	}
	p := testParser(t, Options{})
	r, err := p.Parse([]byte(recs[0]))
	if err != nil || r.EventName != "netwrix.token.validate" {
		t.Errorf("CRI JSON: %v %q", err, r.EventName)
	}
	if a, _ := r.Get("host.name"); a.Str != "nps.example.com" {
		t.Errorf("host.name %q", a.Str)
	}
	r, err = p.Parse([]byte(recs[1]))
	if err != nil || r.EventName != "passman.checkout_credentials" {
		t.Errorf("CRI PassMan: %v %q", err, r.EventName)
	}
	if a, _ := r.Get("log.iostream"); a.Str != "stderr" {
		t.Errorf("log.iostream %q", a.Str)
	}
}

// The bytes of a byte order mark split by a newline are text.
func TestSplitterBOMBytesSplit(t *testing.T) {
	recs := splitAll(t, "\xef\n\xbb\xbf")
	if got := strings.Join(recs, ""); got != "\xef\xbb\xbf" || !bytes.Equal([]byte(recs[0]), []byte("\xef")) {
		t.Errorf("%q", recs)
	}
}
