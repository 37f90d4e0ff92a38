// Package progress shows how far a long run has gone: a Meter counts the
// rows and the bytes of input read (safe for concurrent use, and a nil
// *Meter counts nothing, so hot paths call it unconditionally), and Show
// draws it on a terminal with its rate and, when the input's size is known,
// an ETA. On anything but a terminal (a pipe, a file, a log) Show draws
// nothing.
//
//	m := new(progress.Meter)
//	d := progress.Show(os.Stderr, "convert", progress.Size(paths), m)
//	… m.Rows(n); r = m.Reader(r) …
//	d.Stop()
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Meter counts rows and bytes of input. The zero value is ready; a nil
// *Meter ignores every count.
type Meter struct {
	rows, bytes atomic.Int64
}

// Rows adds n rows.
func (m *Meter) Rows(n int) {
	if m != nil {
		m.rows.Add(int64(n))
	}
}

// Reader returns r counting the bytes read from it into m (r itself when m
// is nil).
func (m *Meter) Reader(r io.Reader) io.Reader {
	if m == nil {
		return r
	}
	return &countingReader{r: r, m: m}
}

type countingReader struct {
	r io.Reader
	m *Meter
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.m.bytes.Add(int64(n))
	return n, err
}

// Size is the total size of the files at paths, or -1 when one of them is
// standard input ("-") or not a regular file (a pipe has no size).
func Size(paths []string) int64 {
	var total int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if p == "-" || err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		total += fi.Size()
	}
	return total
}

// Terminal says whether w is a terminal.
func Terminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// refresh is how often Show redraws.
const refresh = 200 * time.Millisecond

// Display is a progress display on a terminal. A nil *Display (what Show
// returns when it draws nothing) does nothing.
type Display struct {
	w    io.Writer
	mu   sync.Mutex // a redraw and a line written through Lines
	bar  *progressbar.ProgressBar
	draw func()
	done chan struct{}
	wg   sync.WaitGroup
	// stopped is set by Stop (under mu).
	stopped bool
}

// Show draws m on w, a terminal, until Stop: what, the rows and their rate,
// the bytes read (of total, with a percentage and an ETA, when total is not
// -1) and their rate. When w is not a terminal (or m is nil), it draws nothing and
// returns nil.
func Show(w io.Writer, what string, total int64, m *Meter) *Display {
	if m == nil || !Terminal(w) {
		return nil
	}
	d := &Display{w: w, done: make(chan struct{})}
	d.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetWidth(20),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSpinnerType(14),
	)
	start := time.Now()
	d.draw = func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		rows := m.rows.Load()
		d.bar.Describe(fmt.Sprintf("%s: %d rows, %.0f rows/s", what, rows, float64(rows)/time.Since(start).Seconds()))
		d.bar.Set64(m.bytes.Load())
	}
	d.wg.Add(1)
	go d.redraw()
	return d
}

func (d *Display) redraw() {
	defer d.wg.Done()
	t := time.NewTicker(refresh)
	defer t.Stop()
	for {
		select {
		case <-d.done:
			return
		case <-t.C:
			d.draw()
		}
	}
}

// Stop draws the final count and ends the display's line, so that what
// follows starts on a line of its own. It may be called more than once.
func (d *Display) Stop() {
	if d == nil || d.isStopped() {
		return
	}
	close(d.done)
	d.wg.Wait()
	d.draw()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.bar.Exit()
	fmt.Fprintln(d.w)
	d.stopped = true
}

func (d *Display) isStopped() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stopped
}

// Lines returns a writer for whole lines printed on the display's terminal
// while it shows (rejected rows, an upload's chunks): each write first
// clears the display's line, which the next refresh draws again below. With
// a nil *Display it returns w.
func (d *Display) Lines(w io.Writer) io.Writer {
	if d == nil {
		return w
	}
	return &above{d: d, w: w}
}

type above struct {
	d *Display
	w io.Writer
}

func (a *above) Write(p []byte) (int, error) {
	a.d.mu.Lock()
	defer a.d.mu.Unlock()
	if !a.d.stopped {
		a.d.bar.Clear()
	}
	return a.w.Write(p)
}
