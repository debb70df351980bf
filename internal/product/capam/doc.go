package capam

import (
	"sort"
	"strconv"
	"strings"

	"github.com/pamaudit/pamaudit/record"
)

// Doc writes this product's section of docs/schema.md from its tables, so
// the docs cannot drift from the code. w writes one line.
func Doc(w func(s ...string)) {
	w("## CA Privileged Access Manager Server Control")
	w()
	w("Event names: `capam.<Event column in lower case>`. The Event column names the record type (`capam.login`, `capam.logout`, `capam.password`, `capam.admin`, `capam.trace`, `capam.start`, `capam.shutdown`) or, for resource access, network and untrust records, the class (`capam.file`, `capam.program`, `capam.tcp`, `capam.host`, …); those records also keep the class in `capam.class`. The Event column verbatim is `event.action`.")
	w()
	w("Status letters, as the record-type pages of Broadcom's seaudit reference list them. The letter is always kept verbatim in `capam.status`, and a detailed record's status word in `capam.status_text`; a letter not listed here gets no `event.outcome`. A failure makes the severity WARN.")
	w()
	w("| status | word | meaning | `event.outcome` | record types |")
	w("|---|---|---|---|---|")
	for _, st := range capamStatuses {
		var types []string
		for _, l := range capamLayouts {
			if strings.IndexByte(l.statuses, st.letter) >= 0 {
				types = append(types, l.name)
			}
		}
		w("| ", string(st.letter), " | ", st.word, " | ", st.meaning, " | ", st.outcome, " | ", strings.Join(types, ", "), " |")
	}
	w()
	w("Record types and their summary columns after the Event column, in order. The last column takes the rest of the summary. A column is a run of non-blanks, or a value in double quotes or parentheses that may hold blanks (`\"C:\\Program Files\\x.exe\"`, `(OS user)`); quotes are dropped, parentheses kept. `[…]` marks an optional column, taken only when it has its form: the session id is `hex:hex` (printed by `seaudit -sessionid`), audit flags before the last column are in parentheses. Codes are integers.")
	w()
	w("| record type | Event column | status | columns |")
	w("|---|---|---|---|")
	for _, l := range capamLayouts {
		ev := "a class: any"
		switch {
		case l.events != nil:
			ev = "`" + strings.Join(l.events, "`, `") + "`"
		case l.classes != nil:
			ev = "a class: `" + strings.Join(l.classes, "`, `") + "`"
		}
		cols := docColumns(l.columns)
		if l.unix != nil {
			cols = "Windows: " + cols + "; UNIX: " + docColumns(l.unix) + "; UNIX when " + l.unixRule
		}
		w("| ", l.name, " | ", ev, " | ", strings.Join(strings.Split(l.statuses, ""), ", "), " | ", cols, " |")
	}
	w("| ", capamOther.name, " | any | any | ", docColumns(capamOther.columns), " |")
	w()
	w("How a record's type is chosen: an Event column that names a record type takes the row that lists the status letter, else the first row of that Event column (rows of one Event column have the same columns); there a code column that is not an integer sends the rest of the summary to `capam.fields`. A class takes the first class row that lists the letter and whose code columns hold integers, else the first class row whose code columns hold integers, else the last row. So TCP and HOST records are inbound when the service is followed by the two codes, outbound when the user comes between; an untrust record is a PROGRAM or SECFILE record with status U.")
	w()
	w("In a security database administration record the administrator is `user.name`; the object administered is `user.target.name` when the class is `", strings.Join(capamTargetClasses[:], "`, `"), "`, otherwise `", attrCAPAMObject, "`. An inbound connection's host is the client (`client.address`, IPv4-mapped IPv6 unmapped); an outbound one's is `", attrCAPAMHost, "`. An untrust record's number after the untrust reason is the message id when the reason is 1, otherwise errno, as the page says.")
	w()
	w("Labels of detailed output and their attributes. A label value that disagrees with the summary goes to `capam.detail.<label in snake case>` and the summary wins; Date and Time only appear there, as `capam.detail.date` and `capam.detail.time`. Details is the text of the record type's first code (`capam.password_quality` for Password verification, `capam.untrust_reason` for Untrust message, `capam.stage` otherwise).")
	w()
	w("| label | attribute |")
	w("|---|---|")
	for _, l := range capamLabels {
		w("| ", l.label, " | `", l.key, "` |")
	}
	w()
	for _, t := range capamCodes {
		if t.table == nil {
			continue
		}
		w(t.name, " (`", t.code, "` → `", t.text, "`):")
		w()
		codes := make([]int, 0, len(t.table))
		for c := range t.table {
			codes = append(codes, int(c))
		}
		sort.Ints(codes)
		for _, c := range codes {
			w("- ", strconv.Itoa(c), ": ", t.table[int64(c)])
		}
		w()
	}
}

// docColumns renders a column list for the docs.
func docColumns(cols []column) string {
	var b strings.Builder
	for n, c := range cols {
		if n > 0 {
			b.WriteString(", ")
		}
		last := n == len(cols)-1
		switch {
		case c.kind == colSession || c.kind == colFlags && !last:
			b.WriteString("[`" + c.key + "`]")
		case c.kind == colEventClass:
			b.WriteString("(`" + c.key + "` = the Event column)")
		case c.kind == colObject:
			b.WriteString("`" + record.AttrUserTargetName + "` or `" + c.key + "`")
		case c.kind == colMessageID:
			b.WriteString("`" + c.key + "` or `" + attrCAPAMErrno + "` (int)")
		case c.kind == colCode:
			b.WriteString("`" + c.key + "` (int)")
		default:
			b.WriteString("`" + c.key + "`")
		}
	}
	return b.String()
}
