package secretgen

import (
	"fmt"
	"strconv"
	"strings"
)

// netwrixBody is one of the API's events (the seed's examples): its
// members, and its message.
func netwrixBody(fr *rng) (body *jnode, msg string) {
	user := pick(fr, users)
	dn := "CN=" + strings.ToUpper(user[:1]) + user[1:] + " Tam,CN=Users,DC=rtest,DC=com"
	switch fr.Intn(6) {
	case 0:
		return jobj(
			"client", jobj("forwardedForIPs", jarr(), "requestIP", "::ffff:172.25.0.1",
				"userAgent", jobj("browser", "Chrome", "os", "macOS High Sierra")),
			"req", jobj("headers", jobj("accept", "application/json, text/plain, */*", "user-agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "host", "localhost:3000"),
				"method", pick(fr, []string{"GET", "POST"}), "url", "/api/v1/login/", "remoteAddress", "::ffff:172.25.0.1", "remotePort", 46362),
			"res", jobj("statusCode", pick(fr, []int{200, 401, 403}), "header", jobj("content-type", "application/json; charset=utf-8")),
		), "request finish"
	case 1:
		return jobj("action", "validate",
			"authData", jobj("access", jobj("ga_enabled", false, "role", "admin"), "distinguishedName", dn,
				"domain_netbios", "RTEST", "jti", "a865034c-b1d9-465f-ac56-f3c698a1b874", "sAMAccountName", user),
			"tokenType", "access", "type", "token"), "token validate"
	case 2:
		return jobj("authInfo", jarr(jobj("domain", "RTEST", "type", "username", "username", user), jobj("success", false, "type", "ldap"))),
			"Password failed for: " + user
	case 3:
		return jobj("request", jobj("id", "5d6843df883ab300acdde38e",
			"request", jobj("status", "pending", "userInfo", jobj("distinguishedName", dn)),
			"requested_by_info", jobj("sAMAccountName", user)),
			"targetSystem", jobj("cn", "IVANTHRASHBOX-W")), "Access request granted"
	case 4:
		return jobj("policy", jobj("scan", true, "secure", true, "strict_secure", false), "system", "IVANTHRASHBOX-W.rtest.com",
			"user", jobj("id", "5b7f3046e9097a902057d51b", "distinguishedName", dn)), "Updated policy for system"
	}
	return jobj("err", jobj("message", "connect ECONNREFUSED 127.0.0.1:27017", "code", "ECONNREFUSED")), "Database connection lost, retrying"
}

// Where JSON members go: objects for password and secret keys, for headers,
// and the string fields that hold a secret written as text (the last
// element is the field's name).
var (
	jsonSecretPaths = [][]string{{}, {"req", "params"}, {"req", "body"}, {"authData"}, {"authInfo", "0"},
		{"request", "request", "userInfo"}, {"user"}, {"data", "credentials", "local"}, {"err", "config", "auth"}}
	jsonHeaderPaths = [][]string{{"req", "headers"}, {"req", "headers"}, {"headers"}, {"request", "headers"}}
)

func jsonCarriers(f form) [][]string {
	switch f {
	case fQuery:
		return [][]string{{"req", "url"}, {"req", "originalUrl"}, {"res", "header", "location"}, {"referer"}}
	case fURLEnc, fURLJSON:
		return [][]string{{"req", "rawBody"}, {"res", "header", "location"}, {"note"}, {"data", "form"}}
	case fEscJSON:
		return [][]string{{"res", "body"}, {"err", "response"}, {"payload"}, {"request", "body"}}
	}
	return [][]string{{"err", "message"}, {"note"}, {"request", "comment"}, {"detail"}, {"res", "statusMessage"}}
}

func (r *record) netwrix(fr *rng) string {
	body, msg := netwrixBody(fr)
	host, pid := pick(fr, hosts), 100+fr.Intn(900)
	ts := fmt.Sprintf("2026-%02d-%02dT%02d:%02d:%02d.%03dZ", 1+fr.Intn(12), 1+fr.Intn(28), fr.Intn(24), fr.Intn(60), fr.Intn(60), fr.Intn(1000))
	level := pick(fr, []int{30, 40, 50})
	msgKey := pick(fr, []string{"msg", "message"})
	rag := newRng(r.p.filler + 1)
	if r.p.minimal {
		body = jobj()
	}
	var o *jnode
	if r.p.product == pNetwrixPython {
		lv := map[int]string{30: "INFO", 40: "WARNING", 50: "ERROR"}[level]
		o = jobj("asctime", strings.Replace(ts[:23], "T", " ", 1), "levelname", lv, "service", "jita-worker", "message", msg)
		if r.p.minimal {
			o = jobj("levelname", lv, "message", msg)
		}
		o.keys, o.vals = append(o.keys, body.keys...), append(o.vals, body.vals...)
	} else {
		o = jobj("name", "secureone-api", "hostname", host, "pid", pid, "req_id", "e5e743e0-ca94-11e9-9f18-239ada945066", "level", level)
		if r.p.minimal {
			o = jobj()
		}
		o.keys, o.vals = append(o.keys, body.keys...), append(o.vals, body.vals...)
		o.set(msgKey, jstr(msg))
		if !r.p.minimal {
			o.set("time", jstr(ts))
			o.set("v", jlit("0"))
		}
	}
	for _, i := range r.inRecord() {
		s := &r.p.secrets[i]
		if s.form == fJSON {
			paths := jsonSecretPaths
			switch s.kind {
			case kCookie, kAuthorization, kAccessToken, kProxyAuth:
				paths = jsonHeaderPaths
			case kSetCookie:
				paths = [][]string{{"res", "header"}, {"req", "headers"}, {"headers"}}
			}
			placed := false
			for k := 0; k < len(paths) && !placed; k++ {
				p := paths[(s.pos+k)%len(paths)]
				obj := o.path(p)
				if obj.get(s.name) != nil {
					continue
				}
				r.member(obj, s.pos, s.name, jstr(r.p.planted(i)))
				r.describe(i, "object "+strings.Join(append([]string{"$"}, p...), "."))
				placed = true
			}
			if !placed {
				p := []string{"extra" + strconv.Itoa(i)}
				o.path(p).set(s.name, jstr(r.p.planted(i)))
				r.describe(i, "object $."+p[0])
			}
			continue
		}
		cs := jsonCarriers(s.form)
		var c []string
		for k := 0; ; k++ {
			c = cs[(s.pos+k)%len(cs)]
			if k >= len(cs) {
				c = []string{"text" + strconv.Itoa(i)}
			}
			if !r.used[strings.Join(c, ".")] {
				break
			}
		}
		r.used[strings.Join(c, ".")] = true
		ph := r.phrase(i)
		if s.form == fBearer {
			ph = "token " + ph + " was used"
		}
		if s.pos%4 == 3 {
			// The text as a member's name: keys are emitted too.
			o.path(c[:len(c)-1]).set(ph, jlit("true"))
			r.describe(i, "member name in "+strings.Join(c[:len(c)-1], "."))
			continue
		}
		o.path(c[:len(c)-1]).set(c[len(c)-1], jstr(ph))
		r.describe(i, "string "+strings.Join(c, "."))
	}
	if r.p.pad > 0 {
		o.set("pad", jstr(padText(r.p.pad)))
	}
	switch r.p.product {
	case pNetwrixBunyan:
		r.styleName = productNames[r.p.product]
		return o.render(layoutCompact, nil)
	case pNetwrixPython:
		r.styleName = productNames[r.p.product]
		return o.render(layoutPython, nil)
	}
	if r.p.style%2 == 0 {
		r.styleName = productNames[r.p.product] + "(indent=2)"
		return o.render(layoutPretty, nil)
	}
	r.styleName = productNames[r.p.product] + "(ragged)"
	return o.render(layoutRagged, rag)
}

// member puts a secret's member into o before the filler member of its
// slot (pos modulo the filler members plus one), after the secrets put
// there before it: dropping a secret moves no other.
func (r *record) member(o *jnode, pos int, k string, v *jnode) {
	if r.secretMembers == nil {
		r.secretMembers = map[*jnode]map[string]bool{}
	}
	sec := r.secretMembers[o]
	if sec == nil {
		sec = map[string]bool{}
		r.secretMembers[o] = sec
	}
	filler := 0
	for _, key := range o.keys {
		if !sec[key] {
			filler++
		}
	}
	slot := pos % (filler + 1)
	at, seen := len(o.keys), 0
	for i, key := range o.keys {
		if sec[key] {
			continue
		}
		if seen == slot {
			at = i
			break
		}
		seen++
	}
	o.keys = insert(o.keys, at, k)
	o.vals = insert(o.vals, at, v)
	sec[k] = true
}
