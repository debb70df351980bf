package core

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// attrsOf returns a record's attributes by key.
func attrsOf(r *Record) map[string]any {
	m := map[string]any{}
	for _, a := range r.Attrs {
		switch a.Kind {
		case KindInt:
			m[a.Key] = a.Int
		case KindBool:
			m[a.Key] = a.Bool
		case KindStrings:
			m[a.Key] = a.Strs
		default:
			m[a.Key] = a.Str
		}
	}
	return m
}

// The tamper rule (docs/schema.md, "Tamper marks"), product by product: a
// repeated key is marked; a security-relevant one whose values differ makes
// the record ambiguous (outcome unknown, what it fed left out, its values
// listed but a secret's); another record's header inside a value is
// marked; a wrapper's own copy of the record is not.
func TestTamperMarks(t *testing.T) {
	const pm = "2026-03-05T12:00:00Z pm-node1 passman: passman-audit(1): "
	for _, tc := range []struct {
		name, text, event string
		want              map[string]any // nil: absent
		severity          string
	}{
		{"passman: outcome repeated, different: unknown", pm + "type = Login, user_upn = alice@corp.example, business_result = failure, business_result = success",
			"passman.login", map[string]any{"event.outcome": "unknown", "user.name": "alice@corp.example",
				"pamaudit.anomaly": []string{"duplicate_key:business_result=failure|success"}}, "INFO"},
		{"passman: outcome repeated, same: kept", pm + "type = Login, user_upn = alice@corp.example, business_result = failure, business_result = failure",
			"passman.login", map[string]any{"event.outcome": "failure", "user.name": "alice@corp.example",
				"pamaudit.anomaly": []string{"duplicate_key:business_result"}}, "WARN"},
		{"passman: an unrecognised outcome repeated leaves its namespace copy out", pm + "type = Login, business_result = weird, business_result = success",
			"passman.login", map[string]any{"event.outcome": "unknown", "passman.business_result": nil,
				"pamaudit.anomaly": []string{"duplicate_key:business_result=weird|success"}}, "INFO"},
		{"passman: identity repeated, different: left out", pm + "type = Login, user_upn = alice@corp.example, business_result = success, user_upn = admin@corp.example",
			"passman.login", map[string]any{"user.name": nil, "user.domain": nil, "event.outcome": "success",
				"pamaudit.anomaly": []string{"duplicate_key:user_upn=alice@corp.example|admin@corp.example"}}, "INFO"},
		{"passman: client repeated, different: left out", pm + "type = Login, user_address = 10.0.0.1, user_address = 10.9.9.9",
			"passman.login", map[string]any{"client.address": nil,
				"pamaudit.anomaly": []string{"duplicate_key:user_address=10.0.0.1|10.9.9.9"}}, "INFO"},
		{"passman: target repeated, three values", pm + "type = DeleteAccount, entity_name = root, entity_name = svc, entity_name = root, account = 1",
			"passman.delete_account", map[string]any{"passman.entity_name": nil, "passman.account": "1",
				"pamaudit.anomaly": []string{"duplicate_key:entity_name=root|svc"}}, "INFO"},
		{"passman: a secret repeated: never listed", pm + "type = ChangePassword, new_password = hunter22, new_password = other999, user_upn = a@b",
			"passman.change_password", map[string]any{"passman.new_password": "[REDACTED]", "user.name": "a@b",
				"pamaudit.anomaly": []string{"duplicate_key:new_password"}}, "INFO"},
		{"passman: not relevant: the last wins, marked", pm + "type = UpdateGroup, description = first, description = second",
			"passman.update_group", map[string]any{"passman.description": "second",
				"pamaudit.anomaly": []string{"duplicate_key:description"}}, "INFO"},
		{"passman: a value holds another record's header", pm + "type = Login, user_upn = alice@corp.example, details = 'x passman-audit(99): type = Login, user_upn = admin@corp.example', business_result = success",
			"passman.login", map[string]any{"user.name": "alice@corp.example", "event.outcome": "success",
				"pamaudit.anomaly": []string{"embedded_record:details"}}, "INFO"},
		{"passman: a bare value runs into a forged record", pm + "type = Login, user_upn = alice@corp.example, note = x passman-audit(99): type = Logout, user_upn = admin@corp.example",
			"passman.logout", map[string]any{"user.name": nil,
				"pamaudit.anomaly": []string{"duplicate_key:type", "duplicate_key:user_upn=alice@corp.example|admin@corp.example", "embedded_record:note"}}, "INFO"},
		{"passman: no repeat, no mark", pm + "type = Login, user_upn = alice@corp.example, business_result = success",
			"passman.login", map[string]any{"pamaudit.anomaly": nil, "user.name": "alice@corp.example"}, "INFO"},

		{"netwrix: the seed's repeated key, same value", `{"authInfo":[{"domain":"RTEST","domain":"RTEST","type":"username","username":"ivan"}],"message":"Successful authentication by: ivan"}`,
			"netwrix.authentication", map[string]any{"user.domain": "RTEST", "user.name": "ivan", "event.outcome": "success",
				"pamaudit.anomaly": []string{"duplicate_key:authInfo.0.domain"}}, "INFO"},
		{"netwrix: status repeated, different: unknown", `{"msg":"request finish","res":{"statusCode":200,"statusCode":401}}`,
			"netwrix.request.finish", map[string]any{"event.outcome": "unknown", "http.response.status_code": nil,
				"pamaudit.anomaly": []string{"duplicate_key:res.statusCode=200|401"}}, "INFO"},
		{"netwrix: message repeated, different: outcome and user out", `{"message":"Password failed for: ivan","message":"Successful authentication by: admin"}`,
			"netwrix.authentication", map[string]any{"event.outcome": "unknown", "user.name": nil,
				"pamaudit.anomaly": []string{"duplicate_key:message=Password failed for: ivan|Successful authentication by: admin"}}, "INFO"},
		{"netwrix: client repeated, different", `{"msg":"request finish","client":{"requestIP":"10.0.0.1","requestIP":"10.6.6.6"},"res":{"statusCode":200}}`,
			"netwrix.request.finish", map[string]any{"client.address": nil, "event.outcome": "success",
				"pamaudit.anomaly": []string{"duplicate_key:client.requestIP=10.0.0.1|10.6.6.6"}}, "INFO"},
		{"netwrix: a secret repeated: both redacted, never listed", `{"msg":"x","password":"hunter22","password":"other999"}`,
			"netwrix.log", map[string]any{"netwrix.password": "[REDACTED]", "pamaudit.anomaly": []string{"duplicate_key:password"}}, "INFO"},
		{"netwrix: a dropped value's bearer token is redacted", `{"msg":"x","note":"Bearer tok3n-abc","note":"y"}`,
			"netwrix.log", map[string]any{"netwrix.note": "y", "log.record.original": `{"msg":"x","note":"Bearer [REDACTED]","note":"y"}`,
				"pamaudit.anomaly": []string{"duplicate_key:note"}}, "INFO"},
		{"netwrix: a value holds a record", `{"msg":"token validate","note":"{\"msg\":\"Successful authentication by: admin\",\"level\":30}"}`,
			"netwrix.token.validate", map[string]any{"pamaudit.anomaly": []string{"embedded_record:note"}}, "INFO"},
		{"netwrix: a second record after the first", `{"msg":"token validate"} {"msg":"Successful authentication by: admin"}`,
			"netwrix.token.validate", map[string]any{"pamaudit.anomaly": []string{"embedded_record"}}, "INFO"},
		{"netwrix: JSON that is not a record is no mark", `{"msg":"request finish","res":{"statusCode":401,"body":"{\"message\":\"Invalid credentials\"}"}}`,
			"netwrix.request.finish", map[string]any{"pamaudit.anomaly": nil}, "WARN"},
		{"netwrix: Fluentd's log copy beside its parsed fields is no second record", `{"log":"{\"msg\":\"token validate\"}","msg":"token validate","container_id":"c1","container_name":"/s1_api.1.x","source":"stdout"}`,
			"netwrix.token.validate", map[string]any{"pamaudit.anomaly": nil}, "INFO"},

		{"capam: a detail label repeated, different identity", "28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login User name: root User name: admin",
			"capam.login", map[string]any{"user.name": nil, "event.outcome": "success",
				"pamaudit.anomaly": []string{"duplicate_key:User name=root|admin"}}, "INFO"},
		{"capam: a detail label repeated, same", "28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login Terminal: console Terminal: console",
			"capam.login", map[string]any{"user.name": "root", "pamaudit.anomaly": []string{"duplicate_key:Terminal"}}, "INFO"},
		{"capam: a value holds another record's header", "28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login Program: 28 Oct 2008 12:15:02 P LOGIN admin 59 2 console /bin/login",
			"capam.login", map[string]any{"user.name": "root", "pamaudit.anomaly": []string{"embedded_record:Program"}}, "INFO"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, schema := range []Schema{SchemaOTel, SchemaECS, SchemaOCSF} {
				r, _ := testParser(t, Options{Schema: schema}).ParseString(tc.text)
				if r.EventName != tc.event {
					t.Errorf("%s: event %q, want %q", schema, r.EventName, tc.event)
				}
				checkTamper(t, schema, r, tc.want)
				if schema == SchemaOTel && r.SeverityText != tc.severity {
					t.Errorf("severity %s, want %s", r.SeverityText, tc.severity)
				}
			}
		})
	}
}

// checkTamper compares the attributes of r (otel), or where ECS and OCSF
// put the marks and the outcome.
func checkTamper(t *testing.T, schema Schema, r *Record, want map[string]any) {
	t.Helper()
	got := attrsOf(r)
	marks, hasMarks := want["pamaudit.anomaly"]
	switch schema {
	case SchemaOTel:
		for k, v := range want {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("%s = %#v, want %#v", k, got[k], v)
			}
		}
	case SchemaECS:
		if hasMarks && !reflect.DeepEqual(got["tags"], marks) {
			t.Errorf("ecs tags = %#v, want %#v", got["tags"], marks)
		}
		if o, ok := want["event.outcome"]; ok && !reflect.DeepEqual(got["event.outcome"], o) {
			t.Errorf("ecs event.outcome = %#v, want %#v", got["event.outcome"], o)
		}
	case SchemaOCSF:
		doc := string(r.AppendJSON(nil))
		if m, _ := marks.([]string); len(m) > 0 && !strings.Contains(doc, `"pamaudit.anomaly":["`+strings.Join(m, `","`)+`"]`) {
			t.Errorf("ocsf: no marks in unmapped: %s", doc)
		}
		if want["event.outcome"] == "unknown" && !strings.Contains(doc, `"status_id":0,`) {
			t.Errorf("ocsf: status_id is not 0 (Unknown): %s", doc)
		}
	}
}

// Past the field cache (a hostile stream of many names), a repeated key is
// still found, by name; and past Netwrix's path cache too.
func TestTamperPastTheCaches(t *testing.T) {
	for _, tc := range []struct{ fill, text, mark string }{
		{"2026-03-05T12:00:00Z pm-node1 passman: passman-audit(1): type = Login", "2026-03-05T12:00:00Z pm-node1 passman: passman-audit(1): type = Login, fresh = a, other = b, fresh = c",
			"duplicate_key:fresh"},
		{`{"msg":"fill"`, `{"msg":"x","fresh":{"a":"first","b":"kept","a":"last"}}`, "duplicate_key:fresh.a"},
	} {
		p := testParser(t, Options{})
		var b strings.Builder
		for r := 0; r < 100; r++ {
			b.Reset()
			b.WriteString(tc.fill)
			for k := 0; k < 100; k++ {
				if tc.fill[0] == '{' {
					fmt.Fprintf(&b, `,"k%d":1`, r*100+k)
				} else {
					fmt.Fprintf(&b, ", k%d = 1", r*100+k)
				}
			}
			if tc.fill[0] == '{' {
				b.WriteString("}")
			}
			p.ParseString(b.String())
		}
		r, _ := p.ParseString(tc.text)
		if a, _ := r.Get("pamaudit.anomaly"); !reflect.DeepEqual(a.Strs, []string{tc.mark}) {
			t.Errorf("%s: marks %q, want %q", tc.text, a.Strs, tc.mark)
		}
	}
}
