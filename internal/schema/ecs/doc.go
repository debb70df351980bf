package ecs

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/schema/table"
)

// Markdown renders docs/ecs.md from the tables, for the products of the
// products table, so the docs cannot drift from the code.
func Markdown(products product.Table) string {
	l := table.Doc("TestECSDoc", "./internal/schema/ecs", "ECS output",
		"With `schema: ecs` (the command's `--schema ecs`, the processor's `schema: ecs`, the plugin's `schema ecs`) every record carries ECS ", Version, " names, flat, mapped from the record [schema.md](schema.md) describes after the product built it. The command prints each record as an ECS document, and the plugin's forward and stdout outputs send it so; in the collector and over OTLP the record keeps its time, severity, event name and string body, with the ECS names as its attributes (the Elasticsearch exporter's ECS mode writes them as the same document). The tables are in `internal/schema/ecs/tables.go`.")
	w := l.W
	w("## Every record")
	w()
	l.Table([2]string{"field", "from"}, [][2]string{
		{"`@timestamp`", "the record's time; when the text has none, the time it was seen (document only; the collector's record keeps its time)"},
		{"`log.level`", "the severity text (document only)"},
		{"`message`", "the body (document only)"},
		{"`" + keyVersion + "`", "`" + FullVersion + "`"},
		{"`" + keyKind + "`", "`" + kindEvent + "`; `" + kindPipelineError + "` for a record nothing could read"},
		{"`" + keyCategory + "`, `" + keyType + "`", "the event's row (below): arrays of ECS's allowed values, each pair one ECS expects"},
		{"`" + keyCode + "`", "the event name (`passman.login`)"},
		{"`" + keyModule + "`, `" + keyDataset + "`", "`" + module + "`, `" + module + ".<product>`"},
		{"`" + keyVendor + "`, `" + keyProduct + "`", "the product (below)"},
		{"`" + keyOriginal + "`", "the original text whenever it is kept (`keep_original`): `log.record.original`, or the body when it is the original text (the same text as `message` then)"},
		{"`" + keyRelatedUser + "`", "`user.name`, `user.id`, `user.target.name`, `user.target.id`, each once"},
		{"`" + keyRelatedIP + "`", "`source.ip`, and `host.name` when it is an IP address"},
		{"`" + keyRelatedHosts + "`", "`host.name` when it is not an IP address, and `source.domain`"},
	})
	w("A record nothing could read has only `ecs.version`, `event.kind`, `error.type`, `error.message` and the framing's fields: what the collector adds to a record it could not parse, whose body stays the text.")
	w()
	w("## Names")
	w()
	w("| attribute | ECS field |")
	w("|---|---|")
	for _, n := range names {
		e := "`" + n.ecs + "`"
		if n.ecs == keySourceAddress {
			e += ", and `" + keySourceIP + "` when it is an IP address, else `" + keySourceDomain + "`"
		}
		w("| `", n.otel, "` | ", e, " |")
	}
	for _, p := range keptPrefixes {
		w("| `", p, "*` | the same |")
	}
	w("| any other (`passman.entity_path`, `fluentd.tag`, `log.iostream`) | `", namespace, "` + its name (`", namespace, "passman.entity_path`) |")
	w()
	for _, p := range tables(products)[1:] {
		if p == nil {
			continue
		}
		w("## ", p.name)
		w()
		w("`", keyVendor, "`: ", p.vendor, "; `", keyProduct, "`: ", p.name, ". First row that holds wins.")
		w()
		w("| event | when | `event.category` | `event.type` |")
		w("|---|---|---|---|")
		rows := make([]*row, len(p.rows))
		for i := range p.rows {
			rows[i] = &p.rows[i]
		}
		table.DocRows(p.events(), rows, func(r *row) *table.Key { return &table.Key{Event: r.event, When: r.when} }, func(ev string, r *row) {
			var cs []string
			for i := range r.when {
				cs = append(cs, r.when[i].String())
			}
			w("| `", ev, "` | ", strings.Join(cs, " and "), " | ", list(r.categories), " | ", list(r.types), " |")
		})
		w()
		w("`", strings.TrimSuffix(p.rows[len(p.rows)-1].event, "*"), "*` is any other event of the product.")
		w()
	}
	return strings.TrimSuffix(l.String(), "\n")
}

func list(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return "`" + strings.Join(s, "`, `") + "`"
}
