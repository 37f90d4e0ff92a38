package upload

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"csv2activity/internal/bytesize"
	"csv2activity/internal/ndjson"
)

// Chunking. A stream of ndjson lines is cut into chunks of whole lines: each
// chunk holds as many lines as fit in the chunk size, so the same stream and
// size always give the same chunks. A resumed run first cuts the chunks the
// state records at their recorded lengths (whatever --chunk-size is now),
// then goes on at the current size.

// errCutMismatch is a stream whose lines no longer fall where the state
// recorded a chunk's end.
var errCutMismatch = errors.New("the lines no longer end where the state's chunk ended")

// chunkEnds decides where the chunks of one stream end.
type chunkEnds struct {
	max  int64
	cuts []int64 // lengths of the first chunks, from the state
	size int64   // bytes in the open chunk
	done int     // chunks closed
}

// before reports whether the open chunk must be closed before a line of n
// bytes is added to it.
func (s *chunkEnds) before(n int64) (bool, error) {
	if s.done < len(s.cuts) {
		want := s.cuts[s.done]
		switch {
		case s.size == want:
			return true, nil
		case s.size+n > want:
			return false, errCutMismatch
		}
		return false, nil
	}
	if n > s.max {
		return false, fmt.Errorf("the line is %s, more than the chunk size %s (--chunk-size)", bytesize.Format(n), bytesize.Format(s.max))
	}
	return s.size > 0 && s.size+n > s.max, nil
}

func (s *chunkEnds) add(n int64) { s.size += n }

func (s *chunkEnds) close() { s.done, s.size = s.done+1, 0 }

// end checks, at the end of the stream and before the open chunk (if any)
// is closed, that every recorded chunk is complete: the open one must be the
// last recorded, at its recorded length, or come after them all.
func (s *chunkEnds) end() error {
	switch recorded := len(s.cuts) - s.done; {
	case recorded <= 0:
		return nil
	case recorded > 1 || s.size != s.cuts[s.done]:
		return errCutMismatch
	}
	return nil
}

// chunkSum accumulates the description of the open chunk.
type chunkSum struct {
	c    Chunk
	hash hash.Hash
}

func (cs *chunkSum) start(index int, file string, offset int64, line int) {
	cs.c = Chunk{Index: index, File: file, Offset: offset, FirstLine: line}
	if cs.hash == nil {
		cs.hash = sha256.New()
	}
	cs.hash.Reset()
}

func (cs *chunkSum) add(line []byte) {
	cs.hash.Write(line)
	cs.c.Length += int64(len(line))
	cs.c.Lines++
}

func (cs *chunkSum) finish() Chunk {
	cs.c.SHA256 = hex.EncodeToString(cs.hash.Sum(nil))
	return cs.c
}

// cutter turns a stream of lines into chunks: it checks every line against
// the activity rules, decides where the chunks end (chunkEnds) and describes
// each one (place, lines, checksum).
type cutter struct {
	ends   chunkEnds
	sum    chunkSum
	name   string // the stream in errors: a file, or "the output"
	file   string // Chunk.File
	index  int    // the open chunk's index
	offset int64  // the next line's offset
	line   int    // the next line's number
	// lines, when set, checks the lines instead of add (on every core).
	lines *lineChecker
	rules lineRules // the rules the lines are checked against
}

func newCutter(name, file string, index int, max int64, cuts []int64) *cutter {
	return &cutter{ends: chunkEnds{max: max, cuts: cuts}, name: name, file: file, index: index, line: 1}
}

// add takes the next line, with its newline, and returns the chunk it
// closed by not fitting in it, if it did.
func (cu *cutter) add(line []byte) (*Chunk, error) {
	if cu.lines != nil {
		cu.lines.add(cu.line, line)
	} else if err := checkLine(cu.rules, cu.name, cu.line, line); err != nil {
		return nil, err
	}
	n := int64(len(line))
	cut, err := cu.ends.before(n)
	if err != nil {
		return nil, planError(cu.name, cu.line, err)
	}
	var closed *Chunk
	if cut {
		closed = cu.close()
	}
	if cu.ends.size == 0 {
		cu.sum.start(cu.index, cu.file, cu.offset, cu.line)
	}
	cu.sum.add(line)
	cu.ends.add(n)
	cu.offset += n
	cu.line++
	return closed, nil
}

// end returns the last chunk (nil when no line is left for it) at the end
// of the stream.
func (cu *cutter) end() (*Chunk, error) {
	if err := cu.ends.end(); err != nil {
		return nil, planError(cu.name, cu.line, err)
	}
	if cu.ends.size == 0 {
		return nil, nil
	}
	return cu.close(), nil
}

func (cu *cutter) close() *Chunk {
	c := cu.sum.finish()
	cu.ends.close()
	cu.index++
	return &c
}

// checkLine validates one line (with or without its newline) against the
// activity rules.
func checkLine(rules lineRules, name string, n int, line []byte) error {
	if err := validateLine(rules, line); err != nil {
		return &LineError{File: name, Line: n, Err: err}
	}
	return nil
}

// planFile reads one ndjson file, checks every line (on every core) and
// returns its chunks, numbered from index; cuts are the lengths of its chunks
// the state records. An invalid line is reported as the first one in the
// file.
func planFile(path string, index int, max int64, cuts []int64, rules lineRules) ([]Chunk, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("open input: %w", err)
	}
	defer f.Close()
	cu := newCutter(path, path, index, max, cuts)
	cu.lines = newLineChecker(path, rules)
	chunks, err := cutFile(cu, ndjson.NewReader(f, 1<<20))
	if bad := cu.lines.wait(); bad != nil {
		return nil, bad
	}
	return chunks, err
}

// cutFile cuts what r holds into chunks, until the end, an error, or an
// invalid line found by cu's line checker.
func cutFile(cu *cutter, lr *ndjson.Reader) ([]Chunk, error) {
	var chunks []Chunk
	for !cu.lines.failed() {
		line, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", cu.name, err)
		}
		c, err := cu.add(line)
		if err != nil {
			return nil, err
		}
		if c != nil {
			chunks = append(chunks, *c)
		}
	}
	last, err := cu.end()
	if last != nil {
		chunks = append(chunks, *last)
	}
	return chunks, err
}

// lineChecker checks lines against the activity rules on every core: it
// takes them in order, in batches of about checkBatch bytes, and reports the
// first invalid one in the input.
type lineChecker struct {
	name  string
	rules lineRules
	work  chan lineBatch
	wg    sync.WaitGroup
	cur   lineBatch
	bad   atomic.Bool
	mu    sync.Mutex
	first *LineError
}

// lineBatch holds consecutive lines: line i is data[ends[i-1]:ends[i]].
type lineBatch struct {
	first int // the number of the first line
	data  []byte
	ends  []int
}

const checkBatch = 1 << 20

func newLineChecker(name string, rules lineRules) *lineChecker {
	n := runtime.GOMAXPROCS(0)
	lc := &lineChecker{name: name, rules: rules, work: make(chan lineBatch, 2*n)}
	lc.wg.Add(n)
	for range n {
		go lc.run()
	}
	return lc
}

// add queues line number n; line is copied.
func (lc *lineChecker) add(n int, line []byte) {
	if len(lc.cur.ends) == 0 {
		lc.cur.first = n
	}
	lc.cur.data = append(lc.cur.data, line...)
	lc.cur.ends = append(lc.cur.ends, len(lc.cur.data))
	if len(lc.cur.data) >= checkBatch {
		lc.work <- lc.cur
		lc.cur = lineBatch{}
	}
}

func (lc *lineChecker) run() {
	defer lc.wg.Done()
	for b := range lc.work {
		start := 0
		for i, end := range b.ends {
			if err := checkLine(lc.rules, lc.name, b.first+i, b.data[start:end]); err != nil {
				lc.report(err.(*LineError))
				break
			}
			start = end
		}
	}
}

func (lc *lineChecker) report(err *LineError) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.first == nil || err.Line < lc.first.Line {
		lc.first = err
	}
	lc.bad.Store(true)
}

// failed reports whether an invalid line has been found: the lines after it
// need no checking.
func (lc *lineChecker) failed() bool { return lc != nil && lc.bad.Load() }

// wait checks the lines still queued and returns the first invalid line of
// all, or nil.
func (lc *lineChecker) wait() error {
	if len(lc.cur.ends) > 0 {
		lc.work <- lc.cur
	}
	close(lc.work)
	lc.wg.Wait()
	if lc.first == nil {
		return nil
	}
	return lc.first
}

// planError explains a line that cannot be chunked.
func planError(name string, line int, err error) error {
	if errors.Is(err, errCutMismatch) {
		return usagef("%s has changed since the state recorded its chunks: %w (a resumed upload needs the same input; start a new one with another --state)", name, err)
	}
	return &LineError{File: name, Line: line, Err: err}
}

// chunkWriter is the io.Writer a producer writes ndjson into: it gathers
// whole lines and hands each chunk to deliver as soon as the next line does
// not fit in it; Close hands over the last one. It holds at most one chunk
// and one line in memory. After an error every call returns it.
type chunkWriter struct {
	cu      *cutter
	deliver func(c Chunk, body []byte) error
	buf     []byte // the open chunk, then a partial line
	scanned int    // bytes of buf that are whole lines of the open chunk
	err     error
}

func newChunkWriter(max int64, cuts []int64, deliver func(Chunk, []byte) error) *chunkWriter {
	return &chunkWriter{cu: newCutter("the output", "", 0, max, cuts), deliver: deliver}
}

// Write takes any bytes; lines may be split across calls.
func (w *chunkWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	w.buf = append(w.buf, p...)
	for w.err == nil {
		i := bytes.IndexByte(w.buf[w.scanned:], '\n')
		if i < 0 {
			break
		}
		w.err = w.addLine(w.scanned + i + 1)
	}
	ends := &w.cu.ends
	if w.err == nil && int64(len(w.buf)-w.scanned) > ends.max && ends.done >= len(ends.cuts) {
		w.err = &LineError{File: w.cu.name, Line: w.cu.line, Err: fmt.Errorf("the line is longer than the chunk size %s (--chunk-size)", bytesize.Format(ends.max))}
	}
	if w.err != nil {
		return 0, w.err
	}
	return len(p), nil
}

// addLine adds the line buf[scanned:end], first handing over the open chunk
// if the line closed it.
func (w *chunkWriter) addLine(end int) error {
	c, err := w.cu.add(w.buf[w.scanned:end])
	if err != nil {
		return err
	}
	if c != nil {
		if err := w.deliver(*c, w.buf[:w.scanned]); err != nil {
			return err
		}
		w.buf = w.buf[:copy(w.buf, w.buf[w.scanned:])]
		end -= w.scanned
	}
	w.scanned = end
	return nil
}

// Close hands over the last chunk, a last line without a newline ended with
// one.
func (w *chunkWriter) Close() error {
	if w.err != nil {
		return w.err
	}
	if len(w.buf) > w.scanned {
		w.buf = append(w.buf, '\n')
		if w.err = w.addLine(len(w.buf)); w.err != nil {
			return w.err
		}
	}
	c, err := w.cu.end()
	if err == nil && c != nil {
		err = w.deliver(*c, w.buf[:w.scanned])
	}
	w.err = err
	return err
}

// chunks returns the number of chunks handed over.
func (w *chunkWriter) chunks() int { return w.cu.index }
