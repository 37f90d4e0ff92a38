package mapping

// Stored groups: a group whose rows waited for the rest of it as stored
// records, each row its cells and the binary form of its typed values
// (AppendCells). AppendStoredGroup builds its activity through the grouped
// template (grouped.go) typing only what the template reads: the cells of
// the columns its expressions read, in the rows that read them (a column of
// the activity, outside of its items, in the first row only), each once;
// a string column written as it is (a bare column name) is taken from its
// cell, never boxed. A group the template declines, or a template with an
// expression that runs on the VM, is typed in full and goes through
// AppendGroup. TestStoredMatchesGroup and FuzzGrouped compare it with
// AppendGroup.

// StoredRow is a row of a group as it waited for the rest: its cells, one
// per header column, valid UTF-8, and the binary form of its typed values
// (Program.AppendCells), or nil when it has none (its cells are typed
// again).
type StoredRow struct {
	Fields []string
	Cells  []byte
}

// storedPlan is what a grouped template reads of a stored group's rows.
type storedPlan struct {
	first []bool // the columns typed in the first row
	each  []bool // the columns typed in every row
}

// planStored makes d's stored plan, and makes its holes of a bare string
// column take their cell as it is; it leaves d without a plan when an
// expression of its holes runs on the VM (which sees every column).
func (p *Program) planStored(d *direct) {
	sp := &storedPlan{first: make([]bool, len(p.cols)), each: make([]bool, len(p.cols))}
	for i := range d.holes {
		h := &d.holes[i]
		if n := h.node; n.Kind == ExprNode && n.Expr.fast.kind == column && p.cols[n.Expr.fast.col].Type == String {
			h.text = n.Expr.fast.col
			continue
		}
		in := sp.first // a hole outside of the items reads the first row
		if h.row >= 0 {
			in = sp.each
		}
		for _, e := range holeExprs(h.node) {
			if !sp.reads(e, in) {
				for j := range d.holes {
					d.holes[j].text = -1
				}
				return
			}
		}
	}
	for i, each := range sp.each {
		sp.first[i] = sp.first[i] || each
	}
	d.stored = sp
}

// holeExprs are the expressions of a hole's node.
func holeExprs(n *Node) []*Expr {
	if n.Kind == ExprNode {
		return []*Expr{n.Expr}
	}
	var exprs []*Expr
	for _, part := range n.Parts {
		if part.Expr != nil {
			exprs = append(exprs, part.Expr)
		}
	}
	return exprs
}

// reads marks the columns e reads (in the row it is evaluated on, in,
// or in every row of the group) and reports whether it has a fast path.
func (sp *storedPlan) reads(e *Expr, in []bool) bool {
	f := &e.fast
	switch f.kind {
	case column, groupFirst:
		in[f.col] = true
	case groupSum, groupLast:
		sp.each[f.col] = true
	case binaryOp:
		for _, o := range []operand{f.left, f.right} {
			if o.col >= 0 {
				in[o.col] = true
			}
		}
	case groupLen:
	default:
		return false
	}
	return true
}

// AppendStoredGroup is AppendGroup for a group of stored rows, in input
// order: it appends the group's activity and a line break to dst, or
// returns dst and the typed error that rejects the group (a *CellError
// for a row whose cells no longer type). The rows' typed values are kept
// in the Evaluator's memory, reused from group to group.
func (ev *Evaluator) AppendStoredGroup(dst []byte, rows []StoredRow) ([]byte, error) {
	if g := ev.p.grouped; g != nil {
		if d := ev.p.groupTemplate(g, len(rows)); d != nil && d.stored != nil {
			group, err := ev.storedGroup(rows, d.stored)
			if err != nil {
				return dst, err
			}
			out, done, err := ev.appendGrouped(dst, d, group, rows)
			if done || err != nil {
				return out, err
			}
		}
	}
	group, err := ev.storedGroup(rows, nil)
	if err != nil {
		return dst, err
	}
	return ev.AppendGroup(dst, group)
}

// storedGroup types the rows of a stored group into the Evaluator's
// memory: the columns of plan (sp nil: every column).
func (ev *Evaluator) storedGroup(rows []StoredRow, sp *storedPlan) ([][]any, error) {
	for len(ev.stored) < len(rows) {
		ev.stored = append(ev.stored, make([]any, len(ev.p.cols)))
	}
	group := ev.stored[:len(rows)]
	for i, r := range rows {
		var need []bool
		if sp != nil {
			need = sp.each
			if i == 0 {
				need = sp.first
			}
		}
		clear(group[i])
		var err error
		if r.Cells != nil {
			err = ev.p.cellsRowInto(group[i], r.Fields, r.Cells, need)
		} else {
			err = ev.p.typeInto(group[i], r.Fields, need)
		}
		if err != nil {
			return nil, err
		}
	}
	return group, nil
}

// typeInto types the cells of need (every column when nil) into vals, as
// rowInto does.
func (p *Program) typeInto(vals []any, fields []string, need []bool) error {
	for i, c := range p.cols {
		if p.skip[i] || need != nil && !need[i] {
			continue
		}
		v, err := c.parse(fields[i])
		if err != nil {
			return p.cellError(i, fields, err)
		}
		vals[i] = v
	}
	return nil
}
