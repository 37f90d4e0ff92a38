// Package progress shows how far a long run has gone: a Meter counts the
// rows and the bytes of input read (safe for concurrent use, and a nil
// *Meter counts nothing, so hot paths call it unconditionally), and Show
// draws it on a terminal with its rate and, when the input's size is known,
// an ETA. On anything but a terminal (a pipe, a file, a log) Show draws
// nothing.
//
//	m := new(progress.Meter)
//	stop := progress.Show(os.Stderr, "converting", progress.Size(paths), m)
//	… m.Rows(n); r = m.Reader(r) …
//	stop()
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

// refresh is how often Show redraws.
const refresh = 200 * time.Millisecond

// Show draws m on w, a terminal, until stop is called: what, the rows, the
// bytes read (of total, with a percentage and an ETA, when total is not -1)
// and the rate. stop draws the final count and clears the line, so that
// what follows starts on a clean line. When w is not a terminal, Show draws
// nothing and stop does nothing.
func Show(w io.Writer, what string, total int64, m *Meter) (stop func()) {
	f, ok := w.(*os.File)
	if !ok || m == nil || !term.IsTerminal(int(f.Fd())) {
		return func() {}
	}
	bar := progressbar.NewOptions64(total,
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
	draw := func() {
		bar.Describe(fmt.Sprintf("%s: %d rows", what, m.rows.Load()))
		bar.Set64(m.bytes.Load())
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(refresh)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				draw()
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		draw()
		bar.Exit()
		fmt.Fprintln(w)
	}
}
