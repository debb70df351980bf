package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// rfc5424 is a PassMan audit line behind an RFC 5424 header.
func rfc5424(id int) string {
	return "<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 - - passman-audit(2301): id = " +
		strconv.Itoa(id) + ", type = Login, user_upn = alice@corp.example, password = hunter2, business_result = success"
}

// frame puts msg in octet-counted framing: MSG-LEN SP SYSLOG-MSG.
func frame(msg string) string { return strconv.Itoa(len(msg)) + " " + msg }

type outRecord struct {
	EventName  string         `json:"event_name"`
	Body       string         `json:"body"`
	Attributes map[string]any `json:"attributes"`
}

// parseOut runs pamaudit parse on in (a file) and decodes its records.
func parseOut(t *testing.T, in string, args ...string) (recs []outRecord, stderr string, code int) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "in.log")
	if err := os.WriteFile(file, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code = run(append(append([]string{"parse"}, args...), file), nil, &out, &errb, testNow)
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if l == "" {
			continue
		}
		var r outRecord
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		recs = append(recs, r)
	}
	return recs, errb.String(), code
}

// Octet-counted frames give one record each, with or without line endings
// between them, read exactly as the same messages on lines.
func TestOctetCounted(t *testing.T) {
	msgs := []string{rfc5424(1), rfc5424(2), rfc5424(3)}
	lines, _, _ := parseOut(t, strings.Join(msgs, "\n")+"\n")
	for name, sep := range map[string]string{"no newline": "", "LF": "\n", "CRLF": "\r\n"} {
		t.Run(name, func(t *testing.T) {
			var in strings.Builder
			for _, m := range msgs {
				in.WriteString(frame(m) + sep)
			}
			recs, stderr, code := parseOut(t, in.String())
			if code != 0 || len(recs) != len(msgs) {
				t.Fatalf("exit %d, %d records, want %d: %+v", code, len(recs), len(msgs), recs)
			}
			for i, r := range recs {
				if r.EventName != "passman.login" || r.Attributes["passman.id"] != strconv.Itoa(i+1) || r.Attributes["error.type"] != nil {
					t.Errorf("record %d: %+v", i, r)
				}
				if !reflect.DeepEqual(r, lines[i]) {
					t.Errorf("record %d differs from the same message on a line:\n%+v\n%+v", i, r, lines[i])
				}
			}
			if stderr != "passman: 3 records, 0 failed\n" {
				t.Errorf("summary %q", stderr)
			}
		})
	}
}

// A frame the input ends inside is still parsed, as far as it goes, and
// marked; --strict makes it exit 1.
func TestOctetCountedTruncated(t *testing.T) {
	last := rfc5424(2)
	cut := len(last) - 20
	for _, sep := range []string{"", "\n"} {
		in := frame(rfc5424(1)) + sep + frame(last)[:len(frame(last))-20]
		recs, stderr, code := parseOut(t, in, "--no-redact")
		if code != 0 || len(recs) != 2 {
			t.Fatalf("exit %d, %d records: %+v", code, len(recs), recs)
		}
		r := recs[1]
		if r.EventName != "passman.login" || r.Body != last[:cut] {
			t.Errorf("cut frame not parsed as far as it goes: %+v", r)
		}
		if r.Attributes["error.type"] != "malformed_record" ||
			r.Attributes["error.message"] != "octet-counted frame cut short: "+strconv.Itoa(cut)+" of "+strconv.Itoa(len(last))+" bytes" {
			t.Errorf("cut frame not marked: %+v", r.Attributes)
		}
		if stderr != "passman: 2 records, 1 failed\n" {
			t.Errorf("summary %q", stderr)
		}
		if _, _, code := parseOut(t, in, "--strict"); code != 1 {
			t.Errorf("--strict: exit %d, want 1", code)
		}
	}

	// Cut inside the header: its bytes are a record of their own.
	recs, _, _ := parseOut(t, frame(rfc5424(1))+"200 ")
	if len(recs) != 2 || recs[1].Body != "200 " || recs[1].Attributes["error.type"] == nil {
		t.Errorf("frame cut in its header: %+v", recs)
	}
}

// A wrong MSG-LEN loses no byte and no later frame: what stands where a
// frame should start is a record of its own, up to the next frame header.
func TestOctetCountedWrongLength(t *testing.T) {
	short := rfc5424(2)
	in := frame(rfc5424(1)) + strconv.Itoa(len(short)-9) + " " + short + frame(rfc5424(3)) + frame(rfc5424(4))
	recs, _, _ := parseOut(t, in, "--no-redact")
	var ids []string
	bodies := ""
	for _, r := range recs {
		if id, ok := r.Attributes["passman.id"].(string); ok {
			ids = append(ids, id)
		}
		bodies += r.Body
	}
	if strings.Join(ids, ",") != "1,2,3,4" || len(recs) != 5 {
		t.Errorf("ids %v in %d records, want 1,2,3,4 in 5: %+v", ids, len(recs), recs)
	}
	if want := rfc5424(1) + short + rfc5424(3) + rfc5424(4); bodies != want {
		t.Errorf("bytes lost:\n got %q\nwant %q", bodies, want)
	}
}

// A frame longer than --max-record-bytes keeps its first bytes and drops
// the rest, as long lines do (TestCutNeverLeaks slides secrets through the
// limit); so do bytes that are not a frame. Each input's framing is
// detected on its own.
func TestOctetCountedLimitsAndDetection(t *testing.T) {
	garbage := "oops, not a frame " + strings.Repeat("x", 120)
	short := "<134>1 2026-03-05T10:16:02Z h passman 1 - - passman-audit(1): id = 3, type = Logout"
	recs, _, _ := parseOut(t, frame(rfc5424(1))+frame(rfc5424(2))+garbage+"\n"+frame(short), "--max-record-bytes", "100", "--no-redact")
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4: %+v", len(recs), recs)
	}
	for i, text := range []string{rfc5424(1), rfc5424(2), garbage} {
		r := recs[i]
		want := "record too large: the first 100 bytes kept, " + strconv.Itoa(len(text)-100) + " dropped (limit 100 bytes)"
		if r.Body != text[:100] || r.Attributes["error.type"] != "record_too_large" || r.Attributes["error.message"] != want {
			t.Errorf("record %d: %+v, want the first 100 bytes, %s", i, r, want)
		}
	}
	if r := recs[3]; r.EventName != "passman.logout" || r.Attributes["passman.id"] != "3" || r.Attributes["error.type"] != nil {
		t.Errorf("the frame after cut ones is not whole: %+v", r)
	}

	dir := t.TempDir()
	octet, lines := filepath.Join(dir, "octet.log"), filepath.Join(dir, "lines.log")
	os.WriteFile(octet, []byte("\xef\xbb\xbf"+frame(rfc5424(1))+frame(rfc5424(2))), 0o644)
	os.WriteFile(lines, []byte("12 apples <not a frame, a line\n"+rfc5424(3)+"\n"), 0o644)
	var out, errb bytes.Buffer
	if code := run([]string{"parse", octet, lines, octet}, nil, &out, &errb, testNow); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(got) != 6 || !strings.Contains(got[2], `"body":"12 apples <not a frame, a line"`) {
		t.Errorf("framing not detected per input:\n%s", out.String())
	}
	if errb.String() != "passman: 5 records, 0 failed\nunknown: 1 record, 1 failed\n" {
		t.Errorf("summary %q", errb.String())
	}
}
