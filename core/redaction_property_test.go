package core_test

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/secretgen"
)

// Redaction as a property (issue 20): every secret value a record holds,
// in whatever form and framing (internal/secretgen), is absent from every
// string the record gives out, in every schema, whether the record is
// parsed from bytes, from a string, or read from a stream by the Splitter
// as pamaudit parse reads it.

// The flags -redprop.seed and -redprop.n.
var redpropSeed, redpropN = secretgen.Flags(3000)

// redpropNow is the parsers' clock: the same for a case and its control.
var redpropNow = func() time.Time { return time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC) }

// coreRuns gives a Run per way into the core and schema, with parsers
// reused from case to case (one per limit).
type coreRuns struct {
	t       testing.TB
	parsers map[[2]int]*core.Parser
	hmac    bool // keyed pseudonyms (the key in redpropKeyEnv)
}

// redpropKeyEnv holds the key of the keyed-pseudonym runs.
const redpropKeyEnv = "PAMAUDIT_REDPROP_HMAC_KEY"

func (c *coreRuns) parser(schema core.Schema, max int) *core.Parser {
	k := [2]int{int(schema), max}
	if p := c.parsers[k]; p != nil {
		return p
	}
	opts := core.Options{Schema: schema, MaxRecordBytes: max, Now: redpropNow}
	if c.hmac {
		opts.RedactMode, opts.RedactKeyEnv = core.RedactHMAC, redpropKeyEnv
	}
	p, err := core.NewParser(opts)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.parsers == nil {
		c.parsers = map[[2]int]*core.Parser{}
	}
	c.parsers[k] = p
	return p
}

var redpropPaths = []string{"Parse", "ParseString", "Splitter"}

// run: path is Parse, ParseString, or Splitter (the text as a stream,
// each record the Splitter hands out parsed as pamaudit parse does: with
// the same limit, a record cut at it made by ParseCut).
func (c *coreRuns) run(path string, schema core.Schema) secretgen.Run {
	return func(text string, max int, secrets []string) []secretgen.Leak {
		p := c.parser(schema, max)
		var out []byte
		switch path {
		case "Parse":
			rec, _ := p.Parse([]byte(text))
			out = rec.AppendJSON(out)
		case "ParseString":
			rec, _ := p.ParseString(text)
			out = rec.AppendJSON(out)
		default:
			core.EachRecord(c.t, p, strings.NewReader(text), max, func(rec *core.Record, _ *core.CutError) {
				out = append(rec.AppendJSON(out), '\n')
			})
		}
		return secretgen.Find(string(out), secrets)
	}
}

func TestRedactionProperty(t *testing.T) {
	runs := &coreRuns{t: t}
	prop := &secretgen.Property{Seed: *redpropSeed}
	for i, c := range prop.First(*redpropN) {
		for _, schema := range []core.Schema{core.SchemaOTel, core.SchemaECS, core.SchemaOCSF} {
			for _, path := range redpropPaths {
				prop.Check("core "+schema.String(), path, c, i, runs.run(path, schema))
			}
		}
	}
	prop.Report(t, "core")
}

// TestIdentityIsNotOfSecrets: a record's identity (log.record.uid) is
// never a function of a secret it held, else it is a hash against which a
// short secret can be guessed. Each case and its control (the same text
// with other values of the same lengths and kinds in place of the
// secrets) give the same identity text and the same identity, and the
// identity text holds no secret.
func TestIdentityIsNotOfSecrets(t *testing.T) {
	runs := &coreRuns{t: t}
	var u core.UIDer
	failed := 0
	for i, c := range (&secretgen.Property{Seed: *redpropSeed}).First(*redpropN) {
		p := runs.parser(core.SchemaOTel, c.MaxRecordBytes)
		p.ParseString(c.Text)
		idText := strings.Clone(p.IdentityText(c.Text))
		id := u.File("/var/log/pam/audit.log", 4096, idText)
		p.ParseString(c.Control)
		idControl := p.IdentityText(c.Control)
		if leaks := secretgen.Find(idText, c.Secrets); len(leaks) > 0 || idControl != idText || u.File("/var/log/pam/audit.log", 4096, idControl) != id {
			if failed++; failed <= 3 {
				t.Errorf("case %d of seed %d (%s): the identity depends on the secrets %q (leaks %v)\n text:    %q\n control: %q", i, *redpropSeed, c.Name, c.Secrets, leaks, idText, idControl)
			}
		}
	}
	if failed > 3 {
		t.Errorf("... %d cases in all", failed)
	}
}

// TestRedactionPropertyHMAC: the same property with keyed pseudonyms in
// place of the mask, on a third of the cases: a pseudonym must leave no
// more of a value than the mask does.
func TestRedactionPropertyHMAC(t *testing.T) {
	t.Setenv(redpropKeyEnv, "pamaudit-redprop-key-0123456789")
	runs := &coreRuns{t: t, hmac: true}
	prop := &secretgen.Property{Seed: *redpropSeed}
	for i, c := range prop.First(*redpropN / 3) {
		for _, schema := range []core.Schema{core.SchemaOTel, core.SchemaECS, core.SchemaOCSF} {
			for _, path := range redpropPaths {
				prop.Check("core hmac "+schema.String(), path, c, i, runs.run(path, schema))
			}
		}
	}
	prop.Report(t, "core hmac")
}

// FuzzRedactionProperty: the fuzzer's bytes drive the generator's choices
// (secretgen.FromBytes: the first pick the product, the counts of secrets
// and framings, and the framings), so it explores shapes, forms and
// positions; the property is the same as TestRedactionProperty's.
func FuzzRedactionProperty(f *testing.F) {
	// A seed per product, with no framing, one, and nested ones (the
	// merged Fluentd record, GELF, Docker in Fluentd), and random ones.
	for p := byte(0); p < 8; p++ {
		f.Add([]byte{p, 3, 0})
		f.Add([]byte{p, 1, 2, 5})           // docker json-file
		f.Add([]byte{p, 2, 5, 9, 11, 6, 0}) // fluentd-merged in gelf, or their fallbacks
		f.Add([]byte{p, 4, 7, 0, 6, 7, 4})  // rfc5424 in fluentd-docker, in fluentd-stdout
	}
	r := rand.New(rand.NewSource(1))
	for range 16 {
		b := make([]byte, 64+r.Intn(128))
		r.Read(b)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c := secretgen.Generate(secretgen.FromBytes(in))
		runs := &coreRuns{t: t}
		prop := &secretgen.Property{Seed: -1}
		for _, schema := range []core.Schema{core.SchemaOTel, core.SchemaECS, core.SchemaOCSF} {
			for _, path := range redpropPaths {
				prop.Check("core "+schema.String(), path, c, -1, runs.run(path, schema))
			}
		}
		prop.Report(t, "core")
	})
}

// Cases other seeds of the property found: a header's value that the
// search reads to the end of the line overlaps a secret the format found
// in a later pair, and its own token, which a value the format read also
// holds, was not propagated.
func TestRedactionHeaderOverlap(t *testing.T) {
	for _, tc := range []struct{ name, line, secret, keep string }{
		{"query token before a secret pair (seed 99)",
			"passman-audit(4373): redirect_uri = /api/v1/login?x_access_token=gzuMOTIypUjVmKCgmxv; type = CreateTarget; db_secret = CBMGwd4MB; user_upn = ivan@corp.example",
			"gzuMOTIypUjVmKCgmxv", `"event.action":"CreateTarget"`},
		{"label before a bearer token (seed 99)",
			"Aug 21 20:44:39 cap-host-3 passman: passman-audit(472): id=18008; type=DeleteAccount; failure_details=Proxy-Authorization: Basic UYpZ; user_upn=carol@corp.example; reason=Bearer DCEJThtX5JQnc",
			"UYpZ", `"user.name":"carol@corp.example"`},
		{"header in a seaudit record rsyslog escaped (seed 31)",
			"2026-01-15T06:46:40+00:00 cap-host-3 passman: 12 Feb 2018 02:46:40 F PASSWORD carol 1 10#012  Event type: Password verification#012  Cookie: connect.sid=s%3A8XAKJ7tba#012  Status: Failed#012  Details: password = w1gchC5nIPp#012  Audit flags: AC database user",
			"8XAKJ7tba", `#012  Status: Failed#012  Details: password = [REDACTED]#012  Audit flags: AC database user"`},
		{"header in an rsyslog-escaped line kept as a service's JSON message (seed 4242)",
			`2026-07-12T03:23:56.933355000Z stdout F 2026-10-01T17:20:18+00:00` + "\t" + `docker.s1_api.1.k3m9x2` + "\t" + `{"message":"2026-09-20T12:13:55+00:00 pm-node2 passman: 02 Mar 2017 11:21:59 D LOGIN erin 49047159:0000034b 59 2 pts/3 /usr/bin/ssh (OS user)#012    X-Access-Token: cZpnByiSllXC#012    Event: Login event#012    Status: Permitted#012    Details: https://nps.example.com/api/v1/auth?next=%2F&userPassword=yGq4ODgSBKJ#012    Date: 28 Oct 2008"}`,
			"cZpnByiSllXC", `#012    Event: Login event#012    Status: Permitted#012`},
		{"bearer credential in a value before more pairs (seed 16)",
			"2026-08-19T11:52:39Z nps01.example.com passman: passman-audit(3805): id = 18146; user_upn = carol@corp.example; failure_details = authorization: Bearer HIx2bCHxdvy=; comment = /usr/bin/mysql -u root -api-secret wfHpvUQ2UhGWU audit; business_result = failure; entity_path = Servers/Linux/db-prod-01",
			"HIx2bCHxdvy", `"passman.comment":"/usr/bin/mysql -u root -api-secret [REDACTED] audit"`},
		{"option's padded value read as a key (seed 1)",
			"passman-audit(4743): reason=/usr/bin/mysql -u root --client-secret 7pAT9kmY9FI9w= audit,type=AddUser,user_upn=ivan@corp.example",
			"7p_at9km", `"user.name":"ivan@corp.example"`},
		{"padded credential in a spaced pair (seed 59)",
			"reason = 'Bearer hBkEPfViU7U' id = 18118 type = Login authorization = JbVIaRbPe= start_timestamp = 1772704362 user_upn = dave@corp.example user_address = workstation-7.corp.example business_result = failure",
			"JbVIaRbPe", `"user.name":"dave@corp.example"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := core.NewParser(core.Options{})
			if err != nil {
				t.Fatal(err)
			}
			r, _ := p.ParseString(tc.line)
			out := string(r.AppendJSON(nil))
			if strings.Contains(out, tc.secret) {
				t.Errorf("%s in clear: %s", tc.secret, out)
			}
			if !strings.Contains(out, tc.keep) {
				t.Errorf("%s redacted too: %s", tc.keep, out)
			}
		})
	}
}
