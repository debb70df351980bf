package core

import (
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/internal/parsetest"
	"github.com/pamaudit/pamaudit/record"
)

// The damaged Netwrix records: the splitter and the parser together (moved
// from the product's tests, which do not import core).

// damageParser is a parser on the test clock.
func damageParser(t *testing.T) *Parser {
	t.Helper()
	p, err := NewParser(Options{Now: func() time.Time { return parsetest.Now }})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

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
			sp := NewSplitter(strings.NewReader(damaged+"\n"), 0)
			if rec, err := sp.Next(); err != nil || string(rec) != damaged {
				t.Fatalf("the splitter cut the record: %q, %v", rec, err)
			}
			if _, err := sp.Next(); err != io.EOF {
				t.Fatalf("the splitter made two records of one")
			}
			ir, err := damageParser(t).ParseString(tc.intact)
			if err != nil {
				t.Fatalf("intact record: %v", err)
			}
			intact := parsetest.AttrsOf(ir)
			dr, _ := damageParser(t).ParseString(damaged)
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
