package transform

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
)

// DefaultMaxMemory is the default budget for the rows that group_by holds in
// memory; past it they are spilled to temporary files.
const DefaultMaxMemory = 256 << 20

// storedRow is a row waiting for the rest of its group: its text as read,
// parsed again when the group is complete (keeping typed values would cost
// several times the memory, and spilling them a serialization).
type storedRow struct {
	seq   uint32 // the group's number, in order of first appearance
	input uint32 // index of the input it came from
	line  int
	raw   string
}

// rowCost is what a stored row costs in memory beyond its text.
const rowCost = 48

// groupStore gathers keyed rows across the whole input, whatever their
// order, within a memory budget: past it, the rows held are sorted by group
// and written to a spill file (a run). At the end, the runs and the rows
// still in memory are merged back into groups, in order of first appearance,
// each group's rows in input order.
//
// The index of distinct keys (key -> group number) stays in memory, about 50
// bytes a key; it counts against the budget, so many keys mean smaller runs,
// but rows always get at least a quarter of it (the index can then take the
// process past the budget: a million distinct keys take about 50 MB).
type groupStore struct {
	budget int64
	seqs   map[string]uint32
	keyMem int64
	rows   []storedRow
	rowMem int64
	sorted bool // rows arrived in group order since the last spill
	spill  *spillDir
	runs   []*spillRun
}

func newGroupStore(budget int64) *groupStore {
	return &groupStore{budget: budget, seqs: map[string]uint32{}, sorted: true}
}

// add files a row under its key; rows arrive in input order.
func (g *groupStore) add(key string, input uint32, line int, raw string) error {
	seq, ok := g.seqs[key]
	if !ok {
		seq = uint32(len(g.seqs))
		g.seqs[strings.Clone(key)] = seq // the key may point into its whole record
		g.keyMem += int64(len(key)) + 48
	}
	if n := len(g.rows); n > 0 && g.rows[n-1].seq > seq {
		g.sorted = false
	}
	g.rows = append(g.rows, storedRow{seq: seq, input: input, line: line, raw: raw})
	g.rowMem += int64(len(raw)) + rowCost
	if g.rowMem > max(g.budget-g.keyMem, g.budget/4) {
		return g.spillRows()
	}
	return nil
}

// sortRows puts the rows in group order, keeping input order within a group.
func (g *groupStore) sortRows() {
	if !g.sorted {
		slices.SortStableFunc(g.rows, func(a, b storedRow) int { return cmp.Compare(a.seq, b.seq) })
	}
	g.sorted = true
}

// spillRows writes the rows held to a new run and forgets them.
func (g *groupStore) spillRows() error {
	if g.spill == nil {
		d, err := newSpillDir()
		if err != nil {
			return err
		}
		g.spill = d
	}
	g.sortRows()
	run, err := g.spill.write(g.rows)
	if err != nil {
		return err
	}
	g.runs = append(g.runs, run)
	clear(g.rows)
	g.rows, g.rowMem = g.rows[:0], 0
	if len(g.runs) >= maxRuns {
		return g.compact()
	}
	return nil
}

// maxRuns is how many spill files may wait for the final merge: past it they
// are merged into one, so that the merge never holds too many files open.
const maxRuns = 64

// compact merges every run into one.
func (g *groupStore) compact() error {
	m, err := newMerger(g.runs, nil)
	if err != nil {
		return err
	}
	var all []storedRow
	w, err := g.spill.create()
	if err != nil {
		return err
	}
	for {
		grp, err := m.next()
		if err != nil {
			w.abort()
			return err
		}
		if grp == nil {
			break
		}
		all = append(all[:0], grp...)
		if err := w.write(all); err != nil {
			return err
		}
	}
	run, err := w.close()
	if err != nil {
		return err
	}
	for _, old := range g.runs {
		os.Remove(old.path)
	}
	g.runs = []*spillRun{run}
	return nil
}

// groups hands out complete groups in order of first appearance, a few
// hundred rows at a time, and removes the spill files.
func (g *groupStore) groups(emit func([][]storedRow) bool) error {
	defer g.close()
	g.seqs = nil
	g.sortRows()
	m, err := newMerger(g.runs, g.rows)
	if err != nil {
		return err
	}
	const unitRows = 512
	var unit [][]storedRow
	rows := 0
	for {
		grp, err := m.next()
		if err != nil {
			return err
		}
		if grp == nil {
			break
		}
		unit = append(unit, grp)
		if rows += len(grp); rows >= unitRows {
			if !emit(unit) {
				return nil
			}
			unit, rows = nil, 0
		}
	}
	if len(unit) > 0 {
		emit(unit)
	}
	return nil
}

// close removes the spill files; it may be called more than once.
func (g *groupStore) close() {
	if g.spill != nil {
		g.spill.remove()
		g.spill = nil
	}
}

// groupLines lists where a group's rows start, for reject reasons.
func groupLines(rows []storedRow) string {
	var b strings.Builder
	b.WriteString("lines ")
	for i, r := range rows {
		if i == 8 {
			fmt.Fprintf(&b, ", … (%d rows)", len(rows))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, r.line)
	}
	return b.String()
}
