package mapping

import "sync/atomic"

// The grouped template: the compiled template (template.go) of a mapping
// whose activity holds one for_each over rows (an order's items), with or
// without group_by. For a group of n rows its items are unrolled into n
// copies of the item's template, and the whole is checked once
// (activity.Rules.Plan), so that every hole knows the rule of its place,
// its path included ($items[3].$qty). Such a template is made once per
// group length, when a group of that length first comes, and kept; a group
// of more than maxPlanned rows goes the general way.
//
// Per group, only the values of the expressions are computed (the
// aggregates — sum, len, first, last over rows — on their fast paths, the
// item's holes against their row), checked against the rule of their place
// and appended between the constant bytes: no activity tree is built. It
// gives the same bytes, and rejects a group with the same reason, as the
// general path (Apply, activity.Validate, activity.AppendJSON); a group
// with a null value (its key left out) goes the general way.
// TestGroupedMatchesApply and FuzzGrouped compare the two.

// maxPlanned is the longest group a grouped template is made for.
const maxPlanned = 64

// groupedTemplates are the grouped templates of a Program, by group length,
// made as groups come; safe for concurrent use.
type groupedTemplates struct {
	by [maxPlanned + 1]atomic.Pointer[direct]
}

// noTemplate marks a group length whose template cannot be planned.
var noTemplate = &direct{}

// compileGrouped returns the grouped templates of a mapping whose activity
// has a for_each over rows and no other, or nil when the one-row template
// does not plan.
func (p *Program) compileGrouped() *groupedTemplates {
	if p.Activity == nil || p.direct != nil || !hasRowsForEach(p.Activity) {
		return nil
	}
	g := &groupedTemplates{}
	if p.groupTemplate(g, 1) == nil {
		return nil
	}
	return g
}

// hasRowsForEach reports whether n holds a for_each over rows.
func hasRowsForEach(n *Node) bool {
	if n.Kind == ForEachNode {
		return n.Expr.fast.kind == groupRows
	}
	for _, c := range n.Values {
		if hasRowsForEach(c) {
			return true
		}
	}
	return false
}

// groupTemplate returns the template for groups of n rows, making it when
// none was, or nil when there is none.
func (p *Program) groupTemplate(g *groupedTemplates, n int) *direct {
	if n < 1 || n > maxPlanned {
		return nil
	}
	d := g.by[n].Load()
	if d == nil {
		if d = p.planTemplate(&directBuilder{rows: n, row: -1}); d == nil {
			d = noTemplate
		} else {
			p.planStored(d)
		}
		g.by[n].Store(d) // two workers may make it at once: either is right
	}
	if d == noTemplate {
		return nil
	}
	return d
}

// forEach unrolls a for_each over rows into b.rows items; any other
// for_each, or one in an item, cannot be compiled.
func (b *directBuilder) forEach(n *Node) (any, bool) {
	if b.rows == 0 || b.row >= 0 || b.d.each != nil || n.Expr.fast.kind != groupRows {
		return nil, false
	}
	b.d.each = n
	list := []any{}
	b.lit = append(b.lit, '[')
	for i := range b.rows {
		if n.Item.Kind == ConstNode && n.Item.Const == nil {
			break // every element is null: the list is empty
		}
		if i > 0 {
			b.lit = append(b.lit, ',')
		}
		b.row = i
		v, ok := b.node(n.Item)
		if !ok {
			return nil, false
		}
		list = append(list, v)
	}
	b.row = -1
	b.lit = append(b.lit, ']')
	return list, true
}

// appendGrouped appends the activity of a group and a line break to dst
// through the grouped template d, made for len(group) rows. As appendLine,
// it returns dst and an error when the group is rejected, and dst and done
// false when a value is null: the general path builds that one. With rows
// (the group's stored rows, typed as d.stored says), a hole of a text column
// takes its cell (valid UTF-8: StoredRow), and no expression runs on the VM:
// the rows are not bound for it.
func (ev *Evaluator) appendGrouped(dst []byte, d *direct, group [][]any, rows []StoredRow) (out []byte, done bool, err error) {
	ev.newActivity()
	var top *scope
	if rows != nil {
		ev.top = scope{env: ev.env, vals: group[0], group: group}
		top = &ev.top
	} else {
		top = ev.bind(group[0], group)
	}
	values, done, err := ev.holeValues(d, top, rows, rows != nil)
	if !done {
		return dst, false, err
	}
	return d.write(dst, values, rows, true)
}

// holeValues computes the values of d's holes, in order, into the
// Evaluator's memory: an item's holes against their row of top.group, the
// others against top. A hole of a text column, with rows, is nil: write
// takes its cell. done is false, and the values are cleared, when a value
// is null (the general path builds that activity) or with the error of an
// expression. bare, an item's row is not bound for the VM.
func (ev *Evaluator) holeValues(d *direct, top *scope, rows []StoredRow, bare bool) (values []any, done bool, err error) {
	values = ev.values[:0]
	defer func() {
		if ev.values = values; !done {
			clear(values)
		}
	}()
	var item *scope
	row := -1
	for _, h := range d.holes {
		if h.text >= 0 && rows != nil {
			if h.cell(rows) == "" && ev.p.cols[h.text].Optional {
				return values, false, nil // null
			}
			values = append(values, nil) // read from the cells by write
			continue
		}
		sc, depth := top, 0
		if h.row >= 0 {
			if h.row != row {
				if err := ev.guard.stopped(); err != nil {
					return values, false, &EvalError{Path: d.each.Path, Line: d.each.Expr.Line, Err: err}
				}
				row = h.row
				item = ev.itemOf(item, top, top.group, row, bare)
			}
			sc, depth = item, 1
		}
		v, err := ev.node(h.node, sc, depth)
		if err != nil || v == nil {
			return values, false, err
		}
		values = append(values, v)
	}
	return values, true, nil
}

// itemOf makes item (nil before the first item) the scope of the item of
// group[row]; bare, it binds nothing for the VM.
func (ev *Evaluator) itemOf(item, top *scope, group [][]any, row int, bare bool) *scope {
	if bare {
		ev.item = scope{vals: group[row], group: group}
		return &ev.item
	}
	if item == nil { // kept in the Evaluator: no scope allocated per group
		ev.item = ev.itemScopeOf(top, 0)
		item = &ev.item
	}
	ev.setItem(item, group[row], nil, row)
	return item
}

// GroupTemplated reports whether groups of n rows go through a grouped
// template (for tests and diagnostics: AppendGroup chooses by itself).
func (p *Program) GroupTemplated(n int) bool {
	return p.grouped != nil && p.groupTemplate(p.grouped, n) != nil
}

// appendTemplated is AppendGroup's fast path: the group's activity through
// its grouped template, when there is one; done false sends the group the
// general way.
func (ev *Evaluator) appendTemplated(dst []byte, group [][]any) ([]byte, bool, error) {
	g := ev.p.grouped
	if g == nil {
		return dst, false, nil
	}
	d := ev.p.groupTemplate(g, len(group))
	if d == nil {
		return dst, false, nil
	}
	return ev.appendGrouped(dst, d, group, nil)
}
