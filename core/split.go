package core

import (
	"bufio"
	"bytes"
	"io"

	"github.com/pamaudit/pamaudit/internal/jsonwalk"
	"github.com/pamaudit/pamaudit/internal/product/capam"
	"github.com/pamaudit/pamaudit/internal/product/netwrix"
	"github.com/pamaudit/pamaudit/internal/product/passman"
)

// Splitter groups the physical lines of a stream into records:
//
//   - a line that opens a JSON object (at its start, or after a syslog
//     header) takes the following lines until its braces balance, counted
//     outside strings (Netwrix pretty-printed JSON);
//   - a CA PAM seaudit record takes the indented lines that follow it (the
//     detailed output's "Label: value" lines);
//   - every other line is a record of its own.
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
		line, ok := s.readLine()
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
				s.start(line)
				if !s.open && !s.held {
					s.pending = true
				}
			}
			return rec, nil
		}
		if s.open && len(s.cur)+1+len(line) > s.max {
			// Too long to be one record: hand out what there is.
			rec := s.emit()
			s.start(line)
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
			s.start(line)
			if !s.open && !s.held {
				s.pending = true
			}
			return rec, nil
		}
		s.start(line)
		if !s.open && !s.held {
			return s.emit(), nil
		}
	}
}

// start begins a record with line.
func (s *Splitter) start(line []byte) {
	s.cur = append(s.cur[:0], line...)
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
	s.out, s.cur = s.cur, s.out[:0]
	s.have, s.open, s.held = false, false, false
	return s.out
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
// non-blank byte, or after a syslog header. It returns -1 otherwise.
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
	// Only a short syslog header may stand before the brace; string(...) of
	// at most 256 bytes.
	if netwrix.JSONStart(string(line[:j+1])) == j {
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

// startsRecord reports whether line starts a record of a line-led format
// (a syslog or seaudit time at column 0), which no JSON line does.
func startsRecord(line []byte) bool {
	if len(line) < 15 || line[0] == ' ' || line[0] == '\t' || line[0] == '"' || line[0] == '{' || line[0] == '}' {
		return false
	}
	n := min(len(line), 32)
	s := string(line[:n])
	return capam.Sniff(s) || passman.Sniff(s)
}
