package upload

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"csv2activity/internal/bytesize"
)

// progress shows an upload as it goes: on a terminal, a bar of the bytes
// sent with the lines done; elsewhere (a pipe, a log), one plain line per
// chunk. Notes (retries, reconciliations) are plain lines in both cases.
type progress struct {
	w          io.Writer
	bar        *progressbar.ProgressBar
	tty        bool
	sent       int64 // bytes of the chunks done
	lines      int   // lines of the chunks done
	totalLines int   // -1 when unknown (a stream)
	chunks     int   // number of chunks, 0 when unknown
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, tty: ok && term.IsTerminal(int(f.Fd())), totalLines: -1}
}

// start begins the display for the planned chunks (nil for a stream, whose
// size is not known in advance).
func (p *progress) start(chunks []Chunk) {
	total := int64(-1)
	if chunks != nil {
		total, p.totalLines, p.chunks = 0, 0, len(chunks)
		for _, c := range chunks {
			total += c.Length
			p.totalLines += c.Lines
		}
	}
	if !p.tty {
		return
	}
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetDescription(p.describe()),
	)
}

func (p *progress) describe() string {
	if p.totalLines < 0 {
		return fmt.Sprintf("%d lines", p.lines)
	}
	return fmt.Sprintf("%d/%d lines", p.lines, p.totalLines)
}

// body returns a reader of a chunk's bytes that moves the bar as the
// request sends them.
func (p *progress) body(b []byte) io.Reader {
	if p.bar == nil {
		return bytes.NewReader(b)
	}
	return io.TeeReader(bytes.NewReader(b), p.bar)
}

// rewind takes the bar back to the chunks done, after a failed attempt.
func (p *progress) rewind() {
	if p.bar != nil {
		p.bar.Set64(p.sent)
	}
}

// done records a chunk as held by an execution; how says what happened.
func (p *progress) done(c *Chunk, how string) {
	p.sent += c.Length
	p.lines += c.Lines
	if p.bar != nil {
		p.bar.Describe(p.describe())
		p.bar.Set64(p.sent)
		return
	}
	of := ""
	if p.chunks > 0 {
		of = fmt.Sprintf("/%d", p.chunks)
	}
	fmt.Fprintf(p.w, "chunk %d%s: %s (%s): %s\n", c.Index+1, of, c.where(), bytesize.Format(c.Length), how)
}

// note prints a line about the run, above the bar on a terminal.
func (p *progress) note(format string, args ...any) {
	if p.bar != nil {
		p.bar.Clear()
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}

// finish ends the bar's line.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		fmt.Fprintln(p.w)
		p.bar = nil
	}
}

// runningStatuses are the statuses of an execution that has not ended; any
// other (SUCCEEDED, FAILED, CANCELED, LOST, EXECUTOR_NOT_RESPONDING, or one
// the API adds later) is final.
var runningStatuses = map[string]bool{"PENDING": true, "SCHEDULED": true, "RUNNING": true}

// maxPollInterval bounds the growing wait between two looks at an
// execution.
const maxPollInterval = 15 * time.Second

// waitAll follows the execution of every chunk until it ends, prints each
// result and the totals to Stdout, and records the results in the state. An
// execution that ended in another status than SUCCEEDED makes the error
// (ErrExecutionFailed); rows the API refused are counted in TotalFailure.
func (s *session) waitAll(ctx context.Context) error {
	if len(s.st.Chunks) == 0 {
		return nil
	}
	s.sum.Waited = true
	var failed []string
	for i := range s.st.Chunks {
		c := &s.st.Chunks[i]
		if c.Result == nil || runningStatuses[c.Result.Status] {
			r, err := s.follow(ctx, c.ExecutionID)
			if err != nil {
				return fmt.Errorf("wait for execution %s: %w", c.ExecutionID, err)
			}
			c.Result = r
			if err := s.save(); err != nil {
				return err
			}
		}
		s.report(c)
		if c.Result.Status != "SUCCEEDED" {
			failed = append(failed, c.ExecutionID+" "+c.Result.Status)
		}
	}
	fmt.Fprintf(s.o.Stdout, "document import %s: %d executions, %d failed; total_success=%d total_failure=%d\n",
		s.st.ImportID, len(s.st.Chunks), len(failed), s.sum.TotalSuccess, s.sum.TotalFailure)
	if len(failed) > 0 {
		return fmt.Errorf("%w: %s", ErrExecutionFailed, strings.Join(failed, ", "))
	}
	return nil
}

// report prints one execution's end and adds it to the totals.
func (s *session) report(c *Chunk) {
	r := c.Result
	s.sum.TotalSuccess += r.TotalSuccess
	s.sum.TotalFailure += r.TotalFailure
	line := fmt.Sprintf("execution %s (chunk %d, %s): %s total_success=%d total_failure=%d",
		c.ExecutionID, c.Index+1, c.where(), r.Status, r.TotalSuccess, r.TotalFailure)
	if r.ErrorFileURI != "" {
		line += " error_file_uri=" + r.ErrorFileURI
	}
	if len(c.Duplicates) > 0 {
		line += " (also held by executions " + strings.Join(c.Duplicates, ", ") + ")"
	}
	fmt.Fprintln(s.o.Stdout, line)
}

// follow polls an execution until its status is final, waiting
// PollInterval, then half as long again each time, up to 15 s.
func (s *session) follow(ctx context.Context, id string) (*Result, error) {
	interval := s.o.PollInterval
	for {
		var e execution
		err := s.retry(ctx, func() (err error) {
			e, err = s.api.execution(ctx, s.st.ImportID, id)
			return err
		})
		if err != nil {
			return nil, err
		}
		if !runningStatuses[e.Status] {
			r := &Result{Status: e.Status}
			if e.Result != nil {
				r.TotalSuccess, r.TotalFailure, r.ErrorFileURI = e.Result.TotalSuccess, e.Result.TotalFailure, e.Result.ErrorFileURI
			}
			return r, nil
		}
		if err := sleep(ctx, interval); err != nil {
			return nil, err
		}
		interval = min(interval*3/2, maxPollInterval)
	}
}
