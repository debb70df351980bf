package flbsim

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

func (e *Engine) startInput(s Section, eof chan<- struct{}) (input, error) {
	tag := s.Get("tag")
	switch strings.ToLower(s.Get("name")) {
	case "tail":
		if tag == "" {
			tag = "tail.0"
		}
		return e.startTail(s, tag, eof)
	case "forward":
		return e.startForward(s)
	default: // syslog
		if tag == "" {
			tag = "syslog.0"
		}
		return e.startSyslog(s, tag)
	}
}

// tail: the files of path (globs, comma-separated, from the working
// directory), from their start with read_from_head, else only what is
// written after the start; a line is a record under key (log), or the
// multiline parser joins lines into one.
type tail struct {
	e       *Engine
	tag     string
	key     string
	globs   []string
	ml      *Multiline
	offsets map[string]int64
	partial map[string]string
	mlState map[string]*mlRecord
	quit    chan struct{}
	wg      sync.WaitGroup
}

type mlRecord struct {
	lines []string
	state string
	last  time.Time
}

func (e *Engine) startTail(s Section, tag string, eof chan<- struct{}) (input, error) {
	t := &tail{e: e, tag: tag, key: s.Get("key"), offsets: map[string]int64{}, partial: map[string]string{}, mlState: map[string]*mlRecord{}, quit: make(chan struct{})}
	if t.key == "" {
		t.key = "log"
	}
	for _, p := range strings.Split(s.Get("path"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			if !filepath.IsAbs(p) {
				p = filepath.Join(e.o.Dir, p)
			}
			t.globs = append(t.globs, p)
		}
	}
	if len(t.globs) == 0 {
		return nil, fmt.Errorf("tail: no path")
	}
	if name := s.Get("multiline.parser"); name != "" {
		if t.ml = e.cfg.Multilines[name]; t.ml == nil {
			return nil, fmt.Errorf("tail: multiline parser %q is not defined (the simulator has only the configuration's regex parsers)", name)
		}
	}
	fromHead, _ := parseBool(s.Get("read_from_head"))
	exitOnEOF, _ := parseBool(s.Get("exit_on_eof"))
	for _, f := range t.files() {
		t.offsets[f] = 0
		if !fromHead {
			if st, err := os.Stat(f); err == nil {
				t.offsets[f] = st.Size()
			}
		}
	}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		sentEOF := false
		for {
			t.scan()
			if exitOnEOF && !sentEOF {
				sentEOF = true
				t.flushML(true)
				eof <- struct{}{}
			}
			select {
			case <-t.quit:
				t.flushML(true)
				return
			case <-tick.C:
			}
		}
	}()
	return t, nil
}

func (t *tail) files() []string {
	var out []string
	for _, g := range t.globs {
		m, _ := filepath.Glob(g)
		out = append(out, m...)
	}
	return out
}

func (t *tail) scan() {
	for _, f := range t.files() {
		off, ok := t.offsets[f]
		if !ok {
			off = 0 // a file that appeared later is read from its start
		}
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		st, _ := fh.Stat()
		if st != nil && st.Size() < off {
			off = 0 // truncated
		}
		_, _ = fh.Seek(off, io.SeekStart)
		b, _ := io.ReadAll(fh)
		fh.Close()
		t.offsets[f] = off + int64(len(b))
		data := t.partial[f] + string(b)
		lines := strings.Split(data, "\n")
		t.partial[f] = lines[len(lines)-1]
		for _, l := range lines[:len(lines)-1] {
			t.line(f, strings.TrimSuffix(l, "\r"))
		}
	}
	t.flushML(false)
}

func (t *tail) record(text string) {
	t.e.emit(Event{Tag: t.tag, Time: t.e.o.Now(), Record: Record{{t.key, text}}})
}

// line feeds a line through the multiline parser, as Fluent Bit's regex
// multiline parsers work: a line that matches a start_state rule starts a
// record; in a record, a line that matches a rule of the current state
// continues it; any other line ends it and stands alone.
func (t *tail) line(file, l string) {
	if t.ml == nil {
		t.record(l)
		return
	}
	cur := t.mlState[file]
	if cur != nil {
		for _, r := range t.ml.Rules {
			if r.State == cur.state && r.Regex.MatchString(l) {
				cur.lines = append(cur.lines, l)
				cur.state, cur.last = r.Next, time.Now()
				return
			}
		}
		t.record(strings.Join(cur.lines, "\n"))
		delete(t.mlState, file)
	}
	for _, r := range t.ml.Rules {
		if r.State == "start_state" && r.Regex.MatchString(l) {
			t.mlState[file] = &mlRecord{lines: []string{l}, state: r.Next, last: time.Now()}
			return
		}
	}
	t.record(l)
}

// flushML ends the records no line continued within flush_timeout (all,
// with force).
func (t *tail) flushML(force bool) {
	for f, cur := range t.mlState {
		if force || time.Since(cur.last) >= time.Duration(t.ml.FlushTimeout)*time.Millisecond {
			t.record(strings.Join(cur.lines, "\n"))
			delete(t.mlState, f)
		}
	}
}

func (t *tail) stop() {
	close(t.quit)
	t.wg.Wait()
}

// listener is a TCP input's listener and its connections.
type listener struct {
	ln    net.Listener
	mu    sync.Mutex
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

func listen(s Section, defPort string) (*listener, error) {
	host, port := s.Get("listen"), s.Get("port")
	if host == "" {
		host = "0.0.0.0"
	}
	if port == "" {
		port = defPort
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, err
	}
	return &listener{ln: ln, conns: map[net.Conn]bool{}}, nil
}

func (l *listener) serve(handle func(net.Conn)) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for {
			c, err := l.ln.Accept()
			if err != nil {
				return
			}
			l.mu.Lock()
			l.conns[c] = true
			l.mu.Unlock()
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				handle(c)
				c.Close()
				l.mu.Lock()
				delete(l.conns, c)
				l.mu.Unlock()
			}()
		}
	}()
}

func (l *listener) stop() {
	l.ln.Close()
	l.mu.Lock()
	for c := range l.conns {
		c.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
}

// forward: Fluent Bit's in_forward, the Forward, PackedForward and Message
// modes, acknowledging a chunk option.
func (e *Engine) startForward(s Section) (input, error) {
	l, err := listen(s, "24224")
	if err != nil {
		return nil, fmt.Errorf("forward: %v", err)
	}
	l.serve(func(c net.Conn) {
		var buf []byte
		tmp := make([]byte, 64<<10)
		for {
			n, err := c.Read(tmp)
			buf = append(buf, tmp[:n]...)
			for {
				d := decoder{b: buf}
				v, derr := d.value()
				if derr != nil {
					break
				}
				buf = buf[d.pos:]
				if ack := e.forwardMessage(v); ack != "" {
					out := appendMapHeader(nil, 1)
					out = appendStr(out, "ack")
					_, _ = c.Write(appendStr(out, ack))
				}
			}
			if err != nil {
				return
			}
		}
	})
	return l, nil
}

func (e *Engine) forwardMessage(v any) (ack string) {
	msg, ok := v.([]any)
	if !ok || len(msg) < 2 {
		return ""
	}
	tag, _ := msg[0].(string)
	var entries []any
	var opt Record
	switch x := msg[1].(type) {
	case []any: // Forward mode
		entries = x
		if len(msg) > 2 {
			opt, _ = msg[2].(Record)
		}
	case []byte, string: // PackedForward
		var b []byte
		if s, ok := x.(string); ok {
			b = []byte(s)
		} else {
			b = x.([]byte)
		}
		d := decoder{b: b}
		for d.pos < len(b) {
			en, err := d.value()
			if err != nil {
				break
			}
			entries = append(entries, en)
		}
		if len(msg) > 2 {
			opt, _ = msg[2].(Record)
		}
	default: // Message mode: [tag, time, record, option]
		if len(msg) >= 3 {
			entries = []any{[]any{msg[1], msg[2]}}
		}
		if len(msg) > 3 {
			opt, _ = msg[3].(Record)
		}
	}
	var evs []Event
	for _, en := range entries {
		pair, ok := en.([]any)
		if !ok || len(pair) != 2 {
			continue
		}
		rec, _ := pair[1].(Record)
		evs = append(evs, Event{Tag: tag, Time: eventTime(pair[0], e.o.Now()), Record: rec})
	}
	e.emit(evs...)
	for _, kv := range opt {
		if kv.Key == "chunk" {
			s, _ := kv.Value.(string)
			return s
		}
	}
	return ""
}

func eventTime(v any, now time.Time) time.Time {
	switch x := v.(type) {
	case time.Time:
		return x
	case []any: // [[time, metadata], ...]
		if len(x) > 0 {
			return eventTime(x[0], now)
		}
	case int64:
		return time.Unix(x, 0)
	case float64:
		return time.Unix(0, int64(x*1e9))
	}
	return now
}

// syslog: Fluent Bit's syslog input in mode tcp, a message a line, each
// parsed with the input's parser.
func (e *Engine) startSyslog(s Section, tag string) (input, error) {
	if m := strings.ToLower(s.Get("mode")); m != "tcp" {
		return nil, fmt.Errorf("syslog: mode %q: the simulator has mode tcp", m)
	}
	p := e.cfg.Parsers[s.Get("parser")]
	if p == nil {
		return nil, fmt.Errorf("syslog: parser %q is not defined (a regex parser of the parsers files)", s.Get("parser"))
	}
	l, err := listen(s, "5140")
	if err != nil {
		return nil, fmt.Errorf("syslog: %v", err)
	}
	l.serve(func(c net.Conn) {
		sc := bufio.NewScanner(c)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			ev, ok := p.parse(sc.Text(), e.o.Now())
			if !ok {
				e.logf("warn", "input:syslog", "error parsing log message with parser '%s'", p.Name)
				continue
			}
			ev.Tag = tag
			e.emit(ev)
		}
	})
	return l, nil
}

// parse applies a regex parser as flb_parser_regex_do does: each named
// group that matched something is a key; the time key, when it reads with
// the time format, sets the event time (and is kept with Time_Keep), and
// when it does not, is dropped, and the event gets the time of arrival.
func (p *Parser) parse(text string, now time.Time) (Event, bool) {
	m := p.Regex.FindStringSubmatchIndex(text)
	if m == nil {
		return Event{}, false
	}
	ev := Event{Time: now}
	timeKey := p.TimeKey
	if timeKey == "" {
		timeKey = "time"
	}
	for i, name := range p.Regex.SubexpNames() {
		if name == "" || m[2*i] < 0 || m[2*i] == m[2*i+1] {
			continue
		}
		v := text[m[2*i]:m[2*i+1]]
		if p.TimeFormat != "" && name == timeKey {
			t, err := strptime(p.TimeFormat, v, now)
			if err != nil {
				continue
			}
			ev.Time = t
			if !p.TimeKeep {
				continue
			}
		}
		ev.Record = append(ev.Record, RecordKV{name, v})
	}
	return ev, true
}

var months = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// strptime reads v with the strptime conversions Fluent Bit's parsers use
// (%Y %m %d %e %H %M %S %L %z %b and literal text; a space matches any
// run of white space); a time without a year gets the year of now.
func strptime(format, v string, now time.Time) (time.Time, error) {
	year, month, day, hour, min, sec, nsec := now.Year(), time.January, 1, 0, 0, 0, 0
	loc := time.UTC
	bad := fmt.Errorf("%q does not match %q", v, format)
	num := func(max int) (int, bool) {
		i := 0
		for i < len(v) && i < max && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, false
		}
		n, _ := strconv.Atoi(v[:i])
		v = v[i:]
		return n, true
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == ' ' {
			v = strings.TrimLeft(v, " \t")
			continue
		}
		if c != '%' || i+1 == len(format) {
			if v == "" || v[0] != c {
				return time.Time{}, bad
			}
			v = v[1:]
			continue
		}
		i++
		var ok bool
		switch format[i] {
		case 'Y':
			year, ok = num(4)
		case 'm':
			var m int
			m, ok = num(2)
			month = time.Month(m)
		case 'd', 'e':
			v = strings.TrimLeft(v, " ")
			day, ok = num(2)
		case 'H':
			hour, ok = num(2)
		case 'M':
			min, ok = num(2)
		case 'S':
			sec, ok = num(2)
		case 'L':
			j := 0
			for j < len(v) && v[j] >= '0' && v[j] <= '9' {
				j++
			}
			if j == 0 {
				return time.Time{}, bad
			}
			frac := (v[:j] + "000000000")[:9]
			nsec, _ = strconv.Atoi(frac)
			v, ok = v[j:], true
		case 'b':
			if len(v) >= 3 {
				month, ok = months[strings.ToLower(v[:3])]
				v = v[3:]
			}
		case 'z':
			switch {
			case strings.HasPrefix(v, "Z"):
				v, ok = v[1:], true
			case len(v) >= 5 && (v[0] == '+' || v[0] == '-'):
				s := strings.ReplaceAll(v[1:min6(len(v), 6)], ":", "")
				if len(s) >= 4 {
					h, _ := strconv.Atoi(s[:2])
					mm, _ := strconv.Atoi(s[2:4])
					off := h*3600 + mm*60
					if v[0] == '-' {
						off = -off
					}
					loc = time.FixedZone("", off)
					n := 5
					if len(v) >= 6 && v[3] == ':' {
						n = 6
					}
					v, ok = v[n:], true
				}
			}
		default:
			return time.Time{}, fmt.Errorf("%%%c: not simulated", format[i])
		}
		if !ok {
			return time.Time{}, bad
		}
	}
	return time.Date(year, month, day, hour, min, sec, nsec, loc), nil
}

func min6(a, b int) int {
	if a < b {
		return a
	}
	return b
}
