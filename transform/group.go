package transform

import (
	"cmp"
	"fmt"
	"os"
	"slices"

	"csv2activity/internal/bytesize"
)

// DefaultMaxMemory is the default budget for the rows that group_by holds in
// memory; past it they are spilled to temporary files.
const DefaultMaxMemory = 256 << 20

// storedRow is a row waiting for the rest of its group. Its stored record
// (rowrec.go: its text and its fields) stands in a chunk of the group store,
// or in the data of the group it is handed out with; it holds no pointer.
type storedRow struct {
	seq   uint32 // the group's number, in order of first appearance
	input uint32 // index of the input it came from
	chunk uint32 // the store's chunk that holds its record
	line  int
	off   int // where its record starts in its chunk, or in its group's data
	n     int // its record's length
	raw   int // the length of its text as read: what a group's size counts
}

// rowCost is what a stored row costs in memory beyond its record (and, in
// the size of a group, beyond its text as read).
const rowCost = 48

// chunkSize is the size of the chunks the group store keeps records in.
const chunkSize = 1 << 20

// groupShare is the part of the memory budget one group's rows may take (as
// read, before typing): building a group's activity takes several times its
// rows' size, and each worker may be building one. A larger group is
// rejected whole, its rows streamed to the rejects file; an activity that
// big would be far over the API's line limit anyway.
const groupShare = 16

// groupCap is the most bytes of rows (as read) one group may take under a
// memory budget.
func groupCap(budget int64) int64 { return budget / groupShare }

// storedGroup is a group (or, for a group too large to build, a part of it)
// handed out for building. Its key is not kept (the keys would stay in memory
// through the whole merge): the worker computes it again from the group's
// first row when a reason needs it.
type storedGroup struct {
	rows []storedRow
	data []byte // the rows' records, end to end
	fall *fall  // why the group is rejected whole, when it is
	part int    // 0 for a group's first part
}

// rec is the stored record of one of the group's rows.
func (sg *storedGroup) rec(r storedRow) []byte { return sg.data[r.off : r.off+r.n] }

// fall is why a group is rejected whole: its first rejected row, or its size.
type fall struct {
	file string
	line int
	why  *why
}

// rowReason is the rejection of a row of a group rejected whole: the
// group, and what made it fall.
func (f *fall) rowReason(key, file string) *why {
	y := *f.why
	y.Group, y.ByOther = key, true
	if f.line == 0 {
		y.Reason = fmt.Sprintf("group %q rejected whole: %s", key, f.why.Reason)
		return &y
	}
	where := fmt.Sprintf("line %d", f.line)
	if f.file != file {
		where = fmt.Sprintf("%s line %d", f.file, f.line)
	}
	y.Reason = fmt.Sprintf("group %q rejected whole: %s: %s", key, where, f.why.Reason)
	return &y
}

// tooBig is the fall of a group larger than cap.
func tooBig(cap int64) *fall {
	return &fall{why: because(RejectGroupSize, "its rows take more than %s, the most one group may take (1/%d of --max-memory; an order that large is more likely a group_by mistake)",
		bytesize.Format(cap), groupShare)}
}

// groupStore gathers keyed rows across the whole input, whatever their
// order, within a memory budget: past it, the rows held are sorted by group
// and written to a spill file (a run). At the end, the runs and the rows
// still in memory are merged back into groups, in order of first appearance,
// each group's rows in input order.
//
// The index of distinct keys (keyindex.go: key -> group number) stays in
// memory, about 50 bytes a key besides its text; it counts against the
// budget, so many keys mean smaller runs,
// but rows always get at least a quarter of it (the index can then take the
// process past the budget, by keysOver: a million distinct keys take about
// 50 MB).
//
// A group that a rejected row made fall (fail) keeps its rows in the store:
// they are rejected, each with the reason, when the groups are handed out.
type groupStore struct {
	budget int64
	keys   keyIndex
	keyMem int64
	// lastKey is the key seq numbered last (the index's copy), and lastSeq
	// its number.
	lastKey string
	lastSeq uint32
	rows    []storedRow
	chunks  [][]byte // the records of rows, end to end
	free    [][]byte // chunks emptied by a spill, to be used again
	rowMem  int64
	sorted  bool // rows arrived in group order since the last spill
	spill   *spillDir
	runs    []*spillRun
	fallen  map[uint32]*fall
	// grew, when set, is told of the memory the index takes past the
	// budget (keysOver), as it grows (Config.KeptMemory).
	grew func(n int64)
}

func newGroupStore(budget int64) *groupStore {
	return &groupStore{budget: budget, sorted: true, fallen: map[uint32]*fall{}}
}

// seq returns the number of key's group (h its keyHash), numbering a new
// one. The rows of an order mostly stand together: the key numbered last is
// not looked up again.
func (g *groupStore) seq(key string, h uint64) uint32 {
	if key == g.lastKey && key != "" {
		return g.lastSeq
	}
	seq, kept, added := g.keys.lookup(key, h)
	if added {
		over := g.keysOver()
		g.keyMem += int64(len(key)) + 48
		if n := g.keysOver() - over; n > 0 && g.grew != nil {
			g.grew(n)
		}
	}
	g.lastKey, g.lastSeq = kept, seq
	return seq
}

// fail makes key's group (h its keyHash, computed by the worker) fall for
// the rejected row; it returns true when the group falls now (false when an
// earlier row made it fall).
func (g *groupStore) fail(key string, h uint64, file string, line int, y *why) bool {
	seq := g.seq(key, h)
	if g.fallen[seq] != nil {
		return false
	}
	g.fallen[seq] = &fall{file: file, line: line, why: y}
	return true
}

// add files a row under its key (h its keyHash, computed by the worker that
// keyed the row), with its stored record (copied); rows arrive in input
// order.
func (g *groupStore) add(key string, h uint64, input uint32, line int, rec []byte) error {
	seq := g.seq(key, h)
	if n := len(g.rows); n > 0 && g.rows[n-1].seq > seq {
		g.sorted = false
	}
	last := len(g.chunks) - 1
	if last < 0 || len(g.chunks[last])+len(rec) > cap(g.chunks[last]) {
		g.chunks = append(g.chunks, g.newChunk(len(rec)))
		last++
		g.rowMem += int64(cap(g.chunks[last])) // a chunk counts whole, as it is held
	}
	c := g.chunks[last]
	if len(g.rows) == cap(g.rows) { // doubled: append grows a long slice by a quarter, copying it often
		// The first growth is at most an eighth of what the rows may
		// take: a slice larger than the budget would spill every row.
		first := int(min(1024, max(1, g.rowBudget()/rowCost/8)))
		g.rows = slices.Grow(g.rows, max(first, len(g.rows)))
	}
	g.rows = append(g.rows, storedRow{seq: seq, input: input, line: line, off: len(c), n: len(rec),
		chunk: uint32(last), raw: len(recordRaw(rec))})
	g.chunks[last] = append(c, rec...)
	g.rowMem += rowCost
	if g.rowMem+int64(cap(g.rows)-len(g.rows))*rowCost > g.rowBudget() {
		return g.spillRows()
	}
	return nil
}

// rowBudget is what the rows may take of the budget: what the keys leave,
// and at least a quarter of it. The rows' memory (rowMem) counts the
// chunks their records fill, whole, and their slice, to its capacity.
func (g *groupStore) rowBudget() int64 { return max(g.budget-g.keyMem, g.budget/4) }

// keysOver is how far the rows and the index together may go past the
// budget: what the index takes beyond three quarters of it, as the rows
// keep a quarter (rowBudget).
func (g *groupStore) keysOver() int64 { return max(0, g.keyMem-g.budget+g.budget/4) }

// chunkCap is the size of the chunks the store keeps records in: chunkSize,
// or less for a budget that small ones fill better.
func (g *groupStore) chunkCap() int { return int(min(chunkSize, max(4<<10, g.budget/64))) }

// sortRows puts the rows in group order, keeping input order within a group.
func (g *groupStore) sortRows() {
	if !g.sorted {
		// Rows arrive in input order, so (input, line) orders a group's
		// rows as a stable sort would; an unstable sort is twice as fast.
		slices.SortFunc(g.rows, func(a, b storedRow) int {
			return cmp.Or(cmp.Compare(a.seq, b.seq), cmp.Compare(a.input, b.input), cmp.Compare(a.line, b.line))
		})
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
	run, err := g.spill.write(g.rows, g.rec)
	if err != nil {
		return err
	}
	g.runs = append(g.runs, run)
	if spilled != nil {
		spilled()
	}
	// A slice of rows that would take much of what the rows may take is
	// let go, and only the chunks the rows may fill again beside it are
	// kept.
	if int64(cap(g.rows))*rowCost > g.rowBudget()/4 {
		g.rows = nil
	}
	g.rows = g.rows[:0]
	keep := int(g.rowBudget()-int64(cap(g.rows))*rowCost) / g.chunkCap()
	for _, c := range g.chunks {
		if cap(c) == g.chunkCap() && len(g.free) < keep {
			g.free = append(g.free, c[:0])
		}
	}
	clear(g.chunks)
	g.chunks, g.rowMem = g.chunks[:0], 0
	if len(g.runs) >= maxRuns {
		return g.compact()
	}
	return nil
}

// spilled, when set (by tests), is called on each spill of the rows held
// to a new run, on the goroutine that files rows.
var spilled func()

// newChunk returns an empty chunk for at least n bytes: one a spill emptied,
// or a new one.
func (g *groupStore) newChunk(n int) []byte {
	if k := len(g.free); k > 0 && n <= g.chunkCap() {
		c := g.free[k-1]
		g.free = g.free[:k-1]
		return c
	}
	return make([]byte, 0, max(g.chunkCap(), n))
}

// rec is the stored record of a row held in memory.
func (g *groupStore) rec(r storedRow) []byte {
	return g.chunks[r.chunk][r.off : r.off+r.n]
}

// maxRuns is how many spill files may wait for the final merge: past it they
// are merged into one, so that the merge never holds too many files open.
const maxRuns = 64

// compactPart is how many bytes of a group compact copies at a time.
const compactPart = 1 << 20

// compact merges every run into one.
func (g *groupStore) compact() error {
	m, err := newMerger(g.runs, nil, nil)
	if err != nil {
		return err
	}
	w, err := g.spill.create()
	if err != nil {
		return err
	}
	for {
		part, _, err := m.next(compactPart)
		if err != nil {
			w.abort()
			return err
		}
		if part.rows == nil {
			break
		}
		if err := w.write(part.rows, part.rec); err != nil {
			return err
		}
		m.cut(true)
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
// hundred rows at a time, and removes the spill files. A group whose rows
// take more than groupCap of the budget is handed out in parts, rejected
// whole, so that no group larger than that is ever held.
func (g *groupStore) groups(emit func([]storedGroup) bool) error {
	defer g.close()
	g.keys, g.lastKey, g.free = keyIndex{}, "", nil
	g.sortRows()
	m, err := newMerger(g.runs, g.rows, g.rec)
	if err != nil {
		return err
	}
	const unitRows = 512
	var unit []storedGroup
	rows, cap := 0, groupCap(g.budget)
	var big *storedGroup // the last part of the group too large to build, if any
	for {
		sg, over, err := m.next(cap)
		if err != nil {
			return err
		}
		if sg.rows == nil {
			break
		}
		seq := sg.rows[0].seq
		sg.fall = g.fallen[seq]
		switch {
		case big != nil && big.rows[0].seq == seq:
			sg.fall, sg.part = big.fall, big.part+1
		case over && sg.fall == nil:
			sg.fall = tooBig(cap)
		}
		if big = nil; over || sg.part > 0 {
			b := sg // copied only here, so that sg stays on the stack for every other group
			big = &b
		}
		unit = append(unit, sg)
		if rows += len(sg.rows); rows >= unitRows || big != nil {
			if !emit(unit) {
				return nil
			}
			unit, rows = nil, 0
			m.cut(false)
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
