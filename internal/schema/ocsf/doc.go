package ocsf

import (
	"strconv"
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/schema/table"
	"github.com/pamaudit/pamaudit/record"
)

// Markdown renders docs/ocsf.md from the tables, for the products of the
// products table, so the docs cannot drift from the code. What lands in
// unmapped is found by mapping a record that has every attribute the
// tables name.
func Markdown(products product.Table) string {
	l := table.Doc("TestOCSFDoc", "./internal/schema/ocsf", "OCSF output",
		"With `schema: ocsf` (the command's `--schema ocsf`, the processor's `schema: ocsf`, the plugin's `schema ocsf`) every record is an OCSF ", Version, " event, mapped from the record [schema.md](schema.md) describes after the product built it. The command prints the event as its line and the plugin's forward and stdout outputs send it as the record; in the collector and over OTLP it is the log record's body, as a map, with time, severity and event name on the record and no attributes. Nothing is dropped: an event whose class the tables do not know, or a record nothing could parse, is a Base Event; every attribute OCSF has no place for is in `unmapped` under its own name. The tables are in `internal/schema/ocsf/tables.go`.")
	w := l.W
	w("## Every event")
	w()
	l.Table([2]string{"attribute", "from"}, [][2]string{
		{"`class_uid`, `class_name`, `category_uid`, `category_name`", "the event's row (below)"},
		{"`activity_id`, `activity_name`", "the row; `activity_name` is the activity's caption, or for activity 99 (Other) the row's name, else `event.action` (none without one)"},
		{"`type_uid`, `type_name`", "`class_uid` × 100 + `activity_id`; `<class>: <activity>`, the activity's caption (`Authentication: Other` for 99)"},
		{"`severity_id`, `severity`", "the record's severity (table below)"},
		{"`status_id`, `status`", "`event.outcome` (table below); 0 Unknown without one"},
		{"`status_code`, `status_detail`", "the product's fields (below); without one, `status_code` is the HTTP status (`http.response.status_code`) in a class without `http_response`"},
		{"`time`", "the record's time in epoch milliseconds; when the text has none, the time the record was seen"},
		{"`timezone_offset`", "the offset from UTC, in minutes, that the time's text ends with (`Z`, `+01:00`, `+0900`); none when the text has none"},
		{"`message`", "the body, when the source has a human message"},
		{"`metadata.product`", "`name` and `vendor_name` of the product (`pamaudit` for a record nothing read)"},
		{"`metadata.version`", "`" + Version + "`"},
		{"`metadata.original_time`", "the time as the text wrote it"},
		{"`metadata.event_code`", "`event.action`: the product's own action or event type"},
		{"`metadata.uid`, `metadata.correlation_uid`", "the product's fields (below)"},
		{"`metadata.profiles`", "`[\"" + hostProfile + "\"]` when the event has `device`, or an `actor` the class has only through the host profile (below)"},
		{"`raw_data`", "`log.record.original`, or the body when it is the original text; only with `keep_original` on"},
		{"`unmapped`", "every attribute of the record that no field below takes, or whose place the class has not, or whose value OCSF's type refuses, under its own name (`passman.entity_path`, `host.name`, `error.type`)"},
	})
	w("The captions of the ids (`class_name`, `category_name`, `activity_name`, `type_name`, `severity`, `status`) are optional in OCSF and written by default, since SIEM queries use them; the processor's `ocsf_captions: false`, the plugin's `ocsf_captions off` and the command's `--no-ocsf-captions` leave them out, all but `activity_name` of activity 99, which is the source's own name.")
	w()
	w("Values take OCSF's types, or stay in `unmapped` under their own name: an address is an endpoint's `ip` when an IP address, `hostname` when a host name (dot-separated labels of letters, digits and inner hyphens), else its `name`; a port outside 0–65535, an HTTP method OCSF does not name (`PATCH`), an empty string, and a string longer than OCSF's 65,535 characters stay in `unmapped` (a body longer than that as `body`, an original text as `log.record.original`); a user without a name or uid is no OCSF user, and its fields stay in `unmapped`.")
	w()
	w("Severity (the OpenTelemetry severity number, from the highest range down):")
	w()
	for _, s := range severities {
		w("- ", strconv.Itoa(int(s.min)), " and up → ", strconv.Itoa(s.id), " ", s.name)
	}
	w()
	w("Status (`event.outcome`):")
	w()
	for _, s := range statuses {
		w("- `", s.outcome, "` → ", strconv.Itoa(s.id), " ", s.name)
	}
	w()
	w("## Classes")
	w()
	w("An event whose record lacks what its class requires (a user or entity with a name or uid, privileges, an HTTP request, response and destination), or does not meet the class's constraint (Authentication: at least one of `service` and `dst_endpoint`), is a Base Event with activity 99, named after the row's activity, its fields in `unmapped`. Nothing is made up to meet a constraint: a CA PAM logout, whose record names neither the host nor a program, is a Base Event `Logoff` unless a framing gives its host.")
	w()
	w("`device` and, in the classes without an `actor` of their own, `actor` are the host profile's: an event that has either names the profile in `metadata.profiles`. `device` is the host the event happened on (`host.name`) in a class without `dst_endpoint`, with `type_id` 0 (Unknown): the record does not say what kind of host it is.")
	w()
	w("| class | category | requires | at least one of | has room for (through the host profile) | users |")
	w("|---|---|---|---|---|---|")
	for _, c := range classes {
		room := hasList(c.has &^ c.profile)
		if c.profile != 0 {
			room += " (" + hasList(c.profile) + ")"
		}
		w("| ", strconv.Itoa(c.uid), " ", c.name, " | ", strconv.Itoa(c.cat.uid), " ", c.cat.name, " | ", hasList(c.required), " | ", hasList(c.oneOf), " | ", room, " | ", roleDocs[c.role], " |")
	}
	w()
	w("## Fields")
	w()
	w("Each attribute the tables name is a field; the field lands where the class has room for it, else in `unmapped`. A field that two attributes give keeps the first, the other goes to `unmapped`.")
	w()
	w("| attribute | lands in |")
	w("|---|---|")
	for _, kf := range commonFields {
		w("| `", kf.key, "` | ", fieldDocs[kf.f], " |")
	}
	w()
	m := New(Options{KeepOriginal: true, Products: products})
	for _, p := range tables(products)[1:] {
		if p != nil {
			productDoc(w, m, p)
		}
	}
	w("## A record nothing could read")
	w()
	w("A Base Event, activity 0 (Unknown), product `pamaudit`: `error.type`, `error.message` and the framing's attributes in `unmapped`, the text in `raw_data`.")
	return l.String()
}

func hasList(h has) string {
	var s []string
	for i, n := range hasNames {
		if h&(1<<i) != 0 {
			s = append(s, "`"+n+"`")
		}
	}
	if len(s) == 0 {
		return "–"
	}
	return strings.Join(s, ", ")
}

// productDoc writes a product's section: its fields, then each event's
// rows.
func productDoc(w func(...string), m *Mapper, p *mapping) {
	w("## ", p.name)
	w()
	w("`metadata.product`: ", p.name, ", vendor ", p.vendor, ". The product's fields:")
	w()
	w("| attribute | lands in |")
	w("|---|---|")
	for _, kf := range p.fields {
		w("| `", kf.key, "` | ", fieldDocs[kf.f], " |")
	}
	w()
	w("Events, first row that holds wins. *Own fields* are the row's placements, before the product's; *unmapped* lists the attributes above (and the shared ones) that the class has no room for, found by mapping a record that has them all.")
	w()
	w("| event | when | class | activity | own fields and constants | unmapped |")
	w("|---|---|---|---|---|---|")
	line := func(ev string, r *row) {
		rec := docRecord(p, r, ev)
		out := m.Map(rec)
		cl, act, name := "", "", ""
		var unmapped []string
		for i := 0; i < len(out.BodyMap); i = record.Next(out.BodyMap, i) {
			a := out.BodyMap[i]
			switch a.Key {
			case "class_uid":
				cl = strconv.FormatInt(a.Int, 10)
				for _, k := range classes {
					if k.uid == int(a.Int) {
						cl += " " + k.name
					}
				}

			case "activity_id":
				act = strconv.FormatInt(a.Int, 10)
			case "activity_name":
				name = a.Str
			case "unmapped":
				m := record.Members(out.BodyMap, i)
				for j := 0; j < len(m); j = record.Next(m, j) {
					u := m[j]
					if _, own := rec.Get(u.Key); own && !isCond(r, u.Key) {
						unmapped = append(unmapped, "`"+u.Key+"`")
					}
				}
			}
		}
		if act == "99" && r.name == "" {
			name = "`event.action`"
		}
		if strings.HasPrefix(cl, "0 ") {
			unmapped = []string{"all but those of every event"}
		}
		w("| `", ev, "` | ", conds(r.when), " | ", cl, " | ", act, " ", name, " | ", rowExtras(p, r), " | ", strings.Join(unmapped, ", "), " |")
	}
	table.DocRows(p.events(), rowPtrs(p.rows), func(r *row) *table.Key { return &table.Key{Event: r.event, When: r.when} }, line)
	w()
	w("`", strings.TrimSuffix(p.rows[len(p.rows)-1].event, "*"), "*` is any other event of the product.")
	w()
}

func rowPtrs(rows []row) []*row {
	out := make([]*row, len(rows))
	for i := range rows {
		out[i] = &rows[i]
	}
	return out
}

func isCond(r *row, key string) bool {
	for _, c := range r.when {
		if c.Key == key {
			return true
		}
	}
	return false
}

func conds(cs []table.Cond) string {
	var s []string
	for i := range cs {
		s = append(s, cs[i].String())
	}
	return strings.Join(s, " and ")
}

func rowExtras(p *mapping, r *row) string {
	var s []string
	for _, kf := range r.fields {
		s = append(s, "`"+kf.key+"` → "+fieldDocs[kf.f])
	}
	if len(r.privileges) > 0 {
		s = append(s, "privileges `"+strings.Join(r.privileges, "`, `")+"`")
	}
	if r.entityType != "" {
		s = append(s, "entity type "+r.entityType)
	}
	if r.app != "" {
		s = append(s, "app "+r.app)
	} else if r.class.has&hApp != 0 {
		s = append(s, "app "+p.name)
	}
	if r.self {
		s = append(s, "the acting user's own account without a user acted upon")
	}
	return strings.Join(s, "; ")
}

// docRecord is a record of event ev that holds row r's conditions and has
// every attribute the tables name for it.
func docRecord(p *mapping, r *row, ev string) *record.Record {
	rec := &record.Record{EventName: strings.TrimSuffix(ev, "*"), Format: p.format, SeverityNumber: record.SevInfo, ObservedTime: time.Unix(0, 0)}
	given := map[field]bool{}
	add := func(k string, f field) {
		if _, ok := rec.Get(k); ok || given[f] {
			return // one attribute per field: a second would be unmapped as taken
		}
		given[f] = true
		a := record.Attr{Key: k, Kind: record.KindString, Str: "x"}
		if fits(f, &record.Attr{Kind: record.KindInt}) {
			a = record.Attr{Key: k, Kind: record.KindInt, Int: 1}
		}
		rec.Attrs = append(rec.Attrs, a)
	}
	for _, c := range r.when {
		rec.Attrs = append(rec.Attrs, record.Attr{Key: c.Key, Kind: record.KindString, Str: c.Values[0]})
	}
	for _, kfs := range [][]keyField{r.fields, p.fields, commonFields[:]} {
		for _, kf := range kfs {
			add(kf.key, kf.f)
		}
	}
	return rec
}
