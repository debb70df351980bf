package main

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/record"
)

// Parse health, as the collector processor's telemetry counts it: records
// parsed by product, failed by product and error.type, records by event
// name (the products' names, other for any other), and secrets redacted by
// product. A converter counts a flush's records; the instance adds them to
// its totals when the flush delivered them (a chunk retried counts once),
// and logs the totals at exit and every stats_interval.

// errorTypes are the error.type values counted: the core's, then the
// plugin's own.
var errorTypes = append(core.ErrorTypes(), errMissingKey, errBadChunk)

// eventNames are the event names counted by name; the last is other.
var eventNames, eventIndex = func() ([]string, map[string]int) {
	idx := map[string]int{}
	var names []string
	for _, e := range append(core.EventNames(), eventOther) {
		if _, ok := idx[e]; !ok {
			idx[e] = len(names)
			names = append(names, e)
		}
	}
	return names, idx
}()

const eventOther = "other"

// stats are counts of records.
type stats struct {
	parsed   [core.MaxFormat + 1]int64 // by core.Format; 0: no product
	failed   [core.MaxFormat + 1][]int64
	redacted [core.MaxFormat + 1]int64
	events   []int64 // by eventIndex
}

func newStats() stats {
	var s stats
	for f := range s.failed {
		s.failed[f] = make([]int64, len(errorTypes))
	}
	s.events = make([]int64, len(eventNames))
	return s
}

func (s *stats) reset() {
	clear(s.parsed[:])
	clear(s.redacted[:])
	for f := range s.failed {
		clear(s.failed[f])
	}
	clear(s.events)
}

// add adds t's counts to s.
func (s *stats) add(t *stats) {
	for f := range s.parsed {
		s.parsed[f] += t.parsed[f]
		s.redacted[f] += t.redacted[f]
		for i, n := range t.failed[f] {
			s.failed[f][i] += n
		}
	}
	for i, n := range t.events {
		s.events[i] += n
	}
}

// count counts a record (in the OpenTelemetry schema, before shaping)
// with secrets redacted in it.
func (s *stats) count(rec *core.Record, secrets int) {
	f := rec.Format
	if int(f) >= len(s.parsed) {
		f = core.FormatAuto
	}
	s.redacted[f] += int64(secrets)
	if i := rec.Index(record.AttrErrorType); i >= 0 {
		code := rec.Attrs[i].Str
		for k, e := range errorTypes {
			if e == code {
				s.failed[f][k]++
				break
			}
		}
	} else {
		s.parsed[f]++
	}
	if rec.EventName != "" {
		i, ok := eventIndex[rec.EventName]
		if !ok {
			i = len(eventNames) - 1
		}
		s.events[i]++
	}
}

// String is the log line: "records parsed passman=118 …; failed
// passman/malformed_record=2 …; events passman.login=3 … other=1; secrets
// redacted passman=5 …", each part listing what is not zero.
func (s *stats) String() string {
	var b strings.Builder
	part := func(name string) func(k string, n int64) {
		first := true
		b.WriteString(name)
		return func(k string, n int64) {
			if n == 0 {
				return
			}
			if first {
				b.WriteByte(' ')
				first = false
			} else {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(strconv.FormatInt(n, 10))
		}
	}
	table := core.DefaultProducts()
	products, name := append(table.IDs(), core.FormatAuto), table.Label
	add := part("records parsed")
	for _, f := range products {
		add(name(f), s.parsed[f])
	}
	add = part("; failed")
	for _, f := range products {
		for i, n := range s.failed[f] {
			add(name(f)+"/"+errorTypes[i], n)
		}
	}
	add = part("; events")
	for i, n := range s.events {
		add(eventNames[i], n)
	}
	add = part("; secrets redacted")
	for _, f := range products {
		add(name(f), s.redacted[f])
	}
	return b.String()
}

// totals are an instance's counts, logged at exit and every interval.
type totals struct {
	mu       sync.Mutex
	s        stats
	interval time.Duration
	stop     chan struct{}
	done     chan struct{}
	logf     func(level, format string, args ...any)
}

func newTotals(interval time.Duration, logf func(level, format string, args ...any)) *totals {
	t := &totals{s: newStats(), interval: interval, logf: logf}
	if interval > 0 {
		t.stop, t.done = make(chan struct{}), make(chan struct{})
		go t.every()
	}
	return t
}

// every logs the totals each interval until close.
func (t *totals) every() {
	defer close(t.done)
	tick := time.NewTicker(t.interval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			t.log()
		case <-t.stop:
			return
		}
	}
}

func (t *totals) add(s *stats) {
	t.mu.Lock()
	t.s.add(s)
	t.mu.Unlock()
}

func (t *totals) log() {
	t.mu.Lock()
	line := t.s.String()
	t.mu.Unlock()
	t.logf("info", "stats: %s", line)
}

// close stops the periodic log and logs the totals a last time.
func (t *totals) close() {
	if t.stop != nil {
		close(t.stop)
		<-t.done
	}
	t.log()
}

var _ fmt.Stringer = (*stats)(nil)
