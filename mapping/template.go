package mapping

import "csv2activity/activity"

// The compiled template: the fast path of a mapping without group_by and
// without for_each, whose activity has the same shape for every row. Its
// constant JSON is written once, when the mapping is compiled, and its
// constants and keys are checked once (activity.Rules.Plan); for each row only
// the values of its expressions are computed, checked against the rule of
// their place, and appended between the constant bytes. No activity tree is
// built.
//
// It gives the same bytes, and rejects a row with the same reason, as the
// general path (Apply, activity.Validate, activity.AppendJSON): a row for
// which it cannot promise that (an expression whose value is null, so that
// its key is left out) goes the general way. TestDirectMatchesApply and
// FuzzDirect compare the two.

// direct is a compiled template.
type direct struct {
	holes  []directHole
	tail   []byte      // the JSON after the last hole
	each   *Node       // a grouped template's for_each over rows (grouped.go)
	stored *storedPlan // what a grouped template reads of stored rows (stored.go)
}

// directHole is a value computed per row, and the constant JSON before it.
type directHole struct {
	lit  []byte
	node *Node // an ExprNode or an InterpNode
	hole *activity.Hole
	text int // a text column the hole is, read from the fields; else -1
	row  int // in a grouped template, the row of the item the hole is in; else -1
}

// compileDirect compiles the activity template of a mapping without
// group_by, or returns nil when the template's shape varies (for_each) or
// its rules depend on a computed value (activity.Plan).
func (p *Program) compileDirect() *direct {
	if p.GroupBy != nil || p.Activity == nil || p.Doc != nil {
		return nil // the compiled template knows the activity rules only
	}
	return p.planTemplate(&directBuilder{row: -1})
}

// planTemplate builds the template of the activity with b and checks it
// once (activity.Rules.Plan), or returns nil.
func (p *Program) planTemplate(b *directBuilder) *direct {
	skeleton, ok := b.node(p.Activity)
	obj, isObj := skeleton.(*activity.Object)
	if !ok || !isObj {
		return nil
	}
	holes := make([]*activity.Hole, len(b.d.holes))
	for i, h := range b.d.holes {
		holes[i] = h.hole
	}
	if p.Rules.Plan(obj, holes) != nil {
		return nil
	}
	b.d.tail = b.lit
	return &b.d
}

// directBuilder walks the template as AppendJSON walks an activity, writing
// the constant JSON and making a hole for each expression. With rows > 0,
// a for_each over rows is unrolled into that many items (grouped.go).
type directBuilder struct {
	d    direct
	lit  []byte // the constant JSON since the last hole
	rows int    // the rows of the group a grouped template is for; 0 for a per-line one
	row  int    // the row of the item being built, -1 outside of one
}

// node returns the skeleton value of n (a constant, a *activity.Hole, an
// object or a list of them), nil for a constant null (left out, as Apply
// leaves it out), and false when n cannot be compiled.
func (b *directBuilder) node(n *Node) (any, bool) {
	switch n.Kind {
	case ConstNode:
		if n.Const != nil {
			b.lit = activity.AppendJSON(b.lit, n.Const)
		}
		return n.Const, true
	case ExprNode, InterpNode:
		h := &activity.Hole{}
		b.d.holes = append(b.d.holes, directHole{lit: b.lit, node: n, hole: h, text: -1, row: b.row})
		b.lit = nil
		return h, true
	case ObjectNode:
		obj := &activity.Object{}
		b.lit = append(b.lit, '{')
		for i, key := range n.Keys {
			if c := n.Values[i]; c.Kind == ConstNode && c.Const == nil {
				continue
			}
			if len(obj.Fields) > 0 {
				b.lit = append(b.lit, ',')
			}
			b.lit = append(b.lit, n.KeyEnc[i]...)
			v, ok := b.node(n.Values[i])
			if !ok {
				return nil, false
			}
			obj.Fields = append(obj.Fields, activity.Field{Key: key, Value: v})
		}
		b.lit = append(b.lit, '}')
		return obj, true
	case ListNode:
		list := []any{}
		b.lit = append(b.lit, '[')
		for _, item := range n.Values {
			if item.Kind == ConstNode && item.Const == nil {
				continue
			}
			if len(list) > 0 {
				b.lit = append(b.lit, ',')
			}
			v, ok := b.node(item)
			if !ok {
				return nil, false
			}
			list = append(list, v)
		}
		b.lit = append(b.lit, ']')
		return list, true
	case ForEachNode:
		return b.forEach(n)
	}
	return nil, false
}

// textColumns finds the columns of type string that only the compiled
// template reads, each time as a bare column name: their holes take the
// cell as it is, so that the row's typing leaves them out, and no string is
// boxed into an interface for them.
func (p *Program) textColumns(c *compiler) {
	p.text = make([]bool, len(p.cols))
	if p.direct == nil || p.row || p.rows || p.item || c.used[NameRows] {
		return
	}
	bare := map[int]int{}
	for _, h := range p.direct.holes {
		if e := h.node.Expr; h.node.Kind == ExprNode && e.fast.kind == column && p.cols[e.fast.col].Type == String {
			bare[e.fast.col]++
		}
	}
	for col, n := range bare {
		p.text[col] = n == c.uses[Ident(p.Header[col])] && !p.skip[col]
	}
	for i := range p.direct.holes {
		h := &p.direct.holes[i]
		if e := h.node.Expr; h.node.Kind == ExprNode && e.fast.kind == column && p.text[e.fast.col] {
			h.text = e.fast.col
		}
	}
}

// Templated reports whether the mapping's activity is a compiled template,
// through which AppendRow writes the rows whose values are not null (for
// tests and diagnostics: AppendRow chooses by itself).
func (p *Program) Templated() bool { return p.direct != nil }

// appendLine appends the activity of one row and a line break to dst,
// through the compiled template (p.direct must be set). vals are the row's
// values from rowInto with p.text, fields its cells; validUTF8 says that the
// fields are known to be valid UTF-8 (convert checks every row it reads),
// so that their text need not be checked again.
//
// It returns dst unchanged and an error when the row is rejected: an
// *EvalError when an expression fails, a *RuleError when a value breaks
// the rule of its place. It returns dst unchanged and done false
// when the row's activity has another shape than the template's (a value is
// null, so its key is left out): build that one with Apply, after
// complete.
func (ev *Evaluator) appendLine(dst []byte, vals []any, fields []string, validUTF8 bool) (out []byte, done bool, err error) {
	d := ev.p.direct
	ev.newActivity()
	sc := ev.bind(vals, ev.single(vals))
	ev.oneRow[0].Fields = fields
	out = dst
	values, done, err := ev.holeValues(d, sc, ev.oneRow[:], false)
	if done {
		out, done, err = d.write(dst, values, ev.oneRow[:], validUTF8)
	}
	ev.oneRow[0].Fields = nil
	return out, done, err
}

// write checks each value against the rule of its place, in the order of
// the holes, and appends the activity and a line break to dst; or returns
// dst unchanged and the *RuleError of the first value that breaks its rule.
// With rows, a hole of a text column takes its cell from the fields of its
// row (the first one outside of the items).
func (d *direct) write(dst []byte, values []any, rows []StoredRow, validUTF8 bool) ([]byte, bool, error) {
	for i, h := range d.holes {
		var err error
		if h.text >= 0 && rows != nil {
			err = h.hole.CheckString(h.cell(rows), validUTF8)
		} else {
			err = h.hole.Check(values[i])
		}
		if err != nil {
			clear(values)
			return dst, false, &RuleError{Err: err}
		}
	}
	for i, h := range d.holes {
		dst = append(dst, h.lit...)
		if h.text >= 0 && rows != nil {
			dst = activity.AppendString(dst, h.cell(rows))
		} else {
			dst = activity.AppendJSON(dst, values[i])
		}
	}
	dst = append(dst, d.tail...)
	clear(values) // let the values go
	return append(dst, '\n'), true, nil
}

// cell is the cell of a text hole: in the row of its item, else in the
// first row.
func (h *directHole) cell(rows []StoredRow) string {
	return rows[max(h.row, 0)].Fields[h.text]
}
