package transform

import (
	"context"

	"csv2activity/activity"
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
}

// Previews builds the first n activities of the inputs, reading no more input
// than it needs: n rows without group_by; with group_by, reading stops at the
// first row of the (n+1)th group, so groups are taken to be contiguous (as
// exports write them) — convert itself gathers groups across the whole input.
func Previews(ctx context.Context, cfg Config, inputs []string, n int) (*PreviewResult, error) {
	r := &run{ctx: ctx, cfg: cfg}
	r.defaults()
	in, prog, err := r.open(inputs[0], nil)
	if err != nil {
		return nil, err
	}
	prog.StopWhen(ctx)
	w := newWorker(prog)
	w.collect, w.keepVals = true, true
	p := &previewer{prog: prog, w: w, n: n, res: &PreviewResult{}, byKey: map[string]int{}}
	for i := 0; ; i++ {
		done, err := p.input(ctx, in)
		in.closer.Close()
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
	groups [][]groupRow
	byKey  map[string]int
}

// input reads one input until n activities are certain; done says so.
func (p *previewer) input(ctx context.Context, in *input) (bool, error) {
	for {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		b, err := in.src.next(1)
		if err != nil || b == nil {
			return false, err
		}
		b.comma, b.checkUTF8 = in.comma, in.utf8
		if b.reject != nil {
			p.res.Read++
			p.res.Rejected = append(p.res.Rejected, *b.reject)
			continue
		}
		done := false
		parseBatch(b, b.comma, func(rec *record) {
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
func (p *previewer) record(b *batch, rec *record) bool {
	res := &result{}
	reason := p.w.safeRow(b, rec, res)
	if reason != "" {
		p.res.Rejected = append(p.res.Rejected, Reject{File: b.file, Line: rec.line, Reason: reason, Raw: string(rec.raw)})
	}
	p.res.Read++
	p.res.Filtered += res.filtered
	for _, row := range res.rows {
		if p.prog.GroupBy == nil {
			p.groups = append(p.groups, []groupRow{row})
			continue
		}
		i, ok := p.byKey[row.key]
		if !ok {
			if len(p.groups) == p.n {
				return true
			}
			i = len(p.groups)
			p.byKey[row.key] = i
			p.groups = append(p.groups, nil)
		}
		p.groups[i] = append(p.groups[i], row)
	}
	return p.prog.GroupBy == nil && len(p.groups) == p.n
}

// finish builds the activities of the groups gathered.
func (p *previewer) finish() *PreviewResult {
	for _, g := range p.groups {
		pv := Preview{}
		vals := make([][]any, len(g))
		for i, r := range g {
			vals[i] = r.vals
			pv.Rows = append(pv.Rows, SourceRow{File: r.file, Line: r.line, Raw: r.raw})
		}
		pv.Activity, pv.Err = p.prog.NewEvaluator().Apply(vals) // each keeps its own memory
		if pv.Err == nil {
			pv.Err = p.prog.Rules.Validate(pv.Activity)
		}
		p.res.Activities = append(p.res.Activities, pv)
	}
	return p.res
}
