package netwrix

import "github.com/pamaudit/pamaudit/record"

// Doc writes this product's section of docs/schema.md from its tables, so
// the docs cannot drift from the code. w writes one line.
func Doc(w func(s ...string)) {
	w("## Netwrix Privilege Secure")
	w()
	w("A JSON object is read as Netwrix when it looks like one: bunyan's `msg` member (or a `message` beside bunyan's `name`, `hostname`, `pid`, `level`, `time`, `req_id` or `v`), Python logging's `asctime` or `levelname`, a message the table below classifies, or a framing that names a Netwrix service (a Fluentd tag or container name `s1_…`); any other object is `unknown_format` (with `format: netwrix`, any JSON object is Netwrix). The members of Fluentd's parser output that are its framing (`log`, `source`, `container_id`, `container_name`) are not read as the record's. A text line from a Netwrix service's container, Python logging's `LEVEL - message`, is `", netwrixEventOther, "` with that level as severity and the message as body.")
	w()
	w("Classification, first matching row wins (text is `message`, else `msg`); anything else is `", netwrixEventOther, "`. `event.action` is the record's `action` member or, without one, the text of the row that matched (without a trailing `: `). The body is the message. `netwrix.req_id` is the request id: one user action emits several records with the same id, so group by it. `netwrix.lenient` (bool) marks a record that was not strict JSON and was recovered; recovery never makes an attribute from text inside a string: a string value that a line wrap broke (a backslash then white space, an escaped quote split from its backslash, a raw line break) stays that field's value (a backslash then white space dropped as a wrap mark), and the fields after it are read. The original text (`log.record.original`) is redacted like the attributes; inside a Docker or Fluentd JSON wrapper it is the unwrapped record (see Framings).")
	w()
	w("| text | match | type | action | event name | outcome |")
	w("|---|---|---|---|---|---|")
	for _, e := range netwrixEvents {
		out := e.outcome
		if e.deny {
			out = "failure (needs `targetSystem` and a 4xx status)"
		} else if out == "" {
			out = "from `res.statusCode` when present"
		}
		w("| ", e.text, " | ", [...]string{"exact", "prefix", "suffix"}[e.match], " | ", e.typ, " | ", e.action, " | `", e.event, "` | ", out, " |")
	}
	w()
	w("| JSON path | only for events | attribute |")
	w("|---|---|---|")
	for _, f := range netwrixFieldList {
		key := f.key
		switch f.conv {
		case nxTime:
			key = "record time"
		case nxLevel:
			key = "severity"
		case nxBody:
			key = "body"
		}
		w("| `", f.path, "` | ", f.only, " | ", key, " |")
	}
	for _, f := range netwrixSuffixFields {
		w("| `…", f.path, "` | | ", f.key, " |")
	}
	w()
	w("Severity: bunyan `level` 10/20/30/40/50/60 = TRACE/DEBUG/INFO/WARN/ERROR/FATAL; `level` or `levelname` names:")
	w()
	Levels(w)
	w()
}

// Levels writes the level names and their severities, one line each.
func Levels(w func(s ...string)) {
	for _, l := range netwrixLevels {
		w("- ", l.name, " → ", record.SeverityText(l.sev))
	}
}
