package capam

import (
	"sort"
	"strconv"
	"strings"
)

// Doc writes this product's section of docs/schema.md from its tables, so
// the docs cannot drift from the code. w writes one line.
func Doc(w func(s ...string)) {
	w("## CA Privileged Access Manager Server Control")
	w()
	w("Event names: `capam.<event in lower case>`: `capam.login`, `capam.shutdown`, `capam.password`, `capam.start`, `capam.logout`, and for resource access the class (`capam.file`, `capam.program`, …).")
	w()
	w("| status | detailed word | `event.outcome` |")
	w("|---|---|---|")
	for _, st := range capamStatuses {
		w("| ", string(st.letter), " | ", st.word, " | ", st.outcome, " |")
	}
	w()
	w("P and W (warning mode: the access was allowed although a rule was violated) are successes, D and F failures, as the contract says. M (daemon and engine messages such as START and SHUTDOWN), O (logout) and N (notify) say that something happened, not whether a rule allowed it, so their outcome is `unknown`. Any other letter is kept in `capam.status` with no outcome. The letter is always kept verbatim in `capam.status`, and a detailed record's status word in `capam.status_text`.")
	w()
	w("Columns after the user (and the session id, when `seaudit -sessionid` printed it):")
	w()
	for _, l := range capamLayouts {
		w("- ", l.event, ": `", strings.Join(l.columns, "`, `"), "`")
	}
	w("- any other event with the resource layout: `capam.class` (the event), `", strings.Join(capamResourceColumns, "`, `"), "`")
	w("- any other event: `", attrCAPAMFields, "` (the rest of the line)")
	w()
	w("Labels of detailed output and their attributes. A label value that disagrees with the summary goes to `capam.detail.<label in snake case>` and the summary wins; Date and Time only appear there, as `capam.detail.date` and `capam.detail.time`.")
	w()
	w("| label | attribute |")
	w("|---|---|")
	for _, l := range capamLabels {
		w("| ", l.label, " | `", l.key, "` |")
	}
	w()
	for _, t := range []struct {
		name string
		m    map[int64]string
	}{{"Stage codes (`capam.stage`)", capamStages}, {"Reason codes (`capam.reason`)", capamReasons}, {"Password quality codes (`capam.password_quality`)", capamPasswordQualities}} {
		w(t.name, ":")
		w()
		codes := make([]int, 0, len(t.m))
		for c := range t.m {
			codes = append(codes, int(c))
		}
		sort.Ints(codes)
		for _, c := range codes {
			w("- ", strconv.Itoa(c), ": ", t.m[int64(c)])
		}
		w()
	}
}
