package main

import (
	"io"
	"os"
	"time"
)

// idleFlush is how long the input may give nothing before the records
// written so far are flushed.
const idleFlush = 200 * time.Millisecond

// feed reads an input in a goroutine of its own, so that the command, while
// it waits for more input, can flush what it wrote once the input has been
// idle for idleFlush, and can stop on a signal. It is the io.Reader the
// records are read from.
type feed struct {
	data chan chunk  // chunks read, in order
	free chan []byte // buffers to read into
	done chan struct{}

	cur    chunk
	err    error // the input's end or read error, once cur is used up
	stop   os.Signal
	closed bool

	// pending reports whether written output waits to be flushed; flush
	// flushes it. after is the idle timer (time.After).
	pending func() bool
	flush   func()
	after   func(time.Duration) <-chan time.Time
	signals <-chan os.Signal
}

type chunk struct {
	buf []byte // a buffer from free
	b   []byte // the unread part of buf
	err error
}

// feedBuffers is how many chunks the goroutine may read ahead. The data
// channel holds as many, so the goroutine never blocks on handing one over
// and a chunk read before a signal is still taken.
const feedBuffers = 2

func newFeed(r io.Reader, c *command, pending func() bool, flush func()) *feed {
	f := &feed{
		data:    make(chan chunk, feedBuffers),
		free:    make(chan []byte, feedBuffers),
		done:    make(chan struct{}),
		pending: pending,
		flush:   flush,
		after:   c.after,
		signals: c.signals,
	}
	for range feedBuffers {
		f.free <- make([]byte, 64<<10)
	}
	go f.pump(r)
	return f
}

// pump reads r until its end or an error, or until close. A Read blocked on
// a pipe or a terminal is left to the end of the process.
func (f *feed) pump(r io.Reader) {
	for {
		select {
		case <-f.done:
			return
		default:
		}
		var buf []byte
		select {
		case buf = <-f.free:
		case <-f.done:
			return
		}
		n, err := r.Read(buf)
		f.data <- chunk{buf: buf, b: buf[:n], err: err}
		if err != nil {
			return
		}
	}
}

// close stops the goroutine once its Read returns.
func (f *feed) close() {
	if !f.closed {
		f.closed = true
		close(f.done)
	}
}

// Read hands out the chunks in order. When none is ready it waits, and
// flushes the output once the input has been idle for idleFlush. On a signal
// it hands out what was already read and then io.EOF, so the records held
// are written too; stop says which signal.
func (f *feed) Read(p []byte) (int, error) {
	for len(f.cur.b) == 0 {
		if f.cur.buf != nil {
			f.free <- f.cur.buf
			f.cur.buf = nil
		}
		if f.err != nil {
			return 0, f.err
		}
		select {
		case s := <-f.signals:
			f.interrupt(s)
			continue
		default:
		}
		var c chunk
		select {
		case c = <-f.data:
		default:
			if f.stop != nil {
				f.err = io.EOF
				continue
			}
			c = f.wait()
		}
		if c.buf == nil { // interrupted while waiting
			continue
		}
		f.cur, f.err = c, c.err
	}
	n := copy(p, f.cur.b)
	f.cur.b = f.cur.b[n:]
	return n, nil
}

// wait waits for the next chunk, flushing the output when the input is idle;
// it returns no chunk on a signal.
func (f *feed) wait() chunk {
	var idle <-chan time.Time
	if f.pending() {
		idle = f.after(idleFlush)
	}
	for {
		select {
		case c := <-f.data:
			return c
		case s := <-f.signals:
			f.interrupt(s)
			return chunk{}
		case <-idle:
			f.flush()
			idle = nil
		}
	}
}

func (f *feed) interrupt(s os.Signal) {
	if f.stop == nil {
		f.stop = s
		f.signals = nil // a nil channel: no more signals are taken
		f.close()
	}
}
