package main

import (
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	passmanLine = "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): id = 7, type = Logout, user_upn = alice@corp.example"
	capamLine   = "28 Oct 2008 12:15:01 P LOGIN root 59 2 _CRONJOB_ SBIN_CRON" // held: detail lines may follow
)

// deadline bounds every wait of these tests; none of them needs it unless
// the command is broken.
const deadline = 20 * time.Second

// writes is an output that hands each write over as it happens.
type writes chan string

func (w writes) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

// stream runs pamaudit parse on an input the test writes to as it goes,
// with an idle timer the test fires.
type stream struct {
	t      *testing.T
	in     *io.PipeWriter
	out    writes
	timers chan time.Duration // the durations the command set its idle timer to
	fire   chan time.Time
	sigs   chan os.Signal
	code   chan int
	stderr strings.Builder // read once code says the command ended
}

func startStream(t *testing.T, flushEach bool, args ...string) *stream {
	r, w := io.Pipe()
	s := &stream{
		t: t, in: w, out: make(writes, 64),
		timers: make(chan time.Duration, 16), fire: make(chan time.Time),
		sigs: make(chan os.Signal, 1), code: make(chan int, 1),
	}
	c := &command{
		stdin: r, stdout: s.out, stderr: &s.stderr, flushEach: flushEach, now: testNow,
		after: func(d time.Duration) <-chan time.Time {
			s.timers <- d
			return s.fire
		},
		signals: s.sigs,
	}
	go func() { s.code <- c.run(append([]string{"parse"}, args...)) }()
	t.Cleanup(func() { w.Close() })
	return s
}

func (s *stream) write(text string) {
	if _, err := s.in.Write([]byte(text)); err != nil {
		s.t.Fatal(err)
	}
}

// idle waits until the command waits for input with its idle timer set:
// it has read all there was and holds written records.
func (s *stream) idle() {
	s.t.Helper()
	if d := receive(s.t, s.timers, "the command never waited with an idle timer"); d != idleFlush {
		s.t.Errorf("idle timer %v, want %v", d, idleFlush)
	}
}

// written returns what was written so far, without waiting.
func (s *stream) written() string {
	var b strings.Builder
	for {
		select {
		case w := <-s.out:
			b.WriteString(w)
		default:
			return b.String()
		}
	}
}

// next waits for the next write.
func (s *stream) next() string {
	s.t.Helper()
	return receive(s.t, s.out, "nothing written")
}

func (s *stream) exit() int {
	s.t.Helper()
	return receive(s.t, s.code, "the command did not end")
}

// receive waits for a value from ch, failing the test with msg after the
// deadline.
func receive[T any](t *testing.T, ch <-chan T, msg string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(deadline):
		t.Fatal(msg)
	}
	panic("unreachable")
}

// Writing to a file, records wait in the buffer while input comes, and are
// flushed once the input has been idle.
func TestIdleFlush(t *testing.T) {
	s := startStream(t, false)
	s.write(passmanLine + "\n")
	s.idle()
	if w := s.written(); w != "" {
		t.Fatalf("written before the input was idle: %q", w)
	}
	s.fire <- time.Time{}
	if w := s.next(); !strings.Contains(w, `"event_name":"passman.logout"`) || strings.Count(w, "\n") != 1 {
		t.Fatalf("idle flush wrote %q", w)
	}

	// Only output waiting to be flushed sets the timer: nothing more is
	// written until more input comes.
	s.write(passmanLine + "\n" + passmanLine + "\n")
	s.idle()
	s.fire <- time.Time{}
	if w := s.next(); strings.Count(w, `"passman.logout"`) != 2 {
		t.Fatalf("second idle flush wrote %q", w)
	}
	s.in.Close()
	if code := s.exit(); code != 0 {
		t.Errorf("exit %d", code)
	}
	select {
	case d := <-s.timers:
		t.Errorf("idle timer (%v) set with nothing to flush", d)
	default:
	}
}

// Writing to a pipe or a terminal, each record is flushed as it is written,
// with no timer.
func TestFlushEachRecord(t *testing.T) {
	s := startStream(t, true)
	// Picking the framing waits for no more bytes than it needs: a record
	// of one byte comes out at once.
	s.write("x\n")
	if w := s.next(); !strings.Contains(w, `"body":"x"`) {
		t.Fatalf("wrote %q", w)
	}
	for range 3 {
		s.write(passmanLine + "\n")
		if w := s.next(); !strings.Contains(w, `"passman.logout"`) {
			t.Fatalf("wrote %q", w)
		}
	}
	s.in.Close()
	if code := s.exit(); code != 0 {
		t.Errorf("exit %d", code)
	}
	if len(s.timers) > 0 {
		t.Errorf("idle timer set while flushing each record")
	}
}

// On SIGTERM or SIGINT every record read is written, the one the splitter
// holds for detail lines too, and the exit status says which signal.
func TestSignalFlushes(t *testing.T) {
	for sig, want := range map[os.Signal]int{syscall.SIGTERM: 143, os.Interrupt: 130} {
		s := startStream(t, false, "-", "/nonexistent/never-opened.log")
		s.write(passmanLine + "\n" + capamLine + "\n")
		s.idle()
		s.sigs <- sig
		if code := s.exit(); code != want {
			t.Errorf("%v: exit %d, want %d", sig, code, want)
		}
		w := s.written()
		if !strings.Contains(w, `"passman.logout"`) || !strings.Contains(w, `"capam.login"`) || strings.Count(w, "\n") != 2 {
			t.Errorf("%v: wrote %q, want both records", sig, w)
		}
		if e := s.stderr.String(); e != "passman: 1 record, 0 failed\ncapam: 1 record, 0 failed\n" {
			t.Errorf("%v: stderr %q, want the summary and no attempt at the next file", sig, e)
		}
	}
}
