package mapping

import (
	"errors"
	"fmt"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"csv2activity/activity"
)

// Record is a row as a map, by header name and by column identifier: the value
// of row, of each element of rows, and of item when for_each walks rows.
type Record map[string]any

// EvalError is an expression that failed on a row. It rejects the row (or the
// group).
type EvalError struct {
	Path string // where the expression sits in the mapping, e.g. activity.$ts
	Line int    // its line in the mapping file
	Err  error
}

func (e *EvalError) Error() string {
	return fmt.Sprintf("%s (mapping line %d): %v", e.Path, e.Line, e.Err)
}

func (e *EvalError) Unwrap() error { return e.Err }

// fastPath lets an expression that is only a column name skip the VM.
type fastPath struct {
	ident string
}

// fastPath recognises an expression that is a bare column identifier.
func (c *compiler) fastPath(root ast.Node) fastPath {
	if id, ok := root.(*ast.IdentifierNode); ok {
		if _, col := c.p.idents[id.Value]; col {
			return fastPath{ident: id.Value}
		}
	}
	return fastPath{}
}

// Row converts a CSV record (one field per header column) to typed values. A
// cell that does not convert returns a *CellError naming the column.
func (p *Program) Row(fields []string) ([]any, error) {
	vals := make([]any, len(p.cols))
	for i, c := range p.cols {
		v, err := c.parse(fields[i])
		if err != nil {
			return nil, &CellError{Column: c.Name, Value: fields[i], Err: err}
		}
		vals[i] = v
	}
	return vals, nil
}

// Record returns a typed row as a map by header name and identifier.
func (p *Program) Record(vals []any) Record {
	r := make(Record, len(vals)+len(p.used))
	for i, h := range p.Header {
		if _, dup := r[h]; !dup {
			r[h] = vals[i]
		}
	}
	for id, i := range p.idents {
		if _, dup := r[id]; !dup {
			r[id] = vals[i]
		}
	}
	return r
}

// Evaluator runs a Program's expressions. It reuses its buffers from row to
// row, so it is not safe for concurrent use: make one per goroutine.
type Evaluator struct {
	p    *Program
	vm   vm.VM
	env  map[string]any
	envs []map[string]any // one per for_each depth
}

// NewEvaluator returns an Evaluator for p.
func (p *Program) NewEvaluator() *Evaluator {
	return &Evaluator{p: p, env: map[string]any{}}
}

// bind makes the expressions see the row vals (and rows, the group).
func (ev *Evaluator) bind(vals []any, group [][]any) {
	for _, b := range ev.p.used {
		ev.env[b.ident] = vals[b.col]
	}
	if ev.p.row {
		ev.env[NameRow] = ev.p.Record(vals)
	}
	if ev.p.rows {
		recs := make([]Record, len(group))
		for i, g := range group {
			recs[i] = ev.p.Record(g)
		}
		ev.env[NameRows] = recs
	}
}

// Where reports whether the row passes the mapping's where (true without one).
func (ev *Evaluator) Where(vals []any) (bool, error) {
	w := ev.p.Where
	if w == nil {
		return true, nil
	}
	ev.bind(vals, [][]any{vals})
	v, err := ev.run(w, ev.env)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, &EvalError{Path: w.Path, Line: w.Line, Err: fmt.Errorf("want true or false, got %s", typeName(v))}
	}
	return b, nil
}

// errEmptyKey is the cause of an EvalError for a row whose group_by is empty.
var errEmptyKey = errors.New("the group key is empty")

// Key returns the row's group_by key. An empty or nil key is an error.
func (ev *Evaluator) Key(vals []any) (string, error) {
	g := ev.p.GroupBy
	ev.bind(vals, [][]any{vals})
	v, err := ev.run(g, ev.env)
	if err != nil {
		return "", err
	}
	k := text(v)
	if v == nil || k == "" {
		return "", &EvalError{Path: g.Path, Line: g.Line, Err: errEmptyKey}
	}
	return k, nil
}

// Apply builds the activity of a group of typed rows, in input order (one row
// without group_by). Bare column names read the first row.
func (ev *Evaluator) Apply(group [][]any) (*activity.Object, error) {
	ev.bind(group[0], group)
	v, err := ev.node(ev.p.Activity, ev.env, 0)
	if err != nil {
		return nil, err
	}
	return v.(*activity.Object), nil
}

// run evaluates one expression.
func (ev *Evaluator) run(e *Expr, env map[string]any) (any, error) {
	if e.fast.ident != "" {
		return env[e.fast.ident], nil
	}
	v, err := ev.vm.Run(e.program, env)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			err = errors.New(fe.Message)
		}
		return nil, &EvalError{Path: e.Path, Line: e.Line, Err: err}
	}
	return v, nil
}

// node builds the value of a template node; nil means "leave the key out".
func (ev *Evaluator) node(n *Node, env map[string]any, depth int) (any, error) {
	switch n.Kind {
	case ConstNode:
		return n.Const, nil
	case ExprNode:
		v, err := ev.run(n.Expr, env)
		if err != nil {
			return nil, err
		}
		return ev.p.normalize(v, n.Expr)
	case InterpNode:
		return ev.interpolate(n, env)
	case ObjectNode:
		return ev.object(n, env, depth)
	case ListNode:
		return ev.list(n, env, depth)
	}
	return ev.forEach(n, env, depth)
}

func (ev *Evaluator) interpolate(n *Node, env map[string]any) (any, error) {
	var b strings.Builder
	for _, part := range n.Parts {
		if part.Expr == nil {
			b.WriteString(part.Text)
			continue
		}
		v, err := ev.run(part.Expr, env)
		if err != nil {
			return nil, err
		}
		b.WriteString(text(v))
	}
	return b.String(), nil
}

func (ev *Evaluator) object(n *Node, env map[string]any, depth int) (any, error) {
	obj := &activity.Object{Fields: make([]activity.Field, 0, len(n.Keys))}
	for i, key := range n.Keys {
		v, err := ev.node(n.Values[i], env, depth)
		if err != nil {
			return nil, err
		}
		if v != nil {
			obj.Fields = append(obj.Fields, activity.Field{Key: key, Value: v})
		}
	}
	return obj, nil
}

func (ev *Evaluator) list(n *Node, env map[string]any, depth int) (any, error) {
	out := make([]any, 0, len(n.Values))
	for _, item := range n.Values {
		v, err := ev.node(item, env, depth)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

// forEach builds one element per element of the list; inside item, the
// element is item (and, when it is a row, its columns are bare names again).
func (ev *Evaluator) forEach(n *Node, env map[string]any, depth int) (any, error) {
	v, err := ev.run(n.Expr, env)
	if err != nil {
		return nil, err
	}
	elems, ok := elements(v)
	if !ok {
		return nil, &EvalError{Path: n.Expr.Path, Line: n.Expr.Line, Err: fmt.Errorf("for_each wants a list, got %s", typeName(v))}
	}
	out := make([]any, 0, len(elems))
	for i, el := range elems {
		item, err := ev.node(n.Item, ev.itemEnv(env, depth, el, i), depth+1)
		if err != nil {
			return nil, err
		}
		if item != nil {
			out = append(out, item)
		}
	}
	return out, nil
}

// itemEnv is the environment of a for_each item: the enclosing one, with the
// element's columns, item and index.
func (ev *Evaluator) itemEnv(parent map[string]any, depth int, el any, i int) map[string]any {
	for len(ev.envs) <= depth {
		ev.envs = append(ev.envs, map[string]any{})
	}
	env := ev.envs[depth]
	clear(env)
	for k, v := range parent {
		env[k] = v
	}
	if rec, ok := el.(Record); ok {
		for _, b := range ev.p.used {
			env[b.ident] = rec[b.ident]
		}
		env[NameRow] = rec
	}
	env[NameItem] = el
	env[NameIndex] = i
	return env
}
