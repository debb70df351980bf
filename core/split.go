package core

import (
	"bufio"
	"bytes"
	"io"

	"github.com/pamaudit/pamaudit/internal/envelope"
	"github.com/pamaudit/pamaudit/internal/envelope/cri"
	"github.com/pamaudit/pamaudit/internal/jsonwalk"
	"github.com/pamaudit/pamaudit/internal/product/capam"
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
// is dropped, and so are blank lines between records. No record is longer
// than the limit: a longer line is cut into pieces of the limit's size, each
// a record of its own, so nothing is lost.
type Splitter struct {
	r   *bufio.Reader
	max int
	err error
	eof bool

	line []byte // the physical line being handed out
	pos  int    // where the next lone-CR piece of line starts
	bom  bool   // the start of the stream was checked for a BOM

	cur, out []byte // the record being built; the one returned last
	have     bool   // cur holds a record
	open     bool   // cur is a JSON object whose braces are not balanced yet
	held     bool   // cur may still take indented continuation lines
	pending  bool   // cur is a complete record to hand out on the next call
	js       jsonwalk.Depth

	head     []byte // the CRI header of cur's first line, handed out before it
	part     []byte // CRI partial (P) messages waiting for their full line
	partHead []byte // the CRI header of part's first piece
	joined   []byte // the line handed out when part was joined
}

// NewSplitter reads records from r; maxRecordBytes <= 0 means
// DefaultMaxRecordBytes.
func NewSplitter(r io.Reader, maxRecordBytes int) *Splitter {
	if maxRecordBytes <= 0 {
		maxRecordBytes = DefaultMaxRecordBytes
	}
	return &Splitter{r: bufio.NewReaderSize(r, 64<<10), max: maxRecordBytes}
}

// Next returns the next record. The slice is valid until the next call. At
// the end it returns io.EOF, or the reader's error.
func (s *Splitter) Next() ([]byte, error) {
	if s.pending {
		s.pending = false
		return s.emit(), nil
	}
	for {
		line, head, ok := s.logicalLine()
		if !ok {
			if s.have {
				return s.emit(), nil
			}
			if s.err != nil {
				return nil, s.err
			}
			return nil, io.EOF
		}
		if s.open && (isBlank(line) && !s.js.InStr || startsRecord(line)) {
			// A JSON object that never balances (a missing brace, a cut-off
			// write) ends at a blank line or where another record starts.
			rec := s.emit()
			if !isBlank(line) {
				s.start(line, head)
				if !s.open && !s.held {
					s.pending = true
				}
			}
			return rec, nil
		}
		if s.open && len(s.cur)+1+len(line) > s.max {
			// Too long to be one record: hand out what there is.
			rec := s.emit()
			s.start(line, head)
			if !s.open && !s.held {
				s.pending = true
			}
			return rec, nil
		}
		if s.open {
			s.cur = append(s.cur, '\n')
			s.cur = append(s.cur, line...)
			if s.js.Scan(line) <= 0 {
				return s.emit(), nil
			}
			continue
		}
		if isBlank(line) {
			continue
		}
		if s.held && (line[0] == ' ' || line[0] == '\t') && len(s.cur)+1+len(line) <= s.max {
			s.cur = append(s.cur, '\n')
			s.cur = append(s.cur, line...)
			continue
		}
		if s.have {
			// line starts the next record: hand out the held one first and
			// keep line for the next call.
			rec := s.emit()
			s.start(line, head)
			if !s.open && !s.held {
				s.pending = true
			}
			return rec, nil
		}
		s.start(line, head)
		if !s.open && !s.held {
			return s.emit(), nil
		}
	}
}

// start begins a record with line, whose CRI header (if any) is head.
func (s *Splitter) start(line, head []byte) {
	s.cur = append(s.cur[:0], line...)
	s.head = append(s.head[:0], head...)
	s.have = true
	s.open, s.held = false, false
	if j := jsonStartBytes(line); j >= 0 {
		s.js = jsonwalk.Depth{}
		s.open = s.js.Scan(line[j:]) > 0
		return
	}
	s.held = sniffCAPAMBytes(line)
}

func (s *Splitter) emit() []byte {
	if len(s.head) > 0 {
		s.out = append(append(s.out[:0], s.head...), s.cur...)
		s.cur, s.head = s.cur[:0], s.head[:0]
	} else {
		s.out, s.cur = s.cur, s.out[:0]
	}
	s.have, s.open, s.held = false, false, false
	return s.out
}

// logicalLine returns the next line: a plain physical line, or a CRI line's
// message (P pieces joined up to their F) and its header.
func (s *Splitter) logicalLine() (line, head []byte, ok bool) {
	for {
		l, ok := s.readLine()
		if !ok {
			if len(s.part) > 0 { // the stream ended inside a partial line
				return s.takePart(nil)
			}
			return nil, nil, false
		}
		h, isCRI := criHeader(l)
		if !isCRI {
			if len(s.part) > 0 {
				return s.takePart(l) // a P piece with no F: nothing is lost
			}
			return l, nil, true
		}
		msg := l[h.Msg:]
		if h.Partial && len(s.part)+len(msg) < s.max {
			if len(s.part) == 0 {
				s.partHead = append(s.partHead[:0], l[:h.Msg]...)
			}
			s.part = append(s.part, msg...)
			continue
		}
		if len(s.part) > 0 {
			return s.takePart(msg)
		}
		return msg, l[:h.Msg], true
	}
}

// takePart hands out the partial pieces joined with rest.
func (s *Splitter) takePart(rest []byte) ([]byte, []byte, bool) {
	s.joined = append(append(s.joined[:0], s.part...), rest...)
	s.part = s.part[:0]
	return s.joined, s.partHead, true
}

// criHeader reads a CRI header at the start of line.
func criHeader(line []byte) (cri.Header, bool) {
	if len(line) < 30 || line[0] < '0' || line[0] > '9' {
		return cri.Header{}, false
	}
	return cri.Parse(string(line[:min(len(line), 64)]))
}

// readLine returns the next physical line without its ending.
func (s *Splitter) readLine() ([]byte, bool) {
	for {
		if s.pos >= 0 && s.pos < len(s.line) {
			// Hand out the line in pieces: up to a lone CR, at most max bytes.
			rest := s.line[s.pos:]
			if i := bytes.IndexByte(rest, '\r'); i >= 0 && i <= s.max {
				s.pos += i + 1
				return rest[:i], true
			}
			if len(rest) > s.max {
				s.pos += s.max
				return rest[:s.max], true
			}
			s.pos = -1
			return rest, true
		}
		if s.eof {
			return nil, false
		}
		s.line = s.line[:0]
		got := false
		for {
			frag, err := s.r.ReadSlice('\n')
			got = got || len(frag) > 0
			s.line = append(s.line, frag...)
			if err == bufio.ErrBufferFull {
				if len(s.line) >= s.max {
					break // cut an over-long line; the rest comes as the next piece
				}
				continue
			}
			if err != nil {
				s.eof = true
				if err != io.EOF {
					s.err = err
				}
			}
			break
		}
		if !got {
			return nil, false
		}
		if !s.bom {
			s.bom = true
			s.line = bytes.TrimPrefix(s.line, []byte("\xef\xbb\xbf"))
		}
		n := len(s.line)
		if n > 0 && s.line[n-1] == '\n' {
			n--
			if n > 0 && s.line[n-1] == '\r' {
				n--
			}
		}
		s.line = s.line[:n]
		if n <= s.max && bytes.IndexByte(s.line, '\r') < 0 {
			s.pos = -1
			return s.line, true
		}
		s.pos = 0
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

// sniffCAPAMBytes is capam.Sniff for the splitter.
func sniffCAPAMBytes(line []byte) bool {
	n := len(line)
	if n > 32 {
		n = 32
	}
	return capam.Sniff(string(line[:n]))
}

// startsRecord reports whether line can only start a record, so an open
// JSON object before it must have ended: a JSON object complete by itself at
// column 0, or a line that starts with a framing header or a seaudit record.
// No line inside a pretty-printed object is either.
func startsRecord(line []byte) bool {
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
	s := string(line[:n])
	return capam.Sniff(s) || envelope.HeaderEnd(s) > 0
}
