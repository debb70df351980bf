package core

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"unsafe"

	"github.com/pamaudit/pamaudit/internal/envelope"
	"github.com/pamaudit/pamaudit/internal/envelope/cri"
	"github.com/pamaudit/pamaudit/internal/jsonwalk"
)

// Splitter groups the physical lines of a stream into records:
//
//   - a line that opens a JSON object (at its start, or after a framing
//     header such as syslog's) takes the following lines until its braces
//     balance, counted outside strings (Netwrix pretty-printed JSON);
//   - a CA PAM seaudit record takes the indented lines that follow it (the
//     detailed output's "Label: value" lines);
//   - every other line is a record of its own.
//
// A JSON object that never balances (a missing brace, a write cut short by a
// crash or a rotation) never swallows the records after it: it ends at a
// blank line, or at a line that can only start a record: one at column 0
// that is a JSON object complete by itself, starts with a framing header
// (syslog, CRI, Fluentd) or is a seaudit record. It is handed out as it is,
// and the parser gives it its own error.type (malformed_json).
//
// Container runtime (CRI) files are read line by line: each line's header
// ("2026-03-05T10:16:02.123456789Z stdout F ") is taken off, partial lines
// (P) are joined up to their full line (F), the messages are grouped as
// above, and each record is handed out behind the header of its first line,
// for the parser's envelope layer.
//
// Lines end with LF, CRLF or a lone CR; a UTF-8 byte order mark at the start
// is dropped, and so are blank lines between records.
//
// No record is longer than the limit. A longer one keeps its first bytes:
// a line's first bytes up to the limit, or the lines of a JSON object or a
// seaudit record that fit. The rest of it is read and dropped, up to the
// end of the line, the JSON object's closing brace (or where it would end
// unbalanced, as above) or the seaudit record's last indented line, and Next
// hands out what was kept with a *CutError that counts the dropped bytes;
// Parser.ParseCut makes its record. Only the memory of the limit is used.
// The rest is not handed out as records of its own: a cut at a fixed byte
// count falls anywhere, through a secret's name too ("pass" | "word =
// hunter2"), and the value would come out in clear in a record that no
// redaction of the first piece reaches, looking like a record of its own.
type Splitter struct {
	r   *bufio.Reader
	max int
	err error
	eof bool
	bom bool // the start of the stream was checked for a BOM

	// continued: the sniffs of the products whose records take the
	// indented lines after them (CA PAM's detailed output), from the
	// products table.
	continued []func(string) bool

	line   []byte // the physical line read last: at most max bytes of it
	more   bool   // the physical line goes on past line: its rest is unread
	long   bool   // the logical line handed out last goes on past the limit: dropRest drops the rest
	over   []byte // its joined CRI pieces beyond the limit, the first of that rest
	inPart bool   // its rest runs on through CRI partial lines up to a full one

	cur, out []byte // the record being built; the one returned last
	have     bool   // cur holds a record
	open     bool   // cur is a JSON object whose braces are not balanced yet
	held     bool   // cur may still take indented continuation lines
	pending  bool   // cur is a complete record to hand out on the next call
	cut      bool   // cur is too long: the lines that still belong to it are dropped
	dropped  int64  // the bytes of cur dropped
	js       jsonwalk.Depth

	head     []byte // the CRI header of cur's first line, handed out before it
	part     []byte // CRI partial (P) messages waiting for their full line
	partHead []byte // the CRI header of part's first piece
	joined   []byte // the line handed out when part was joined
}

// CutError comes with a record that the Splitter (or another reader of
// records, such as the command's octet-counted frames) cut at the limit: it
// handed out the first Kept bytes of the record's text (without a CRI
// header) and read and dropped the Dropped bytes after them. It wraps
// ErrTooLarge (error.type record_too_large).
type CutError struct {
	Kept    int
	Dropped int64
	Limit   int // the limit, in bytes
}

func (e *CutError) Error() string {
	return "record too large: the first " + strconv.Itoa(e.Kept) + " bytes kept, " +
		strconv.FormatInt(e.Dropped, 10) + " dropped (limit " + strconv.Itoa(e.Limit) + " bytes)"
}

func (e *CutError) Unwrap() error { return ErrTooLarge }

// NewSplitter reads records from r; maxRecordBytes <= 0 means
// DefaultMaxRecordBytes.
func NewSplitter(r io.Reader, maxRecordBytes int) *Splitter {
	if maxRecordBytes <= 0 {
		maxRecordBytes = DefaultMaxRecordBytes
	}
	return &Splitter{r: bufio.NewReaderSize(r, 64<<10), max: maxRecordBytes, continued: defaultContinued}
}

// defaultContinued are the sniffs of DefaultProducts' continued records,
// found once: a Splitter is made per stream.
var defaultContinued = continuedSniffs(DefaultProducts())

// continuedSniffs returns the sniffs of the products whose records take
// the indented lines after them.
func continuedSniffs(products Products) []func(string) bool {
	var sniffs []func(string) bool
	for _, p := range products {
		if p.Continued {
			sniffs = append(sniffs, p.Sniff)
		}
	}
	return sniffs
}

// Next returns the next record. The slice is valid until the next call. A
// record longer than the limit comes cut, with a *CutError (see Splitter):
// make its record with Parser.ParseCut, not Parse, which would take what was
// kept for a whole record. At the end Next returns io.EOF, or the reader's
// error.
func (s *Splitter) Next() ([]byte, error) {
	if s.pending {
		s.pending = false
		return s.emit()
	}
	for {
		line, head, ok := s.logicalLine()
		if !ok {
			if s.have {
				return s.emit()
			}
			if s.err != nil {
				return nil, s.err
			}
			return nil, io.EOF
		}
		blank := !s.long && isBlank(line)
		indented := len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
		switch {
		case s.open && (blank && !s.js.InStr || s.startsRecord(line)):
			// A JSON object that never balances (a missing brace, a cut-off
			// write) ends at a blank line or where another record starts.
			rec, err := s.emit()
			if !blank {
				s.next(line, head)
			}
			return rec, err
		case s.open && (s.cut || s.long || len(s.cur)+1+len(line) > s.max):
			// Too long to be one record: the rest of the object is dropped,
			// up to its closing brace.
			s.drop(line)
			if s.js.N <= 0 {
				return s.emit()
			}
		case s.open:
			s.cur = append(s.cur, '\n')
			s.cur = append(s.cur, line...)
			if s.js.Scan(line) <= 0 {
				return s.emit()
			}
		case blank:
		case s.held && indented:
			if s.cut || s.long || len(s.cur)+1+len(line) > s.max {
				s.drop(line)
				continue
			}
			s.cur = append(s.cur, '\n')
			s.cur = append(s.cur, line...)
		case s.have:
			// line starts the next record: hand out the held one first and
			// keep line for the next call.
			rec, err := s.emit()
			s.next(line, head)
			return rec, err
		default:
			s.start(line, head)
			if !s.open && !s.held {
				return s.emit()
			}
		}
	}
}

// next starts the record after the one being handed out with line; one that
// takes no more lines is handed out on the next call.
func (s *Splitter) next(line, head []byte) {
	s.start(line, head)
	if !s.open && !s.held {
		s.pending = true
	}
}

// start begins a record with line, whose CRI header (if any) is head. The
// rest of a line longer than the limit is dropped: the record is cut.
func (s *Splitter) start(line, head []byte) {
	s.cur = append(s.cur[:0], line...)
	s.head = append(s.head[:0], head...)
	s.have = true
	s.open, s.held = false, false
	s.dropped = 0
	if j := jsonStartBytes(line); j >= 0 {
		s.js = jsonwalk.Depth{}
		s.steps(line[j:])
		s.dropRest(true) // the dropped rest still counts in the braces
		s.open = s.js.Scan(nil) > 0
	} else {
		s.held = s.continues(line)
		s.dropRest(false)
	}
	s.cut = s.dropped > 0
}

// drop drops line, which belongs to cur, and the rest of it: cur is too long
// to take it, and is cut. The braces of an open JSON object are still
// counted, to find its end.
func (s *Splitter) drop(line []byte) {
	s.cut = true
	s.dropped += 1 + int64(len(line)) // with the line break before it
	if s.open {
		s.steps(line)
	}
	s.dropRest(s.open)
	if s.open {
		s.js.Step('\n')
	}
}

// emit hands out cur, with a *CutError when it was cut.
func (s *Splitter) emit() ([]byte, error) {
	kept := len(s.cur)
	if len(s.head) > 0 {
		s.out = append(append(s.out[:0], s.head...), s.cur...)
		s.cur, s.head = s.cur[:0], s.head[:0]
	} else {
		s.out, s.cur = s.cur, s.out[:0]
	}
	dropped := s.dropped
	s.have, s.open, s.held, s.cut = false, false, false, false
	s.dropped = 0
	if dropped > 0 {
		return s.out, &CutError{Kept: kept, Dropped: dropped, Limit: s.max}
	}
	return s.out, nil
}

func (s *Splitter) steps(b []byte) {
	for _, c := range b {
		s.js.Step(c)
	}
}

// logicalLine returns the next line: a plain physical line, or a CRI line's
// message (P pieces joined up to their F) and its header. It is at most max
// bytes; s.long says the line goes on, and dropRest drops the rest.
func (s *Splitter) logicalLine() (line, head []byte, ok bool) {
	if s.long {
		// Every caller drops the rest of a long line; should one not, its
		// rest is still never read as a line of its own.
		s.dropRest(false)
	}
	for {
		l, ok := s.readLine()
		if !ok {
			if len(s.part) > 0 { // the stream ended inside a partial line
				return s.takePart(nil, false)
			}
			return nil, nil, false
		}
		h, isCRI := criHeader(l)
		if !isCRI {
			if len(s.part) > 0 {
				return s.takePart(l, false) // a P piece with no F: joined to it
			}
			s.long = s.more
			return l, nil, true
		}
		msg := l[h.Msg:]
		if h.Partial && !s.more && len(s.part)+len(msg) < s.max {
			if len(s.part) == 0 {
				s.partHead = append(s.partHead[:0], l[:h.Msg]...)
			}
			s.part = append(s.part, msg...)
			continue
		}
		if h.Partial {
			// Past the limit before its full line: the line is cut, and
			// the rest of its pieces are dropped.
			if len(s.part) == 0 {
				s.partHead = append(s.partHead[:0], l[:h.Msg]...)
			}
			return s.takePart(msg, true)
		}
		if len(s.part) > 0 {
			return s.takePart(msg, false)
		}
		s.long = s.more
		return msg, l[:h.Msg], true
	}
}

// takePart hands out the partial pieces joined with rest, at most max bytes
// of them. inPart: more partial pieces of the line follow.
func (s *Splitter) takePart(rest []byte, inPart bool) ([]byte, []byte, bool) {
	s.joined = append(append(s.joined[:0], s.part...), rest...)
	s.part = s.part[:0]
	line := s.joined
	s.over = nil
	if len(line) > s.max {
		line, s.over = line[:s.max], line[s.max:]
	}
	s.inPart = inPart
	s.long = s.more || inPart || len(s.over) > 0
	return line, s.partHead, true
}

// dropRest drops the rest of the long logical line handed out last,
// counting it in s.dropped; scan: its bytes go on into the JSON braces.
func (s *Splitter) dropRest(scan bool) {
	if !s.long {
		return
	}
	s.long = false
	s.dropped += int64(len(s.over))
	if scan {
		s.steps(s.over)
	}
	s.over = nil
	if s.more {
		s.more = false
		s.segment(false, scan)
	}
	for s.inPart {
		l, ok := s.readLine()
		if !ok {
			break
		}
		h, isCRI := criHeader(l)
		msg := l
		if isCRI {
			msg = l[h.Msg:]
		}
		s.dropped += int64(len(msg))
		if scan {
			s.steps(msg)
		}
		if s.more {
			s.more = false
			s.segment(false, scan)
		}
		s.inPart = isCRI && h.Partial
	}
	s.inPart = false
}

// criHeader reads a CRI header at the start of line.
func criHeader(line []byte) (cri.Header, bool) {
	if len(line) < 30 || line[0] < '0' || line[0] > '9' {
		return cri.Header{}, false
	}
	return cri.Parse(string(line[:min(len(line), 64)]))
}

// readLine returns the next physical line without its ending: at most max
// bytes of it. s.more says the line goes on: its rest is left unread.
func (s *Splitter) readLine() ([]byte, bool) {
	if s.more { // never left so (see logicalLine); never read as a line
		s.more = false
		s.segment(false, false)
	}
	if s.eof {
		return nil, false
	}
	if !s.bom {
		s.bom = true
		if b, _ := s.r.Peek(1); len(b) == 1 && b[0] == 0xef {
			if b, _ := s.r.Peek(3); string(b) == "\xef\xbb\xbf" {
				s.r.Discard(3)
			}
		}
	}
	if b, err := s.r.Peek(1); len(b) == 0 {
		s.end(err)
		return nil, false
	}
	s.line = s.line[:0]
	s.more = !s.segment(true, false)
	return s.line, true
}

// segment reads on in the current physical line, and takes its ending (LF,
// CRLF or a lone CR) when it comes to it. keep: the bytes go to s.line, at
// most max of it, and it stops there when the line goes on (it returns
// false, the rest unread). Otherwise they are dropped, counted in s.dropped
// (scan: and into the JSON braces), up to the ending. Memory: the reader's
// buffer.
func (s *Splitter) segment(keep, scan bool) (ended bool) {
	for {
		b, err := s.r.Peek(1)
		if len(b) == 0 {
			s.end(err)
			return true
		}
		b, _ = s.r.Peek(s.r.Buffered())
		end := bytes.IndexByte(b, '\n')
		if end < 0 {
			end = len(b)
		}
		if i := bytes.IndexByte(b[:end], '\r'); i >= 0 {
			end = i
		}
		take := end
		if keep {
			take = min(end, s.max-len(s.line))
			s.line = append(s.line, b[:take]...)
		} else {
			s.dropped += int64(take)
			if scan {
				s.steps(b[:take])
			}
		}
		if take < end {
			s.r.Discard(take)
			return false
		}
		if end == len(b) {
			s.r.Discard(take)
			continue
		}
		cr := b[end] == '\r'
		s.r.Discard(end + 1)
		if cr {
			if b, err := s.r.Peek(1); len(b) == 0 {
				s.end(err)
			} else if b[0] == '\n' {
				s.r.Discard(1)
			}
		}
		return true
	}
}

// end notes the end of the input, or the reader's error.
func (s *Splitter) end(err error) {
	s.eof = true
	if err != nil && err != io.EOF {
		s.err = err
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// jsonStartBytes returns where a JSON record starts in line: at its first
// non-blank byte, or after a framing header. It returns -1 otherwise.
func jsonStartBytes(line []byte) int {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i < len(line) && line[i] == '{' {
		return i
	}
	j := bytes.IndexByte(line, '{')
	if j < 0 || j > 256 {
		return -1
	}
	// Only a short header may stand before the brace; string(...) of at most
	// 256 bytes.
	if envelope.HeaderEnd(string(line[:j+1])) == j {
		return j
	}
	return -1
}

// continues reports whether line starts a record that takes the indented
// lines after it (a seaudit record): a look at its first 32 bytes.
func (s *Splitter) continues(line []byte) bool {
	return s.sniffs(line[:min(len(line), 32)])
}

// sniffs reports whether a continued product's sniff recognises b.
func (s *Splitter) sniffs(b []byte) bool {
	if len(s.continued) == 0 || len(b) == 0 {
		return false
	}
	// The sniffs keep nothing of the text: a copy through a function value
	// would escape, an allocation per line.
	t := unsafe.String(&b[0], len(b))
	for _, sniff := range s.continued {
		if sniff(t) {
			return true
		}
	}
	return false
}

// startsRecord reports whether line can only start a record, so an open
// JSON object before it must have ended: a JSON object complete by itself at
// column 0, or a line that starts with a framing header or a seaudit record.
// No line inside a pretty-printed object is either.
func (s *Splitter) startsRecord(line []byte) bool {
	if len(line) < 2 || line[0] == ' ' || line[0] == '\t' || line[0] == '"' || line[0] == '}' {
		return false
	}
	if line[0] == '{' {
		var d jsonwalk.Depth
		for i, c := range line {
			if d.Step(c) && d.N == 0 {
				return isBlank(line[i+1:])
			}
		}
		return false
	}
	n := min(len(line), 256)
	return s.sniffs(line[:n]) || envelope.HeaderEnd(string(line[:n])) > 0
}
