package secretgen

import (
	"net/url"
	"strconv"
	"strings"
)

// kind is what makes a value a secret.
type kind uint8

const (
	kPassword      kind = iota // a key containing "password"
	kSecret                    // a key containing "secret"
	kCookie                    // the cookie header
	kSetCookie                 // the set-cookie header
	kAuthorization             // the authorization header
	kAccessToken               // the x-access-token header
	kProxyAuth                 // the proxy-authorization header
	kBearer                    // a bearer token that no name introduces
	nKinds
)

// form is how a secret is written.
type form uint8

const (
	fPair    form = iota // name = value: a PassMan pair, or such text
	fJSON                // "name":"value", a member of a JSON record at some depth
	fLabel               // Name: value (a header line, a seaudit label)
	fEq                  // name=value in text
	fQuery               // a URL's query: ?user=bob&name=value&page=2
	fURLEnc              // a URL-encoded query: name%3Dvalue
	fURLJSON             // URL-encoded JSON: %22name%22%3A%22value%22
	fEscJSON             // {"name":"value"} kept in a string
	fBearer              // Bearer value
	fSD                  // an RFC 5424 structured-data parameter name="value"
	fOption              // a command line's option: --name value
	nForms
)

var formNames = [nForms]string{"pair", "json", "label", "eq", "query", "urlenc", "urljson", "escjson", "bearer", "sd", "option"}

var kindNamesShort = [nKinds]string{"password", "secret", "cookie", "set-cookie", "authorization", "x-access-token", "proxy-authorization", "bearer"}

// kindForms are the forms each kind is written in.
var kindForms = [nKinds][]form{
	kPassword:      {fPair, fJSON, fLabel, fEq, fQuery, fURLEnc, fURLJSON, fEscJSON, fSD, fOption},
	kSecret:        {fPair, fJSON, fLabel, fEq, fQuery, fURLEnc, fURLJSON, fEscJSON, fSD, fOption},
	kCookie:        {fPair, fJSON, fLabel, fEscJSON, fSD},
	kSetCookie:     {fPair, fJSON, fLabel, fEscJSON, fSD},
	kAuthorization: {fPair, fJSON, fLabel, fEscJSON, fSD},
	kAccessToken:   {fPair, fJSON, fLabel, fEq, fQuery, fEscJSON, fSD},
	kProxyAuth:     {fPair, fJSON, fLabel, fEscJSON, fSD},
	kBearer:        {fBearer},
}

// names of each kind: for a PassMan pair (snake case), a JSON member, a
// label, a command line's option, and the rest (query, text, structured
// data).
type nameSet struct{ pair, json, label, option, other []string }

var kindNames = [nKinds]nameSet{
	kPassword: {
		pair:   []string{"password", "new_password", "old_password", "db_password", "vault_password", "PASSWORD"},
		json:   []string{"password", "userPassword", "newPassword", "new_password", "db_password", "Password"},
		label:  []string{"Password", "New password", "password", "Vault password"},
		option: []string{"--password", "--db-password", "-password", "--new_password"},
		other:  []string{"password", "new_password", "userPassword", "db_password"},
	},
	kSecret: {
		pair:   []string{"secret", "client_secret", "db_secret", "api_secret"},
		json:   []string{"secret", "clientSecret", "client_secret", "apiSecret", "sharedSecret"},
		label:  []string{"Secret", "Client secret", "Shared secret"},
		option: []string{"--client-secret", "--secret", "-api-secret"},
		other:  []string{"client_secret", "secret", "clientSecret", "db_secret"},
	},
	kCookie: {
		pair:  []string{"cookie"},
		json:  []string{"cookie", "Cookie"},
		label: []string{"Cookie", "cookie", "COOKIE"},
		other: []string{"cookie"},
	},
	kSetCookie: {
		pair:  []string{"set_cookie"},
		json:  []string{"set-cookie", "Set-Cookie"},
		label: []string{"Set-Cookie", "set-cookie"},
		other: []string{"set-cookie"},
	},
	kAuthorization: {
		pair:  []string{"authorization"},
		json:  []string{"authorization", "Authorization"},
		label: []string{"Authorization", "authorization"},
		other: []string{"authorization"},
	},
	kAccessToken: {
		pair:  []string{"x_access_token"},
		json:  []string{"x-access-token", "X-Access-Token"},
		label: []string{"X-Access-Token", "x-access-token"},
		other: []string{"x-access-token", "x_access_token"},
	},
	kProxyAuth: {
		pair:  []string{"proxy_authorization"},
		json:  []string{"proxy-authorization", "Proxy-Authorization"},
		label: []string{"Proxy-Authorization"},
		other: []string{"proxy-authorization"},
	},
	kBearer: {other: []string{""}},
}

// kindValues: what stands around the value, per kind.
var kindValues = [nKinds][][2]string{
	kPassword:      {{"", ""}},
	kSecret:        {{"", ""}},
	kCookie:        {{"sid=", ""}, {"sid=", "; theme=dark"}, {"theme=dark; sid=", ""}, {"connect.sid=s%3A", ""}},
	kSetCookie:     {{"sid=", "; Path=/; HttpOnly"}, {"sid=", ""}},
	kAuthorization: {{"Bearer ", ""}, {"Basic ", ""}, {"", ""}, {`Digest username="bob", realm="pam", response="`, `"`}},
	kAccessToken:   {{"", ""}},
	kProxyAuth:     {{"Basic ", ""}},
	kBearer:        {{"Bearer ", ""}},
}

// secretSpec is one secret of a plan.
type secretSpec struct {
	kind      kind
	form      form
	name      string
	pre, post string // around the value in the record ("Bearer ", "sid=")
	pos       int    // where among the record's fields, modulo their number
	frame     int    // fSD: the framing that holds it; else -1
	length    int
	token     bool
}

// framingSpec is one framing of a plan.
type framingSpec struct {
	kind framingKind
	seed int64
}

// plan is everything a Case is rendered from; the values are drawn last.
type plan struct {
	product  productKind
	style    int
	filler   int64
	minimal  bool
	secrets  []secretSpec
	framings []framingSpec // innermost first
	pad      int           // bytes of padding in the record
	maxPct   int           // > 0: MaxRecordBytes is this percent of the text
	values   []string
	control  []string
}

func (p *plan) clone() *plan {
	q := *p
	q.secrets = append([]secretSpec(nil), p.secrets...)
	q.framings = append([]framingSpec(nil), p.framings...)
	q.values = append([]string(nil), p.values...)
	q.control = append([]string(nil), p.control...)
	return &q
}

func (p *plan) dropSecret(i int) {
	p.secrets = append(p.secrets[:i:i], p.secrets[i+1:]...)
	p.values = append(p.values[:i:i], p.values[i+1:]...)
	p.control = append(p.control[:i:i], p.control[i+1:]...)
}

// dropFraming removes framing j, and the secrets it held. The framings
// outside it stay as they were chosen: a shrink may give a nesting the
// generator would not, which is still a record a face must not leak from.
func (p *plan) dropFraming(j int) {
	p.framings = append(p.framings[:j:j], p.framings[j+1:]...)
	for i := len(p.secrets) - 1; i >= 0; i-- {
		switch f := p.secrets[i].frame; {
		case f == j:
			p.dropSecret(i)
		case f > j:
			p.secrets[i].frame--
		}
	}
	// A line framing around a multi-line text, or a merge of what is no
	// JSON object, is resolved again.
	p.framings = resolveFramings(p.product, p.framings)
	for i := range p.secrets {
		if f := p.secrets[i].frame; f >= 0 && p.framings[f].kind != frRFC5424 {
			p.secrets[i].frame, p.secrets[i].form = -1, fLabel
		}
	}
}

func (p *plan) has(v string) bool {
	for _, w := range p.values {
		if w == v {
			return true
		}
	}
	return false
}

// framingCounts: how many framings, by the chooser's pick.
var framingCounts = [...]int{0, 0, 1, 1, 1, 2, 2, 3}

// choosePlan makes the shape's choices first (product, counts, framings),
// then the secrets', then the rest.
func choosePlan(c Chooser) *plan {
	p := &plan{product: productKind(c.Intn(int(nProducts)))}
	nSecrets := 2 + c.Intn(4)
	nFramings := framingCounts[c.Intn(len(framingCounts))]
	for range nFramings {
		p.framings = append(p.framings, framingSpec{kind: framingKind(c.Intn(int(nFramingKinds)))})
	}
	p.framings = resolveFramings(p.product, p.framings)
	sd := -1
	for j, f := range p.framings {
		if f.kind == frRFC5424 {
			sd = j
			break
		}
	}
	for range nSecrets {
		k := kind(c.Intn(int(nKinds)))
		var forms []form
		for _, f := range kindForms[k] {
			if (f == fJSON && !p.product.json()) || (f == fSD && sd < 0) {
				continue
			}
			forms = append(forms, f)
		}
		s := secretSpec{kind: k, form: forms[c.Intn(len(forms))], frame: -1}
		ns := kindNames[k]
		names := ns.other
		switch s.form {
		case fPair:
			if p.product == pPassmanAudit {
				names = ns.pair
			}
		case fJSON:
			names = ns.json
		case fLabel:
			names = ns.label
		case fOption:
			names = ns.option
		case fSD:
			s.frame = sd
		}
		s.name = names[c.Intn(len(names))]
		vs := kindValues[k]
		if s.form == fQuery || s.form == fURLEnc || s.form == fURLJSON {
			vs = vs[:1] // the value alone, URL-encoded
		}
		v := vs[c.Intn(len(vs))]
		s.pre, s.post = v[0], v[1]
		s.pos = c.Intn(1000)
		s.length = 3 + c.Intn(22)
		s.token = c.Intn(3) == 0
		p.secrets = append(p.secrets, s)
	}
	p.style = c.Intn(1 << 12)
	p.filler = int64(c.Intn(1 << 16))
	for j := range p.framings {
		p.framings[j].seed = int64(c.Intn(1 << 16))
	}
	if c.Intn(10) == 0 {
		if c.Intn(3) > 0 {
			p.pad = 256 + c.Intn(3000)
		}
		p.maxPct = 30 + c.Intn(66)
	}
	return p
}

// finish draws the values, unique in the rendered text, and renders.
func (p *plan) finish(c Chooser) (Case, bool) {
	tmpl, _, _ := p.template()
	skel := skeleton(tmpl)
	p.values = p.draw(c, skel, nil, 1)
	p.control = p.draw(c, skel, p.values, 2)
	return p.render()
}

// draw draws a value per secret: the first try from c, the next ones from
// a source seeded by the plan, so that a Chooser that repeats itself (a
// fuzzer's exhausted input) still ends.
func (p *plan) draw(c Chooser, skel string, avoid []string, salt int64) []string {
	var out []string
	for i, s := range p.secrets {
		var v string
		for attempt := 0; ; attempt++ {
			var src Chooser = c
			if attempt > 0 {
				src = newRng(p.filler*131 + int64(i)*7919 + int64(attempt)*104729 + salt)
			}
			v = newValue(src, s.length, s.token)
			if unique(v, skel, append(append([]string(nil), avoid...), out...)) {
				break
			}
		}
		out = append(out, v)
	}
	return out
}

// render renders the text and the control from the template; false when a
// value is not unique in it (a shrink changed the text around it).
func (p *plan) render() (Case, bool) {
	tmpl, name, forms := p.template()
	skel := skeleton(tmpl)
	for i, v := range p.values {
		others := append(append([]string(nil), p.values[:i]...), p.values[i+1:]...)
		if !unique(v, skel, others) || !unique(p.control[i], skel, append(others, v)) {
			return Case{}, false
		}
	}
	cs := Case{
		Name:           name,
		Text:           substitute(tmpl, p.values),
		Secrets:        append([]string(nil), p.values...),
		Forms:          forms,
		Control:        substitute(tmpl, p.control),
		ControlSecrets: append([]string(nil), p.control...),
		p:              p,
	}
	if p.maxPct > 0 {
		cs.MaxRecordBytes = min(len(cs.Text), len(cs.Control))*p.maxPct/100 + 1
		cs.MaxRecordBytes = min(cs.MaxRecordBytes, len(cs.Text)-1, len(cs.Control)-1)
		cs.Name += " [too large: max " + strconv.Itoa(cs.MaxRecordBytes) + " of " + strconv.Itoa(len(cs.Text)) + " bytes]"
	}
	return cs, true
}

// Markers stand for the values in a template: a private-use rune per
// secret and transform, which every framing's escaping leaves as it is.
const (
	markerBase = 0xE000
	tPlain     = 0
	tQuery     = 1 // url.QueryEscape
)

func marker(i, t int) string { return string(rune(markerBase + i*4 + t)) }

func isMarker(r rune) bool { return r >= markerBase && r < markerBase+64*4 }

func skeleton(tmpl string) string {
	return strings.Map(func(r rune) rune {
		if isMarker(r) {
			return 0
		}
		return r
	}, tmpl)
}

func substitute(tmpl string, values []string) string {
	var b strings.Builder
	for _, r := range tmpl {
		if !isMarker(r) {
			b.WriteRune(r)
			continue
		}
		i, t := int(r-markerBase)/4, int(r-markerBase)%4
		v := values[i]
		if t == tQuery {
			v = url.QueryEscape(v)
		}
		b.WriteString(v)
	}
	return b.String()
}

// template renders the record with markers for the values, its shape's
// name, and each secret's form.
func (p *plan) template() (tmpl, name string, forms []string) {
	r := &record{p: p, forms: make([]string, len(p.secrets))}
	tmpl = r.product()
	names := []string{r.styleName}
	for j, f := range p.framings {
		tmpl = r.frame(j, f, tmpl)
		names = append(names, framingNames[f.kind])
	}
	return tmpl, strings.Join(names, " > "), r.forms
}

// planted is the text a secret's value is written as in the record: the
// marker with what stands around it.
func (p *plan) planted(i int) string {
	s := &p.secrets[i]
	t := tPlain
	if s.form == fQuery || s.form == fURLEnc || s.form == fURLJSON {
		t = tQuery
	}
	return s.pre + marker(i, t) + s.post
}
