package netwrix_test

import (
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/parsetest"
	"github.com/pamaudit/pamaudit/record"
)

func TestNetwrix(t *testing.T) {
	for _, tc := range []parseCase{
		{"bunyan token validate", `{"name":"api","hostname":"h1","pid":412,"level":30,"req_id":"r1","msg":"token validate","authData":{"sAMAccountName":"ivan","domain_netbios":"RTEST","access":{"role":"admin"},"distinguishedName":"CN=Ivan Tam,CN=Users,DC=rtest,DC=com"},"time":"2019-08-29T20:13:31.120Z","v":0}`,
			"netwrix.token.validate", map[string]any{"user.name": "ivan", "user.domain": "RTEST", "user.roles": []string{"admin"},
				"user.full_name": "Ivan Tam", "host.name": "h1", "process.pid": int64(412), "netwrix.req_id": "r1"}, nil},
		{"missing comma is recovered", `{"msg":"token create" "type":"token"}`, "netwrix.token.create",
			map[string]any{"netwrix.lenient": true, "netwrix.type": "token"}, nil},
		{"a bare key after a missing comma is still read", `{"msg":"cache warm","a":"x" b:1, "c":"d"}`, "netwrix.log",
			map[string]any{"netwrix.lenient": true, "netwrix.a": "x", "netwrix.b": int64(1), "netwrix.c": "d"}, nil},
		{"trailing comma is recovered", `{"msg":"cache warm","v":0,}`, "netwrix.log",
			map[string]any{"netwrix.lenient": true, "netwrix.v": int64(0)}, nil},
		{"duplicated key, same value: marked, the value kept", `{"message":"Successful authentication by: ivan","authInfo":[{"domain":"RTEST","domain":"RTEST","type":"username"}]}`,
			"netwrix.authentication", map[string]any{"user.domain": "RTEST", "event.outcome": "success", "user.name": "ivan",
				"pamaudit.anomaly": []string{"duplicate_key:authInfo.0.domain"}}, nil},
		{"duplicated identity key, different values: ambiguous, left out", `{"message":"Successful authentication by: ivan","authInfo":[{"domain":"A","domain":"RTEST","type":"username"}]}`,
			"netwrix.authentication", map[string]any{"user.domain": nil, "netwrix.auth_info.0.domain": nil, "event.outcome": "success", "user.name": "ivan",
				"pamaudit.anomaly": []string{"duplicate_key:authInfo.0.domain=A|RTEST"}}, nil},
		{"cut off record is classified", `{"msg":"request finish","req":{"method":"POST","url":"/x?y=1","headers":{"cookie":"sid=abc`,
			"netwrix.request.finish", map[string]any{"http.request.method": "POST", "url.path": "/x", "netwrix.req.headers.cookie": "[REDACTED]"}, core.ErrMalformedJSON},
		{"unrecoverable text is classified from its message", `{"message":"Expiring request"`, "netwrix.jita.expire",
			map[string]any{}, core.ErrMalformedJSON},
		{"jita deny needs a target system and a 4xx", `{"msg":"request finish","res":{"statusCode":403},"targetSystem":{"cn":"X"}}`,
			"netwrix.jita.deny", map[string]any{"event.outcome": "failure", "http.response.status_code": int64(403)}, nil},
		{"request finish 5xx with a target is not a deny", `{"msg":"request finish","res":{"statusCode":503},"targetSystem":{"cn":"X"}}`,
			"netwrix.request.finish", map[string]any{"event.outcome": "failure"}, nil},
		{"syslog framed python record", `<14>Apr  7 11:15:15 w2 jita[3310]: {"asctime": "2026-04-07 11:15:13,669", "levelname": "ERROR", "message": "Expiring request"}`,
			"netwrix.jita.expire", map[string]any{"host.name": "w2", "process.pid": int64(3310)}, nil},
		{"docker wrapper", `{"log":"{\"msg\":\"token create\",\"level\":40}\n","stream":"stdout","time":"2026-04-07T11:16:00Z"}`,
			"netwrix.token.create", map[string]any{"log.iostream": "stdout"}, nil},
		{"indented JSON is the record's own host and service", `  {"name":"api","hostname":"h1","msg":"token validate","v":0}`, "netwrix.token.validate",
			map[string]any{"host.name": "h1", "service.name": "api", "netwrix.hostname": nil, "netwrix.name": nil}, nil},
		{"the requester's SID is the user id", `{"message":"Access request granted","request":{"requestedByUser":{"objectSid":"S-1-5-21-1366766991-2637077591-3940904154-210120","sAMAccountName":"ivan"}}}`,
			"netwrix.jita.grant", map[string]any{"user.id": "S-1-5-21-1366766991-2637077591-3940904154-210120", "netwrix.request.requested_by_user.object_sid": nil}, nil},
		{"arrays of objects are indexed", `{"message":"Password failed for: ivan","authInfo":[{"type":"username"},{"success":false,"type":"ldap"}]}`,
			"netwrix.authentication", map[string]any{"netwrix.auth_info.1.type": "ldap", "netwrix.auth_info.1.success": false, "event.outcome": "failure"}, nil},
	} {
		t.Run(tc.Name, func(t *testing.T) { tc.run(t) })
	}
}

func TestNetwrixSeverity(t *testing.T) {
	p := parsetest.Parser(t, core.Options{})
	for level, want := range map[string]string{"10": "TRACE", "20": "DEBUG", "30": "INFO", "40": "WARN", "50": "ERROR", "60": "FATAL",
		`"critical"`: "FATAL", `"Warning"`: "WARN", `"eerror"`: "ERROR", `"debug"`: "DEBUG"} {
		r, _ := p.ParseString(`{"msg":"x","level":` + level + `}`)
		if r.SeverityText != want {
			t.Errorf("level %s: %s, want %s", level, r.SeverityText, want)
		}
	}
}

// The contract's headers and keys are redacted everywhere, original text
// included.
func TestNetwrixRedaction(t *testing.T) {
	const text = `{"msg":"request finish","req":{"headers":{"cookie":"JSESSIONID=s3cr3tc00kie","authorization":"Bearer eyJtoken.part.sig",` +
		`"Proxy-Authorization":"Basic dXNlcjpwdw==","x-access-token":"tok123"}},"res":{"header":{"set-cookie":"sid=abcdef"}},` +
		`"db_password":{"a":1},"clientSecret":12345,"note":"used Bearer leaked.token.value here"}`
	p := parsetest.Parser(t, core.Options{})
	r, _ := p.ParseString(text)
	out := string(r.AppendJSON(nil))
	for _, secret := range []string{"s3cr3tc00kie", "eyJtoken", "dXNlcjpwdw", "tok123", "abcdef", "12345", "leaked.token"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q in output: %s", secret, out)
		}
	}
	orig, _ := r.Get(record.AttrLogRecordOriginal)
	if !json.Valid([]byte(orig.Str)) {
		t.Errorf("redacted original is no longer JSON: %s", orig.Str)
	}
	p2 := parsetest.Parser(t, core.Options{NoRedact: true})
	r, _ = p2.ParseString(text)
	if !strings.Contains(string(r.AppendJSON(nil)), "s3cr3tc00kie") {
		t.Error("NoRedact still redacts")
	}
}

// Netwrix's services log through Fluentd: the bunyan record travels as an
// escaped JSON string in a "log" field. Its cookie and access token must not
// survive in the kept text (netwrix.log, log.record.original), escaped or
// not.
func TestNetwrixFluentdWrapperRedaction(t *testing.T) {
	inner := `{"name":"s1_api","hostname":"nps01.example.com","msg":"request finish","req":{"method":"GET","url":"/api/v1/systems?password=qs7Secret1&page=2",` +
		`"headers":{"cookie":"connect.sid=s%3Ack9Secret; theme=dark","x-access-token":"xat4Secret"}},"res":{"statusCode":200}}`
	quoted, _ := json.Marshal(inner)
	twice, _ := json.Marshal(`{"log":` + string(quoted) + `}`)
	for name, text := range map[string]string{
		"escaped once":  `{"source":"stdout","log":` + string(quoted) + `,"container_id":"0f1e2d3c","container_name":"/s1_api.1"}`,
		"escaped twice": `{"source":"stdout","log":` + string(twice) + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			r, _ := parsetest.Parser(t, core.Options{}).ParseString(text)
			out := string(r.AppendJSON(nil))
			for _, secret := range []string{"ck9Secret", "xat4Secret", "qs7Secret1"} {
				if strings.Contains(out, secret) {
					t.Errorf("%q in output: %s", secret, out)
				}
			}
			if orig, ok := r.Get(record.AttrLogRecordOriginal); ok && !json.Valid([]byte(orig.Str)) {
				t.Errorf("redacted original is no longer JSON: %s", orig.Str)
			}
		})
	}
}

func TestNetwrixLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"msg":"x","big":{`)
	for i := 0; i < 500; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + `":` + "1")
	}
	b.WriteString(`},"deep":` + strings.Repeat(`{"d":`, 100) + "1" + strings.Repeat("}", 100) + `}`)
	p := parsetest.Parser(t, core.Options{MaxAttrs: 50, MaxDepth: 10})
	r, _ := p.ParseString(b.String())
	if len(r.Attrs) > 50+3 {
		t.Errorf("%d attributes, limit 50", len(r.Attrs))
	}
	if a, ok := r.Get("netwrix.truncated"); !ok || a.Int == 0 {
		t.Errorf("truncation not counted: %v", a)
	}
	if _, ok := r.Get(record.AttrLogRecordOriginal); !ok {
		t.Error("original text not kept")
	}
}

// parseCase is a table row: a real line and what it must give.
type parseCase parsetest.Case

func (tc parseCase) run(t *testing.T) *record.Record { t.Helper(); return parsetest.Case(tc).Run(t) }

// damageCase is a record as a line wrap or a hand edit left it: the intact
// record, and the text the damage replaced in it.
type damageCase struct {
	name             string
	intact, from, to string
	after            []string // attributes of fields after the damage: read, with their intact values
}

// grantRecord is the seed's JITA grant, pretty-printed, its lost closing
// brace put back.
const grantRecord = `{
"message":"Access request granted",
"request":{
 "comment":"",
 "id":"5d6843df883ab300acdde38e",
 "request":{
 "created":"2019-08-29T21:30:07.762Z",
"status":"pending",
"userInfo":{
"distinguishedName":"CN=Ivan Tam,CN=Users,DC=rtest,DC=com"
},
"requested_by":"5b7f3046e9097a902057d51b",
"requested_by_info":{
"distinguishedName":"CN=Ivan Tam,CN=Users,DC=rtest,DC=com",
"domain_netbios":"RTEST",
"sAMAccountName":"ivan"
 },
 "stale":false
}
},
"system":"IVANTHRASHBOX-W.rtest.com",
"targetSystem":{
"cn":"IVANTHRASHBOX-W"
}
}`

// finishRecord is the seed's end-of-request record: a long one, whose
// response body is escaped JSON.
const finishRecord = `{
"client":{
"forwardedForIPs":[],
    "requestIP":"::ffff:172.25.0.1",
    "userAgent":{
      "browser":"Chrome",
      "os":"macOS High Sierra"
    }
  },
  "msg":"request finish",
  "req":{
    "headers":{
      "accept":"application/json, text/plain, */*",
      "cookie":"JSESSIONID.468b264d=node0bn5w93ovhv6u1qgn96r2rfgtd598633.node0; screenResolution=2560x1440",
      "user-agent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/76.0.3809.100 Safari/537.36"
    },
    "method":"POST",
    "remoteAddress":"::ffff:172.25.0.1",
    "remotePort":46362,
    "url":"/api/v1/login/"
  },
  "req_id":"e5e743e0-ca94-11e9-9f18-239ada945066",
  "res":{
    "body":"{\"message\":\"Invalid username/password\"}",
    "header":{
      "content-length":"39",
      "content-type":"application/json; charset=utf-8",
      "etag":"W/\"27-HlzKdT02c/CdCZmForhE8nWbiVU\"",
      "x-request-id":"e5e743e0-ca94-11e9-9f18-239ada945066"
    },
    "statusCode":401
  }
}`

const failedLine = `{"name":"secureone-api","hostname":"nps-api-1","pid":412,"level":30,"message":"Password failed for: alice",` +
	`"authInfo":[{"domain":"RTEST","type":"username","username":"alice"},{"success":false,"type":"ldap"}],"req_id":"r1","time":"2019-08-29T20:16:00.000Z","v":0}`

const prettyFailed = `{
  "name": "secureone-api",
  "hostname": "nps-api-1",
  "level": 30,
  "message": "Password failed for: \"alice\"",
  "req_id": "r5",
  "v": 0
}`

// TestNetwrixDamage: lenient reading never invents. A damaged record gives
// its intact record's event, no attribute key the intact record lacks
// (besides netwrix.lenient, netwrix.truncated and error.*), and the fields
// after the damage with their intact values. The splitter keeps it one
// record.
func TestNetwrixDamage(t *testing.T) {
	for _, tc := range []damageCase{
		{"backslash and spaces in a message (line-wrap damage)", failedLine, `for: alice`, `for: \   alice`,
			[]string{"user.name", "user.domain", "netwrix.auth_info.1.type", "netwrix.req_id", "netwrix.v"}},
		{"escaped quote split from its backslash in an embedded JSON body", `{"msg":"request finish","res":{"body":"{\"message\":\"Password failed for: 01\"}","statusCode":401},"req":{"method":"POST","url":"/api/v1/login/"},"req_id":"r2"}`,
			`:\"Password`, `:\   "Password`, []string{"netwrix.res.body", "http.response.status_code", "http.request.method", "url.path", "netwrix.req_id"}},
		{"escaped quote split from its backslash in a message", `{"message":"Password failed for: \"alice\" (ldap)","authInfo":[{"domain":"RTEST","username":"alice"}],"req_id":"r3"}`,
			`: \"alice`, `: \   "alice`, []string{"user.name", "user.domain", "netwrix.auth_info.0.username", "netwrix.req_id"}},
		{"escaped quote at a value's end split from its backslash", `{"message":"Password failed for: \"alice\"","req_id":"r4","v":0}`,
			`alice\""`, `alice\   ""`, []string{"user.name", "netwrix.req_id", "netwrix.v"}},
		{"pretty-printed: an escape wrapped onto the next line", finishRecord, `:\"Invalid`, ":\\\n      \"Invalid",
			[]string{"netwrix.res.body", "netwrix.res.header.content_length", "netwrix.res.header.etag", "netwrix.res.header.x_request_id", "http.response.status_code", "event.outcome"}},
		{"pretty-printed: wrapped before the closing quote", prettyFailed, `\"alice\""`, "\\\"alice\\\"\\\n   \"",
			[]string{"user.name", "netwrix.req_id", "netwrix.v"}},
		{"pretty-printed: a closing escaped quote wrapped onto the next line", prettyFailed, `alice\""`, "alice\\\n   \"\"",
			[]string{"user.name", "netwrix.req_id", "netwrix.v"}},
		{"pretty-printed: a long value wrapped onto the next line (a raw newline)", finishRecord, `Intel Mac OS X 10_13_6) `, "Intel Mac OS X 10_13_6)\n",
			[]string{"http.request.method", "client.address", "client.port", "url.path", "netwrix.req_id", "netwrix.res.body", "http.response.status_code"}},
		{"the seed's missing comma", grantRecord, "},\n\"requested_by\"", "}\n\"requested_by\"",
			[]string{"user.name", "user.domain", "netwrix.request.request.requested_by", "netwrix.request.request.stale", "netwrix.system", "netwrix.target_system.cn"}},
		{"the seed's duplicated key", `{"authInfo":[{"domain":"RTEST","type":"username","username":"ivan"},{"success":true,"type":"ldap"}],"message":"Successful authentication by: ivan"}`,
			`"domain":"RTEST",`, `"domain":"RTEST","domain":"RTEST",`, []string{"user.domain", "netwrix.auth_info.0.type", "netwrix.auth_info.1.success", "user.name", "event.outcome"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			damaged := strings.Replace(tc.intact, tc.from, tc.to, 1)
			if damaged == tc.intact {
				t.Fatalf("%q is not in the intact record", tc.from)
			}
			sp := core.NewSplitter(strings.NewReader(damaged+"\n"), 0)
			if rec, err := sp.Next(); err != nil || string(rec) != damaged {
				t.Fatalf("the splitter cut the record: %q, %v", rec, err)
			}
			if _, err := sp.Next(); err != io.EOF {
				t.Fatalf("the splitter made two records of one")
			}
			ir, err := parsetest.Parser(t, core.Options{}).ParseString(tc.intact)
			if err != nil {
				t.Fatalf("intact record: %v", err)
			}
			intact := parsetest.AttrsOf(ir)
			dr, _ := parsetest.Parser(t, core.Options{}).ParseString(damaged)
			got := parsetest.AttrsOf(dr)
			if dr.EventName != ir.EventName {
				t.Errorf("event %q, intact %q", dr.EventName, ir.EventName)
			}
			for k, v := range got {
				if _, ok := intact[k]; !ok && k != "netwrix.lenient" && k != "netwrix.truncated" && k != record.AttrAnomaly && !strings.HasPrefix(k, "error.") {
					t.Errorf("invented %s = %#v", k, v)
				}
			}
			for _, k := range tc.after {
				if _, ok := intact[k]; !ok {
					t.Fatalf("%s is not in the intact record", k)
				}
				if !reflect.DeepEqual(got[k], intact[k]) {
					t.Errorf("%s = %#v, intact %#v", k, got[k], intact[k])
				}
			}
		})
	}
}

// TestNetwrixDuplicatesPastThePathCache: once the path cache is full, paths
// it does not hold are compared by name: a duplicated key is read once, at
// its last place, with its last value.
func TestNetwrixDuplicatesPastThePathCache(t *testing.T) {
	p, err := core.NewParser(core.Options{Format: core.FormatNetwrix})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for r := 0; r < 100; r++ {
		b.Reset()
		b.WriteString(`{"msg":"fill"`)
		for k := 0; k < 100; k++ {
			b.WriteString(`,"k` + strconv.Itoa(r*100+k) + `":1`)
		}
		b.WriteString("}")
		if _, err := p.ParseString(b.String()); err != nil {
			t.Fatal(err)
		}
	}
	rec, err := p.ParseString(`{"msg":"x","fresh":{"a":"first","b":"kept","a":"last"}}`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range rec.Attrs {
		if strings.HasPrefix(a.Key, "netwrix.fresh.") {
			got = append(got, a.Key+"="+a.Str)
		}
	}
	if want := []string{"netwrix.fresh.b=kept", "netwrix.fresh.a=last"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}
