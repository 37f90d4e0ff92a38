package transform

import (
	"context"
	"strings"

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
	groups   []openGroup
	rejects  []Reject
	read     int
	filtered int
	// held and settled count the rows that wait in the open group
	// (result.held, result.settled); groupsRejected the groups that fell.
	held, settled  int
	groupsRejected int
}

// openGroup is the group being read: its rows until it is complete, or,
// once it fell, only why (its rows are then rejected as they come).
type openGroup struct {
	key  string
	line int // where it started
	rows []groupRow
	size int64
	fall *fall
}

// streamer cuts the keyed rows of the first pipeline into groups.
type streamer struct {
	ctx    context.Context
	units  chan<- *sortedUnit
	cur    *openGroup
	closed map[string]int // keys already complete -> the line their group started
	cap    int64          // the most bytes of rows one group may take
}

func (s *streamer) consume(res *result) error {
	u := &sortedUnit{read: res.read, filtered: res.filtered}
	for i := range res.rows {
		row := &res.rows[i]
		switch first, done := s.closed[row.key]; {
		case row.why != nil && row.key == "":
			u.rejects = append(u.rejects, row.reject(row.why))
		case s.cur != nil && row.key == s.cur.key:
			s.join(u, row)
		case done:
			y := because(RejectGroupOrder, "group %q was already complete (it started at line %d): --sorted promised that the rows of a group stand together", row.key, first)
			if row.why != nil {
				y.Reason = row.why.Reason + "; " + y.Reason
			}
			y.Group = row.key
			u.rejects = append(u.rejects, row.reject(y))
		default:
			s.close(u)
			s.cur = &openGroup{key: row.key, line: row.line}
			s.join(u, row)
		}
	}
	return s.send(u)
}

// join adds a row to the open group. A rejected row makes the group fall,
// as does a row that takes it past cap: the rows held are rejected then, and
// the group's next rows as they come.
func (s *streamer) join(u *sortedUnit, row *groupRow) {
	g := s.cur
	if g.fall == nil && row.why == nil {
		if g.size += int64(len(row.raw)) + rowCost; g.size <= s.cap { // as the group store counts
			g.rows = append(g.rows, *row)
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
	for i := range g.rows {
		u.rejects = append(u.rejects, g.rows[i].reject(g.fall.rowReason(g.key, g.rows[i].file)))
	}
	u.settled += len(g.rows)
	g.rows = nil
	if row.why != nil {
		u.rejects = append(u.rejects, row.reject(row.why.fellWith(g.key)))
	} else {
		u.rejects = append(u.rejects, row.reject(g.fall.rowReason(g.key, row.file)))
	}
}

// close moves the open group into u, unless it fell.
func (s *streamer) close(u *sortedUnit) {
	if g := s.cur; g != nil {
		s.closed[strings.Clone(g.key)] = g.line // the key may point into its whole record
		if g.fall == nil {
			u.groups = append(u.groups, *g)
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
	return s.send(u)
}

// convertSorted runs a grouped conversion whose groups stand together.
func (r *run) convertSorted(ctx context.Context, prog *mapping.Program, produce func(func(*batch) bool) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	units := make(chan *sortedUnit, r.cfg.Workers)
	done := make(chan error, 1)
	go func() {
		s := &streamer{ctx: ctx, units: units, closed: map[string]int{}, cap: groupCap(r.cfg.MaxMemory)}
		newW := func() func(*batch) *result {
			w := r.newWorker(prog)
			w.keepVals = true
			return w.batch
		}
		err := ordered(ctx, r.cfg.Workers, produce, newW, s.consume)
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
	newG := func() func(*sortedUnit) *result {
		return r.tracer(r.newWorker(prog)).sortedUnit
	}
	return ordered(ctx, r.cfg.Workers, produceUnits, newG, r.consume)
}

// sortedUnit builds the activities of a unit's groups.
func (w *worker) sortedUnit(u *sortedUnit) *result {
	res := &result{out: bufpool.Get(64 << 10), rejects: u.rejects, read: u.read, filtered: u.filtered,
		held: u.held, settled: u.settled, groupsRejected: u.groupsRejected}
	var vals [][]any
	for _, g := range u.groups {
		res.settled += len(g.rows)
		vals = vals[:0]
		for _, row := range g.rows {
			vals = append(vals, row.vals)
		}
		originOfGroup(w, g.rows, func(r groupRow) (uint32, int) { return r.input, r.line })
		y := w.safeActivity(vals, res)
		if y == nil {
			continue
		}
		res.groupsRejected++
		f := &fall{why: y}
		for i := range g.rows {
			res.rejects = append(res.rejects, g.rows[i].reject(f.rowReason(g.key, g.rows[i].file)))
		}
	}
	return res
}
