package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/record"
)

// kvOf turns a decoded JSON value into what event encodes: objects as kv
// lists (keys sorted), integers as int, other numbers as float64.
func kvOf(v any) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []kv
		for _, k := range keys {
			if e := kvOf(x[k]); e != nil {
				out = append(out, kv{k, e})
			}
		}
		return out
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return int(n)
		}
		f, _ := x.Float64()
		return f
	case []any:
		var strs []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				strs = append(strs, s)
			}
		}
		return strs
	case string, bool:
		return x
	}
	return nil
}

// A shipper's record as a Fluent Bit record (the systemd input's journald
// fields, a GELF or Vector record forwarded into Fluent Bit) gives the
// record its JSON text gives.
func TestShipperRecords(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "shippers", "*.log"))
	p, err := core.NewParser(core.Options{Now: testConfig(t, nil).parser.Options().Now})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if !strings.HasPrefix(line, "{") || strings.Contains(line, `"container_id"`) {
				continue
			}
			n++
			want, _ := p.ParseString(line)
			d := json.NewDecoder(strings.NewReader(line))
			d.UseNumber()
			var raw map[string]any
			if err := d.Decode(&raw); err != nil {
				t.Fatal(err)
			}
			got := convertAll(t, testConfig(t, nil), event(chunkTime, kvOf(raw).([]kv)...))[0]
			if got["event_name"] != want.EventName || want.EventName == "" {
				t.Errorf("event %v, text gives %q: %s", got["event_name"], want.EventName, line)
				continue
			}
			for _, a := range want.Attrs {
				if a.Key == record.AttrLogRecordOriginal {
					continue
				}
				g := attr(got, a.Key)
				switch a.Kind {
				case record.KindString:
					if g != a.Str {
						t.Errorf("%s = %v, text gives %q: %s", a.Key, g, a.Str, line)
					}
				case record.KindInt:
					if g != float64(a.Int) {
						t.Errorf("%s = %v, text gives %d: %s", a.Key, g, a.Int, line)
					}
				}
			}
		}
	}
	if n < 8 {
		t.Fatalf("%d shipper records", n)
	}
}

// The record's other keys pass on as attributes, never with a secret in
// clear: by their name, or embedded in their text.
func TestPassedKeysScrubbed(t *testing.T) {
	recs := convertAll(t, testConfig(t, nil), event(chunkTime,
		kv{"log", "passman-audit(2301): type = Login, user_upn = a@corp.example"},
		kv{"db_password", "fbPw4ss1"}, kv{"pin_secret", 91827},
		kv{"http", []kv{{"authorization", "Bearer fbB3arer2"}}},
		kv{"note", "cookie: sid=fbC00kie3"}, kv{"tokens", []string{"Authorization: Bearer fbB3arer5"}},
		kv{"user", "bob"}))
	b, _ := json.Marshal(recs)
	for _, s := range []string{"fbPw4ss1", "91827", "fbB3arer2", "fbC00kie3", "fbB3arer5"} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s in clear: %s", s, b)
		}
	}
	if attr(recs[0], "user") != "bob" {
		t.Errorf("other keys lost: %s", b)
	}
}
