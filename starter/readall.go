package starter

import (
	"bytes"
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"csv2activity/input"
	"csv2activity/internal/bufpool"
	"csv2activity/internal/progress"
)

// Reading a whole file for init, as convert reads it: the same reader
// (input.Open, Next) cuts the file into batches of whole records, the same
// splitter (input.Parse) cuts them into fields on parallel workers, and the
// rows convert refuses whatever the mapping are counted, not profiled.
// The cells reach the profile in input order, column by column, with the
// columns shared among goroutines: a column's stats only ever see its own
// cells, in order, so the profile is the one a single goroutine adding row
// after row would make (TestReadAllIsAddInOrder).

// readBatch is how many bytes of records each batch holds.
const readBatch = 64 << 10

// parsed is one batch cut into cells: rows of width cells each, and the
// lines of the records refused, in input order.
type parsed struct {
	cells []string
	bad   []int
	ready chan struct{} // closed once cells and bad are set
	lanes atomic.Int32  // the lanes yet to take the batch in
}

// cellSlices recycles the cells of the batches every lane has taken in.
var cellSlices sync.Pool

// newCells returns an empty slice with room for n cells.
func newCells(n int) []string {
	if p, ok := cellSlices.Get().(*[]string); ok && cap(*p) >= n {
		return (*p)[:0]
	}
	return make([]string, 0, n)
}

// release recycles the batch's cells once the last lane has taken it in.
func (b *parsed) release() {
	if b.lanes.Add(-1) == 0 {
		clear(b.cells)
		cells := b.cells[:0]
		b.cells = nil
		cellSlices.Put(&cells)
	}
}

// readAll profiles every row of the file at path with the sample's header
// and delimiter (and sheet). meter, if not nil, counts the bytes of the
// file as they are read and the rows as they are profiled.
func readAll(ctx context.Context, path string, sample *input.Sample, src *Source, meter *progress.Meter) (*Profile, error) {
	in, err := input.Open(ctx, path, input.Options{Encoding: "auto", Delimiter: sample.Delimiter, Header: true, Sheet: sample.Sheet, Progress: meter})
	if err != nil {
		return nil, err
	}
	defer in.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job, workers)
	order := make(chan *parsed, 2*workers)
	dup := duplicates(sample.Header) // the columns read as blank, the same for every batch
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.parse(sample.Header, dup)
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		readErr <- feed(ctx, in, jobs, order)
		close(jobs)
		close(order)
	}()
	p := NewProfile(sample.Header)
	lanes := newLanes(p)
	for b := range order {
		<-b.ready
		if w := len(sample.Header); w > 0 { // before the lanes take the batch's cells
			meter.Rows(len(b.cells)/w + len(b.bad))
		}
		lanes.add(b)
		for _, l := range b.bad {
			src.malformed(l)
		}
	}
	lanes.wait()
	wg.Wait()
	if err := <-readErr; err != nil {
		return nil, err
	}
	return p, nil
}

// job is a batch on its way to a worker, with where its cells go.
type job struct {
	b   *input.Batch
	out *parsed
}

// feed reads in's batches and hands each to the workers and, in input
// order, to the profile; it stops at the end of the input, on an error, or
// once ctx is done.
func feed(ctx context.Context, in *input.Reader, jobs chan<- job, order chan<- *parsed) error {
	for {
		b, err := in.Next(readBatch)
		if err != nil || b == nil {
			return err
		}
		out := &parsed{ready: make(chan struct{})}
		select {
		case order <- out:
		case <-ctx.Done():
			return ctx.Err()
		}
		jobs <- job{b: b, out: out}
	}
}

// parse cuts the batch into cells, refusing the rows convert refuses: a
// malformed line, another number of fields than the header, bytes that are
// not UTF-8. A column named like an earlier one (dup) reads as blank, as
// mapping reads it.
func (j job) parse(header []string, dup []int) {
	defer close(j.out.ready)
	b, out := j.b, j.out
	if b.Malformed != nil {
		out.bad = append(out.bad, b.Malformed.Line)
		return
	}
	out.cells = newCells((bytes.Count(b.Data, []byte{'\n'}) + 1) * len(header))
	input.Parse(b.Data, b.Line, b.Comma, func(rec *input.Record) {
		if rec.Err != nil || len(rec.Fields) != len(header) || (b.CheckUTF8 && !utf8.Valid(rec.Raw)) {
			out.bad = append(out.bad, rec.Line)
			return
		}
		start := len(out.cells)
		out.cells = append(out.cells, rec.Fields...)
		for _, i := range dup {
			out.cells[start+i] = ""
		}
	})
	bufpool.Put(b.Data)
}

// duplicates lists the columns named like an earlier one.
func duplicates(header []string) []int {
	var dup []int
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		if seen[h] {
			dup = append(dup, i)
		}
		seen[h] = true
	}
	return dup
}

// lanes adds batches of rows to a profile, as Add would one row after the
// other: the columns, and what a row says across them, are dealt among
// goroutines that each take every batch in input order, for their columns
// only, at their own pace.
type lanes struct {
	p    *Profile
	in   []chan *parsed
	done sync.WaitGroup
}

// laneDepth is how many batches a lane may lag behind the reader.
const laneDepth = 4

// newLanes starts the lanes of p: enough for the scheduler to keep every
// processor busy while one lane has a heavier column than the others.
func newLanes(p *Profile) *lanes {
	width := len(p.cols)
	n := min(width+1, 4*runtime.GOMAXPROCS(0))
	l := &lanes{p: p, in: make([]chan *parsed, n)}
	for k := range n {
		l.in[k] = make(chan *parsed, laneDepth)
		l.done.Add(1)
		go l.run(k, width)
	}
	return l
}

// run is lane k: the columns k, k+n, k+2n…, the last lane's "column" (the
// one past the header) being what a row says across columns.
func (l *lanes) run(k, width int) {
	defer l.done.Done()
	n := len(l.in)
	for b := range l.in[k] {
		cells := b.cells
		for c := k; c <= width; c += n {
			if c == width {
				for r := 0; r < len(cells); r += width {
					l.p.lines.add(cells[r : r+width])
				}
				continue
			}
			s := l.p.cols[c]
			for r := c; r < len(cells); r += width {
				s.add(cells[r])
			}
		}
		b.release()
	}
}

// add hands a batch of rows of len(p.Header) cells each to every lane.
func (l *lanes) add(b *parsed) {
	if len(l.p.cols) == 0 {
		return
	}
	l.p.Rows += len(b.cells) / len(l.p.cols)
	b.lanes.Store(int32(len(l.in)))
	for _, in := range l.in {
		in <- b
	}
}

// wait waits until every batch added has been taken in.
func (l *lanes) wait() {
	for _, in := range l.in {
		close(in)
	}
	l.done.Wait()
}
