package transform

import (
	"context"

	"csv2activity/internal/bufpool"
	"csv2activity/mapping"
)

// With Config.Sorted, the input promises that the rows of a group stand
// together (as most exports write an order's lines). Groups are then built
// as soon as the key changes, in two chained pipelines: the first parses,
// types and keys rows; its consumer cuts the stream into groups; the second
// builds, checks and writes their activities. Nothing waits for the end of
// the input and memory holds one group at a time (plus the keys already
// seen). A row whose group was already written breaks the promise: it is
// rejected, saying so, rather than written as a second activity.

// sortedUnit is what the second pipeline gets for one batch: the groups the
// batch completed and the rows it rejected, in order.
type sortedUnit struct {
	groups   []storedGroup
	recs     []byte      // the batch's stored records, which groups borrow
	inputs   []inputInfo // the run's inputs read so far, for the names of their rows
	rejects  []Reject
	read     int
	filtered int
	// held and settled count the rows that wait in the open group
	// (result.held, result.settled); groupsRejected the groups that fell.
	held, settled  int
	groupsRejected int
}

// openGroup is the group being read: its rows and their stored records
// (rowrec.go) until it is complete; or, once it fell, only why (its rows
// are then rejected as they come). A group within one batch borrows its
// records from the batch's (data, from base); one that goes on into the
// next batch copies them into memory of its own (owned).
type openGroup struct {
	key   string
	hash  uint64 // key's keyHash
	line  int    // where it started
	rows  []storedRow
	data  []byte
	base  int
	owned bool
	size  int64
	fall  *fall
	why   *why // fall's reason for the rows of file, formatted once
	file  string
}

// streamer cuts the keyed rows of the first pipeline into groups. A group
// holds its rows as the group store does: stored records, typed once, in
// memory the garbage collector does not scan; the groups of a unit are
// built by the same worker.groups as gathered ones.
type streamer struct {
	ctx    context.Context
	units  chan<- *sortedUnit
	cur    *openGroup
	closed seenKeys // keys already complete, with the line their group started
	cap    int64    // the most bytes of rows one group may take
	inputs []inputInfo
	last   int // how many groups the last unit took
	rows   tail[storedRow]
	data   tail[byte]
}

func (s *streamer) consume(res *result) error {
	u := &sortedUnit{read: res.read, filtered: res.filtered, groups: make([]storedGroup, 0, s.last)}
	for i := range res.rows {
		row := &res.rows[i]
		s.input(row)
		switch {
		case row.why != nil && row.key == "":
			u.rejects = append(u.rejects, row.reject(row.why))
		case s.cur != nil && row.key == s.cur.key:
			s.join(u, res, row)
		default:
			if first, done := s.closed.line(row.key, row.hash); done {
				u.rejects = append(u.rejects, res.reject(row, outOfOrder(row, first)))
				continue
			}
			s.close(u)
			s.cur = &openGroup{key: row.key, hash: row.hash, line: row.line, rows: s.rows.start(), base: row.rec[0]}
			s.join(u, res, row)
		}
	}
	if g := s.cur; g != nil && !g.owned && g.fall == nil {
		g.data, g.owned = s.data.append(s.data.start(), g.data...), true
	}
	u.recs, res.recs = res.recs, nil
	u.inputs, s.last = s.inputs, len(u.groups)
	return s.send(u)
}

// outOfOrder is why a row of a group already complete is rejected.
func outOfOrder(row *groupRow, first int) *why {
	y := because(RejectGroupOrder, "group %q was already complete (it started at line %d): --sorted promised that the rows of a group stand together", row.key, first)
	if row.why != nil {
		y.Reason = row.why.Reason + "; " + y.Reason
	}
	y.Group = row.key
	return y
}

// join adds a row to the open group. A rejected row makes the group fall,
// as does a row that takes it past cap: the rows held are rejected then, and
// the group's next rows as they come.
func (s *streamer) join(u *sortedUnit, res *result, row *groupRow) {
	g := s.cur
	if g.fall == nil && row.why == nil {
		rec := res.record(row)
		raw := len(recordRaw(rec))
		if g.size += int64(raw) + rowCost; g.size <= s.cap { // as the group store counts
			r := storedRow{input: row.input, line: row.line, off: len(g.data), n: len(rec), raw: raw}
			if g.owned {
				g.data = s.data.append(g.data, rec...)
			} else {
				r.off, g.data = row.rec[0]-g.base, res.recs[g.base:row.rec[1]]
			}
			g.rows = s.rows.append(g.rows, r)
			u.held++
			return
		}
		g.fall = tooBig(s.cap)
		u.groupsRejected++
	}
	if g.fall == nil {
		g.fall = &fall{file: row.file, line: row.line, why: row.why}
		u.groupsRejected++
	}
	sg := storedGroup{rows: g.rows, data: g.data}
	for _, r := range g.rows {
		file := s.inputs[r.input].name
		u.rejects = append(u.rejects, g.reason(file).reject(file, r.line, string(recordRaw(sg.rec(r)))))
	}
	u.settled += len(g.rows)
	g.rows, g.data = nil, nil // their memory goes to the next group
	switch {
	case row.why != nil:
		u.rejects = append(u.rejects, row.reject(row.why.fellWith(g.key)))
	default:
		u.rejects = append(u.rejects, res.reject(row, g.reason(row.file)))
	}
}

// reason is why the rows of file are rejected with the group that fell.
func (g *openGroup) reason(file string) *why {
	if g.why == nil || g.file != file {
		g.why, g.file = g.fall.rowReason(g.key, file), file
	}
	return g.why
}

// input notes the name of a row's input the first time one of its rows
// comes. Only names are added: the units sent keep seeing theirs.
func (s *streamer) input(row *groupRow) {
	if row.input < uint32(len(s.inputs)) {
		return
	}
	for uint32(len(s.inputs)) < row.input {
		s.inputs = append(s.inputs, inputInfo{}) // an input without rows
	}
	s.inputs = append(s.inputs, inputInfo{name: row.file})
}

// reject is the row rejected for y, with its text: as read for a rejected
// row, from its stored record for a keyed one.
func (res *result) reject(row *groupRow, y *why) Reject {
	if row.rec[1] > 0 {
		return y.reject(row.file, row.line, string(recordRaw(res.record(row))))
	}
	return row.reject(y)
}

// close moves the open group into u, unless it fell.
func (s *streamer) close(u *sortedUnit) {
	if g := s.cur; g != nil {
		s.closed.add(g.key, g.line, g.hash)
		if g.fall == nil {
			s.rows.done(g.rows)
			if g.owned {
				s.data.done(g.data)
			}
			u.groups = append(u.groups, storedGroup{rows: g.rows, data: g.data})
		}
		s.cur = nil
	}
}

func (s *streamer) send(u *sortedUnit) error {
	select {
	case s.units <- u:
		return nil
	case <-s.ctx.Done():
		return context.Cause(s.ctx)
	}
}

// flush sends the last group.
func (s *streamer) flush() error {
	u := &sortedUnit{}
	s.close(u)
	u.inputs, s.last = s.inputs, len(u.groups)
	return s.send(u)
}

// sortedQueue is how many jobs, and results, per worker each of the two
// pipelines of --sorted buffers: half of what one pipeline does (ordered),
// so that the batches in flight, which make most of --sorted's memory, are
// about as many.
const sortedQueue = 2

// convertSorted runs a grouped conversion whose groups stand together.
func (r *run) convertSorted(ctx context.Context, prog *mapping.Program, produce func(func(*batch) bool) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	units := make(chan *sortedUnit, r.cfg.Workers)
	done := make(chan error, 1)
	go func() {
		s := &streamer{ctx: ctx, units: units, cap: groupCap(r.cfg.MaxMemory), closed: seenKeys{grew: r.cfg.KeptMemory},
			rows: tail[storedRow]{size: 4 << 10}, data: tail[byte]{size: 256 << 10}}
		newW := func() func(*batch) *result { return r.newWorker(prog).batch }
		err := queued(ctx, r.cfg.Workers, sortedQueue*r.cfg.Workers, produce, newW, s.consume)
		if err == nil {
			err = s.flush()
		}
		close(units)
		done <- err
	}()
	produceUnits := func(emit func(*sortedUnit) bool) error {
		for u := range units {
			if !emit(u) {
				cancel(nil)
				return nil
			}
		}
		return <-done
	}
	newG := func() func(*sortedUnit) *result { return r.tracer(r.newWorker(prog)).sortedUnit }
	consume := func(res *result) error {
		err := r.consume(res)
		if r.cfg.Keys == nil { // else its keys, which Keys may keep, may point into them
			bufpool.Put(res.recs)
		}
		res.recs = nil
		return err
	}
	return queued(ctx, r.cfg.Workers, sortedQueue*r.cfg.Workers, produceUnits, newG, consume)
}

// sortedUnit builds the activities of a unit's groups; the result keeps
// the unit's records, which they may point into, until it is written.
func (w *worker) sortedUnit(u *sortedUnit) *result {
	res := w.groups(u.groups, u.inputs)
	res.recs = u.recs
	res.rejects = append(u.rejects, res.rejects...)
	res.read, res.filtered = u.read, u.filtered
	res.held, res.settled = u.held, res.settled+u.settled
	res.groupsRejected += u.groupsRejected
	return res
}

// tail hands out slices one after another from shared chunks, so that the
// many small groups of a sorted input do not each cost an allocation. Only
// the slice handed out last may grow, until done says its final length;
// one that outgrows its chunk moves to a new one.
type tail[T any] struct {
	chunk []T // what done slices took, then room for the next
	size  int // the size of a new chunk
}

// start returns the next slice, empty.
func (t *tail[T]) start() []T { return t.chunk[len(t.chunk):len(t.chunk)] }

// append appends v to s, the slice handed out last.
func (t *tail[T]) append(s []T, v ...T) []T {
	if len(s)+len(v) > cap(s) {
		t.chunk = make([]T, 0, max(t.size, 2*(len(s)+len(v))))
		s = append(t.chunk, s...)
	}
	return append(s, v...)
}

// done keeps s, the slice handed out last, at its length: the next slice
// starts after it.
func (t *tail[T]) done(s []T) { t.chunk = t.chunk[:len(t.chunk)+len(s)] }
