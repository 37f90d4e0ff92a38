package transform

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// spillDir is the temporary folder of a run's spill files. It is removed when
// the groups have been handed out, on error and on cancellation; only a
// kill -9 leaves it behind (in the system's temporary folder, named
// csv2activity-spill-*), and the next run removes it (removeStaleSpills).
//
// Which folders belong to dead runs is decided with a lock, not with process
// ids: the run holds an exclusive flock(2) on the folder's lock file for as
// long as the folder exists, and the kernel releases it when the process
// ends, however it ends (kill -9 included). A folder whose lock can be taken
// is therefore a dead run's; one whose lock is held is a running run's and is
// left alone. A PID could be reused by another process, and reading a start
// time from /proc ties the code to Linux; the lock has neither problem. So
// that no folder is ever seen without its lock held, the folder is made
// under a staging name (.csv2activity-spill-new-*), locked, and only then
// renamed to its final name.
type spillDir struct {
	path string
	lock *os.File
	n    int
}

// Names of spill folders in the temporary folder, and of the lock file in
// each.
const (
	spillPrefix   = "csv2activity-spill-"
	spillStaging  = ".csv2activity-spill-new-"
	spillLockName = "lock"
)

func newSpillDir() (*spillDir, error) {
	stage, err := os.MkdirTemp("", spillStaging)
	if err != nil {
		return nil, fmt.Errorf("create spill folder: %w", err)
	}
	d := &spillDir{path: stage}
	// The lock file takes its name once locked: another run's
	// removeStaleSpills never finds it unheld in a folder being made.
	staged := filepath.Join(stage, spillLockName+".new")
	d.lock, err = os.OpenFile(staged, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		err = syscall.Flock(int(d.lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	}
	if err == nil {
		err = os.Rename(staged, filepath.Join(stage, spillLockName))
	}
	if err == nil {
		d.path = filepath.Join(filepath.Dir(stage), spillPrefix+strings.TrimPrefix(filepath.Base(stage), spillStaging))
		err = os.Rename(stage, d.path)
	}
	if err != nil {
		os.RemoveAll(stage)
		d.closeLock()
		return nil, fmt.Errorf("create spill folder: %w", err)
	}
	return d, nil
}

// remove removes the folder, then lets its lock go.
func (d *spillDir) remove() {
	os.RemoveAll(d.path)
	d.closeLock()
}

func (d *spillDir) closeLock() {
	if d.lock != nil {
		d.lock.Close()
	}
}

// removeStaleSpills removes the spill folders of runs that no longer run
// (see spillDir). A folder is removed only when it holds nothing but spill
// files and a lock, so that a folder of someone else's that happens to share
// the name is never touched. Errors are ignored: what cannot be removed now
// is tried again by the next run.
func removeStaleSpills() {
	tmp := os.TempDir()
	finals, _ := filepath.Glob(filepath.Join(tmp, spillPrefix+"*"))
	for _, dir := range finals {
		removeIfDead(dir, true)
	}
	stages, _ := filepath.Glob(filepath.Join(tmp, spillStaging+"*"))
	for _, dir := range stages {
		removeIfDead(dir, false)
	}
}

// removeIfDead removes dir when it holds only spill files and a lock file
// no process holds. A final folder without a lock file (lockless true) was
// left by a version of csv2activity that did not lock its folders: it is
// removed too. A staging folder without one is being made, or was left
// empty by a kill in that instant: it is left alone.
func removeIfDead(dir string, lockless bool) {
	if !onlySpillFiles(dir) {
		return
	}
	lock, err := os.Open(filepath.Join(dir, spillLockName))
	switch {
	case err == nil:
		defer lock.Close()
		if syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
			return // held: a running run's
		}
	case !lockless || !errors.Is(err, os.ErrNotExist):
		return
	}
	os.RemoveAll(dir)
}

// onlySpillFiles reports whether dir is a folder holding nothing but run-*
// files and the lock file.
func onlySpillFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || e.Name() != spillLockName && !strings.HasPrefix(e.Name(), "run-") {
			return false
		}
	}
	return true
}

// spillRun is one spill file: rows sorted by group, each written as
// uvarints seq (the group's number, in order of first appearance), input,
// line and the length of its stored record, then the record (rowrec.go):
// binary, so that merging reads fields back without parsing CSV.
type spillRun struct {
	path string
	rows int
}

// write stores rows (already in group order, their records given by rec) as
// a new run.
func (d *spillDir) write(rows []storedRow, rec func(storedRow) []byte) (*spillRun, error) {
	w, err := d.create()
	if err != nil {
		return nil, err
	}
	if err := w.write(rows, rec); err != nil {
		return nil, err
	}
	return w.close()
}

// runWriter writes one run.
type runWriter struct {
	run *spillRun
	f   *os.File
	w   *bufio.Writer
	buf []byte
}

func (d *spillDir) create() (*runWriter, error) {
	d.n++
	run := &spillRun{path: filepath.Join(d.path, fmt.Sprintf("run-%04d", d.n))}
	f, err := os.Create(run.path)
	if err != nil {
		return nil, fmt.Errorf("spill rows: %w", err)
	}
	return &runWriter{run: run, f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// write appends rows; on error the file is closed and removed.
func (rw *runWriter) write(rows []storedRow, rec func(storedRow) []byte) error {
	for _, r := range rows {
		b := binary.AppendUvarint(rw.buf[:0], uint64(r.seq))
		b = binary.AppendUvarint(b, uint64(r.input))
		b = binary.AppendUvarint(b, uint64(r.line))
		b = binary.AppendUvarint(b, uint64(r.n))
		rw.buf = b
		_, err := rw.w.Write(b)
		if err == nil {
			_, err = rw.w.Write(rec(r))
		}
		if err != nil {
			rw.abort()
			return fmt.Errorf("spill rows to %s: %w", rw.run.path, err)
		}
	}
	rw.run.rows += len(rows)
	return nil
}

func (rw *runWriter) close() (*spillRun, error) {
	err := rw.w.Flush()
	if cerr := rw.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(rw.run.path)
		return nil, fmt.Errorf("spill rows to %s: %w", rw.run.path, err)
	}
	return rw.run, nil
}

func (rw *runWriter) abort() {
	rw.f.Close()
	os.Remove(rw.run.path)
}

// rowSource is a sorted stream of stored rows: a run being read back, or the
// rows still in memory. rec is the current row's record, valid until the
// next advance.
type rowSource struct {
	cur  storedRow
	rec  []byte
	ok   bool
	next func() error
	c    io.Closer
}

func (s *rowSource) advance() error { return s.next() }

func memorySource(rows []storedRow, rec func(storedRow) []byte) *rowSource {
	s := &rowSource{}
	i := 0
	s.next = func() error {
		if s.ok = i < len(rows); s.ok {
			s.cur, s.rec = rows[i], rec(rows[i])
			i++
		}
		return nil
	}
	return s
}

func runSource(run *spillRun) (*rowSource, error) {
	f, err := os.Open(run.path)
	if err != nil {
		return nil, fmt.Errorf("read spilled rows: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read spilled rows: %w", err)
	}
	r := bufio.NewReaderSize(f, 64<<10)
	s := &rowSource{c: f}
	s.next = func() error {
		var err error
		s.cur, s.rec, s.ok, err = readRow(r, s.rec[:0], st.Size())
		if err != nil {
			return fmt.Errorf("read spilled rows from %s: %w", run.path, err)
		}
		return nil
	}
	return s, nil
}

// readRow reads one row of a run of size bytes, its record into buf; at the
// end of the run it returns ok false.
func readRow(r *bufio.Reader, buf []byte, size int64) (row storedRow, rec []byte, ok bool, err error) {
	var v [4]uint64
	for i := range v {
		x, err := binary.ReadUvarint(r)
		if err == io.EOF && i == 0 {
			return storedRow{}, buf, false, nil
		}
		if err != nil {
			return storedRow{}, buf, false, errors.Join(err, io.ErrUnexpectedEOF)
		}
		v[i] = x
	}
	if v[3] > uint64(size) {
		return storedRow{}, buf, false, fmt.Errorf("a record of %d bytes: the file is damaged", v[3])
	}
	if uint64(cap(buf)) < v[3] {
		buf = make([]byte, v[3])
	}
	rec = buf[:v[3]]
	if _, err := io.ReadFull(r, rec); err != nil {
		return storedRow{}, buf, false, err
	}
	row = storedRow{seq: uint32(v[0]), input: uint32(v[1]), line: int(v[2]), n: len(rec), raw: len(recordRaw(rec))}
	return row, rec, true, nil
}

// merger merges sorted sources into whole groups. Sources are in input
// order, so that rows of one group come out in input order. The groups it
// hands out stand end to end in its rows and data until cut.
type merger struct {
	srcs []*rowSource
	h    srcHeap
	rows []storedRow
	data []byte
}

// cut starts the memory of the next groups: the groups handed out keep
// theirs, or, with reuse, no longer need it.
func (m *merger) cut(reuse bool) {
	if reuse {
		m.rows, m.data = m.rows[:0], m.data[:0]
		return
	}
	m.rows, m.data = make([]storedRow, 0, min(len(m.rows), 4096)), make([]byte, 0, min(len(m.data), 1<<20))
}

// newMerger merges runs and the rows in memory (their records given by
// rec).
func newMerger(runs []*spillRun, mem []storedRow, rec func(storedRow) []byte) (*merger, error) {
	m := &merger{}
	for _, run := range runs {
		s, err := runSource(run)
		if err != nil {
			m.close()
			return nil, err
		}
		m.srcs = append(m.srcs, s)
	}
	m.srcs = append(m.srcs, memorySource(mem, rec))
	for i, s := range m.srcs {
		if err := s.advance(); err != nil {
			m.close()
			return nil, err
		}
		if s.ok {
			m.h.items = append(m.h.items, i)
		}
	}
	m.h.srcs = m.srcs
	heap.Init(&m.h)
	return m, nil
}

// next returns the next whole group, its records copied into its data, or
// a group without rows at the end. A group whose rows take more than limit
// bytes (as read) is returned in parts of a little over limit bytes, in
// order, each with over true (the last one may be smaller).
func (m *merger) next(limit int64) (grp storedGroup, over bool, err error) {
	if m.h.Len() == 0 {
		m.close()
		return storedGroup{}, false, nil
	}
	seq := m.srcs[m.h.items[0]].cur.seq
	size := int64(0)
	r0, d0 := len(m.rows), len(m.data)
	for m.h.Len() > 0 {
		s := m.srcs[m.h.items[0]]
		if s.cur.seq != seq {
			break
		}
		for s.ok && s.cur.seq == seq && size <= limit {
			r := s.cur
			r.off, r.chunk = len(m.data)-d0, 0
			m.rows = append(m.rows, r)
			m.data = append(m.data, s.rec...)
			size += int64(r.raw) + rowCost
			if err := s.advance(); err != nil {
				m.close()
				return storedGroup{}, false, err
			}
		}
		if s.ok {
			heap.Fix(&m.h, 0)
		} else {
			heap.Pop(&m.h)
		}
		if size > limit {
			break
		}
	}
	grp.rows, grp.data = m.rows[r0:len(m.rows):len(m.rows)], m.data[d0:len(m.data):len(m.data)]
	return grp, size > limit, nil
}

func (m *merger) close() {
	for _, s := range m.srcs {
		if s.c != nil {
			s.c.Close()
			s.c = nil
		}
	}
}

// srcHeap orders source indices by their current row's group, then by source.
type srcHeap struct {
	srcs  []*rowSource
	items []int
}

func (h *srcHeap) Len() int { return len(h.items) }
func (h *srcHeap) Less(i, j int) bool {
	a, b := h.srcs[h.items[i]].cur.seq, h.srcs[h.items[j]].cur.seq
	return a < b || (a == b && h.items[i] < h.items[j])
}
func (h *srcHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *srcHeap) Push(x any)    { h.items = append(h.items, x.(int)) }
func (h *srcHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
