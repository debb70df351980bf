package otelprocessor

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/record"
)

// shipperObjects returns the JSON lines of testdata/shippers whose layout is
// a shipper's row read from members (not Fluentd's parser output, whose
// log member is the text): the objects a journald, GELF or Vector receiver
// hands over as a map.
func shipperObjects(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "shippers", "*.log"))
	var out []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "{") && !strings.Contains(l, `"container_id"`) {
				out = append(out, l)
			}
		}
		fh.Close()
	}
	if len(out) < 8 {
		t.Fatalf("%d shipper objects in testdata/shippers", len(out))
	}
	return out
}

// The same shipper record as a map body (a receiver that decoded the JSON)
// gives the record its text gives: event name, time, header attributes and
// parsed fields.
func TestShipperMapBody(t *testing.T) {
	p, err := core.NewParser(core.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range shipperObjects(t) {
		want, _ := p.ParseString(line)
		var raw map[string]any
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			t.Fatal(err)
		}
		ld := plog.NewLogs()
		lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		if err := lr.Body().SetEmptyMap().FromRaw(raw); err != nil {
			t.Fatal(err)
		}
		got := consume(t, createDefaultConfig(), ld).ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
		if got.EventName() != want.EventName || want.EventName == "" {
			t.Errorf("event %q, text gives %q: %s", got.EventName(), want.EventName, line)
			continue
		}
		if !want.Time.IsZero() && !got.Timestamp().AsTime().Equal(want.Time) {
			t.Errorf("time %v, text gives %v: %s", got.Timestamp().AsTime(), want.Time, line)
		}
		for _, a := range want.Attrs {
			if a.Key == record.AttrLogRecordOriginal {
				continue
			}
			v, ok := got.Attributes().Get(a.Key)
			if !ok {
				t.Errorf("%s missing (text gives %v): %s", a.Key, a, line)
				continue
			}
			switch a.Kind {
			case record.KindString:
				if v.Str() != a.Str {
					t.Errorf("%s = %q, text gives %q", a.Key, v.Str(), a.Str)
				}
			case record.KindInt:
				if v.Int() != a.Int {
					t.Errorf("%s = %d, text gives %d", a.Key, v.Int(), a.Int)
				}
			}
		}
	}
}

// Members of a map body that pass on beside the record (or a map body with
// no text at all) never carry a secret in clear.
func TestMapBodySecretsScrubbed(t *testing.T) {
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	with := lrs.AppendEmpty().Body().SetEmptyMap()
	with.PutStr("message", "passman-audit(2301): type = Login, user_upn = a@corp.example")
	with.PutStr("db_password", "mapPw4ss1")
	with.PutInt("pin_secret", 91827)
	with.PutEmptyMap("http").PutStr("authorization", "Bearer mapB3arer2")
	with.PutStr("note", `cookie: sid=mapC00kie3`)
	without := lrs.AppendEmpty().Body().SetEmptyMap()
	without.PutStr("user", "bob")
	without.PutStr("password", "mapPw4ss4")
	out := consume(t, createDefaultConfig(), ld)
	var all strings.Builder
	recs := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	for i := 0; i < recs.Len(); i++ {
		lr := recs.At(i)
		b, _ := json.Marshal(map[string]any{"body": lr.Body().AsRaw(), "attrs": lr.Attributes().AsRaw()})
		all.Write(b)
	}
	for _, s := range []string{"mapPw4ss1", "91827", "mapB3arer2", "mapC00kie3", "mapPw4ss4"} {
		if strings.Contains(all.String(), s) {
			t.Errorf("%s in clear: %s", s, all.String())
		}
	}
	if !strings.Contains(all.String(), `"user":"bob"`) {
		t.Errorf("other members lost: %s", all.String())
	}
	_ = pcommon.NewMap
}
