package core

import (
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"
)

// framingKeys are the attributes a framing adds or a face's header gives;
// arrival tests compare everything else.
func framingKey(k string) bool {
	for _, p := range []string{"log.syslog.", "log.iostream", "fluentd.", "container.", "log.record.original", "host.name", "service.name", "process."} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// recordAttrs returns the record's own attributes (no framing ones).
func recordAttrs(r *Record) map[string]any {
	m := attrsOf(r)
	maps.DeleteFunc(m, func(k string, _ any) bool { return framingKey(k) })
	return m
}

const seedPassMan = "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = 18735, type = CheckoutCredentials, user_upn = alice@corp.example, user_address = ::ffff:10.20.30.40, entity_path = 'Servers/Linux/db-prod-01', business_result = Success"

const pairs = "id = 18735, type = CheckoutCredentials, user_upn = alice@corp.example, user_address = ::ffff:10.20.30.40, entity_path = 'Servers/Linux/db-prod-01', business_result = Success"

// Records as pipelines deliver them give the seed-shaped line's event name
// and attributes; the framing's fields map to the contract's names.
func TestArrivalPassMan(t *testing.T) {
	p := testParser(t, Options{})
	seed, err := p.ParseString(seedPassMan)
	if err != nil {
		t.Fatal(err)
	}
	want, event := recordAttrs(seed), seed.EventName
	wantTime := seed.Time
	for _, tc := range []struct {
		name, text string
		header     *Header
		frame      map[string]any // framing attributes it must have
	}{
		{"RFC 5424", "<134>1 2026-03-05T10:16:02Z pm-node1 passman 2301 - - passman-audit(2301): " + pairs, nil,
			map[string]any{"host.name": "pm-node1", "service.name": "passman", "process.pid": int64(2301), "process.executable.name": "passman-audit",
				"log.syslog.priority": int64(134), "log.syslog.facility.code": int64(16), "log.syslog.severity.code": int64(6)}},
		{"RFC 5424 with structured data and msgid", `<134>1 2026-03-05T11:16:02+01:00 pm-node1 passman 2301 AUDIT [meta seq="7" note="a \"q\""] passman-audit(2301): ` + pairs, nil,
			map[string]any{"log.syslog.msgid": "AUDIT", "log.syslog.structured_data.meta.seq": "7", "log.syslog.structured_data.meta.note": `a "q"`}},
		{"RFC 3164, the audit process as tag", "<134>Mar  5 10:16:02 pm-node1 passman-audit[2301]: " + pairs, nil,
			map[string]any{"host.name": "pm-node1", "service.name": "passman-audit", "process.pid": int64(2301), "process.executable.name": "passman-audit"}},
		{"message only, process prefix (collector syslog receiver, Fluent Bit syslog input)", "passman-audit(2301): " + pairs,
			&Header{Time: wantTime, Host: "pm-node1", App: "passman", PID: "2301"},
			map[string]any{"host.name": "pm-node1", "service.name": "passman", "process.pid": int64(2301)}},
		{"message only, pairs alone", pairs, &Header{Time: wantTime, Host: "pm-node1", App: "passman-audit", PID: "2301"},
			map[string]any{"host.name": "pm-node1", "process.executable.name": "passman-audit", "process.pid": int64(2301)}},
		{"CRI", "2026-03-05T10:16:02.123456789Z stdout F " + seedPassMan, nil,
			map[string]any{"log.iostream": "stdout", "host.name": "pm-node1"}},
		{"Docker json-file", `{"log":"` + strings.ReplaceAll(seedPassMan, "'", "'") + `\n","stream":"stderr","time":"2026-03-05T10:16:02.5Z"}`, nil,
			map[string]any{"log.iostream": "stderr", "host.name": "pm-node1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := p.ParseMessage(tc.text, tc.header)
			if err != nil {
				t.Fatal(err)
			}
			if r.EventName != event {
				t.Errorf("event %q, want %q", r.EventName, event)
			}
			if !r.Time.Equal(wantTime) {
				t.Errorf("time %v, want %v", r.Time, wantTime)
			}
			if got := recordAttrs(r); !reflect.DeepEqual(got, want) {
				t.Errorf("attributes\n got %v\nwant %v", got, want)
			}
			for k, v := range tc.frame {
				a, _ := r.Get(k)
				var got any = a.Str
				if a.Kind == KindInt {
					got = a.Int
				}
				if got != v {
					t.Errorf("%s = %v, want %v", k, got, v)
				}
			}
		})
	}
}

const bunyan = `{"name":"s1_api","hostname":"nps01.example.com","pid":4121,"level":30,"msg":"request finish","req_id":"7f3e","time":"2020-03-28T15:01:55.900Z","req":{"method":"POST","url":"/api/v1/login?next=/","headers":{"user-agent":"curl/8.5","cookie":"sid=abc123secret"}},"res":{"statusCode":200}}`

// Netwrix as its Fluentd ships it: the header its stdout and file outputs
// write, out_file's TAB layout, the log-string wrapper. The record's own
// fields win: host.name is the record's hostname, service.name its name.
func TestArrivalNetwrixFluentd(t *testing.T) {
	p := testParser(t, Options{})
	bare, err := p.ParseString(bunyan)
	if err != nil {
		t.Fatal(err)
	}
	want, event, wantTime := recordAttrs(bare), bare.EventName, bare.Time
	quoted := `"` + strings.ReplaceAll(bunyan, `"`, `\"`) + `"`
	for _, tc := range []struct {
		name, text string
		frame      map[string]string
	}{
		{"Fluentd stdout header", "2020-03-28 15:01:56 +0000 docker.s1_api.1.x7k2: " + bunyan, map[string]string{"fluentd.tag": "docker.s1_api.1.x7k2"}},
		{"Fluentd out_file", "2020-03-28T15:01:56+00:00\tdocker.s1_api\t" + bunyan, map[string]string{"fluentd.tag": "docker.s1_api"}},
		{"log-string wrapper", `{"source":"stdout","log":` + quoted + `,"container_id":"0f1e2d3c4b5a","container_name":"/s1_api.1.x7k2"}`,
			map[string]string{"log.iostream": "stdout", "container.id": "0f1e2d3c4b5a", "container.name": "s1_api.1.x7k2"}},
		{"log-string wrapper behind the Fluentd header", "2020-03-28 15:01:56 +0000 docker.s1_api: " + `{"log":` + quoted + `,"container_id":"0f1e"}`,
			map[string]string{"fluentd.tag": "docker.s1_api", "container.id": "0f1e"}},
		{"RFC 5424", "<14>1 2020-03-28T15:01:56Z collector01 fluentd - - - " + bunyan, map[string]string{"log.syslog.priority": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := p.ParseString(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if r.EventName != event || !r.Time.Equal(wantTime) {
				t.Errorf("event %q at %v, want %q at %v", r.EventName, r.Time, event, wantTime)
			}
			if got := recordAttrs(r); !reflect.DeepEqual(got, want) {
				t.Errorf("attributes\n got %v\nwant %v", got, want)
			}
			for k, v := range map[string]string{"host.name": "nps01.example.com", "service.name": "s1_api"} {
				if a, _ := r.Get(k); a.Str != v {
					t.Errorf("%s = %q, want %q (the record's own)", k, a.Str, v)
				}
			}
			if a, _ := r.Get("process.pid"); a.Int != 4121 {
				t.Errorf("process.pid %d", a.Int)
			}
			for k, v := range tc.frame {
				if a, ok := r.Get(k); !ok || v != "" && a.Str != v {
					t.Errorf("%s = %q, want %q", k, a.Str, v)
				}
			}
			if strings.Contains(string(r.AppendJSON(nil)), "abc123secret") {
				t.Error("cookie in clear")
			}
		})
	}
	// Without a time of its own, the record takes the framing's.
	r, _ := p.ParseString(`2020-03-28 15:01:56 +0100 docker.s1_api: {"msg":"token validate"}`)
	if want := time.Date(2020, 3, 28, 14, 1, 56, 0, time.UTC); !r.Time.Equal(want) {
		t.Errorf("header time %v, want %v", r.Time, want)
	}
}
