package secretgen

import (
	"fmt"
	"strconv"
	"strings"
)

// framingKind is a framing a pipeline puts around a record.
type framingKind uint8

const (
	frRFC5424         framingKind = iota // <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG
	frRFC3164                            // <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG
	frRsyslogFile                        // rsyslog's RSYSLOG_FileFormat: RFC 3339 with microseconds, no PRI
	frRsyslogTrad                        // rsyslog's RSYSLOG_TraditionalFileFormat: no PRI
	frCRI                                // TIME stdout F MSG
	frDocker                             // {"log":"MSG\n","stream":"stdout","time":…}
	frFluentdDocker                      // {"container_id":…,"container_name":"/…","source":"stdout","log":"MSG"}
	frFluentdStdout                      // TIME +0000 TAG: {record}
	frFluentdTSV                         // TIME<TAB>TAG<TAB>{record}
	frFluentdMerged                      // the parser filter with reserve_data: the log string beside its parsed members
	frJournald                           // journald's JSON export
	frGELF                               // GELF 1.1
	frLogstash                           // Logstash / ECS
	frVector                             // Vector's JSON
	frFluentBit                          // Fluent Bit's JSON lines
	frRsyslogJSON                        // rsyslog's JSON template
	frRsyslogEscaped                     // rsyslog's file output of a text of many lines: control characters as #012, #011
	frFluentBitSyslog                    // Fluent Bit's syslog input as JSON: pri, time, host, ident, pid, message
	nFramingKinds
)

var framingNames = [nFramingKinds]string{
	"rfc5424", "rfc3164", "rsyslog-file", "rsyslog-traditional", "cri", "docker-json", "fluentd-docker",
	"fluentd-stdout", "fluentd-tsv", "fluentd-merged", "journald", "gelf", "logstash", "vector", "fluent-bit", "rsyslog-json",
	"rsyslog-escaped", "fluent-bit-syslog",
}

// line reports whether the framing writes its message on one line as it
// is: it cannot hold a text of many lines.
func (k framingKind) line() bool { return k <= frCRI }

// multiFallback: for each line framing, the framing that carries the same
// record when its text has many lines (escaped in a JSON string, or with
// rsyslog's #012).
var multiFallback = map[framingKind]framingKind{
	frRFC5424: frGELF, frRFC3164: frJournald, frRsyslogFile: frRsyslogEscaped, frRsyslogTrad: frRsyslogEscaped, frCRI: frDocker,
}

// resolveFramings replaces a framing that cannot hold the text inside it:
// a line framing around a text of many lines, or a merge of a text that is
// no JSON object, by one that can.
func resolveFramings(product productKind, fs []framingSpec) []framingSpec {
	multi, obj := product.multiline(), product.json()
	out := append([]framingSpec(nil), fs...)
	for j := range out {
		k := out[j].kind
		if k.line() && multi {
			k = multiFallback[k]
		}
		if k == frFluentdMerged && !obj {
			k = frFluentdDocker
		}
		out[j].kind = k
		switch {
		case k.line():
			obj = false
		case k == frFluentdStdout || k == frFluentdTSV || k == frRsyslogEscaped:
			multi, obj = false, false
		default:
			multi, obj = false, true
		}
	}
	return out
}

var (
	apps = []string{"passman", "secureone-api", "seaudit", "padmin", "s1_api"}
	tags = []string{"docker.s1_api.1.k3m9x2", "pam.audit", "kube.var.log.containers.s1-api", "syslog.passman"}
)

func hex(fr *rng, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte("0123456789abcdef"[fr.Intn(16)])
	}
	return b.String()
}

// frame puts framing j around t.
func (r *record) frame(j int, f framingSpec, t string) string {
	fr := newRng(f.seed)
	host, app := pick(fr, hosts), pick(fr, apps)
	pid := strconv.Itoa(100 + fr.Intn(9000))
	sec := 1796000000 + fr.Intn(1000000)
	Y, M, D, h, m, s := 2026, 1+fr.Intn(12), 1+fr.Intn(28), fr.Intn(24), fr.Intn(60), fr.Intn(60)
	frac := fr.Intn(1000000)
	iso := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", Y, M, D, h, m, s)
	pri := "<" + strconv.Itoa(8+fr.Intn(180)) + ">"
	tag := pick(fr, tags)
	esc := escapeJSON(t)
	switch f.kind {
	case frRFC5424:
		procid := pick(fr, []string{pid, "-"})
		msgid := pick(fr, []string{"-", "audit", "ID47"})
		var sd []string
		if fr.Intn(2) == 0 {
			sd = append(sd, `[meta sequenceId="`+strconv.Itoa(fr.Intn(1000))+`"]`)
		}
		var params []string
		for i, sp := range r.p.secrets {
			if sp.frame == j {
				// RFC 5424 escapes '"' in a parameter's value.
				params = append(params, sp.name+`="`+strings.ReplaceAll(r.p.planted(i), `"`, `\"`)+`"`)
				r.describe(i, "structured data [auth@32473]")
			}
		}
		if len(params) > 0 {
			sd = insert(sd, fr.Intn(2), "[auth@32473 "+strings.Join(params, " ")+"]")
		}
		sdText := strings.Join(sd, "")
		if sdText == "" {
			sdText = "-"
		}
		bom := ""
		switch fr.Intn(6) {
		case 0:
			bom = "\ufeff"
		case 1:
			bom = " " // rsyslog's and syslog-ng's templates that put a space before MSG
		}
		return fmt.Sprintf("%s1 %s.%06dZ %s %s %s %s %s %s%s", pri, iso, frac, host, app, procid, msgid, sdText, bom, t)
	case frRFC3164:
		if fr.Intn(4) == 0 {
			pri = ""
		}
		return fmt.Sprintf("%s%s %2d %02d:%02d:%02d %s %s[%s]: %s", pri, months[M-1], D, h, m, s, host, app, pid, t)
	case frRsyslogFile:
		return fmt.Sprintf("%s.%06d+00:00 %s %s[%s]: %s", iso, frac, host, app, pid, t)
	case frRsyslogTrad:
		return fmt.Sprintf("%s %2d %02d:%02d:%02d %s %s: %s", months[M-1], D, h, m, s, host, app, t)
	case frCRI:
		return fmt.Sprintf("%s.%09dZ %s F %s", iso, frac*1000, pick(fr, []string{"stdout", "stderr"}), t)
	case frDocker:
		return fmt.Sprintf(`{"log":"%s\n","stream":"%s","time":"%s.%09dZ"}`, esc, pick(fr, []string{"stdout", "stderr"}), iso, frac*1000)
	case frFluentdDocker:
		id, name := hex(fr, 64), "/s1_api.1."+hex(fr, 6)
		if fr.Intn(2) == 0 {
			return fmt.Sprintf(`{"container_id":"%s","container_name":"%s","source":"stdout","log":"%s"}`, id, name, esc)
		}
		return fmt.Sprintf(`{"source":"stdout","log":"%s","container_id":"%s","container_name":"%s"}`, esc, id, name)
	case frFluentdStdout, frFluentdTSV:
		rec, ok := compactJSON(t)
		if !ok {
			rec = `{"` + pick(fr, []string{"log", "message"}) + `":"` + esc + `"}`
		}
		if f.kind == frFluentdStdout {
			frac, zone := "", pick(fr, []string{"+0000", "+0000", "+0900", "-0500"})
			if fr.Intn(3) == 0 {
				frac = fmt.Sprintf(".%09d", fr.Intn(1000000000))
			}
			return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d%s %s %s: %s", Y, M, D, h, m, s, frac, zone, tag, rec)
		}
		return fmt.Sprintf("%s+00:00\t%s\t%s", iso, tag, rec)
	case frFluentdMerged:
		inner := decodeObject(t)
		o := jobj("source", "stdout", "log", t, "container_id", hex(fr, 64))
		if fr.Intn(2) == 0 {
			o.set("container_name", jstr("/s1_api.1."+hex(fr, 6)))
		}
		if inner != nil {
			for i, k := range inner.keys {
				if o.get(k) == nil {
					o.set(k, inner.vals[i])
				}
			}
		}
		return o.render(layoutCompact, nil)
	case frJournald:
		return fmt.Sprintf(`{"__REALTIME_TIMESTAMP":"%d%06d","_HOSTNAME":"%s","PRIORITY":"6","SYSLOG_IDENTIFIER":"%s","_PID":"%s","MESSAGE":"%s"}`, sec, frac, host, app, pid, esc)
	case frGELF:
		if fr.Intn(3) == 0 {
			// The first line short, the whole text full (GELF's own split).
			first, _, _ := strings.Cut(t, "\n")
			return fmt.Sprintf(`{"version":"1.1","host":"%s","short_message":"%s","full_message":"%s","timestamp":%d.%03d,"level":6,"_app_name":"%s"}`, host, escapeJSON(first), esc, sec, frac/1000, app)
		}
		return fmt.Sprintf(`{"version":"1.1","host":"%s","short_message":"%s","timestamp":%d.%03d,"level":6,"_pid":%s}`, host, esc, sec, frac/1000, pid)
	case frLogstash:
		if fr.Intn(3) == 0 {
			// ECS's copy of the line as received, beside the message.
			return fmt.Sprintf(`{"@timestamp":"%s.%03dZ","@version":"1","message":"%s","host":{"name":"%s"},"event":{"original":"%s"},"tags":["pam"]}`, iso, frac/1000, esc, host, escapeJSON(pri+months[M-1]+" "+strconv.Itoa(D)+" "+host+" "+app+": "+t))
		}
		return fmt.Sprintf(`{"@timestamp":"%s.%03dZ","@version":"1","message":"%s","host":{"name":"%s"},"log":{"file":{"path":"/var/log/%s/audit.log"}}}`, iso, frac/1000, esc, host, app)
	case frVector:
		if fr.Intn(3) == 0 {
			return fmt.Sprintf(`{"file":"/var/log/%s/audit.log","host":"%s","message":"%s","source_type":"file","timestamp":"%s.%03dZ"}`, app, host, esc, iso, frac/1000)
		}
		return fmt.Sprintf(`{"appname":"%s","host":"%s","message":"%s","source_type":"syslog","timestamp":"%s.%06dZ"}`, app, host, esc, iso, frac)
	case frFluentBit:
		return fmt.Sprintf(`{"date":%d.%06d,"log":"%s"}`, sec, frac, esc)
	case frRsyslogEscaped:
		e := strings.NewReplacer("\n", "#012", "\t", "#011", "\r", "#015").Replace(t)
		return fmt.Sprintf("%s+00:00 %s %s: %s", iso, host, app, e)
	case frFluentBitSyslog:
		return fmt.Sprintf(`{"date":%d.%06d,"pri":"%d","time":"%s %2d %02d:%02d:%02d","host":"%s","ident":"%s","pid":"%s","message":"%s"}`, sec, frac, 8+fr.Intn(180), months[M-1], D, h, m, s, host, app, pid, esc)
	}
	if fr.Intn(3) == 0 {
		// rsyslog's JSON with the raw message beside it, and the space
		// rsyslog keeps before MSG.
		return fmt.Sprintf(`{"msg":" %s","rawmsg":"%s","timereported":"%s+00:00","hostname":"%s","syslogtag":"%s:","programname":"%s"}`, esc, escapeJSON(pri+months[M-1]+" "+strconv.Itoa(D)+" "+host+" "+app+": "+t), iso, host, app, app)
	}
	return fmt.Sprintf(`{"msg":"%s","hostname":"%s","timereported":"%s.%03d+00:00","syslogtag":"%s[%s]:","programname":"%s"}`, esc, host, iso, frac/1000, app, pid, app)
}
