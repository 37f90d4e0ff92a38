package transform

import (
	"context"

	"csv2activity/activity"
	"csv2activity/input"
	"csv2activity/mapping"
)

// SourceRow is a row of an input as read, for showing beside what it became.
type SourceRow struct {
	File string
	Line int
	Raw  string
}

// Preview is one activity as convert would build it, with its source rows.
// Err is why convert would reject it (the activity is still shown when it
// was built but breaks a rule).
type Preview struct {
	Rows     []SourceRow
	Activity *activity.Object // nil when it could not be built
	Err      error
}

// PreviewResult is the first activities of an input, and the rows met on the
// way that would not make one.
type PreviewResult struct {
	Activities []Preview
	Rejected   []Reject // rows that did not type, failed where/group_by, or were malformed
	Filtered   int
	Read       int
	// With group_by: NextGroup is the line where reading stopped, the first
	// row of the group after the last shown (0 when the input ended), and
	// Scattered the first group seen again after another had started (nil
	// when the groups read stand together).
	NextGroup int
	Scattered *ScatteredGroup
}

// ScatteredGroup is a group whose rows do not stand together: Lines are its
// last row before another group started, and its next row.
type ScatteredGroup struct {
	Key   string
	Lines [2]int
}

// Previews builds the first n activities of the inputs, reading no more input
// than it needs: n rows without group_by; with group_by, reading stops at the
// first row of the (n+1)th group, so groups are taken to be contiguous (as
// exports write them) — convert itself gathers groups across the whole input.
// NextGroup and Scattered say how far that held. As in convert, a rejected
// row whose group is known makes it fall (unless on_rejected_row: drop_row).
func Previews(ctx context.Context, cfg Config, inputs []string, n int) (*PreviewResult, error) {
	r := &run{ctx: ctx, cfg: cfg}
	r.defaults()
	in, prog, err := r.open(inputs[0], nil)
	if err != nil {
		return nil, err
	}
	prog.StopWhen(ctx)
	w := r.newWorker(prog)
	w.collect, w.keepVals = true, true
	p := &previewer{prog: prog, w: w, n: n, res: &PreviewResult{}, byKey: map[string]int{}, cap: groupCap(r.cfg.MaxMemory)}
	for i := 0; ; i++ {
		done, err := p.input(ctx, in)
		in.Close()
		if err != nil || done || i+1 == len(inputs) {
			return p.finish(), err
		}
		if in, _, err = r.open(inputs[i+1], prog); err != nil {
			return nil, err
		}
	}
}

type previewer struct {
	prog   *mapping.Program
	w      *worker // types, filters and keys rows, keeping their values
	n      int
	res    *PreviewResult
	groups []previewGroup
	byKey  map[string]int
	cap    int64 // the most bytes of rows a group may take, as in convert
}

// previewGroup is a group being gathered: its rows, rejected ones included
// (no more once it is over cap).
type previewGroup struct {
	key  string
	rows []groupRow
	size int64
	fall *fall // its first rejected row, or its size, when it falls
	last int   // the line of its last row
}

// input reads one input until n activities are certain; done says so.
func (p *previewer) input(ctx context.Context, in *input.Reader) (bool, error) {
	for {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		ib, err := in.Next(1)
		if err != nil || ib == nil {
			return false, err
		}
		b := &batch{Batch: ib}
		if b.Malformed != nil {
			p.res.Read++
			p.res.Rejected = append(p.res.Rejected, b.malformed())
			continue
		}
		done := false
		input.Parse(b.Data, b.Line, b.Comma, func(rec *input.Record) {
			if !done {
				done = p.record(b, rec)
			}
		})
		if done {
			return true, nil
		}
	}
}

// record takes one record; it returns true when the previews are complete.
func (p *previewer) record(b *batch, rec *input.Record) bool {
	res := &result{}
	if y := p.w.safeRow(b, rec, res); y != nil {
		p.w.rejectRecord(res, b, rec, y)
	}
	p.res.Read++
	p.res.Filtered += res.filtered
	for i := range res.rows {
		row := &res.rows[i]
		if row.why != nil {
			y := row.why
			if row.key != "" {
				y = y.fellWith(row.key)
			}
			p.res.Rejected = append(p.res.Rejected, row.reject(y))
			if row.key == "" {
				continue
			}
		}
		if p.prog.GroupBy == nil {
			p.groups = append(p.groups, previewGroup{rows: []groupRow{*row}})
			continue
		}
		if p.add(row) {
			return true
		}
	}
	return p.prog.GroupBy == nil && len(p.groups) == p.n
}

// add files a keyed row in its group; it returns true, and takes nothing,
// when the row starts the (n+1)th group.
func (p *previewer) add(row *groupRow) bool {
	i, ok := p.byKey[row.key]
	switch {
	case !ok && len(p.groups) == p.n:
		p.res.NextGroup = row.line
		return true
	case !ok:
		i = len(p.groups)
		p.byKey[row.key] = i
		p.groups = append(p.groups, previewGroup{key: row.key})
	case i != len(p.groups)-1 && p.res.Scattered == nil:
		p.res.Scattered = &ScatteredGroup{Key: row.key, Lines: [2]int{p.groups[i].last, row.line}}
	}
	g := &p.groups[i]
	g.last = row.line
	if g.size += int64(len(row.raw)) + rowCost; g.size > p.cap {
		if g.fall == nil {
			g.fall = tooBig(p.cap)
		}
		return false // rows past the cap are not kept, as convert keeps none
	}
	g.rows = append(g.rows, *row)
	if row.why != nil && g.fall == nil {
		g.fall = &fall{file: row.file, line: row.line, why: row.why}
	}
	return false
}

// finish builds the activities of the groups gathered.
func (p *previewer) finish() *PreviewResult {
	for _, g := range p.groups {
		pv := Preview{}
		var vals [][]any
		for _, r := range g.rows {
			vals = append(vals, r.vals)
			pv.Rows = append(pv.Rows, SourceRow{File: r.file, Line: r.line, Raw: r.raw})
		}
		if g.fall != nil {
			pv.Err = &GroupError{Key: g.key, Reason: g.fall.rowReason(g.key, g.fall.file).Reason}
		} else {
			pv.Activity, pv.Err = p.prog.NewEvaluator().Apply(vals) // each keeps its own memory
			if pv.Err == nil {
				pv.Err = p.prog.Check(pv.Activity)
			}
		}
		p.res.Activities = append(p.res.Activities, pv)
	}
	return p.res
}

// GroupError is a group rejected whole: a row of it was rejected.
type GroupError struct {
	Key    string
	Reason string // as the rejects file gives it to the group's other rows
}

func (e *GroupError) Error() string { return e.Reason }
