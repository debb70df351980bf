package netwrix_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/internal/parsetest"
	"github.com/pamaudit/pamaudit/internal/product"
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
			"netwrix.request.finish", map[string]any{"http.request.method": "POST", "url.path": "/x", "netwrix.req.headers.cookie": "[REDACTED]"}, record.ErrMalformedJSON},
		{"unrecoverable text is classified from its message", `{"message":"Expiring request"`, "netwrix.jita.expire",
			map[string]any{}, record.ErrMalformedJSON},
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
	p := parsetest.NewParser(t, row, parsetest.Options{}, false)
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
	p := parsetest.NewParser(t, row, parsetest.Options{}, false)
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
	p2 := parsetest.NewParser(t, row, parsetest.Options{NoRedact: true}, false)
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
			r, _ := parsetest.NewParser(t, row, parsetest.Options{}, false).ParseString(text)
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
	p := parsetest.NewParser(t, row, parsetest.Options{MaxAttrs: 50, MaxDepth: 10}, false)
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

func (tc parseCase) run(t *testing.T) *record.Record {
	t.Helper()
	return parsetest.Case(tc).Run(t, row)
}

// TestNetwrixDuplicatesPastThePathCache: once the path cache is full, paths
// it does not hold are compared by name: a duplicated key is read once, at
// its last place, with its last value.
func TestNetwrixDuplicatesPastThePathCache(t *testing.T) {
	p := parsetest.NewParser(t, row, parsetest.Options{}, true)
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

// row is netwrix's row of the products table, for parsetest.
var row = product.Default().ByID(record.FormatNetwrix)
