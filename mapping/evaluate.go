package mapping

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/govalues/decimal"

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

// Row converts a CSV record (one field per header column) to typed values. A
// cell that does not convert returns a *CellError naming the column. Columns
// that no expression reads and that have no declared type are left nil.
func (p *Program) Row(fields []string) ([]any, error) {
	return p.rowInto(nil, fields, nil)
}

// errWholeRow is the error of cellsInto for an expression that reads the
// whole row.
var errWholeRow = errors.New("the expression reads the whole row")

// cellsInto types only the cells an expression reads (those skip leaves
// out), so that the group of a row rejected for another cell is still
// known; it returns errWholeRow when skip is nil: the expression reads the
// whole row (row, rows).
func (p *Program) cellsInto(fields []string, skip []bool) ([]any, error) {
	if skip == nil {
		return nil, errWholeRow
	}
	return p.rowInto(nil, fields, skip)
}

// complete types the columns that rowInto left out for the compiled
// template (p.text).
func (p *Program) complete(vals []any, fields []string) {
	for i, c := range p.cols {
		if p.text[i] {
			vals[i], _ = c.parse(fields[i]) // a string: never fails
		}
	}
}

// rowInto types a row, leaving nil the columns of skip (when not nil) as
// well as those no expression reads.
func (p *Program) rowInto(dst []any, fields []string, skip []bool) ([]any, error) {
	vals := dst[:0]
	if cap(vals) < len(p.cols) {
		vals = make([]any, 0, len(p.cols))
	}
	vals = vals[:len(p.cols)]
	for i, c := range p.cols {
		if p.skip[i] || (skip != nil && skip[i]) {
			vals[i] = nil
			continue
		}
		v, err := c.parse(fields[i])
		if err != nil {
			return nil, p.cellError(i, fields, err)
		}
		vals[i] = v
	}
	return vals, nil
}

// record returns a typed row as a map by header name and identifier (only
// the fields the expressions read, when they read them by name: record.go).
func (p *Program) record(vals []any) Record {
	r := make(Record, len(p.recKeys))
	for _, k := range p.recKeys {
		r[k.name] = vals[k.col]
	}
	return r
}

// recordVals turns a Record back into a row's values, in header order.
func (p *Program) recordVals(rec Record) []any {
	vals := make([]any, len(p.Header))
	for i, h := range p.Header {
		vals[i] = rec[h]
	}
	return vals
}

// Evaluator runs a Program's expressions. It reuses its buffers from row to
// row, so it is not safe for concurrent use: make one per goroutine.
type Evaluator struct {
	p    *Program
	vm   vm.VM
	env  map[string]any
	envs []map[string]any // one per for_each depth
	mem  arena
	top  scope    // the scope of the row being mapped
	one  [1][]any // the one-row group of where and keyOf

	// written caches the written value of the row's columns; an entry is
	// valid while seen[col] == gen, gen changing with every activity.
	written []any
	seen    []uint32
	gen     uint32

	values  []any        // the values of the compiled template's holes (appendLine)
	scratch []any        // the row being mapped, when the caller does not keep it
	oneRow  [1]StoredRow // the cells of the row appendLine maps
	stored  [][]any      // the typed rows of a stored group (stored.go)
	item    scope        // the scope of an item of a grouped template (appendGrouped)

	guard guard // what the expressions of the current activity have spent
}

// scope is what the expressions of a template node see: the names bound for
// the VM, and the row (and group) that fast paths read.
type scope struct {
	env   map[string]any
	vals  []any
	group [][]any
}

// NewEvaluator returns an Evaluator for p.
func (p *Program) NewEvaluator() *Evaluator {
	n := len(p.Header)
	ev := &Evaluator{p: p, env: map[string]any{}, written: make([]any, n), seen: make([]uint32, n), gen: 1}
	ev.guard.stop = &p.stop
	ev.env[guardName] = &ev.guard
	ev.env[stepName] = ev.guard.step
	ev.vm.MemoryBudget = MaxElements
	return ev
}

// bind makes the VM expressions see the row vals (and rows, the group), and
// returns the scope of the row.
func (ev *Evaluator) bind(vals []any, group [][]any) *scope {
	ev.bindRow(ev.env, vals)
	if ev.p.rows {
		recs := make([]Record, len(group))
		for i, g := range group {
			recs[i] = ev.p.record(g)
		}
		ev.env[NameRows] = recs
	}
	ev.top = scope{env: ev.env, vals: vals, group: group}
	return &ev.top
}

// bindRow binds the columns the VM expressions name (and row) to vals.
func (ev *Evaluator) bindRow(env map[string]any, vals []any) {
	for _, b := range ev.p.used {
		env[b.ident] = vals[b.col]
	}
	if ev.p.row {
		env[NameRow] = ev.p.record(vals)
	}
}

// single is the one-row group of vals, in memory the Evaluator reuses.
func (ev *Evaluator) single(vals []any) [][]any {
	ev.one[0] = vals
	return ev.one[:]
}

// where reports whether the row passes the mapping's where (true without one).
func (ev *Evaluator) where(vals []any) (bool, error) {
	w := ev.p.Where
	if w == nil {
		return true, nil
	}
	ev.guard.built = 0
	v, err := ev.run(w, ev.bind(vals, ev.single(vals)))
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

// keyOf returns the row's group_by key. An empty or nil key is an error.
func (ev *Evaluator) keyOf(vals []any) (string, error) {
	return ev.keyWith(ev.p.GroupBy, vals, ev.single(vals), errEmptyKey)
}

// keyWith evaluates the key expression g on the row vals of group, as text;
// a nil or empty key is an EvalError whose cause is empty.
func (ev *Evaluator) keyWith(g *Expr, vals []any, group [][]any, empty error) (string, error) {
	ev.guard.built = 0
	v, err := ev.run(g, ev.bind(vals, group))
	if err != nil {
		return "", err
	}
	k, err := textOf(v)
	if err != nil {
		return "", &EvalError{Path: g.Path, Line: g.Line, Err: err}
	}
	if v == nil || k == "" {
		return "", &EvalError{Path: g.Path, Line: g.Line, Err: empty}
	}
	return k, nil
}

// Apply builds the activity of a group of typed rows, in input order (one row
// without group_by). Bare column names read the first row. The activity is
// built in the Evaluator's memory: it is valid until the next call of Apply.
func (ev *Evaluator) Apply(group [][]any) (*activity.Object, error) {
	ev.newActivity()
	v, err := ev.node(ev.p.Activity, ev.bind(group[0], group), 0)
	if err != nil {
		return nil, err
	}
	return v.(*activity.Object), nil
}

// newActivity starts the evaluation of an activity: the memory of the last
// one is reused, and its written values forgotten.
func (ev *Evaluator) newActivity() {
	ev.mem.reset()
	ev.guard.built = 0
	if ev.gen++; ev.gen == 0 { // wrapped: forget every entry
		clear(ev.seen)
		ev.gen = 1
	}
}

// column is the written value of a column of the row being mapped, kept for
// the rest of the activity: a time used twice ($ts of the activity and of
// its event) is turned into milliseconds once.
func (ev *Evaluator) column(e *Expr) (any, error) {
	col := e.fast.col
	if ev.seen[col] == ev.gen {
		return ev.written[col], nil
	}
	v, err := ev.normalize(ev.top.vals[col], e)
	if err == nil {
		ev.written[col], ev.seen[col] = v, ev.gen
	}
	return v, err
}

// run evaluates one expression.
func (ev *Evaluator) run(e *Expr, sc *scope) (any, error) {
	if err := ev.guard.stopped(); err != nil {
		return nil, &EvalError{Path: e.Path, Line: e.Line, Err: err}
	}
	if e.fast.kind != slow {
		v, err := e.fast.eval(&ev.guard, sc.vals, sc.group)
		if err != nil {
			return nil, &EvalError{Path: e.Path, Line: e.Line, Err: err}
		}
		return v, nil
	}
	ev.guard.steps = 0
	v, err := ev.vm.Run(e.program, sc.env)
	if err != nil {
		return nil, &EvalError{Path: e.Path, Line: e.Line, Err: vmError(err)}
	}
	return v, nil
}

// vmError is the cause of a failed VM run: the error a function returned,
// or the VM's own message (a panic of expr's runtime). expr reports going
// past its memory budget with a message only, which is matched here, in
// one place, to give it its sentinel.
func vmError(err error) error {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return err
	}
	if cause := fe.Unwrap(); cause != nil {
		return cause
	}
	if fe.Message == "memory budget exceeded" {
		return fmt.Errorf("%w: lists and maps of more than %d elements", ErrBudget, MaxElements)
	}
	return errors.New(fe.Message)
}

// normalize is Program.normalize, charging the text of a list or a map to
// the guard: a list of a million references to one long string is small in
// memory, not once written.
func (ev *Evaluator) normalize(v any, e *Expr) (any, error) {
	switch v.(type) {
	case nil, string, bool, int, int64, float64, decimal.Decimal, time.Time:
	default:
		if err := ev.guard.charge(textSize(v, MaxBuilt)); err != nil {
			return nil, &EvalError{Path: e.Path, Line: e.Line, Err: err}
		}
	}
	return ev.p.normalize(v, e)
}

// node builds the value of a template node; nil means "leave the key out".
func (ev *Evaluator) node(n *Node, sc *scope, depth int) (any, error) {
	switch n.Kind {
	case ConstNode:
		return n.Const, nil
	case ExprNode:
		if n.Expr.fast.kind == column && sc == &ev.top {
			return ev.column(n.Expr)
		}
		v, err := ev.run(n.Expr, sc)
		if err != nil {
			return nil, err
		}
		return ev.normalize(v, n.Expr)
	case InterpNode:
		return ev.interpolate(n, sc)
	case ObjectNode:
		return ev.object(n, sc, depth)
	case ListNode:
		return ev.list(n, sc, depth)
	}
	return ev.forEach(n, sc, depth)
}

// interpolate builds the text of an InterpNode, at most MaxString long.
func (ev *Evaluator) interpolate(n *Node, sc *scope) (any, error) {
	var b strings.Builder
	line := 0
	for _, part := range n.Parts {
		t := part.Text
		if part.Expr != nil {
			line = part.Expr.Line
			v, err := ev.run(part.Expr, sc)
			if err != nil {
				return nil, err
			}
			if t, err = textOf(v); err != nil {
				return nil, &EvalError{Path: part.Expr.Path, Line: part.Expr.Line, Err: err}
			}
		}
		if b.Len()+len(t) > MaxString {
			return nil, &EvalError{Path: n.Path, Line: line, Err: tooLong("the text", b.Len()+len(t))}
		}
		b.WriteString(t)
	}
	if err := ev.guard.charge(b.Len()); err != nil {
		return nil, &EvalError{Path: n.Path, Line: line, Err: err}
	}
	return b.String(), nil
}

func (ev *Evaluator) object(n *Node, sc *scope, depth int) (any, error) {
	obj := ev.mem.object(len(n.Keys))
	for i, key := range n.Keys {
		v, err := ev.node(n.Values[i], sc, depth)
		if err != nil {
			return nil, err
		}
		if v != nil {
			obj.Fields = append(obj.Fields, activity.Field{Key: key, Value: v, EncodedKey: n.KeyEnc[i]})
		}
	}
	return obj, nil
}

func (ev *Evaluator) list(n *Node, sc *scope, depth int) (any, error) {
	out := ev.mem.list(len(n.Values))
	for _, item := range n.Values {
		v, err := ev.node(item, sc, depth)
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
func (ev *Evaluator) forEach(n *Node, sc *scope, depth int) (any, error) {
	elems, rows, err := ev.elements(n.Expr, sc)
	if err != nil {
		return nil, err
	}
	count := len(elems)
	if rows != nil {
		count = len(rows)
	}
	out := ev.mem.list(count)
	item := ev.itemScope(sc, depth)
	for i := range count {
		if err := ev.guard.stopped(); err != nil {
			return nil, &EvalError{Path: n.Path, Line: n.Expr.Line, Err: err}
		}
		if rows != nil {
			ev.setItem(item, rows[i], nil, i)
		} else {
			ev.setItem(item, nil, elems[i], i)
		}
		v, err := ev.node(n.Item, item, depth+1)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

// elements evaluates a for_each list: the group's rows on the fast path,
// else a list value.
func (ev *Evaluator) elements(e *Expr, sc *scope) ([]any, [][]any, error) {
	if e.fast.kind == groupRows {
		return nil, sc.group, nil
	}
	v, err := ev.run(e, sc)
	if err != nil {
		return nil, nil, err
	}
	elems, ok := elements(v)
	if !ok {
		return nil, nil, &EvalError{Path: e.Path, Line: e.Line, Err: fmt.Errorf("for_each wants a list, got %s", typeName(v))}
	}
	return elems, nil, nil
}

// itemScope is the scope of a for_each's items at depth: the enclosing
// names, copied once, then rebound per element by setItem.
func (ev *Evaluator) itemScope(parent *scope, depth int) *scope {
	sc := ev.itemScopeOf(parent, depth)
	return &sc
}

// itemScopeOf is itemScope as a value, for a caller that keeps it in the
// Evaluator's memory.
func (ev *Evaluator) itemScopeOf(parent *scope, depth int) scope {
	for len(ev.envs) <= depth {
		ev.envs = append(ev.envs, map[string]any{})
	}
	env := ev.envs[depth]
	clear(env)
	for k, v := range parent.env {
		env[k] = v
	}
	return scope{env: env, vals: parent.vals, group: parent.group}
}

// setItem makes the item scope see element i: a row (vals) or another value
// (el); a Record element's columns become bare names too.
func (ev *Evaluator) setItem(sc *scope, vals []any, el any, i int) {
	if rec, ok := el.(Record); ok {
		vals = ev.p.recordVals(rec)
	}
	if vals != nil {
		sc.vals = vals
		ev.bindRow(sc.env, vals)
		if el == nil && ev.p.item {
			el = ev.p.record(vals)
		}
	}
	sc.env[NameItem] = el
	sc.env[NameIndex] = i
}
