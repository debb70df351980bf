// Package schema is the output schema: the attribute names every product
// shares and the documentation generated from the products' tables.
package schema

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/internal/envelope/shipper"
	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/schema/table"
	"github.com/pamaudit/pamaudit/record"
)

// Markdown renders docs/schema.md from the products table and the
// mapping tables, so the docs cannot drift from the code.
func Markdown(products product.Table) string {
	l := table.Doc("TestSchemaDoc", "./internal/schema", "Output schema",
		"Every record pamaudit emits, per product: event names, attributes and where they come from. The rules all products share are in [contract.md](contract.md); this page is generated from the mapping tables of each product (`internal/product/<product>/tables.go`).")
	w := l.W
	w("## Every product")
	w()
	attrTable := func(rows []schemaAttr) {
		w("| attribute | type | meaning |")
		w("|---|---|---|")
		for _, a := range rows {
			w("| `", a.key, "` | ", a.typ, " | ", a.doc, " |")
		}
		w()
	}
	attrTable(commonAttrs)
	w("Other source fields go under the product's namespace (", code(prefixes(products)), ") in snake case. When a limit cuts a record (attributes per record, bytes per value, JSON depth), `<product>.truncated` (int) counts what was cut; the original text stays whole in `log.record.original` or the body. A key that appears twice in one record keeps its last value, and the record is marked (below).")
	w()
	tamperDoc(w, products)
	w("## Framings")
	w()
	w("A record gives the same event name and attributes whether it arrives bare or inside a transport's framing; the framing adds its own fields. The record's own fields win over the framing's (a Netwrix record's `hostname` is `host.name`), and an inner framing's over an outer one's. Up to four framings are taken off one record, tried in this order at each layer (each is a look at the start of the text):")
	w()
	w("| framing | looks like | fields |")
	w("|---|---|---|")
	for _, f := range framingDocs {
		w("| ", f[0], " | ", f[1], " | ", f[2], " |")
	}
	w()
	w("In a syslog-framed payload, rsyslog's escapes of control characters (`#012` for a line feed, its default on receive: `#000` to `#037` and `#177` only, so `ticket #123` stays) are decoded before the product reads it; `log.record.original` keeps the text as received. RFC 5424 lines written by rsyslog's `RSYSLOG_SyslogProtocol23Format` for messages it received as RFC 3164 carry the message's own leading space after the structured data: one extra space there is not part of MSG.")
	w()
	w("### Shippers' JSON")
	w()
	w("A JSON object that is not a container wrapper is looked at by its member names (in any order; the look stops at once at a first member only a product's record has, such as bunyan's `name`). The first row whose members it has unwraps it: the text member is the record (it may itself be framed, and is detected like any payload; it is the original text), and the other members give the framing's fields, as a syslog header's do (a severity goes to `log.syslog.severity.code`, not to the record's severity). A dotted member reaches into objects (`host.name` is `{\"host\":{\"name\":…}}` or a member so named). Members the row does not name are not kept. The record's own fields win.")
	w()
	w("| shipper | recognised by (any of) | text (first present) | time | host | app name | pid | severity |")
	w("|---|---|---|---|---|---|---|---|")
	names := func(fs []shipper.Field) string {
		var b []string
		for _, f := range fs {
			b = append(b, "`"+f.Name+"`"+shipper.ConvDoc[f.Conv])
		}
		return strings.Join(b, ", ")
	}
	for i := range shipper.Rows {
		r := &shipper.Rows[i]
		text := code(r.Text)
		if r.Keep {
			text = "the object itself is the record; " + code(r.Skip) + " are left out of it (`log` is the copy Fluentd parsed; secrets in it are redacted in `log.record.original` like any original), `source` → `log.iostream`, `container_id` → `container.id`, `container_name` → `container.name`"
		}
		w("| ", r.Name, " (", r.Doc, ") | ", code(r.Sig), " | ", text, " | ", names(r.Time), " | ", names(r.Host), " | ", names(r.App), " | ", names(r.PID), " | ", names(r.Sev), " |")
	}
	w()
	attrTable(framingAttrs)
	detectionDoc(w, products)
	w()
	w("Error types (`error.type`):")
	w()
	for _, e := range record.ErrorCodes {
		w("- `", e.Code, "`: ", e.Err.Error())
	}
	w()
	for _, p := range products.ByIDOrder() {
		p.Doc(w)
	}
	w("## What the faces add")
	w()
	w("Every record the collector processor or the Fluent Bit plugin parses carries its identity, for deduplicating what an at-least-once pipeline delivered twice ([contract.md](contract.md#record-identity) says what it is made of):")
	w()
	attrTable(identityAttrs)
	w("The collector processor keeps a record's existing attributes (secrets in them redacted), and turns the other keys of a map body into attributes under their own names. The Fluent Bit plugin adds:")
	w()
	attrTable(faceAttrs)
	w("and keeps the Fluent Bit record's other keys under their own names (nested maps flattened with dots, arrays as string arrays). Its error types: `missing_source_key` (none of the source keys is in the record; its keys are kept), `malformed_chunk` (bytes of a chunk that do not decode; they are kept in `fluentbit.raw_base64`).")
	return l.String()
}

// commonAttrs are the semantic attributes, with their documentation.
type schemaAttr struct{ key, typ, doc string }

var commonAttrs = []schemaAttr{
	{record.AttrEventAction, "string", "the product's own action or event type, verbatim"},
	{record.AttrEventOutcome, "string", "success, failure or unknown"},
	{record.AttrUserName, "string", "acting user"},
	{record.AttrUserDomain, "string", "acting user's domain"},
	{record.AttrUserID, "string", "acting user's id (SID)"},
	{record.AttrUserFullName, "string", "acting user's full name (CN of a distinguished name)"},
	{record.AttrUserRoles, "string array", "acting user's roles"},
	{record.AttrUserTargetName, "string", "user acted upon"},
	{record.AttrUserTargetFullName, "string", "user acted upon, full name"},
	{record.AttrUserTargetID, "string", "user acted upon, id (SID)"},
	{record.AttrClientAddress, "string", "client address; IPv4-mapped IPv6 becomes IPv4"},
	{record.AttrClientPort, "int", "client port"},
	{record.AttrHostName, "string", "host that wrote the log"},
	{record.AttrServiceName, "string", "syslog app name or service"},
	{record.AttrProcessExecutableName, "string", "process name"},
	{record.AttrProcessPID, "int", "process id"},
	{record.AttrSessionID, "string", "session id"},
	{record.AttrHTTPRequestMethod, "string", "HTTP method"},
	{record.AttrURLPath, "string", "URL path, without query"},
	{record.AttrHTTPResponseStatusCode, "int", "HTTP status"},
	{record.AttrUserAgentOriginal, "string", "user agent"},
	{record.AttrLogRecordOriginal, "string", "the original text (redacted) when the body differs from it"},
	{record.AttrErrorType, "string", "why the record could not be parsed (below)"},
	{record.AttrErrorMessage, "string", "the parse error, quoting at most 80 bytes of redacted input"},
	{record.AttrAnomaly, "string array", "tamper marks: a repeated key, another record's header in a value (below)"},
}

// tamperDoc writes the tamper rule (builder's, with each product's
// security-relevant keys from its tables).
func tamperDoc(w func(s ...string), products product.Table) {
	w("### Tamper marks")
	w()
	w("A record whose own fields repeat a key (a PassMan `key = value` pair, a Netwrix JSON member, a CA PAM detail label), or whose value holds the header of another record of its product, may have been forged or doctored on its way (an unescaped separator lets a value add fields). It is still read, and `", record.AttrAnomaly, "` lists what was seen:")
	w()
	w("| mark | when |")
	w("|---|---|")
	w("| `", builder.AnomalyDuplicateKey, "<key>` | the key, as the record writes it (`business_result`, `authInfo.0.domain`, `User name`), appears more than once; its last value is kept |")
	w("| `", builder.AnomalyDuplicateKey, "<key>=<value>\\|<value>…` | the key is security-relevant and its values differ: the record is ambiguous (below); its distinct values in the record's order, at most 8, each cut at 256 bytes, never a secret's |")
	w("| `", builder.AnomalyEmbeddedRecord, "<key>` | the key's value holds another record's header: PassMan's `process(pid): ` before a `key =`, a seaudit date and status letter (`details` or the label's name; `summary` in the summary), a JSON object with a Netwrix record's `msg`, `asctime` or `levelname` member |")
	w("| `", strings.TrimSuffix(builder.AnomalyEmbeddedRecord, ":"), "` | such a header outside any value (a PassMan line's text between pairs, a second JSON object after a Netwrix record) |")
	w()
	w("A wrapper's own copy of the record is not another record: Fluentd's `log` string beside the fields parsed from it, the line in a Docker or shipper's JSON.")
	w()
	w("A key is security-relevant when it feeds the outcome, an identity, the client or a target. Where such a key's values differ, the record says it is ambiguous instead of trusting the last value: `event.outcome` is `unknown` (OCSF `status_id` 0 Unknown), and every other attribute the key fed is left out (`user_upn` feeds `user.name` and `user.domain`). Where they agree, the record keeps its event name and attributes and has only the mark. The security-relevant keys:")
	w()
	for _, p := range products.ByIDOrder() {
		if p.RelevantKeys != nil {
			w("- ", p.RelevantDoc, ": ", code(p.RelevantKeys()))
		}
	}
	w()
	w("In ECS the marks are `tags`; in OCSF they are in `unmapped` as `", record.AttrAnomaly, "`. At most 32 marks a record; more are counted in `<product>.truncated`.")
	w()
}

// detectionDoc writes how the product of a payload is picked, from the
// products table: its sniffs in detection order, then its claims, then
// where syslog-framed text goes.
func detectionDoc(w func(s ...string), products product.Table) {
	var sniffs, claims []string
	syslog := ""
	for i := range products {
		p := &products[i]
		sniffs = append(sniffs, p.SniffDoc)
		if p.Claim != nil {
			claims = append(claims, " A payload none of these recognise, "+p.ClaimDoc+".")
		}
		if p.SyslogText && syslog == "" {
			syslog = " Syslog-framed text that none of these recognise is " + p.SyslogDoc + "."
		}
	}
	w("Inside the framings, the product is picked by a look at the payload's start: ", strings.Join(sniffs, ", "), ".", strings.Join(claims, ""), syslog,
		" A JSON object that no framing unwraps and no product recognises is `unknown_format`, its text kept. A record whose header the pipeline already read (a syslog input's message) gets the same attributes from the header fields the face passes on: see each face's documentation.")
}

// code lists names in backquotes, comma-separated.
func code(ns []string) string {
	var b []string
	for _, n := range ns {
		b = append(b, "`"+n+"`")
	}
	return strings.Join(b, ", ")
}

// prefixes lists the products' attribute namespaces, in ID order.
func prefixes(products product.Table) []string {
	var ps []string
	for _, p := range products.ByIDOrder() {
		ps = append(ps, p.Prefix())
	}
	return ps
}

// framingDocs is the envelope layer's detection table, in its order.
var framingDocs = [][3]string{
	{"syslog RFC 5424", "`<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [BOM]MSG`, nil fields `-`", "time, HOSTNAME → `host.name`, APP-NAME → `service.name`, PROCID → `process.pid`, PRI, MSGID and structured data below"},
	{"Fluentd stdout/file header", "`2020-03-28 15:01:56 +0000 TAG: {…}`, the time with or without a fraction (`11:43:13.814351757 +0900`)", "time, TAG → `fluentd.tag`"},
	{"Fluentd out_file", "`TIME<TAB>TAG<TAB>{…}`", "time, TAG → `fluentd.tag`"},
	{"CRI (containerd, CRI-O)", "`2026-03-05T10:16:02.123456789Z stdout F MSG` (`P` lines are joined up to `F` by the splitter)", "time, stream → `log.iostream`"},
	{"syslog RFC 3164 and PassMan's header", "`[<PRI>]TIME HOST TAG[[PID]]: MSG`, TIME RFC 3164 (`Mar  5 10:16:02`, the year inferred) or RFC 3339", "time, HOST → `host.name`, TAG → `service.name`, PID → `process.pid`, PRI below"},
	{"JSON wrappers (Docker json-file, Fluentd's docker driver)", "an object whose members are only `log` (the line, escaped), `stream` or `source`, `time`, `container_id`, `container_name`", "the line is unwrapped and is the original text; stream → `log.iostream`, time, `container.id`, `container.name` (without Docker's leading `/`)"},
	{"shippers' JSON", "an object with a shipper's members (table below)", "the text member is unwrapped; time, host, app name, pid and severity as the row says"},
}

// framingAttrs are the attributes framings add.
var framingAttrs = []schemaAttr{
	{record.AttrSyslogPriority, "int", "syslog PRI"},
	{record.AttrSyslogFacilityCode, "int", "PRI / 8"},
	{record.AttrSyslogSeverityCode, "int", "PRI % 8"},
	{record.AttrSyslogMsgID, "string", "RFC 5424 MSGID"},
	{record.AttrSyslogStructuredData + ".<SD-ID>.<PARAM-NAME>", "string", "RFC 5424 structured data, values unescaped"},
	{record.AttrLogIostream, "string", "stdout or stderr (CRI, Docker, Fluentd)"},
	{record.AttrFluentdTag, "string", "the Fluentd tag"},
	{record.AttrContainerID, "string", "container id (Fluentd's docker driver and parser output)"},
	{record.AttrContainerName, "string", "container name (Fluentd's docker driver and parser output)"},
}

// identityAttrs are the attributes both faces add.
var identityAttrs = []schemaAttr{
	{record.AttrLogRecordUID, "string", "the record's identity, 32 hex digits (`event.id` in ECS, `metadata.uid` in OCSF)"},
}

// faceAttrs are the attributes the Fluent Bit plugin adds.
var faceAttrs = []schemaAttr{
	{"fluentbit.tag", "string", "the Fluent Bit tag of the record"},
	{"fluentbit.raw_base64", "string", "undecodable chunk bytes, secrets in their text redacted, base64 (with `error.type: malformed_chunk`)"},
}

// Documented reports whether a key is in the schema: a common attribute
// or one under the namespace of a product of the table.
func Documented(products product.Table, k string) bool {
	for _, as := range [][]schemaAttr{commonAttrs, framingAttrs, identityAttrs} {
		for _, a := range as {
			if a.key == k {
				return true
			}
		}
	}
	if strings.HasPrefix(k, record.AttrSyslogStructuredData+".") {
		return true
	}
	for _, p := range prefixes(products) {
		if strings.HasPrefix(k, p) && len(k) > len(p) {
			return true
		}
	}
	return false
}
