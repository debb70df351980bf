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
	w("Values: `key = value` pairs, separated by commas, semicolons or spaces. A bare value runs to the separators before the next `key =` and keeps every byte, backslashes included; a word followed by `==` is no key (base64's padding: `authorization=Basic dXNlcg==, type = Login` is one value), nor, in a pair written `key = value`, a word with `=` right after it (`authorization = dXNlcg= type = Login`: the value is `dXNlcg=`). A value in `'` or `\"` ends at the first quote of its kind that a pair separator (a comma or semicolon, or spaces then the next `key =`) or the end of the line follows; the quotes are dropped. Backslashes are literal, except one before the value's own quote where that quote does not end the value: that backslash is dropped. So `'C:\\'` → `C:\\`, `'D:\\Shares\\Finance'` → `D:\\Shares\\Finance`, `'it\\'s'` → `it's`, `\"it\\'s\"` → `it\\'s` (not its own quote). A quote with no closing quote is read as the start of a bare value. A secret value is redacted as it stands in the text, backslashes and quotes included.")
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
