package ocsf

import (
	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/schema/table"
	"github.com/pamaudit/pamaudit/record"
)

// The mapping tables: which class and activity each event is, and where a
// record's attributes go in it. An attribute is read as a field (below);
// the class decides where the field lands, and a field the class has no
// room for, like every attribute no table names, goes to unmapped under its
// own name.

// field is what an attribute means to the OCSF mapping.
type field uint8

const (
	fNone field = iota
	fUserName
	fUserUID
	fUserDomain
	fUserFullName
	fTargetName
	fTargetUID
	fTargetFullName
	fSrcAddr     // src_endpoint.ip, or .hostname when not an IP address
	fSrcPort     // src_endpoint.port
	fDstHost     // dst_endpoint.hostname
	fDstHostPort // dst_endpoint.hostname and .port from "host:port", when fDstHost is absent
	fSession     // session.uid, else actor.session.uid
	fHTTPMethod  // http_request.http_method
	fURLPath     // http_request.url.path
	fUserAgent   // http_request.user_agent
	fHTTPStatus  // http_response.code
	fAction      // metadata.event_code
	fOutcome     // status_id and status
	fOriginal    // raw_data
	fEventUID    // metadata.uid
	fCorrelation // metadata.correlation_uid
	fStatusCode  // status_code
	fStatusDetail
	fEntityName
	fEntityUID
	fEntityType
	fResourceName
	fAppName
	fAuthProtocol // auth_protocol and auth_protocol_id
	fService      // service.name
	fProgram      // service.name, before fService
	fTerminal     // src_endpoint when a host, else session.terminal
	nFields
)

// fieldDocs says where each field lands, for the docs.
var fieldDocs = [nFields]string{
	fUserName:       "acting user's `name` (see the class's users)",
	fUserUID:        "acting user's `uid`",
	fUserDomain:     "acting user's `domain`",
	fUserFullName:   "acting user's `full_name`",
	fTargetName:     "user acted upon's `name`",
	fTargetUID:      "user acted upon's `uid`",
	fTargetFullName: "user acted upon's `full_name`",
	fSrcAddr:        "`src_endpoint.ip` (`.hostname` when a host name, else `.name`)",
	fSrcPort:        "`src_endpoint.port`, with an address",
	fDstHost:        "`dst_endpoint.ip`, `.hostname` or `.name` as for `client.address`; in a class without `dst_endpoint`, `device` (the host profile, `type_id` 0 Unknown)",
	fDstHostPort:    "`dst_endpoint.hostname` (or `.ip`, `.name`) and `.port`, when `host.name` is absent",
	fSession:        "`session.uid`, or `actor.session.uid` in a class with `actor` and no `session`",
	fHTTPMethod:     "`http_request.http_method`",
	fURLPath:        "`http_request.url.path`",
	fUserAgent:      "`http_request.user_agent`",
	fHTTPStatus:     "`http_response.code`",
	fAction:         "`metadata.event_code`",
	fOutcome:        "`status_id`",
	fOriginal:       "`raw_data`",
	fEventUID:       "`metadata.uid`",
	fCorrelation:    "`metadata.correlation_uid`",
	fStatusCode:     "`status_code`",
	fStatusDetail:   "`status_detail`",
	fEntityName:     "`entity.name`",
	fEntityUID:      "`entity.uid`",
	fEntityType:     "`entity.type`",
	fResourceName:   "`resource.name`",
	fAppName:        "`app.name`",
	fAuthProtocol:   "`auth_protocol_id`, and `auth_protocol` (the id's caption, or the source's name for 99 Other)",
	fService:        "`service.name`",
	fProgram:        "`service.name` (the program authenticated to), before `service.name`",
	fTerminal:       "`src_endpoint.ip` or `.hostname` when an IP address or a dotted host name and `client.address` is absent, else `session.terminal`",
}

// The record's identity (record.AttrLogRecordUID) is metadata.uid.
const (
	KeyMetadata = "metadata"
	KeyUID      = "uid"
)

// keyField places an attribute.
type keyField struct {
	key string
	f   field
}

// commonFields: the attributes every product shares.
var commonFields = [...]keyField{
	{record.AttrUserName, fUserName},
	{record.AttrUserID, fUserUID},
	{record.AttrUserDomain, fUserDomain},
	{record.AttrUserFullName, fUserFullName},
	{record.AttrUserTargetName, fTargetName},
	{record.AttrUserTargetID, fTargetUID},
	{record.AttrUserTargetFullName, fTargetFullName},
	{record.AttrClientAddress, fSrcAddr},
	{record.AttrClientPort, fSrcPort},
	{record.AttrHostName, fDstHost},
	{record.AttrServiceName, fService},
	{record.AttrSessionID, fSession},
	{record.AttrHTTPRequestMethod, fHTTPMethod},
	{record.AttrURLPath, fURLPath},
	{record.AttrUserAgentOriginal, fUserAgent},
	{record.AttrHTTPResponseStatusCode, fHTTPStatus},
	{record.AttrEventAction, fAction},
	{record.AttrEventOutcome, fOutcome},
	{record.AttrLogRecordOriginal, fOriginal},
	{record.AttrLogRecordUID, fEventUID},
}

// row maps an event to a class and activity. The first row of the event
// whose conditions hold wins; a row whose event ends in "*" matches every
// event under it, after the exact rows.
type row struct {
	event      string
	when       []table.Cond
	class      *class
	activity   int        // activity_id
	name       string     // activity_name for 99 (Other); "" takes event.action
	fields     []keyField // this row's own placements, before the product's
	privileges []string   // User Access Management: the privileges granted or revoked
	entityType string     // Entity Management: entity.type when the record names none
	app        string     // Application Lifecycle: app.name when the record names none ("": the product)
	// self: without a user acted upon, the acting user is the class's user
	// (their own account or access); otherwise such a record lacks its
	// user and is a Base Event.
	self bool
}

// mapping is one product's table: its placements and rows, and what the
// products table (internal/product) says of the product.
type mapping struct {
	format       record.Format
	name, vendor string
	fields       []keyField // the product's placements, after the row's, before the common ones
	rows         []row
	events       func() []string
}

// Conditions and placements the rows share.
var (
	capamStatus = func(letters ...string) table.Cond { return table.Cond{Key: "capam.status", Values: letters} }
	capamUsers  = table.Cond{Key: "capam.class", Values: []string{"USER", "XUSER"}}
	selangNew   = table.Cond{Key: "capam.command", Values: []string{"new"}, Prefix: true}
	selangRm    = table.Cond{Key: "capam.command", Values: []string{"rm"}, Prefix: true}
	selangCh    = table.Cond{Key: "capam.command", Values: []string{"ch", "edit", "join"}, Prefix: true}
	// An administered group or other class: the object is the entity.
	capamObject = []keyField{{record.AttrUserTargetName, fEntityName}}

	passmanAccount = []keyField{{"passman.entity_name", fTargetName}, {"passman.account", fTargetUID}}
	passmanUser    = []keyField{{"passman.user", fTargetName}, {"passman.username", fTargetName}}
	passmanTarget  = []keyField{{"passman.name", fEntityName}, {"passman.target", fEntityUID}}
	passmanFolder  = []keyField{{"passman.name", fEntityName}, {"passman.group", fEntityUID}}

	netwrixPolicy = []keyField{{"netwrix.target_system.cn", fEntityName}, {"netwrix.target_system._id", fEntityUID}}
	method        = func(m string) []table.Cond {
		return []table.Cond{{Key: record.AttrHTTPRequestMethod, Values: []string{m}}}
	}
)

var passmanTable = mapping{
	fields: []keyField{
		{"passman.failure_code", fStatusCode},
		{"passman.failure", fStatusDetail},
		{"passman.entity_name", fEntityName},
		{"passman.entity", fEntityUID},
		{"passman.entity_type", fEntityType},
	},
	rows: []row{
		{event: "passman.login", class: authentication, activity: 1},
		{event: "passman.logout", class: authentication, activity: 2},

		{event: "passman.create_account", class: accountChange, activity: 1, fields: passmanAccount},
		{event: "passman.update_account", class: accountChange, activity: 99, name: "Update", fields: passmanAccount},
		{event: "passman.delete_account", class: accountChange, activity: 6, fields: passmanAccount},
		{event: "passman.check_credentials", class: entityManagement, activity: 99, name: "Check", entityType: "Credentials"},
		{event: "passman.delete_credentials", class: entityManagement, activity: 4, entityType: "Credentials"},
		{event: "passman.checkout_credentials", class: entityManagement, activity: 2, entityType: "Credentials"},
		{event: "passman.checkin_credentials", class: entityManagement, activity: 99, name: "Checkin", entityType: "Credentials"},
		{event: "passman.login_checkout_credentials", class: entityManagement, activity: 2, entityType: "Credentials"},
		{event: "passman.update_credentials", class: accountChange, activity: 3, fields: passmanAccount},
		{event: "passman.reset_credentials", class: accountChange, activity: 4, fields: passmanAccount},
		{event: "passman.reset_elevated_credentials", class: accountChange, activity: 4, fields: passmanAccount},

		{event: "passman.create_target", class: entityManagement, activity: 1, entityType: "Target", fields: passmanTarget},
		{event: "passman.update_target", class: entityManagement, activity: 3, entityType: "Target", fields: passmanTarget},
		{event: "passman.delete_target", class: entityManagement, activity: 4, entityType: "Target", fields: passmanTarget},
		{event: "passman.move_target", class: entityManagement, activity: 5, entityType: "Target", fields: passmanTarget},
		{event: "passman.restore_accounts", class: entityManagement, activity: 99, name: "Restore", entityType: "Target", fields: passmanTarget},

		{event: "passman.create_group", class: entityManagement, activity: 1, entityType: "Folder", fields: passmanFolder},
		{event: "passman.update_group", class: entityManagement, activity: 3, entityType: "Folder", fields: passmanFolder},
		{event: "passman.delete_group", class: entityManagement, activity: 4, entityType: "Folder", fields: passmanFolder},
		{event: "passman.move_group", class: entityManagement, activity: 5, entityType: "Folder", fields: passmanFolder},

		{event: "passman.open_vault", class: entityManagement, activity: 99, name: "Open", entityType: "Vault", fields: []keyField{{"passman.key", fEntityName}}},
		{event: "passman.add_vault_key", class: entityManagement, activity: 1, entityType: "Vault Key", fields: []keyField{{"passman.key", fEntityName}}},
		{event: "passman.delete_vault_key", class: entityManagement, activity: 4, entityType: "Vault Key", fields: []keyField{{"passman.key", fEntityName}}},

		{event: "passman.update_credential_policy", class: entityManagement, activity: 3, entityType: "Credential Policy"},
		{event: "passman.update_acl", class: entityManagement, activity: 3, entityType: "ACL", fields: []keyField{{"passman.group", fEntityUID}}},

		{event: "passman.add_user", class: accountChange, activity: 1, fields: passmanUser},
		{event: "passman.update_user", class: accountChange, activity: 99, name: "Update", fields: passmanUser},
		{event: "passman.delete_user", class: accountChange, activity: 6, fields: passmanUser},
		{event: "passman.change_password", self: true, class: accountChange, activity: 3, fields: passmanUser},
		{event: "passman.forgot_password", self: true, class: accountChange, activity: 4, fields: passmanUser},
		{event: "passman.add_local_group", class: entityManagement, activity: 1, entityType: "Local Group", fields: passmanFolder},
		{event: "passman.delete_local_group", class: entityManagement, activity: 4, entityType: "Local Group", fields: passmanFolder},
		{event: "passman.update_local_group", class: entityManagement, activity: 3, entityType: "Local Group", fields: passmanFolder},

		{event: "passman.padmin_generate_self_signed_cert", class: entityManagement, activity: 1, entityType: "Certificate"},
		{event: "passman.padmin_upload_cert", class: entityManagement, activity: 1, entityType: "Certificate"},

		{event: "passman.padmin_passman_start", class: appLifecycle, activity: 3},
		{event: "passman.padmin_passman_stop", class: appLifecycle, activity: 4},
		{event: "passman.padmin_passman_restart", class: appLifecycle, activity: 5},
		{event: "passman.padmin_padmin_restart", class: appLifecycle, activity: 5, app: "Padmin"},
		{event: "passman.padmin_update_passman_file", class: appLifecycle, activity: 8},
		{event: "passman.padmin_shutdown", class: baseEvent, activity: 99, name: "Shutdown"},
		{event: "passman.padmin_shutdown_cluster", class: baseEvent, activity: 99, name: "Shutdown"},
		{event: "passman.padmin_reboot", class: baseEvent, activity: 99, name: "Reboot"},
		{event: "passman.padmin_reboot_cluster", class: baseEvent, activity: 99, name: "Reboot"},

		// System lines are free text; an audit line without a type says
		// nothing of its activity.
		{event: "passman.system", class: baseEvent, activity: 0},
		{event: "passman.audit", class: baseEvent, activity: 0},
		// Maintenance, updates, backups, settings and any other type: the
		// type is the activity's name.
		{event: "passman.*", class: baseEvent, activity: 99},
	},
}

var capamTable = mapping{
	fields: []keyField{
		{"capam.status", fStatusCode},
		{"capam.stage", fStatusDetail},
		{"capam.object", fEntityName},
		{"capam.class", fEntityType},
		{"capam.service", fAppName},
		{"capam.program", fProgram},
		{"capam.terminal", fTerminal},
	},
	rows: []row{
		{event: "capam.login", when: []table.Cond{capamStatus("E")}, self: true, class: accountChange, activity: 2},
		{event: "capam.login", when: []table.Cond{capamStatus("I")}, self: true, class: accountChange, activity: 5},
		{event: "capam.login", class: authentication, activity: 1}, // P, W, D, and A: a wrong password
		{event: "capam.logout", class: authentication, activity: 2},
		{event: "capam.password", self: true, class: accountChange, activity: 3},
		// Administration of users: the selang command says the activity.
		{event: "capam.admin", when: []table.Cond{capamUsers, selangNew}, class: accountChange, activity: 1},
		{event: "capam.admin", when: []table.Cond{capamUsers, selangRm}, class: accountChange, activity: 6},
		{event: "capam.admin", when: []table.Cond{capamUsers}, class: accountChange, activity: 99, name: "Update"},
		// Of groups and other classes: the object is the entity.
		{event: "capam.admin", when: []table.Cond{selangNew}, class: entityManagement, activity: 1, fields: capamObject},
		{event: "capam.admin", when: []table.Cond{selangRm}, class: entityManagement, activity: 4, fields: capamObject},
		{event: "capam.admin", when: []table.Cond{selangCh}, class: entityManagement, activity: 3, fields: capamObject},
		{event: "capam.admin", class: entityManagement, activity: 99, fields: capamObject},
		{event: "capam.trace", class: baseEvent, activity: 99, name: "Trace"},
		{event: "capam.start", class: appLifecycle, activity: 3},
		{event: "capam.shutdown", class: appLifecycle, activity: 4},
		{event: "capam.tcp", class: baseEvent, activity: 99, name: "Network Connection"},
		{event: "capam.host", class: baseEvent, activity: 99, name: "Network Connection"},
		{event: "capam.program", when: []table.Cond{capamStatus("U")}, class: baseEvent, activity: 99, name: "Untrust"},
		{event: "capam.secfile", when: []table.Cond{capamStatus("U")}, class: baseEvent, activity: 99, name: "Untrust"},
		// Resource access of any class, and any other record: the Event
		// column is the activity's name.
		{event: "capam.*", class: baseEvent, activity: 99},
	},
}

var netwrixTable = mapping{
	fields: []keyField{
		{"netwrix.req_id", fCorrelation},
		{"netwrix.auth_info.1.type", fAuthProtocol},
		{"netwrix.target_system.cn", fResourceName},
		{"netwrix.req.headers.host", fDstHostPort},
	},
	rows: []row{
		{event: "netwrix.token.validate", class: authentication, activity: 99, name: "Validate Token"},
		{event: "netwrix.token.create", class: authentication, activity: 3},
		{event: "netwrix.authentication", class: authentication, activity: 1},
		{event: "netwrix.access.add", class: userAccess, activity: 1, privileges: []string{"access"}},
		{event: "netwrix.access.set_admin", class: userAccess, activity: 1, privileges: []string{"admin"}},
		{event: "netwrix.access.remove", class: userAccess, activity: 2, privileges: []string{"access"}},
		{event: "netwrix.system.policy_update", class: entityManagement, activity: 3, entityType: "Policy", fields: netwrixPolicy},
		{event: "netwrix.administrator.add", class: userAccess, activity: 1, privileges: []string{"administrator"}},
		{event: "netwrix.administrator.modify", class: userAccess, activity: 99, name: "Modify", privileges: []string{"administrator"}},
		{event: "netwrix.administrator.remove", class: userAccess, activity: 2, privileges: []string{"administrator"}},
		{event: "netwrix.jita.grant", self: true, class: userAccess, activity: 1, privileges: []string{"jit_access"}},
		{event: "netwrix.jita.deny", self: true, class: userAccess, activity: 1, privileges: []string{"jit_access"}},
		{event: "netwrix.jita.expire", self: true, class: userAccess, activity: 2, privileges: []string{"jit_access"}},
		{event: "netwrix.request.finish", when: method("CONNECT"), class: httpActivity, activity: 1},
		{event: "netwrix.request.finish", when: method("DELETE"), class: httpActivity, activity: 2},
		{event: "netwrix.request.finish", when: method("GET"), class: httpActivity, activity: 3},
		{event: "netwrix.request.finish", when: method("HEAD"), class: httpActivity, activity: 4},
		{event: "netwrix.request.finish", when: method("OPTIONS"), class: httpActivity, activity: 5},
		{event: "netwrix.request.finish", when: method("POST"), class: httpActivity, activity: 6},
		{event: "netwrix.request.finish", when: method("PUT"), class: httpActivity, activity: 7},
		{event: "netwrix.request.finish", when: method("TRACE"), class: httpActivity, activity: 8},
		{event: "netwrix.request.finish", class: httpActivity, activity: 99},
		{event: "netwrix.log", class: baseEvent, activity: 0},
		{event: "netwrix.*", class: baseEvent, activity: 99},
	},
}

// unknownTable: a record no product read (error.type says why) is a Base
// Event of pamaudit's own.
var unknownTable = mapping{
	format: record.FormatAuto, name: "pamaudit", vendor: "pamaudit",
	rows: []row{{event: "", class: baseEvent, activity: 0}},
}

// productTables are the products' tables, by the product's name in the
// products table.
var productTables = [...]table.Named[mapping]{{Product: "passman", Table: &passmanTable}, {Product: "capam", Table: &capamTable}, {Product: "netwrix", Table: &netwrixTable}}

// tables lays the products table out by record.Format, each product with
// its table; 0 is a record no product read. A product without a table
// here has one row for all its events: a Base Event, event.action the activity's name.
func tables(products product.Table) []*mapping {
	return table.ByFormat(products, &unknownTable, productTables[:], mapping{rows: []row{{event: "*", class: baseEvent, activity: 99}}}, func(m *mapping, p *product.Product) {
		m.format, m.name, m.vendor, m.events = p.ID, p.Title, p.Vendor, table.Events(p)
	})
}
