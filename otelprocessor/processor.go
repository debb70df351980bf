package otelprocessor

import (
	"context"
	"runtime"
	"strings"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl/contexts/ottllog"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/pdataconv"
	"github.com/pamaudit/pamaudit/internal/schema/ecs"
	"github.com/pamaudit/pamaudit/internal/schema/ocsf"
	"github.com/pamaudit/pamaudit/otelprocessor/internal/metadata"
	"github.com/pamaudit/pamaudit/record"
)

type logsProcessor struct {
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder
	source    string // attribute holding the text; "" for the body
	schema    core.Schema
	drop      bool // on_error: drop
	// syslogHeader: the text is the body or attributes["message"], where
	// the collector's syslog receiver leaves a message whose header it read
	// into attributes: records that carry them are parsed with that header.
	syslogHeader bool
	// conditions select the records to parse; nil: every record.
	conditions *ottl.ConditionSequence[*ottllog.TransformContext]
	// workers are built once, one per CPU: a core.Parser is reused but not
	// shared, and ConsumeLogs may run concurrently, so each call takes one.
	workers chan *worker
	// Attribute sets of the metrics, built once: by core.Format (0:
	// unknown), by product and error type, by event name (index in
	// eventIndex; the last is other).
	products   [core.MaxFormat + 1]metric.MeasurementOption
	failed     [core.MaxFormat + 1][]metric.MeasurementOption
	events     []metric.MeasurementOption
	eventIndex map[string]int
}

// worker is what one ConsumeLogs call needs to itself.
type worker struct {
	parser *core.Parser
	conv   pdataconv.Writer
	header core.Header
	uid    core.UIDer
	n      counts
}

// errorTypes are the error.type values records_failed counts by; a face's
// own (none here) would come after the core's.
var errorTypes = core.ErrorTypes()

// counts are a batch's records: per product (index 0: no format matched),
// and by error type, event name and secrets redacted.
type counts struct {
	parsed   [core.MaxFormat + 1]int64
	failed   [core.MaxFormat + 1][]int64 // by errorTypes index
	redacted [core.MaxFormat + 1]int64
	events   []int64 // by event index
	touched  []int   // events counted, to reset
}

func (n *counts) reset() {
	clear(n.parsed[:])
	clear(n.redacted[:])
	for f := range n.failed {
		clear(n.failed[f])
	}
	for _, i := range n.touched {
		n.events[i] = 0
	}
	n.touched = n.touched[:0]
}

// newLogsProcessor builds the processor; now is the parsers' clock.
func newLogsProcessor(set processor.Settings, cfg *Config, now func() time.Time) (*logsProcessor, error) {
	s, err := cfg.settings(now)
	if err != nil {
		return nil, err
	}
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	p := &logsProcessor{
		logger:    set.Logger,
		telemetry: tb,
		source:    s.source,
		schema:    s.parser.Options().Schema,
		drop:      s.drop,
		workers:   make(chan *worker, runtime.GOMAXPROCS(0)),

		syslogHeader: s.source == "" || s.source == receiverMessage,
	}
	if s.conditions != nil {
		// A condition that cannot be evaluated on a record (a converter's
		// error) is logged and counts as false: the record passes on.
		cs := ottllog.NewConditionSequence(s.conditions, set.TelemetrySettings,
			ottllog.WithConditionSequenceErrorMode(ottl.IgnoreError))
		p.conditions = &cs
	}
	products := core.DefaultProducts()
	for f := range p.products {
		product := attribute.String(attrProduct, products.Label(core.Format(f)))
		p.products[f] = metric.WithAttributeSet(attribute.NewSet(product))
		for _, e := range errorTypes {
			p.failed[f] = append(p.failed[f], metric.WithAttributeSet(attribute.NewSet(product, attribute.String(attrErrorType, e))))
		}
	}
	names := core.EventNames()
	p.eventIndex = make(map[string]int, len(names))
	for _, e := range append(names, eventOther) {
		if _, ok := p.eventIndex[e]; !ok {
			p.eventIndex[e] = len(p.events)
			p.events = append(p.events, metric.WithAttributeSet(attribute.NewSet(attribute.String(attrEventName, e))))
		}
	}
	for range cap(p.workers) {
		w := &worker{parser: s.parser.NewParser()}
		for f := range w.n.failed {
			w.n.failed[f] = make([]int64, len(errorTypes))
		}
		w.n.events = make([]int64, len(p.events))
		p.workers <- w
	}
	return p, nil
}

// The metrics' attributes (metadata.yaml).
const (
	attrProduct   = "product"
	attrErrorType = "error.type"
	attrEventName = "event.name"
	eventOther    = "other" // an event name the tables do not list
)

func (p *logsProcessor) shutdown(context.Context) error {
	p.telemetry.Shutdown()
	return nil
}

func (p *logsProcessor) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	// With a worker per CPU, waiting for one is waiting for a CPU.
	w := <-p.workers
	defer func() { p.workers <- w }()
	n := &w.n
	n.reset()
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		sls := rl.ScopeLogs()
		processed := false
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			read := false
			sl.LogRecords().RemoveIf(func(lr plog.LogRecord) bool {
				if p.conditions != nil && !p.selected(ctx, rl, sl, lr) {
					return false // not for pamaudit: passed on untouched
				}
				read = true
				return p.processRecord(w, lr, n) && p.drop
			})
			if read {
				// The scope passes on with them too: a receiver's or an
				// earlier stage's scope attributes are strings like any.
				processed = true
				n.redacted[core.FormatAuto] += int64(scrubScope(w.parser, sl.Scope()))
			}
		}
		if processed {
			// The resource passes on with the records pamaudit read: its
			// attributes (k8sattributes's pod annotations and labels)
			// scrubbed as the plugin scrubs the kubernetes filter's.
			n.redacted[core.FormatAuto] += int64(scrubMap(w.parser, "", rl.Resource().Attributes()))
		}
	}
	p.record(ctx, n)
	return ld, nil
}

// record adds a batch's counts to the metrics.
func (p *logsProcessor) record(ctx context.Context, n *counts) {
	t := p.telemetry
	for f := range n.parsed {
		if n.parsed[f] > 0 {
			t.ProcessorPamauditRecordsParsed.Add(ctx, n.parsed[f], p.products[f])
		}
		for e, c := range n.failed[f] {
			if c > 0 {
				t.ProcessorPamauditRecordsFailed.Add(ctx, c, p.failed[f][e])
			}
		}
		if n.redacted[f] > 0 {
			t.ProcessorPamauditSecretsRedacted.Add(ctx, n.redacted[f], p.products[f])
		}
	}
	for _, i := range n.touched {
		t.ProcessorPamauditEvents.Add(ctx, n.events[i], p.events[i])
	}
}

// count counts one record: its product, its error type (err, or none),
// its event name, and the secrets redacted in it (scrubbed: those of the
// fields passed on beside it).
func (p *logsProcessor) count(n *counts, rec *core.Record, err error, secrets int) {
	f := rec.Format
	if int(f) >= len(n.parsed) {
		f = core.FormatAuto
	}
	n.redacted[f] += int64(secrets)
	if err != nil {
		code := core.ErrorType(err)
		for i, e := range errorTypes {
			if e == code {
				n.failed[f][i]++
			}
		}
	} else {
		n.parsed[f]++
	}
	if rec.EventName == "" {
		return
	}
	i, ok := p.eventIndex[rec.EventName]
	if !ok {
		i = len(p.events) - 1
	}
	if n.events[i] == 0 {
		n.touched = append(n.touched, i)
	}
	n.events[i]++
}

// processRecord parses one record in place and reports whether it failed.
func (p *logsProcessor) processRecord(w *worker, lr plog.LogRecord, n *counts) bool {
	text, key, ok := p.text(lr)
	hdr := false
	if p.source == "" && lr.Body().Type() == pcommon.ValueTypeMap {
		// A map body in a shipper's layout (journald, GELF, …): its text
		// member and the header its other members make.
		if k, t, h, found := w.parser.Shipper(mapGetter(lr.Body().Map())); found {
			text, key, ok, w.header, hdr = t, k, true, h, true
		}
	}
	if !ok {
		// Nothing to parse (no text where the settings look, or a body
		// that is not text: bytes, a list): passed on as it is, but for
		// the secrets its body and attributes hold.
		scrubbed := scrubBody(w.parser, lr.Body()) + scrubMap(w.parser, "", lr.Attributes())
		n.redacted[core.FormatAuto] += int64(scrubbed)
		return false
	}
	var rest pcommon.Map
	scrubbed := 0
	if key != "" {
		// The body is a map whose other keys become attributes.
		rest = pcommon.NewMap()
		lr.Body().Map().CopyTo(rest)
		rest.Remove(key)
		scrubbed = scrubMap(w.parser, "", rest)
	}
	var rec *core.Record
	var err error
	sdScrubbed := false
	if !hdr {
		hdr = p.syslogHeader && receiverHeader(lr, &w.header)
		if hdr {
			// The receiver's structured_data is a copy of the line's, and
			// passes on beside the record: scrubbed as the line is.
			if v, ok := lr.Attributes().Get(receiverStructuredData); ok {
				scrubbed += scrubValue(w.parser, receiverStructuredData, v)
				sdScrubbed = true
			}
		}
	}
	if hdr {
		rec, err = w.parser.ParseMessage(text, &w.header)
	} else {
		rec, err = w.parser.ParseString(text)
	}
	// Room for the record's attributes and its identity (putUID) at once:
	// Fill makes room for its own only, and the uid's PutStr then copied
	// every attribute into a slice one larger.
	attrs := lr.Attributes()
	// The identity is worked out before Fill: the file position it reads
	// is among the few incoming attributes, not yet behind the record's.
	var uid string
	if idText := w.parser.IdentityText(text); hdr {
		uid = p.uid(w, attrs, idText, &w.header)
	} else {
		uid = p.uid(w, attrs, idText, nil)
	}
	// What an earlier stage put beside the record (a copy of the line,
	// fields it took out of it) passes on with it: scrubbed as a Fluent
	// Bit record's other keys are. The text's own attribute (source) is
	// redacted below, as the text is.
	for k, v := range attrs.All() {
		if k != p.source && !(sdScrubbed && k == receiverStructuredData) {
			scrubbed += scrubValue(w.parser, k, v)
		}
	}
	scrubbed += scrubKeys(w.parser, attrs)
	if p.source != "" {
		// The text came from an attribute: the body is another field
		// beside it (the syslog receiver's copy of the whole line).
		scrubbed += scrubBody(w.parser, lr.Body())
	}
	attrs.EnsureCapacity(attrs.Len() + len(rec.Attrs) + 1)
	parsed := w.conv.Fill(lr, rec)
	p.putUID(lr, uid)
	if !parsed && key != "" {
		// Unparsed: the map body passes on as it is, but for the secrets
		// its other members hold (counted here, not in rest, which is
		// not passed on).
		scrubbed = 0
		for k, v := range lr.Body().Map().All() {
			if k != key {
				scrubbed += scrubValue(w.parser, k, v)
			}
		}
		scrubbed += scrubKeys(w.parser, lr.Body().Map())
	}
	secrets := w.parser.Redactions()
	if !parsed && secrets > 0 && rec.Body != text {
		// Unparsed, but the text held secrets: it passes on redacted.
		if p.source != "" {
			lr.Attributes().PutStr(p.source, rec.Body)
		} else if key != "" {
			lr.Body().Map().PutStr(key, rec.Body)
		} else {
			lr.Body().SetStr(rec.Body)
		}
	}
	if parsed && p.source != "" {
		// Parsed from an attribute, which stays: redacted when the text
		// held secrets (as log.record.original, or the body that is it).
		redacted := rec.Body
		if o, ok := rec.Get(record.AttrLogRecordOriginal); ok {
			redacted = o.Str
		}
		if secrets > 0 && redacted != text {
			lr.Attributes().PutStr(p.source, redacted)
		}
	}
	if parsed && key != "" {
		attrs := lr.Attributes()
		rest.Range(func(k string, v pcommon.Value) bool {
			if _, exists := attrs.Get(k); !exists {
				v.CopyTo(attrs.PutEmpty(k))
			}
			return true
		})
	}
	p.count(n, rec, err, secrets+scrubbed)
	return err != nil
}

// uid is the identity (core.UIDer) of the record whose attributes are attrs: of
// a file's record when filelog left the record's path and offset
// (include_file_path or include_file_name, include_file_record_offset),
// else of its text and the header h the pipeline read.
func (p *logsProcessor) uid(w *worker, attrs pcommon.Map, text string, h *core.Header) string {
	if off, ok := attrs.Get(record.AttrLogFileRecordOffset); ok && off.Type() == pcommon.ValueTypeInt {
		path := strAttr(attrs, record.AttrLogFilePath)
		if path == "" {
			path = strAttr(attrs, record.AttrLogFileName)
		}
		if path != "" {
			return w.uid.File(path, off.Int(), text)
		}
	}
	return w.uid.Stream(h, text)
}

// putUID puts the identity where the schema keeps it.
func (p *logsProcessor) putUID(lr plog.LogRecord, uid string) {
	attrs := lr.Attributes()
	switch p.schema {
	case core.SchemaECS:
		attrs.PutStr(ecs.KeyUID, uid)
	case core.SchemaOCSF:
		if lr.Body().Type() == pcommon.ValueTypeMap {
			if md, ok := lr.Body().Map().Get(ocsf.KeyMetadata); ok && md.Type() == pcommon.ValueTypeMap {
				md.Map().PutStr(ocsf.KeyUID, uid)
			}
		}
	default:
		attrs.PutStr(record.AttrLogRecordUID, uid)
	}
}

// text returns the raw text of lr and, for a map body, the key it came from.
func (p *logsProcessor) text(lr plog.LogRecord) (text, key string, ok bool) {
	if p.source != "" {
		v, ok := lr.Attributes().Get(p.source)
		if !ok || v.Type() != pcommon.ValueTypeStr {
			return "", "", false
		}
		return v.Str(), "", true
	}
	body := lr.Body()
	switch body.Type() {
	case pcommon.ValueTypeStr:
		s := body.Str()
		return s, "", s != ""
	case pcommon.ValueTypeMap:
		m := body.Map()
		for _, k := range core.DefaultSourceKeys {
			if v, ok := m.Get(k); ok && v.Type() == pcommon.ValueTypeStr {
				return v.Str(), k, true
			}
		}
	}
	return "", "", false
}

// scrubMap redacts in place the secrets of the members of m that pass on
// beside the record (core.Parser.Scrub); prefix is m's dotted path. It
// returns how many values it redacted.
func scrubMap(parser *core.Parser, prefix string, m pcommon.Map) int {
	n := 0
	for k, v := range m.All() {
		n += scrubValue(parser, prefix+k, v)
	}
	return n + scrubKeys(parser, m)
}

// scrubScope redacts a scope's name, version and attributes in place.
func scrubScope(parser *core.Parser, sc pcommon.InstrumentationScope) int {
	n := 0
	if s := parser.Scrub("", sc.Name()); s != sc.Name() {
		sc.SetName(s)
		n++
	}
	if s := parser.Scrub("", sc.Version()); s != sc.Version() {
		sc.SetVersion(s)
		n++
	}
	return n + scrubMap(parser, "", sc.Attributes())
}

// scrubKeys renames m's keys that embed a secret ("Authorization: Bearer
// …" as a member's name) to the key with it redacted: keys are emitted too.
func scrubKeys(parser *core.Parser, m pcommon.Map) int {
	var bad []string
	for k := range m.All() {
		if parser.Scrub("", k) != k {
			bad = append(bad, k)
		}
	}
	for _, k := range bad {
		v, _ := m.Get(k)
		v.CopyTo(m.PutEmpty(parser.Scrub("", k)))
		m.Remove(k)
	}
	return len(bad)
}

// scrubBody is scrubValue of a body: a map's members under their own names.
func scrubBody(parser *core.Parser, body pcommon.Value) int {
	if body.Type() == pcommon.ValueTypeMap {
		return scrubMap(parser, "", body.Map())
	}
	return scrubValue(parser, "", body)
}

func scrubValue(parser *core.Parser, key string, v pcommon.Value) int {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		if s := parser.Scrub(key, v.Str()); s != v.Str() {
			v.SetStr(s)
			return 1
		}
	case pcommon.ValueTypeMap:
		return scrubMap(parser, key+".", v.Map())
	case pcommon.ValueTypeSlice:
		n := 0
		sl := v.Slice()
		for i := 0; i < sl.Len(); i++ {
			n += scrubValue(parser, key, sl.At(i))
		}
		return n
	case pcommon.ValueTypeBytes:
		// Bytes that hold text are scrubbed as text; a Fluent Bit
		// record's bin values are read so too.
		if b := v.Bytes().AsRaw(); len(b) > 0 {
			if s := parser.Scrub(key, string(b)); s != string(b) {
				v.SetEmptyBytes().FromRaw([]byte(s))
				return 1
			}
		}
	case pcommon.ValueTypeInt, pcommon.ValueTypeDouble, pcommon.ValueTypeBool:
		if parser.SecretKey(key) {
			v.SetStr(parser.Scrub(key, v.AsString()))
			return 1
		}
	}
	return 0
}

// mapGetter reads a map body's members for core.Parser.Shipper: nested
// members by dotted name, scalars as text.
func mapGetter(body pcommon.Map) func(string) (string, bool, bool) {
	return func(name string) (string, bool, bool) {
		m := body
		v, ok := m.Get(name)
		for !ok {
			i := strings.IndexByte(name, '.')
			if i < 0 {
				return "", false, false
			}
			inner, ok2 := m.Get(name[:i])
			if !ok2 || inner.Type() != pcommon.ValueTypeMap {
				return "", false, false
			}
			m, name = inner.Map(), name[i+1:]
			v, ok = m.Get(name)
		}
		switch v.Type() {
		case pcommon.ValueTypeStr:
			return v.Str(), true, true
		case pcommon.ValueTypeInt, pcommon.ValueTypeDouble, pcommon.ValueTypeBool:
			return v.AsString(), false, true
		}
		return "", false, false
	}
}

// selected reports whether one of the conditions is true for lr.
func (p *logsProcessor) selected(ctx context.Context, rl plog.ResourceLogs, sl plog.ScopeLogs, lr plog.LogRecord) bool {
	tCtx := ottllog.NewTransformContextPtr(rl, sl, lr)
	ok, err := p.conditions.Eval(ctx, tCtx)
	tCtx.Close()
	return ok && err == nil
}

// The attributes the collector's syslog receiver (stanza's syslog parser,
// protocols rfc5424 and rfc3164) writes the header into; the message is in
// attributes["message"], the time in the record's Timestamp, the severity
// in its SeverityNumber.
const (
	receiverMessage        = "message"
	receiverHostname       = "hostname"
	receiverAppname        = "appname"
	receiverProcID         = "proc_id"
	receiverMsgID          = "msg_id"
	receiverPriority       = "priority"
	receiverStructuredData = "structured_data"
)

// receiverHeader reads into h the syslog header the receiver left in lr's
// attributes, and reports whether there is one: a string hostname or
// appname. The priority, msg_id and structured_data are read too, so the
// record gets the log.syslog.* attributes the full line would have had.
func receiverHeader(lr plog.LogRecord, h *core.Header) bool {
	attrs := lr.Attributes()
	if attrs.Len() == 0 {
		return false
	}
	host, app := strAttr(attrs, receiverHostname), strAttr(attrs, receiverAppname)
	if host == "" && app == "" {
		return false
	}
	*h = core.Header{Host: host, App: app, PID: strAttr(attrs, receiverProcID), MsgID: strAttr(attrs, receiverMsgID), SD: h.SD[:0]}
	if ts := lr.Timestamp(); ts != 0 {
		h.Time = ts.AsTime()
	}
	if v, ok := attrs.Get(receiverPriority); ok && v.Type() == pcommon.ValueTypeInt && v.Int() <= 191 {
		h.SetPRI(int(v.Int()))
	}
	if v, ok := attrs.Get(receiverStructuredData); ok && v.Type() == pcommon.ValueTypeMap {
		for id, params := range v.Map().All() {
			if params.Type() != pcommon.ValueTypeMap {
				continue
			}
			for name, pv := range params.Map().All() {
				if pv.Type() == pcommon.ValueTypeStr {
					h.AddSD(id, name, pv.Str())
				}
			}
		}
	}
	return true
}

func strAttr(attrs pcommon.Map, key string) string {
	if v, ok := attrs.Get(key); ok && v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return ""
}
