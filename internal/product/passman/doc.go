package passman

import (
	"strings"

	"github.com/pamaudit/pamaudit/record"
)

// Doc writes this product's section of docs/schema.md from its tables, so
// the docs cannot drift from the code. w writes one line.
func Doc(w func(s ...string)) {
	w("## PassMan")
	w()
	w("Event names: `", passmanEventSystem, "` for system lines (body = the message), `", passmanEventAudit, "` for an audit line without `type`, `passman.<type in snake case>` for any type not listed, and:")
	w()
	w("| type (`event.action`) | event name | `passman.category` |")
	w("|---|---|---|")
	for _, a := range passmanActivityList {
		w("| ", a.typ, " | `", passmanActivities[a.typ].event, "` | ", a.category, " |")
	}
	w()
	w("| attribute | from |")
	w("|---|---|")
	for _, x := range passmanAttrs {
		w("| `", x[0], "` | ", x[1], " |")
	}
	w()
	w("`business_result` values (any case) and their outcome; any other value gives `unknown` and is kept in `passman.business_result`:")
	w()
	for _, o := range passmanOutcomes {
		w("- `", o.value, "` → ", o.outcome)
	}
	w()
	w("Integer values: ", "`passman.", strings.Join(passmanIntKeys[:], "`, `passman."), "` when the value is a whole number.")
	w()
}

// passmanAttrs documents where each attribute comes from.
var passmanAttrs = [][2]string{
	{record.AttrHostName, "the syslog host (PassMan node)"},
	{record.AttrServiceName, "the syslog app name"},
	{record.AttrProcessExecutableName, "the audit process name"},
	{record.AttrProcessPID, "the audit process id (or the syslog [pid])"},
	{record.AttrEventAction, "`type`"},
	{attrPassmanCategory, "the type's category (table above)"},
	{record.AttrUserName, "`user_upn`, verbatim"},
	{record.AttrUserDomain, "`user_upn` after the last `@`"},
	{record.AttrClientAddress, "`user_address`"},
	{record.AttrEventOutcome, "`business_result`"},
	{"passman.<key>", "every other key (`passman.entity_path`, `passman.failure_code`, `passman.start_timestamp`, …)"},
}
