package mapping

import (
	"fmt"
	"slices"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
)

// Fast paths: the expressions most mappings are made of — a column name, a
// column divided by another, a column compared with a constant — are
// evaluated here without the expr VM, without binding the row's columns into
// the VM's environment. Each computes with the very functions the VM path
// calls (the patched operators of arith.go), so both give the same value;
// TestFastPathsMatchVM checks it expression by expression.

type fastKind uint8

const (
	slow       fastKind = iota // run on the VM
	column                     // a bare column name
	groupRows                  // rows, as the list of a for_each: the group's rows, no maps made
	binaryOp                   // column-or-constant OP column-or-constant
	groupSum                   // sum(rows, #.Column): the column added up over the group, no maps made
	groupLen                   // len(rows): how many rows the group has
	groupFirst                 // first(rows).Column: the column of the group's first row
	groupLast                  // last(rows).Column: the column of the group's last row
)

// fastPath is an expression's shortcut, if it has one.
type fastPath struct {
	kind        fastKind
	col         int                                   // column, groupSum, groupFirst, groupLast
	op          func(g *guard, a, b any) (any, error) // binaryOp
	left, right operand                               // binaryOp
	text        string                                // binaryOp (arithmetic), groupSum: what its errors name
}

// operand is a column (col >= 0) or a constant.
type operand struct {
	col int
	c   any
}

func (o operand) value(vals []any) any {
	if o.col >= 0 {
		return vals[o.col]
	}
	return o.c
}

// eval computes a fast path on a row's values (and its group's); g is the
// guard of the Evaluator. An error names the expression, as the patched
// operators of the VM do.
func (f *fastPath) eval(g *guard, vals []any, group [][]any) (any, error) {
	var v any
	var err error
	switch f.kind {
	case column:
		return vals[f.col], nil
	case groupLen:
		return len(group), nil
	case groupFirst:
		return group[0][f.col], nil
	case groupLast:
		return group[len(group)-1][f.col], nil
	case groupSum:
		v = 0
		for _, row := range group {
			if v, err = sumStep(g, v, row[f.col]); err != nil {
				break
			}
		}
	default:
		v, err = f.op(g, f.left.value(vals), f.right.value(vals))
	}
	if err != nil && f.text != "" {
		return nil, fmt.Errorf("%s: %w", f.text, err)
	}
	return v, err
}

// fastOps are the operators with a fast path, and what they compute.
var fastOps = map[string]func(g *guard, a, b any) (any, error){
	"+": opAdd, "-": unguarded(opSub), "*": unguarded(opMul), "/": unguarded(opDiv), "%": unguarded(opMod),
	"<":  boolOp("<", runtime.Less),
	">":  boolOp(">", runtime.More),
	"<=": boolOp("<=", runtime.LessOrEqual),
	">=": boolOp(">=", runtime.MoreOrEqual),
	"==": unguarded(func(a, b any) (any, error) { return equal(a, b), nil }),
	"!=": unguarded(func(a, b any) (any, error) { return !equal(a, b), nil }),
}

func unguarded(f func(a, b any) (any, error)) func(g *guard, a, b any) (any, error) {
	return func(_ *guard, a, b any) (any, error) { return f(a, b) }
}

func boolOp(op string, f func(a, b any) bool) func(g *guard, a, b any) (any, error) {
	return unguarded(func(a, b any) (any, error) { return compare(op, a, b, f) })
}

// fastPath recognises an expression that needs no VM. forEach says whether it
// is the list of a for_each (where rows has its shortcut).
func (c *compiler) fastPath(root ast.Node, forEach bool) fastPath {
	switch n := root.(type) {
	case *ast.IdentifierNode:
		if col, ok := c.p.idents[n.Value]; ok {
			return fastPath{kind: column, col: col}
		}
		if forEach && n.Value == NameRows {
			return fastPath{kind: groupRows}
		}
	case *ast.BuiltinNode:
		if col, ok := c.summedColumn(n); ok {
			return fastPath{kind: groupSum, col: col, text: shorten(n.String())}
		}
		if n.Name == "len" && len(n.Arguments) == 1 && isRows(n.Arguments[0]) {
			return fastPath{kind: groupLen}
		}
	case *ast.MemberNode:
		if kind, col, ok := c.endColumn(n); ok {
			return fastPath{kind: kind, col: col}
		}
	case *ast.BinaryNode:
		op, ok := fastOps[n.Operator]
		left, lok := c.operand(n.Left)
		right, rok := c.operand(n.Right)
		if ok && lok && rok {
			f := fastPath{kind: binaryOp, op: op, left: left, right: right}
			if arithmetic[n.Operator] {
				f.text = shorten(n.String())
			}
			return f
		}
	}
	return fastPath{}
}

// summedColumn recognises sum(rows, #.Field) (also .Field and #["Field"]),
// where Field is a column as a Record names it: its header name, else its
// identifier.
func (c *compiler) summedColumn(n *ast.BuiltinNode) (int, bool) {
	if n.Name != "sum" || len(n.Arguments) != 2 {
		return 0, false
	}
	list, ok := n.Arguments[0].(*ast.IdentifierNode)
	pred, pok := n.Arguments[1].(*ast.PredicateNode)
	if !ok || !pok || list.Value != NameRows {
		return 0, false
	}
	m, ok := pred.Node.(*ast.MemberNode)
	if !ok || m.Optional || m.Method {
		return 0, false
	}
	ptr, pok := m.Node.(*ast.PointerNode)
	if !pok || ptr.Name != "" {
		return 0, false
	}
	return c.recordField(m.Property)
}

// recordField is the column a Record's field names: its header name, else
// its identifier.
func (c *compiler) recordField(n ast.Node) (int, bool) {
	field, ok := n.(*ast.StringNode)
	if !ok {
		return 0, false
	}
	if i := slices.Index(c.p.Header, field.Value); i >= 0 {
		return i, true
	}
	col, ok := c.p.idents[field.Value]
	return col, ok
}

// isRows reports whether n is the name rows.
func isRows(n ast.Node) bool {
	id, ok := n.(*ast.IdentifierNode)
	return ok && id.Value == NameRows
}

// endColumn recognises first(rows).Field and last(rows).Field (also
// ["Field"]): a column of the group's first or last row.
func (c *compiler) endColumn(m *ast.MemberNode) (fastKind, int, bool) {
	b, ok := m.Node.(*ast.BuiltinNode)
	if !ok || m.Optional || m.Method || len(b.Arguments) != 1 || !isRows(b.Arguments[0]) {
		return slow, 0, false
	}
	kind := map[string]fastKind{"first": groupFirst, "last": groupLast}[b.Name]
	col, ok := c.recordField(m.Property)
	return kind, col, ok && kind != slow
}

// operand recognises a column name or a literal.
func (c *compiler) operand(n ast.Node) (operand, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		col, ok := c.p.idents[n.Value]
		return operand{col: col}, ok
	case *ast.IntegerNode:
		return operand{col: -1, c: n.Value}, true
	case *ast.FloatNode:
		return operand{col: -1, c: n.Value}, true
	case *ast.StringNode:
		return operand{col: -1, c: n.Value}, true
	case *ast.BoolNode:
		return operand{col: -1, c: n.Value}, true
	case *ast.NilNode:
		return operand{col: -1}, true
	}
	return operand{}, false
}
