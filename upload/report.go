package upload

import (
	"bytes"
	"fmt"
	"io"
	"os"
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
