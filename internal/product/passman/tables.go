package passman

import (
	"github.com/pamaudit/pamaudit/internal/cache"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// PassMan mapping tables, from the appliance's documented audit activity
// types (docs/contract.md).

// passmanActivity is what an audit `type` value maps to.
type passmanActivity struct {
	event    string // event name, passman.<type in snake case>
	category string // passman.category
}

// passmanActivityList is every activity type the seed documents, in the
// seed's order, with its category. Login and Logout head the seed's table
// without a category column; they get "session".
var passmanActivityList = [...]struct{ typ, category string }{
	{"Login", "session"},
	{"Logout", "session"},

	{"CreateAccount", "account"},
	{"UpdateAccount", "account"},
	{"DeleteAccount", "account"},
	{"CheckCredentials", "account"},
	{"DeleteCredentials", "account"},
	{"CheckoutCredentials", "account"},
	{"CheckinCredentials", "account"},
	{"LoginCheckoutCredentials", "account"},
	{"UpdateCredentials", "account"},
	{"ResetCredentials", "account"},
	{"ResetElevatedCredentials", "account"},

	{"CreateTarget", "target"},
	{"UpdateTarget", "target"},
	{"DeleteTarget", "target"},
	{"MoveTarget", "target"},
	{"RestoreAccounts", "target"},

	{"CreateGroup", "folder"},
	{"UpdateGroup", "folder"},
	{"DeleteGroup", "folder"},
	{"MoveGroup", "folder"},

	{"OpenVault", "vault"},
	{"AddVaultKey", "vault"},
	{"DeleteVaultKey", "vault"},

	{"UpdateCredentialPolicy", "policy"},
	{"UpdateACL", "policy"},

	{"AddUser", "user_management"},
	{"UpdateUser", "user_management"},
	{"DeleteUser", "user_management"},
	{"ChangePassword", "user_management"},
	{"AddLocalGroup", "user_management"},
	{"DeleteLocalGroup", "user_management"},
	{"UpdateLocalGroup", "user_management"},
	{"ForgotPassword", "user_management"},

	{"PadminGenerateSelfSignedCert", "certificate"},
	{"PadminUploadCert", "certificate"},

	{"PadminPassmanStart", "maintenance"},
	{"PadminPassmanStop", "maintenance"},
	{"PadminPassmanRestart", "maintenance"},
	{"PadminPadminRestart", "maintenance"},
	{"PadminShutdown", "maintenance"},
	{"PadminShutdownCluster", "maintenance"},
	{"PadminReboot", "maintenance"},
	{"PadminRebootCluster", "maintenance"},
	{"PadminUpdateDatabaseIndexes", "maintenance"},

	{"PadminUpdatePassmanFile", "update"},
	{"PadminUpdateFile", "update"},
	{"PadminOsUpdate", "update"},

	{"PadminDatabaseBackup", "data"},
	{"PadminDatabaseRestore", "data"},
	{"PadminDatabaseExport", "data"},
	{"PadminDatabaseImport", "data"},
	{"PadminDeleteBackup", "data"},
	{"PadminAutoBackup", "data"},

	{"PadminNetwork", "system_settings"},
	{"PadminLicense", "system_settings"},
	{"PadminAutoJobs", "system_settings"},
	{"PadminAuthentication", "system_settings"},
	{"PadminEmail", "system_settings"},
	{"PadminSecurity", "system_settings"},
	{"PadminTime", "system_settings"},
	{"PadminSyslogServer", "system_settings"},
	{"PadminZabbix", "system_settings"},
	{"PadminDebugMode", "system_settings"},
	{"PadminSwap", "system_settings"},
	{"PadminPmsl", "system_settings"},
	{"PadminRemoteLogin", "system_settings"},
	{"PadminConfigExport", "system_settings"},
	{"PadminConfigImport", "system_settings"},
}

// passmanActivities indexes passmanActivityList by type, with the event
// names computed once.
var passmanActivities = func() map[string]passmanActivity {
	m := make(map[string]passmanActivity, len(passmanActivityList))
	for _, a := range passmanActivityList {
		m[a.typ] = passmanActivity{event: "passman." + scan.Snake(a.typ), category: a.category}
	}
	return m
}()

// activitySlot finds a type's activity by a slot (cache.Slot) confirmed
// by one compare: most slots hold one type, so a record's type is found
// without the map's hashing, whose code the parse's footprint in the
// instruction cache paid for every record. A slot two types share sends
// them to the map.
var activitySlot = func() (t [256]struct {
	typ    string
	act    passmanActivity
	shared bool
}) {
	for _, a := range passmanActivityList {
		e := &t[cache.Slot(a.typ)]
		e.shared = e.typ != ""
		e.typ, e.act = a.typ, passmanActivities[a.typ]
	}
	return t
}()

// activity returns the activity of type typ.
func activity(typ string) (passmanActivity, bool) {
	if e := &activitySlot[cache.Slot(typ)]; !e.shared {
		if e.typ == typ && typ != "" {
			return e.act, true
		}
		return passmanActivity{}, false
	}
	a, ok := passmanActivities[typ]
	return a, ok
}

// passmanOutcomes maps business_result values (compared case-insensitively)
// to event.outcome.
var passmanOutcomes = [...]struct{ value, outcome string }{
	{"success", record.OutcomeSuccess},
	{"succeeded", record.OutcomeSuccess},
	{"successful", record.OutcomeSuccess},
	{"ok", record.OutcomeSuccess},
	{"true", record.OutcomeSuccess},
	{"passed", record.OutcomeSuccess},
	{"failure", record.OutcomeFailure},
	{"failed", record.OutcomeFailure},
	{"fail", record.OutcomeFailure},
	{"error", record.OutcomeFailure},
	{"false", record.OutcomeFailure},
	{"denied", record.OutcomeFailure},
}

// passmanIntKeys are values emitted as integers when they are one (unix
// epoch seconds).
var passmanIntKeys = [...]string{"start_timestamp"}

// passmanTargetKeys name what an action was done to (the account, target,
// folder or user acted upon): a repeated one with different values makes
// the record ambiguous (the builder's tamper rule).
var passmanTargetKeys = [...]string{"entity", "entity_name", "entity_path", "entity_parent_name", "account", "target", "name", "group", "user", "username"}

// Event names that do not come from a type value.
const (
	passmanEventSystem = "passman.system"
	passmanEventAudit  = "passman.audit" // an audit line without a type key
)

const (
	attrPassmanCategory = "passman.category"
)

// The product as the output schemas name it (OCSF metadata.product, ECS
// observer).
const (
	ProductName = "PassMan"
	VendorName  = "PassMan"
)

// Events lists every event name this product gives: the system and audit
// events, then each documented activity type's, in the table's order. Any
// other type gives passman.<type in snake case>.
func Events() []string {
	ev := []string{passmanEventSystem, passmanEventAudit}
	for _, a := range passmanActivityList {
		ev = append(ev, passmanActivities[a.typ].event)
	}
	return ev
}

// RelevantKeys lists the keys the tamper rule holds security-relevant
// (docs/schema.md): the user, the client, the outcome, and what the action
// was done to.
func RelevantKeys() []string {
	return append([]string{"user_upn", "user_address", "business_result"}, passmanTargetKeys[:]...)
}
