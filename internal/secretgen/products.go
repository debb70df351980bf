package secretgen

import (
	"fmt"
	"strconv"
	"strings"
)

// productKind is the record inside the framings.
type productKind uint8

const (
	pPassmanAudit  productKind = iota // {time} {node} {service}: {process}({pid}): key = value, …
	pPassmanSystem                    // {time} {node} {service}: free text
	pCapamSummary                     // a seaudit summary line, with trailing text
	pCapamDetailed                    // a summary line and indented "Label: value" lines
	pCapamOneLine                     // the detailed record on one line
	pNetwrixBunyan                    // bunyan JSON on one line
	pNetwrixPython                    // Python logging's JSON (asctime, levelname), ", " and ": "
	pNetwrixPretty                    // pretty-printed JSON
	nProducts
)

var productNames = [nProducts]string{
	"passman.audit", "passman.system", "capam.summary", "capam.detailed", "capam.oneline",
	"netwrix.bunyan", "netwrix.python", "netwrix.pretty",
}

func (k productKind) multiline() bool { return k == pCapamDetailed || k == pNetwrixPretty }
func (k productKind) json() bool      { return k >= pNetwrixBunyan }

// record renders one plan's template.
type record struct {
	p         *plan
	forms     []string
	styleName string
	used      map[string]bool // carriers that hold a secret

	secretMembers map[*jnode]map[string]bool // the members of each object that are secrets
}

// describe records how secret i was planted.
func (r *record) describe(i int, where string) {
	s := &r.p.secrets[i]
	d := formNames[s.form]
	if s.name != "" {
		d += " " + s.name
	}
	d += " in " + where
	if s.pre != "" || s.post != "" {
		d += " (" + strings.TrimSpace(s.pre+"…"+s.post) + ")"
	}
	if s.token {
		d += " token"
	}
	r.forms[i] = d + " len " + strconv.Itoa(s.length)
}

// phrase is secret i written as text.
func (r *record) phrase(i int) string {
	s := &r.p.secrets[i]
	v, n := r.p.planted(i), s.name
	switch s.form {
	case fPair:
		return n + " = " + v
	case fEq:
		return n + "=" + v
	case fQuery:
		switch s.pos % 3 {
		case 0:
			return "/api/v1/login?" + n + "=" + v
		case 1:
			return "/api/v1/login?user=bob&" + n + "=" + v + "&page=2"
		}
		return "https://nps.example.com/api/v1/auth?next=%2F&" + n + "=" + v
	case fURLEnc:
		return "next=%2Fapi%2Fv1%2Flogin%3Fuser%3Dbob%26" + n + "%3D" + v + "%26page%3D2"
	case fURLJSON:
		return "data=%7B%22user%22%3A%22bob%22%2C%22" + n + "%22%3A%22" + v + "%22%7D"
	case fEscJSON:
		// A JSON string's quotes are escaped (a Digest header's parameters).
		return `{"user":"bob","` + n + `":"` + strings.ReplaceAll(v, `"`, `\"`) + `"}`
	case fBearer:
		return v
	case fOption:
		switch s.pos % 3 {
		case 0:
			return "/usr/bin/mysql -u root " + n + " " + v + " audit"
		case 1:
			return "ran " + n + " " + v + " --verbose"
		}
		return "vault login " + n + " '" + v + "' -method=approle"
	}
	return n + ": " + v // fLabel
}

// inRecord lists the secrets planted in the record itself (not in a
// framing), in order.
func (r *record) inRecord() []int {
	var out []int
	for i, s := range r.p.secrets {
		if s.frame < 0 {
			out = append(out, i)
		}
	}
	return out
}

// placer puts the secrets' items among a list of filler: each before the
// filler item of its slot (pos modulo the filler's length plus one), those
// of one slot in the secrets' order, so that dropping a secret (a shrink)
// moves no other.
type placer[T any] struct {
	base []T
	at   [][]T
}

func newPlacer[T any](base []T) *placer[T] {
	return &placer[T]{base: base, at: make([][]T, len(base)+1)}
}

func (p *placer[T]) put(pos int, x T) {
	k := pos % len(p.at)
	p.at[k] = append(p.at[k], x)
}

func (p *placer[T]) list() []T {
	var out []T
	for i, xs := range p.at {
		out = append(out, xs...)
		if i < len(p.base) {
			out = append(out, p.base[i])
		}
	}
	return out
}

// insert puts x into list at pos modulo its length plus one.
func insert[T any](list []T, pos int, x T) []T {
	at := pos % (len(list) + 1)
	list = append(list, x)
	copy(list[at+1:], list[at:])
	list[at] = x
	return list
}

// padText is n bytes of filler words.
func padText(n int) string {
	words := []string{"lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "eiusmod", "tempor", "incididunt"}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[i%len(words)])
		b.WriteString(strconv.Itoa(i % 97))
	}
	return b.String()[:n]
}

func (r *record) product() string {
	r.used = map[string]bool{}
	fr := newRng(r.p.filler)
	switch r.p.product {
	case pPassmanAudit:
		return r.passmanAudit(fr)
	case pPassmanSystem:
		return r.passmanSystem(fr)
	case pCapamSummary, pCapamDetailed, pCapamOneLine:
		return r.capam(fr)
	}
	return r.netwrix(fr)
}

// Filler.
var (
	users     = []string{"alice", "bob", "carol", "dave", "erin", "frank", "ivan", "jdoe", "mlee"}
	hosts     = []string{"pm-node1", "pm-node2", "nps-api-1", "nps01.example.com", "cap-host-3"}
	addresses = []string{"10.0.0.15", "10.0.0.22", "::ffff:10.0.0.15", "workstation-7.corp.example", "localhost", "192.0.2.44"}
	months    = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	pmTypes   = []string{"Login", "Logout", "CheckoutCredentials", "ResetCredentials", "DeleteAccount", "UpdateACL",
		"ChangePassword", "OpenVault", "UpdateCredentials", "AddUser", "CreateTarget", "PadminSyslogServer",
		"LoginCheckoutCredentials", "PadminDatabaseBackup", "ForgotPassword", "AddVaultKey"}
)

func pick[T any](r *rng, list []T) T { return list[r.Intn(len(list))] }

func rfc3339(r *rng) string {
	return fmt.Sprintf("2026-%02d-%02dT%02d:%02d:%02dZ", 1+r.Intn(12), 1+r.Intn(28), r.Intn(24), r.Intn(60), r.Intn(60))
}

func rfc3164(r *rng) string {
	return fmt.Sprintf("%s %2d %02d:%02d:%02d", pick(r, months), 1+r.Intn(28), r.Intn(24), r.Intn(60), r.Intn(60))
}

// pair is a PassMan key = value pair.
type pair struct{ k, v string }

// carrier picks a field name for a secret written as text inside a
// non-secret field, one no other secret took.
func (r *record) carrier(i int, names []string) string {
	s := &r.p.secrets[i]
	for k := 0; ; k++ {
		n := names[(s.pos+k)%len(names)]
		if k >= len(names) {
			n += strconv.Itoa(k / len(names))
		}
		if !r.used[n] {
			r.used[n] = true
			return n
		}
	}
}

// textCarriers: the non-secret fields that hold each form as text.
func textCarriers(f form) []string {
	switch f {
	case fQuery:
		return []string{"url", "referer", "target_url", "redirect_uri"}
	case fURLEnc, fURLJSON:
		return []string{"body", "form_data", "payload"}
	case fEscJSON:
		return []string{"details", "payload", "response", "request_body"}
	}
	return []string{"details", "comment", "note", "failure_details", "reason"}
}

var (
	pmSeps    = []string{", ", ",", " ", "; "}
	pmAssigns = []string{" = ", "="}
	pmQuotes  = []string{"bare", "'", `"`, "mixed"}
	pmHeads   = []string{"rfc3339", "rfc3164", "process", "pairs"}
)

func (r *record) passmanAudit(fr *rng) string {
	st := r.p.style
	head, sep, assign, quote := st%4, pmSeps[st/4%4], pmAssigns[st/16%2], st/32%4
	r.styleName = fmt.Sprintf("%s(head=%s sep=%q assign=%q quote=%s)", productNames[r.p.product], pmHeads[head], sep, assign, pmQuotes[quote])
	ts3339, ts3164 := rfc3339(fr), rfc3164(fr)
	node, pid := pick(fr, hosts), strconv.Itoa(100+fr.Intn(9000))
	typ, user := pick(fr, pmTypes), pick(fr, users)+"@corp.example"
	pairs := []pair{{"type", typ}, {"user_upn", user}}
	if !r.p.minimal {
		pairs = []pair{{"id", strconv.Itoa(18000 + fr.Intn(1000))}, {"type", typ},
			{"start_timestamp", strconv.Itoa(1772702130 + fr.Intn(100000))}, {"user_upn", user},
			{"user_address", pick(fr, addresses)}, {"business_result", pick(fr, []string{"success", "failure"})}}
		extras := []pair{{"entity_type", "account"}, {"entity_name", "root"}, {"entity_path", "Servers/Linux/db-prod-01"},
			{"account", "5f1c2a"}, {"credential_type", "password"}, {"exclusive_duration", "3600"},
			{"failure", "target unreachable"}, {"failure_code", "113"}, {"filename_postfix", "nightly"},
			{"entity_parent_name", "db-prod-01"}, {"key", "vaultadmin"}}
		for n := fr.Intn(4); n > 0; n-- {
			pairs = append(pairs, pick(fr, extras))
		}
	}
	pl := newPlacer(pairs)
	for _, i := range r.inRecord() {
		s := &r.p.secrets[i]
		if s.form == fPair {
			pl.put(s.pos, pair{s.name, r.p.planted(i)})
			r.describe(i, "a pair")
			continue
		}
		k := r.carrier(i, textCarriers(s.form))
		pl.put(s.pos, pair{k, r.phrase(i)})
		r.describe(i, "pair "+k)
	}
	pairs = pl.list()
	if r.p.pad > 0 {
		pairs = append(pairs, pair{"note", padText(r.p.pad)})
	}
	var b strings.Builder
	switch head {
	case 0:
		b.WriteString(ts3339 + " " + node + " passman: passman-audit(" + pid + "): ")
	case 1:
		b.WriteString(ts3164 + " " + node + " passman: passman-audit(" + pid + "): ")
	case 2:
		b.WriteString("passman-audit(" + pid + "): ")
	}
	for j, kv := range pairs {
		if j > 0 {
			b.WriteString(sep)
		}
		b.WriteString(kv.k + assign + pmQuote(kv.v, sep, quote, j))
	}
	return b.String()
}

// pmQuote quotes v as PassMan does: bare when it can be, in ' or ".
func pmQuote(v, sep string, mode, j int) string {
	q := ""
	switch mode {
	case 1:
		q = "'"
	case 2:
		q = `"`
	case 3:
		q = []string{"", "'", `"`}[j%3]
	}
	needs := v == "" || strings.ContainsAny(v, `'"`) || (sep == " " && strings.Contains(v, " ")) ||
		strings.ContainsAny(v, strings.TrimSpace(sep)) || strings.Contains(v, " = ") || strings.HasSuffix(v, " ")
	if q == "" && needs {
		q = "'"
	}
	if strings.Contains(v, q) && q != "" {
		q = map[string]string{"'": `"`, `"`: "'"}[q]
	}
	return q + v + q
}

var sysFragments = []string{
	"vault is closed, waiting for a vault key holder", "Started PassMan application server.",
	"eth0: link up, 1000 Mbps, full duplex", `10.0.0.15 - - "GET /api/v1/accounts HTTP/1.1" 200 512`,
	"session expired for user alice", "upstream responded in 12 ms", "retrying connection to 10.1.2.3:22",
}

func (r *record) passmanSystem(fr *rng) string {
	head := r.p.style % 3
	r.styleName = fmt.Sprintf("%s(head=%s)", productNames[r.p.product], []string{"rfc3339", "rfc3164", "pri+rfc3164"}[head])
	ts3339, ts3164 := rfc3339(fr), rfc3164(fr)
	node, pid, svc := pick(fr, hosts), strconv.Itoa(100+fr.Intn(9000)), pick(fr, []string{"passman", "nginx", "padmin", "systemd"})
	frags := []string{pick(fr, sysFragments)}
	if !r.p.minimal {
		for n := fr.Intn(3); n > 0; n-- {
			frags = append(frags, pick(fr, sysFragments))
		}
	}
	frags = r.textSecrets(frags, "system text")
	if r.p.pad > 0 {
		frags = append(frags, padText(r.p.pad))
	}
	var h string
	switch head {
	case 0:
		h = ts3339 + " " + node + " " + svc + ": "
	case 1:
		h = ts3164 + " " + node + " " + svc + "[" + pid + "]: "
	default:
		h = "<" + strconv.Itoa(8+fr.Intn(180)) + ">" + ts3164 + " " + node + " " + svc + "[" + pid + "]: "
	}
	return h + strings.Join(frags, " ")
}

// textSecrets inserts the record's secrets into free text fragments.
func (r *record) textSecrets(frags []string, where string) []string {
	pl := newPlacer(frags)
	for _, i := range r.inRecord() {
		s := &r.p.secrets[i]
		ph := r.phrase(i)
		switch s.form {
		case fQuery:
			ph = `10.0.0.15 - - "GET ` + ph + ` HTTP/1.1" 401 38`
		case fBearer:
			ph = "token " + ph + " was used"
		}
		pl.put(s.pos, ph)
		r.describe(i, where)
	}
	return pl.list()
}

// seaudit summary lines, by event.
var capamLines = []func(fr *rng, date string) string{
	func(fr *rng, d string) string {
		return d + " " + pick(fr, []string{"P", "D", "W"}) + " LOGIN " + pick(fr, users) + " 49047159:0000034b 59 2 pts/3 /usr/bin/ssh (OS user)"
	},
	func(fr *rng, d string) string { return d + " F PASSWORD " + pick(fr, users) + " 1 10" },
	func(fr *rng, d string) string { return d + " M SHUTDOWN root 48da26ce:00000142 452 seosd" },
	func(fr *rng, d string) string {
		return d + " P TRACE EXAMPLE\\" + pick(fr, users) + ` 5f1a2b3c:000001a4 1004 alice FILE "C:\Data\Q1 report.xlsx" 59 (OS user)`
	},
	func(fr *rng, d string) string { return d + " M START seosd" },
	func(fr *rng, d string) string {
		return d + " P TCP https " + pick(fr, users) + " 5f1a2b3c:000001a0 59 2 api.example.com /usr/bin/curl pts/1"
	},
	func(fr *rng, d string) string {
		return d + " S ADMIN USER secadmin 452 10 " + pick(fr, users) + " ws01.example.com newusr"
	},
}

var capamTrailing = []string{"opened for read by excel.exe", "executed in warning mode", "CA PAMSC engine started", "write refused by the file rule"}

// detailed labels, by the summary line's event (0 LOGIN, 1 PASSWORD, 2 SHUTDOWN).
var capamLabels = [][]string{
	{"Event: Login event", "Status: Permitted", "UserName: root", "Terminal: pts/3", "Program: /usr/bin/ssh",
		"Date: 28 Oct 2008", "Time: 12:15", "Details: Resource UACC check", "SessionID: 49047159:0000034b", "AuditFlags: AC database user"},
	{"Event type: Password verification", "Status: Failed", "User name: test1", "Details: Password too short", "Audit flags: AC database user"},
	{"Event type: Daemon shutdown", "User name: root", "Daemon: seosd", "Date: 24 Sep 2008", "Time: 15:40:46",
		"Details: User is ADMIN or SPECIAL", "User Logon Session ID: 48da26ce:00000142", "Audit flags: CA PAMSC database user"},
}

func (r *record) capam(fr *rng) string {
	date := fmt.Sprintf("%02d %s %d %02d:%02d:%02d", 1+fr.Intn(28), pick(fr, months), 2008+fr.Intn(18), fr.Intn(24), fr.Intn(60), fr.Intn(60))
	if r.p.product == pCapamSummary {
		r.styleName = productNames[r.p.product]
		ev := 4
		if !r.p.minimal {
			ev = fr.Intn(len(capamLines))
		}
		line := capamLines[ev](fr, date)
		var frags []string
		if !r.p.minimal {
			frags = append(frags, pick(fr, capamTrailing))
		}
		frags = r.textSecrets(frags, "trailing text")
		if r.p.pad > 0 {
			frags = append(frags, padText(r.p.pad))
		}
		if len(frags) == 0 {
			return line
		}
		return line + " " + strings.Join(frags, " ")
	}
	ev := fr.Intn(3)
	line := capamLines[ev](fr, date)
	labels := append([]string(nil), capamLabels[ev]...)
	if r.p.minimal {
		labels = labels[:2]
	}
	pl := newPlacer(labels)
	for _, i := range r.inRecord() {
		s := &r.p.secrets[i]
		if s.form == fLabel {
			pl.put(s.pos, s.name+": "+r.p.planted(i))
			r.describe(i, "a label line")
			continue
		}
		ph := r.phrase(i)
		if s.form == fBearer {
			ph = "token " + ph + " was used"
		}
		pl.put(s.pos, "Details: "+ph)
		r.describe(i, "label Details")
	}
	labels = pl.list()
	if r.p.pad > 0 {
		labels = append(labels, "Details: "+padText(r.p.pad))
	}
	if r.p.product == pCapamOneLine {
		r.styleName = productNames[r.p.product]
		return line + " " + strings.Join(labels, " ")
	}
	indent := []string{"    ", "  ", "\t"}[r.p.style%3]
	r.styleName = fmt.Sprintf("%s(indent=%q)", productNames[r.p.product], indent)
	return line + "\n" + indent + strings.Join(labels, "\n"+indent)
}
