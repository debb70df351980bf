package core

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/internal/testutil"
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

// piece is a record the Splitter handed out, and its CutError if it was cut.
type piece struct {
	text string
	cut  *CutError
}

// splitMax returns every record of in, split with the limit max.
func splitMax(t *testing.T, in string, max int) []piece {
	t.Helper()
	sp := NewSplitter(strings.NewReader(in), max)
	var recs []piece
	for {
		r, err := sp.Next()
		if err == io.EOF {
			return recs
		}
		var cut *CutError
		if err != nil && !errors.As(err, &cut) {
			t.Fatal(err)
		}
		recs = append(recs, piece{string(r), cut})
	}
}

// A record over the limit keeps its first bytes and drops the rest, counted,
// up to where the record ends: the rest never comes out as records of its
// own (a secret's name in one, its value in the next), and the next record
// starts cleanly, whatever the grouping.
func TestSplitterCut(t *testing.T) {
	const max = 64
	long := "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = Login, password = hunter22, note = x"
	next := "id = 2, type = Logout, user_upn = a@b"
	seaudit := "28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login"
	nextCRI := "id = 2, type = Logout"
	for _, tc := range []struct {
		name string
		in   string
		want []piece // the Dropped counts; Kept is checked against the text
	}{
		{"line", long + "\n" + next + "\n",
			[]piece{{long[:max], &CutError{Dropped: int64(len(long) - max)}}, {next, nil}}},
		{"line of exactly the limit", long[:max] + "\r\n" + next,
			[]piece{{long[:max], nil}, {next, nil}}},
		{"lone CR ends a long line", long + "\r" + next + "\r\n",
			[]piece{{long[:max], &CutError{Dropped: int64(len(long) - max)}}, {next, nil}}},
		{"no final line ending", next + "\n" + long,
			[]piece{{next, nil}, {long[:max], &CutError{Dropped: int64(len(long) - max)}}}},
		{"blank to the limit, then text", strings.Repeat(" ", max) + "password = hunter22\n" + next + "\n",
			[]piece{{strings.Repeat(" ", max), &CutError{Dropped: 19}}, {next, nil}}},
		{"one-line JSON, then pretty JSON",
			`{"msg":"token validate","req":{"headers":{"x-access-token":"tok123"}}}` + "\n{\n  \"msg\": \"ok\"\n}\n",
			[]piece{{`{"msg":"token validate","req":{"headers":{"x-access-token":"tok1`, &CutError{Dropped: 6}},
				{"{\n  \"msg\": \"ok\"\n}", nil}}},
		{"pretty JSON over the limit: the lines that fit, the rest to its brace",
			"{\n  \"msg\": \"token validate\",\n  \"req\": {\n    \"x-access-token\": \"tok123\"\n  }\n}\n" + next + "\n",
			[]piece{{"{\n  \"msg\": \"token validate\",\n  \"req\": {", &CutError{Dropped: 37}}, {next, nil}}},
		{"pretty JSON with a long line",
			"{\n  \"note\": \"" + strings.Repeat("x", 80) + "\",\n  \"x-access-token\": \"tok123\"\n}\n{\"msg\":\"ok\"}\n",
			[]piece{{"{", &CutError{Dropped: 1 + 93 + 1 + 28 + 1 + 1}}, {`{"msg":"ok"}`, nil}}},
		{"pretty JSON over the limit, never closed, ends where a record starts",
			"{\n  \"msg\": \"token validate\",\n  \"req\": {\n    \"x-access-token\": \"tok123\",\n" + seaudit + "\n",
			[]piece{{"{\n  \"msg\": \"token validate\",\n  \"req\": {", &CutError{Dropped: 32}}, {seaudit, nil}}},
		{"pretty JSON over the limit, never closed, ends at a blank line",
			"{\n  \"msg\": \"token validate\",\n  \"req\": {\n    \"x-access-token\": \"tok123\",\n\n" + next + "\n",
			[]piece{{"{\n  \"msg\": \"token validate\",\n  \"req\": {", &CutError{Dropped: 32}}, {next, nil}}},
		{"seaudit detail over the limit: its indented lines dropped",
			seaudit + "\n    Status: Permitted\n    Password: hunter22\n" + seaudit + "\n    Status: Permitted\n",
			[]piece{{seaudit, &CutError{Dropped: 22 + 23}}, {seaudit, &CutError{Dropped: 22}}}},
		{"seaudit first line over the limit",
			seaudit + " " + strings.Repeat("x", 20) + "\n    Status: Permitted\n" + next + "\n",
			[]piece{{(seaudit + " " + strings.Repeat("x", 20))[:max], &CutError{Dropped: 14 + 22}}, {next, nil}}},
		// The limit counts a CRI line's header (40 bytes here) too.
		{"CRI partial pieces over the limit",
			"2026-03-05T10:16:03.000000001Z stderr P id = 1, type = Login, \n" +
				"2026-03-05T10:16:03.000000002Z stderr P password = hunter22, \n" +
				"2026-03-05T10:16:03.000000003Z stderr P user_upn = alice@corp.ex\n" +
				"2026-03-05T10:16:03.000000004Z stderr F ample\n" +
				"2026-03-05T10:16:04.000000001Z stderr F " + nextCRI + "\n",
			[]piece{{"2026-03-05T10:16:03.000000001Z stderr P id = 1, type = Login, password = hunter22, user_upn = alice@corp", &CutError{Dropped: 3 + 5}},
				{"2026-03-05T10:16:04.000000001Z stderr F " + nextCRI, nil}}},
		{"CRI partial line over the limit",
			"2026-03-05T10:16:03.000000001Z stderr P id = 1, type = Login, pass\n" +
				"2026-03-05T10:16:03.000000002Z stderr P word = hunter22, user_upn = a\n" +
				"2026-03-05T10:16:03.000000003Z stderr F lice@corp.example\n" +
				"2026-03-05T10:16:04.000000001Z stderr F " + nextCRI + "\n",
			[]piece{{"2026-03-05T10:16:03.000000001Z stderr P id = 1, type = Login, pa", &CutError{Dropped: 2 + 29 + 17}},
				{"2026-03-05T10:16:04.000000001Z stderr F " + nextCRI, nil}}},
		{"CRI line over the limit",
			"2026-03-05T10:16:03.000000001Z stderr F id = 1, type = Login, password = hunter22\n" +
				"2026-03-05T10:16:04.000000001Z stderr F " + nextCRI + "\n",
			[]piece{{"2026-03-05T10:16:03.000000001Z stderr F id = 1, type = Login, pa", &CutError{Dropped: 17}},
				{"2026-03-05T10:16:04.000000001Z stderr F " + nextCRI, nil}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := splitMax(t, tc.in, max)
			if len(got) != len(tc.want) {
				t.Fatalf("%d records, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.text != w.text {
					t.Errorf("record %d:\n got %q\nwant %q", i, g.text, w.text)
				}
				if (g.cut == nil) != (w.cut == nil) {
					t.Errorf("record %d: cut %+v, want %+v", i, g.cut, w.cut)
					continue
				}
				if w.cut == nil {
					continue
				}
				msg := g.text
				if h, ok := criHeader([]byte(msg)); ok {
					msg = msg[h.Msg:]
				}
				if g.cut.Dropped != w.cut.Dropped || g.cut.Kept != len(msg) || g.cut.Limit != max {
					t.Errorf("record %d: %+v, want %d dropped, %d kept", i, *g.cut, w.cut.Dropped, len(msg))
				}
			}
		})
	}
}

// With any limit, every testdata log gives as many records as with the
// default one, in the same order: each the same, or cut, then the first
// bytes of the same record with the rest counted. A cut never makes records
// of its own, nor merges into the next.
func TestSplitterCutKeepsRecords(t *testing.T) {
	for _, f := range testutil.GoldenLogs(t, "../testdata") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		whole := splitMax(t, string(b), 0)
		for _, max := range []int{24, 64, 100, 200, 500} {
			got := splitMax(t, string(b), max)
			if len(got) != len(whole) {
				t.Fatalf("%s, limit %d: %d records, %d without a cut", f, max, len(got), len(whole))
			}
			for i, g := range got {
				w := whole[i].text
				if g.cut == nil {
					if g.text != w {
						t.Fatalf("%s, limit %d, record %d:\n got %q\nwant %q", f, max, i, g.text, w)
					}
					continue
				}
				if !strings.HasPrefix(w, g.text) || int64(len(g.text))+g.cut.Dropped != int64(len(w)) {
					t.Fatalf("%s, limit %d, record %d: cut %+v\n got %q\nwant %q", f, max, i, *g.cut, g.text, w)
				}
			}
		}
	}
}

// A cut record is not parsed: it keeps the text kept, redacted (a value the
// cut ended too), with error.type record_too_large and how much was dropped.
func TestParseCut(t *testing.T) {
	p := testParser(t, Options{})
	rec, err := p.ParseCut([]byte("2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = Login, password = hun"),
		&CutError{Kept: 92, Dropped: 5, Limit: 92})
	if !errors.Is(err, ErrTooLarge) || rec.EventName != "" || strings.Contains(rec.Body, "hun") {
		t.Errorf("err %v, event %q, body %q", err, rec.EventName, rec.Body)
	}
	if a, _ := rec.Get("error.type"); a.Str != "record_too_large" {
		t.Errorf("error.type %q", a.Str)
	}
	if a, _ := rec.Get("error.message"); a.Str != "record too large: the first 92 bytes kept, 5 dropped (limit 92 bytes)" {
		t.Errorf("error.message %q", a.Str)
	}
}
