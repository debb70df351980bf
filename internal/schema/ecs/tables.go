package ecs

import (
	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/schema/table"
	"github.com/pamaudit/pamaudit/record"
)

// The mapping tables: each event's ECS categorization (event.category and
// event.type, arrays of ECS's allowed values, every category-type pair one
// ECS lists as expected), and the attribute names.

// Version is the ECS version the names and allowed values are taken from;
// FullVersion is ecs.version.
const (
	Version     = "8.17"
	FullVersion = Version + ".0"
)

// row categorizes an event. The first row of the event whose conditions
// hold wins; a row whose event ends in "*" matches every event under it,
// after the exact rows.
type row struct {
	event      string
	when       []table.Cond
	categories []string
	types      []string
}

// mapping is one product's table: its rows, and what the products table
// (internal/product) says of the product.
type mapping struct {
	format       record.Format
	dataset      string // event.dataset: pamaudit.<the product's format name>
	name, vendor string
	rows         []row
	events       func() []string
}

// Categorizations the rows share.
var (
	iam           = []string{"iam"}
	configuration = []string{"configuration"}
	authSession   = []string{"authentication", "session"}

	userCreation  = []string{"user", "creation"}
	userChange    = []string{"user", "change"}
	userDeletion  = []string{"user", "deletion"}
	groupCreation = []string{"group", "creation"}
	groupChange   = []string{"group", "change"}
	groupDeletion = []string{"group", "deletion"}
	adminCreation = []string{"admin", "creation"}
	adminChange   = []string{"admin", "change"}
	adminDeletion = []string{"admin", "deletion"}
	creation      = []string{"creation"}
	change        = []string{"change"}
	deletion      = []string{"deletion"}
	info          = []string{"info"}
	access        = []string{"access"}
	start         = []string{"start"}
	end           = []string{"end"}

	capamStatus = func(letters ...string) table.Cond { return table.Cond{Key: "capam.status", Values: letters} }
	capamUsers  = table.Cond{Key: "capam.class", Values: []string{"USER", "XUSER"}}
	capamGroups = table.Cond{Key: "capam.class", Values: []string{"GROUP", "XGROUP"}}
	selangNew   = table.Cond{Key: "capam.command", Values: []string{"new"}, Prefix: true}
	selangRm    = table.Cond{Key: "capam.command", Values: []string{"rm"}, Prefix: true}
)

var passmanTable = mapping{
	rows: []row{
		{event: "passman.login", categories: authSession, types: start},
		{event: "passman.logout", categories: authSession, types: end},

		{event: "passman.create_account", categories: iam, types: userCreation},
		{event: "passman.update_account", categories: iam, types: userChange},
		{event: "passman.delete_account", categories: iam, types: userDeletion},
		{event: "passman.check_credentials", categories: iam, types: info},
		{event: "passman.delete_credentials", categories: iam, types: deletion},
		{event: "passman.checkout_credentials", categories: iam, types: info},
		{event: "passman.checkin_credentials", categories: iam, types: info},
		{event: "passman.login_checkout_credentials", categories: []string{"authentication"}, types: start},
		{event: "passman.update_credentials", categories: iam, types: userChange},
		{event: "passman.reset_credentials", categories: iam, types: userChange},
		{event: "passman.reset_elevated_credentials", categories: iam, types: userChange},

		{event: "passman.create_target", categories: configuration, types: creation},
		{event: "passman.update_target", categories: configuration, types: change},
		{event: "passman.delete_target", categories: configuration, types: deletion},
		{event: "passman.move_target", categories: configuration, types: change},
		{event: "passman.restore_accounts", categories: configuration, types: change},
		{event: "passman.create_group", categories: configuration, types: creation},
		{event: "passman.update_group", categories: configuration, types: change},
		{event: "passman.delete_group", categories: configuration, types: deletion},
		{event: "passman.move_group", categories: configuration, types: change},
		{event: "passman.open_vault", categories: configuration, types: access},
		{event: "passman.add_vault_key", categories: configuration, types: creation},
		{event: "passman.delete_vault_key", categories: configuration, types: deletion},
		{event: "passman.update_credential_policy", categories: configuration, types: change},
		{event: "passman.update_acl", categories: iam, types: change},

		{event: "passman.add_user", categories: iam, types: userCreation},
		{event: "passman.update_user", categories: iam, types: userChange},
		{event: "passman.delete_user", categories: iam, types: userDeletion},
		{event: "passman.change_password", categories: iam, types: userChange},
		{event: "passman.add_local_group", categories: iam, types: groupCreation},
		{event: "passman.delete_local_group", categories: iam, types: groupDeletion},
		{event: "passman.update_local_group", categories: iam, types: groupChange},
		{event: "passman.forgot_password", categories: iam, types: userChange},

		{event: "passman.padmin_generate_self_signed_cert", categories: configuration, types: creation},
		{event: "passman.padmin_upload_cert", categories: configuration, types: change},

		{event: "passman.padmin_passman_start", categories: []string{"process"}, types: start},
		{event: "passman.padmin_passman_stop", categories: []string{"process"}, types: end},
		{event: "passman.padmin_passman_restart", categories: []string{"process"}, types: start},
		{event: "passman.padmin_padmin_restart", categories: []string{"process"}, types: start},
		{event: "passman.padmin_shutdown", categories: []string{"host"}, types: end},
		{event: "passman.padmin_shutdown_cluster", categories: []string{"host"}, types: end},
		{event: "passman.padmin_reboot", categories: []string{"host"}, types: []string{"end", "start"}},
		{event: "passman.padmin_reboot_cluster", categories: []string{"host"}, types: []string{"end", "start"}},
		{event: "passman.padmin_update_database_indexes", categories: []string{"database"}, types: change},
		{event: "passman.padmin_update_passman_file", categories: []string{"package"}, types: change},
		{event: "passman.padmin_update_file", categories: configuration, types: change},
		{event: "passman.padmin_os_update", categories: []string{"package"}, types: []string{"installation"}},
		{event: "passman.padmin_database_backup", categories: []string{"database"}, types: access},
		{event: "passman.padmin_database_restore", categories: []string{"database"}, types: change},
		{event: "passman.padmin_database_export", categories: []string{"database"}, types: access},
		{event: "passman.padmin_database_import", categories: []string{"database"}, types: change},
		{event: "passman.padmin_delete_backup", categories: []string{"file"}, types: deletion},

		{event: "passman.system", categories: []string{"host"}, types: info},
		// Settings (Padmin*), an audit line without a type and any other
		// type.
		{event: "passman.padmin_*", categories: configuration, types: change},
		{event: "passman.*", categories: configuration, types: info},
	},
}

var capamTable = mapping{
	rows: []row{
		{event: "capam.login", when: []table.Cond{capamStatus("E", "I")}, categories: iam, types: userChange},
		{event: "capam.login", categories: authSession, types: start},
		{event: "capam.logout", categories: authSession, types: end},
		{event: "capam.password", categories: iam, types: userChange},
		{event: "capam.admin", when: []table.Cond{capamUsers, selangNew}, categories: iam, types: userCreation},
		{event: "capam.admin", when: []table.Cond{capamUsers, selangRm}, categories: iam, types: userDeletion},
		{event: "capam.admin", when: []table.Cond{capamUsers}, categories: iam, types: userChange},
		{event: "capam.admin", when: []table.Cond{capamGroups, selangNew}, categories: iam, types: groupCreation},
		{event: "capam.admin", when: []table.Cond{capamGroups, selangRm}, categories: iam, types: groupDeletion},
		{event: "capam.admin", when: []table.Cond{capamGroups}, categories: iam, types: groupChange},
		{event: "capam.admin", when: []table.Cond{selangNew}, categories: configuration, types: creation},
		{event: "capam.admin", when: []table.Cond{selangRm}, categories: configuration, types: deletion},
		{event: "capam.admin", categories: configuration, types: change},
		{event: "capam.trace", categories: []string{"process"}, types: info},
		{event: "capam.start", categories: []string{"process"}, types: start},
		{event: "capam.shutdown", categories: []string{"process"}, types: end},
		{event: "capam.tcp", when: []table.Cond{capamStatus("D")}, categories: []string{"network"}, types: []string{"connection", "denied"}},
		{event: "capam.tcp", categories: []string{"network"}, types: []string{"connection", "allowed"}},
		{event: "capam.host", when: []table.Cond{capamStatus("D")}, categories: []string{"network"}, types: []string{"connection", "denied"}},
		{event: "capam.host", categories: []string{"network"}, types: []string{"connection", "allowed"}},
		{event: "capam.program", when: []table.Cond{capamStatus("U")}, categories: []string{"intrusion_detection"}, types: info},
		{event: "capam.secfile", when: []table.Cond{capamStatus("U")}, categories: []string{"intrusion_detection"}, types: info},
		{event: "capam.file", categories: []string{"file"}, types: access},
		{event: "capam.program", categories: []string{"process"}, types: access},
		// Resource access of any other class, and any other record.
		{event: "capam.*", categories: []string{"host"}, types: access},
	},
}

var netwrixTable = mapping{
	rows: []row{
		{event: "netwrix.token.validate", categories: []string{"authentication"}, types: info},
		{event: "netwrix.token.create", categories: []string{"authentication"}, types: start},
		{event: "netwrix.authentication", categories: []string{"authentication"}, types: start},
		{event: "netwrix.access.add", categories: iam, types: userChange},
		{event: "netwrix.access.set_admin", categories: iam, types: adminChange},
		{event: "netwrix.access.remove", categories: iam, types: userChange},
		{event: "netwrix.system.policy_update", categories: configuration, types: change},
		{event: "netwrix.administrator.add", categories: iam, types: adminCreation},
		{event: "netwrix.administrator.modify", categories: iam, types: adminChange},
		{event: "netwrix.administrator.remove", categories: iam, types: adminDeletion},
		{event: "netwrix.jita.grant", categories: iam, types: adminChange},
		{event: "netwrix.jita.deny", categories: iam, types: adminChange},
		{event: "netwrix.jita.expire", categories: iam, types: adminChange},
		{event: "netwrix.request.finish", categories: []string{"web"}, types: access},
		{event: "netwrix.*", categories: []string{"web"}, types: info}, // netwrix.log and any other
	},
}

// unknownTable: a record no product read is a pipeline error, without a
// categorization.
var unknownTable = mapping{format: record.FormatAuto, name: "pamaudit", vendor: "pamaudit", rows: []row{{event: ""}}}

// productTables are the products' tables, by the product's name in the
// products table.
var productTables = [...]table.Named[mapping]{{Product: "passman", Table: &passmanTable}, {Product: "capam", Table: &capamTable}, {Product: "netwrix", Table: &netwrixTable}}

// tables lays the products table out by record.Format, each product with
// its table; 0 is a record no product read. A product without a table
// here has one row for all its events, without a categorization.
func tables(products product.Table) []*mapping {
	return table.ByFormat(products, &unknownTable, productTables[:], mapping{rows: []row{{event: "*"}}}, func(m *mapping, p *product.Product) {
		m.format, m.dataset, m.name, m.vendor, m.events = p.ID, module+"."+p.Name, p.Title, p.Vendor, table.Events(p)
	})
}

// names: the record's attribute names that ECS names otherwise (or the
// same: a name kept is listed so that it is not put under pamaudit.). Any
// attribute not listed goes under pamaudit. with its own name
// (passman.entity_path → pamaudit.passman.entity_path).
var names = [...]struct{ otel, ecs string }{
	{record.AttrEventAction, "event.action"},
	{record.AttrEventOutcome, "event.outcome"},
	{record.AttrUserName, "user.name"},
	{record.AttrUserDomain, "user.domain"},
	{record.AttrUserID, "user.id"},
	{record.AttrUserFullName, "user.full_name"},
	{record.AttrUserRoles, "user.roles"},
	{record.AttrUserTargetName, "user.target.name"},
	{record.AttrUserTargetFullName, "user.target.full_name"},
	{record.AttrUserTargetID, "user.target.id"},
	{record.AttrClientAddress, keySourceAddress}, // and source.ip or source.domain
	{record.AttrClientPort, "source.port"},
	{record.AttrHostName, "host.name"},
	{record.AttrServiceName, "service.name"},
	{record.AttrProcessExecutableName, "process.name"},
	{record.AttrProcessPID, "process.pid"},
	{record.AttrSessionID, "pamaudit.session.id"}, // ECS has no session id
	{record.AttrHTTPRequestMethod, "http.request.method"},
	{record.AttrURLPath, "url.path"},
	{record.AttrHTTPResponseStatusCode, "http.response.status_code"},
	{record.AttrUserAgentOriginal, "user_agent.original"},
	{record.AttrLogRecordOriginal, "event.original"},
	{record.AttrLogRecordUID, KeyUID},
	{record.AttrLogFilePath, "log.file.path"},
	{record.AttrErrorType, "error.type"},
	{record.AttrErrorMessage, "error.message"},
	{record.AttrSyslogPriority, "log.syslog.priority"},
	{record.AttrSyslogFacilityCode, "log.syslog.facility.code"},
	{record.AttrSyslogSeverityCode, "log.syslog.severity.code"},
	{record.AttrSyslogMsgID, "log.syslog.msgid"},
	{record.AttrContainerID, "container.id"},
	{record.AttrContainerName, "container.name"},
	{record.AttrAnomaly, "tags"},
}

// Prefixes kept as they are (ECS's own field set).
var keptPrefixes = [...]string{record.AttrSyslogStructuredData + "."}

// namespace is where every attribute ECS has no name for goes.
const namespace = "pamaudit."

// KeyUID is the record's identity (record.AttrLogRecordUID) in ECS.
const KeyUID = "event.id"

const (
	keySourceAddress = "source.address"
	keySourceIP      = "source.ip"
	keySourceDomain  = "source.domain"
)
