package transform

import (
	"context"
	"fmt"
	"strings"

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
	groups   [][]groupRow
	rejects  []Reject
	read     int
	filtered int
}

// streamer cuts the keyed rows of the first pipeline into groups.
type streamer struct {
	ctx    context.Context
	units  chan<- *sortedUnit
	cur    []groupRow
	closed map[string]int // keys already written -> the line their group started
}

func (s *streamer) consume(res *result) error {
	u := &sortedUnit{rejects: res.rejects, read: res.read, filtered: res.filtered}
	for _, row := range res.rows {
		switch first, done := s.closed[row.key]; {
		case len(s.cur) > 0 && row.key == s.cur[0].key:
			s.cur = append(s.cur, row)
		case done:
			u.rejects = append(u.rejects, Reject{File: row.file, Line: row.line, Raw: row.raw,
				Reason: fmt.Sprintf("group %q was already written (it started at line %d): --sorted promised that the rows of a group stand together", row.key, first)})
		default:
			s.close(u)
			s.cur = []groupRow{row}
		}
	}
	return s.send(u)
}

// close moves the current group into u.
func (s *streamer) close(u *sortedUnit) {
	if len(s.cur) > 0 {
		s.closed[strings.Clone(s.cur[0].key)] = s.cur[0].line // the key may point into its whole record
		u.groups = append(u.groups, s.cur)
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
		s := &streamer{ctx: ctx, units: units, closed: map[string]int{}}
		newW := func() func(*batch) *result {
			w := newWorker(prog)
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
		w := r.tracer(newWorker(prog))
		return w.sortedUnit
	}
	return ordered(ctx, r.cfg.Workers, produceUnits, newG, r.consume)
}

// sortedUnit builds the activities of a unit's groups.
func (w *worker) sortedUnit(u *sortedUnit) *result {
	res := &result{out: getBuf(64 << 10), rejects: u.rejects, read: u.read, filtered: u.filtered}
	var vals [][]any
	for _, g := range u.groups {
		vals = vals[:0]
		for _, row := range g {
			vals = append(vals, row.vals)
		}
		originOfGroup(w, g, func(r groupRow) (uint32, int) { return r.input, r.line })
		reason := w.safeActivity(vals, res)
		if reason == "" {
			continue
		}
		for _, row := range g {
			res.rejects = append(res.rejects, Reject{File: row.file, Line: row.line, Raw: row.raw,
				Reason: fmt.Sprintf("group %q: %s", g[0].key, reason)})
		}
	}
	return res
}
