package netwrix

import (
	"slices"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/record"
)

// Netwrix Privilege Secure mapping tables, from the vendor's documented
// API log examples (docs/contract.md).

// nxMatch says how an event rule's text is compared with the message.
type nxMatch uint8

const (
	nxExact nxMatch = iota
	nxPrefix
	nxSuffix
)

// nxEvent classifies a record. A row matches when its text matches the
// record's message (message, else msg) and its type and action, where set,
// equal the record's. The first matching row wins.
type nxEvent struct {
	text    string
	match   nxMatch
	typ     string // the record's "type"
	action  string // the record's "action"
	event   string
	outcome string // fixed outcome, or "" (request finish: from the status)
	user    bool   // the text after the prefix is user.name
	deny    bool   // needs a targetSystem and a 4xx status
}

var netwrixEvents = [...]nxEvent{
	{text: "token validate", event: "netwrix.token.validate"},
	{text: "token create", event: "netwrix.token.create"},
	{text: "Successful authentication by: ", match: nxPrefix, event: "netwrix.authentication", outcome: record.OutcomeSuccess, user: true},
	{text: "Password failed for: ", match: nxPrefix, event: "netwrix.authentication", outcome: record.OutcomeFailure, user: true},
	{text: "access - add", match: nxSuffix, event: "netwrix.access.add"},
	{text: "access - setAdmin", match: nxSuffix, event: "netwrix.access.set_admin"},
	{text: "access - remove", match: nxSuffix, event: "netwrix.access.remove"},
	{typ: "access", action: "add", event: "netwrix.access.add"},
	{typ: "access", action: "setAdmin", event: "netwrix.access.set_admin"},
	{typ: "access", action: "remove", event: "netwrix.access.remove"},
	{typ: "token", action: "validate", event: "netwrix.token.validate"},
	{typ: "token", action: "create", event: "netwrix.token.create"},
	{text: "Updated policy for system", event: "netwrix.system.policy_update"},
	{text: "Added administrator", event: "netwrix.administrator.add"},
	{text: "Modified administrator", event: "netwrix.administrator.modify"},
	{text: "Removed administrator", event: "netwrix.administrator.remove"},
	{text: "Access request granted", event: "netwrix.jita.grant", outcome: record.OutcomeSuccess},
	{text: "Expiring request", event: "netwrix.jita.expire"},
	{text: "request finish", event: "netwrix.jita.deny", deny: true},
	{text: "request finish", event: "netwrix.request.finish"},
}

// netwrixEventOther is the event of a record no row matches.
const netwrixEventOther = "netwrix.log"

// nxConv is how a mapped field's value is converted.
type nxConv uint8

const (
	nxPlain   nxConv = iota
	nxCN             // the CN of a distinguished name
	nxIP             // an IPv4-mapped IPv6 address becomes IPv4
	nxInt            // an integer
	nxURLPath        // the path part of a URL
	nxRoles          // a string array
	nxTime           // the record's time
	nxLevel          // the record's severity
	nxBody           // the message: it is the body, not an attribute
)

// nxField maps a raw JSON path to a semantic attribute. only, when set,
// limits the rule to events whose name starts with it. A field whose
// attribute is already set stays under the netwrix namespace.
type nxField struct {
	path string
	only string
	key  string
	conv nxConv
}

var netwrixFieldList = [...]nxField{
	{path: "time", conv: nxTime},
	{path: "asctime", conv: nxTime},
	{path: "level", conv: nxLevel},
	{path: "levelname", conv: nxLevel},
	{path: "message", conv: nxBody},
	{path: "msg", conv: nxBody},
	{path: "hostname", key: record.AttrHostName},
	{path: "pid", key: record.AttrProcessPID, conv: nxInt},
	{path: "name", key: record.AttrServiceName},
	{path: "service", key: record.AttrServiceName},
	{path: "action", key: record.AttrEventAction},

	{path: "authData.sAMAccountName", key: record.AttrUserName},
	{path: "authData.domain_netbios", key: record.AttrUserDomain},
	{path: "authData.objectSid", key: record.AttrUserID},
	{path: "authData.distinguishedName", key: record.AttrUserFullName, conv: nxCN},
	{path: "authData.access.role", key: record.AttrUserRoles, conv: nxRoles},
	{path: "authInfo.0.username", only: "netwrix.authentication", key: record.AttrUserName},
	{path: "authInfo.0.domain", only: "netwrix.authentication", key: record.AttrUserDomain},

	// access: user and modified are distinguished names.
	{path: "user", only: "netwrix.access.", key: record.AttrUserFullName, conv: nxCN},
	{path: "modified", only: "netwrix.access.", key: record.AttrUserTargetFullName, conv: nxCN},
	// system policy: user is the acting user.
	{path: "user.distinguishedName", only: "netwrix.system.", key: record.AttrUserFullName, conv: nxCN},
	{path: "user.sid", only: "netwrix.system.", key: record.AttrUserID},
	// administrator add/modify/remove: user is the administrator acted upon.
	{path: "user.distinguishedName", only: "netwrix.administrator.", key: record.AttrUserTargetFullName, conv: nxCN},
	{path: "user.cn", only: "netwrix.administrator.", key: record.AttrUserTargetName},
	{path: "user", only: "netwrix.administrator.", key: record.AttrUserTargetID},

	{path: "req.method", key: record.AttrHTTPRequestMethod},
	{path: "req.url", key: record.AttrURLPath, conv: nxURLPath},
	{path: "res.statusCode", key: record.AttrHTTPResponseStatusCode, conv: nxInt},
	{path: "client.requestIP", key: record.AttrClientAddress, conv: nxIP},
	{path: "req.remoteAddress", key: record.AttrClientAddress, conv: nxIP},
	{path: "req.remotePort", key: record.AttrClientPort, conv: nxInt},
	{path: "req.headers.user-agent", key: record.AttrUserAgentOriginal},
}

// netwrixSuffixFields match any path that ends with their path: the
// requester of a JITA request stands at request.requested_by_info, and one
// level deeper in the seed's example that lost a closing brace; the acting
// user's requestedByUser may stand at any level too.
var netwrixSuffixFields = [...]nxField{
	{path: "requested_by_info.sAMAccountName", key: record.AttrUserName},
	{path: "requested_by_info.domain_netbios", key: record.AttrUserDomain},
	{path: "requested_by_info.objectSid", key: record.AttrUserID},
	{path: "requested_by_info.distinguishedName", key: record.AttrUserFullName, conv: nxCN},
	// The requester as some records name it.
	{path: "requestedByUser.objectSid", key: record.AttrUserID},
}

// netwrixFields indexes netwrixFieldList by path, rows in table order.
var netwrixFields = func() map[string][]nxField {
	m := make(map[string][]nxField, len(netwrixFieldList))
	for _, f := range netwrixFieldList {
		m[f.path] = append(m[f.path], f)
	}
	return m
}()

// netwrixLevels maps level names (any case) to severity numbers; the
// documents list Critical, Error (misspelt "Eerror"), Warning, Info, Debug.
var netwrixLevels = [...]struct {
	name string
	sev  int32
}{
	{"trace", record.SevTrace},
	{"debug", record.SevDebug},
	{"info", record.SevInfo},
	{"warning", record.SevWarn},
	{"warn", record.SevWarn},
	{"error", record.SevError},
	{"eerror", record.SevError},
	{"critical", record.SevFatal},
	{"fatal", record.SevFatal},
}

// bunyanSeverity maps bunyan's numeric levels: 10 trace, 20 debug, 30 info,
// 40 warn, 50 error, 60 fatal.
func bunyanSeverity(n int64) int32 {
	switch {
	case n >= 60:
		return record.SevFatal
	case n >= 50:
		return record.SevError
	case n >= 40:
		return record.SevWarn
	case n >= 30:
		return record.SevInfo
	case n >= 20:
		return record.SevDebug
	default:
		return record.SevTrace
	}
}

const (
	attrNetwrixLenient = "netwrix.lenient"
)

// The product as the output schemas name it (OCSF metadata.product, ECS
// observer).
const (
	ProductName = "Netwrix Privilege Secure"
	VendorName  = "Netwrix"
)

// Events lists every event name the classification gives, in the table's
// order, and the event of a record no row matches.
func Events() []string {
	ev := make([]string, 0, len(netwrixEvents)+1)
	for _, e := range netwrixEvents {
		if !slices.Contains(ev, e.event) {
			ev = append(ev, e.event)
		}
	}
	return append(ev, netwrixEventOther)
}

// RelevantPaths lists the members the tamper rule holds security-relevant
// (docs/schema.md): those a rule maps to an identity or the client, the
// message and the status (they give the outcome and the user); and any
// member of targetSystem.
func RelevantPaths() []string {
	ps := []string{"message", "msg", "res.statusCode"}
	for _, f := range netwrixFieldList {
		if f.key != "" && builder.Relevant(f.key) && !slices.Contains(ps, f.path) {
			ps = append(ps, f.path)
		}
	}
	return append(ps, "targetSystem.*")
}
