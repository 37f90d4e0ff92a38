package mapping

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync/atomic"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/govalues/decimal"
)

// Names every expression can use besides the columns. A column whose
// identifier is one of these is still reachable as row["Name"].
const (
	NameRows  = "rows"  // the rows of the group (the one row without group_by)
	NameRow   = "row"   // the current row as a map of header name to value
	NameItem  = "item"  // inside for_each: the current element
	NameIndex = "index" // inside for_each: its 0-based position
)

// Program is a mapping bound to an input's header: every column typed, every
// expression compiled. It is safe for concurrent use.
type Program struct {
	*Mapping
	Header []string // the column names: the input's header, or input.names
	// InputHeader is the header Compile was given: the first input's header
	// line (or input.names without one), which the other inputs must repeat.
	InputHeader []string

	cols     []*Column         // one per header column
	skip     []bool            // columns no expression reads and no type checks
	text     []bool            // columns only the compiled template reads, as text (template.go)
	keyText  []bool            // string columns where and group_by do not read (KeyRow)
	keyBoxed []bool            // the columns where and group_by read (KeyCells); nil: the whole row
	idents   map[string]int    // column identifier -> header index
	shared   map[string][]int  // identifiers several columns make -> those columns (header.go)
	used     []binding         // the columns that expressions name, bound per row
	rows     bool              // whether an expression names rows
	row      bool              // whether an expression names row
	item     bool              // whether an expression names item
	recKeys  []recKey          // the fields of a Record
	direct   *direct           // the compiled template, when there is one (template.go)
	grouped  *groupedTemplates // the grouped templates, when there are (grouped.go)
	stop     atomic.Bool       // set by StopWhen: every evaluation gives up
	typed    bool              // cells are read as a typed input writes them (TypedCells)

	// The columns group_by and where read, for the group of a row
	// rejected for another cell (GroupOfRejected, GroupKey); nil when the
	// expression reads the whole row.
	keyCells, whereCells []bool
}

// StopWhen makes every evaluation of p, in every Evaluator, fail with
// ErrInterrupted once ctx is done: within one closure step of a long
// expression, and before the next expression of an activity. A stopped
// Program stays stopped.
func (p *Program) StopWhen(ctx context.Context) {
	context.AfterFunc(ctx, func() { p.stop.Store(true) })
}

type binding struct {
	ident string
	col   int
}

// Compile binds the mapping to the input's header (the file's first line, or
// input.names). Unknown columns, type errors and expression errors are
// returned together as Errors.
//
// With input.names and a header line, header is the line read, and the
// names replace it. A header whose names do not tell the columns apart
// (two alike, or one empty) is a mapping error, unless input.names names
// them.
func (m *Mapping) Compile(header []string) (*Program, error) {
	m.src.errs = nil
	p := &Program{Mapping: m, Header: m.header(header), InputHeader: header, shared: map[string][]int{}}
	if len(m.Input.Names) == 0 {
		p.checkHeader()
	}
	ids := p.bindColumns()
	if err := m.src.err(); err != nil {
		return nil, err
	}
	c := &compiler{p: p, used: map[string]bool{}, uses: map[string]int{}, summed: map[int]bool{}, vmUsed: map[string]bool{}, records: recordUse{names: map[string]bool{}}}
	keyNames := c.compileAll()
	if err := m.src.err(); err != nil {
		return nil, err
	}
	for ident := range c.vmUsed {
		if col, ok := p.idents[ident]; ok {
			p.used = append(p.used, binding{ident, col})
		}
	}
	p.rows, p.row, p.item = c.vmUsed[NameRows], c.vmUsed[NameRow], c.vmUsed[NameItem]
	p.recKeys = p.recordKeys(&c.records, ids)
	p.skip = make([]bool, len(p.cols))
	for i, col := range p.cols {
		declared := col.line > 0
		p.skip[i] = !declared && !p.rows && !p.row && !c.summed[i] && !c.used[ids[i]]
	}
	sort.Slice(p.used, func(i, j int) bool { return p.used[i].col < p.used[j].col })
	p.direct = p.compileDirect()
	p.grouped = p.compileGrouped()
	p.textColumns(c)
	p.keyCells, p.whereCells = cellsOf(c.groupNames, ids), cellsOf(c.whereNames, ids)
	p.keyText = make([]bool, len(p.cols))
	if !keyNames[NameRow] && !keyNames[NameRows] && !keyNames[NameItem] {
		p.keyBoxed = make([]bool, len(p.cols))
		for i, col := range p.cols {
			p.keyText[i] = col.Type == String && !keyNames[ids[i]]
			p.keyBoxed[i] = keyNames[ids[i]]
		}
	}
	return p, nil
}

// bindColumns gives every header column its spec (declared, else string) and
// its identifier; an identifier that several columns make is theirs alone
// by row["…"]. It returns the identifier of each column, for Compile's
// tables: made once (Ident allocates for a name such as "Order Date").
//
// A header may have hundreds of thousands of columns: this makes one map
// and a slice of columns and one of identifiers, whatever the width; the
// undeclared columns share plainColumn, so a column's name is read from the
// header.
func (p *Program) bindColumns() []string {
	byName := declaredAt(p.Columns, p.Header)
	p.idents = make(map[string]int, len(p.Header))
	p.cols = make([]*Column, len(p.Header))
	ids := make([]string, len(p.Header))
	for i, h := range p.Header {
		ids[i] = Ident(h)
		if id := ids[i]; id != "" && !reserved(id) {
			if j, dup := p.idents[id]; dup {
				p.shared[id] = append(p.shared[id], j)
				delete(p.idents, id)
			}
			if cols, ok := p.shared[id]; ok {
				p.shared[id] = append(cols, i)
			} else {
				p.idents[id] = i
			}
		}
		p.cols[i] = &plainColumn
	}
	for _, c := range p.Columns {
		i, ok := byName[c.Name]
		if !ok || i < 0 {
			p.src.errorAt(c.line, c.col, "column %q is not in the input's header%s", c.Name, didYouMean(c.Name, p.Header))
			continue
		}
		if c.Timezone == nil {
			c.Timezone = p.Input.Timezone
		}
		p.cols[i] = c
	}
	return ids
}

// cellsOf returns the skip set of rowInto that types only the columns names
// reads (ids: the identifier of each column), or nil when names reads the
// whole row.
func cellsOf(names, ids []string) []bool {
	read := map[string]bool{}
	for _, n := range names {
		if n == NameRow || n == NameRows {
			return nil
		}
		read[n] = true
	}
	skip := make([]bool, len(ids))
	for i, id := range ids {
		skip[i] = !read[id]
	}
	return skip
}

// plainColumn is the spec of every undeclared column: a string. It is
// shared, and never changed.
var plainColumn = Column{Type: String, DecimalSeparator: '.'}

func reserved(name string) bool {
	return name == NameRows || name == NameRow || name == NameItem || name == NameIndex || name == guardName || name == stepName
}

// compiler compiles a mapping's expressions against one header.
type compiler struct {
	p       *Program
	used    map[string]bool // identifiers named by any expression
	uses    map[string]int  // how many expressions name each identifier
	summed  map[int]bool    // columns a groupSum, groupFirst or groupLast fast path reads (by a field, not by name)
	vmUsed  map[string]bool // identifiers named by expressions that run on the VM
	records recordUse       // how VM expressions use records

	whereNames, groupNames []string // the names where and group_by use
}

// compileAll compiles every expression of the mapping, and returns the
// identifiers that where and group_by name.
func (c *compiler) compileAll() map[string]bool {
	m := c.p.Mapping
	if m.Where != nil {
		c.whereNames = c.compile(m.Where, false, false, expr.AsBool())
	}
	if m.GroupBy != nil {
		c.groupNames = c.compile(m.GroupBy, false, false)
	}
	keyNames := maps.Clone(c.used)
	c.node(m.Activity, false)
	if m.DedupeKey != nil {
		c.compile(m.DedupeKey, false, false)
	}
	return keyNames
}

// node compiles the expressions of a template node; inItem is whether it sits
// inside a for_each item, where item and index exist.
func (c *compiler) node(n *Node, inItem bool) {
	switch n.Kind {
	case ExprNode:
		c.compile(n.Expr, inItem, false)
	case InterpNode:
		for _, part := range n.Parts {
			if part.Expr != nil {
				c.compile(part.Expr, inItem, false)
			}
		}
	case ObjectNode, ListNode:
		for _, v := range n.Values {
			c.node(v, inItem)
		}
	case ForEachNode:
		c.compile(n.Expr, inItem, true)
		c.node(n.Item, true)
	}
}

// env declares, for the type checker, the names an expression uses: its
// typed columns, rows and row (and index inside a for_each item), and the
// guard. Optional columns are left undeclared, so that the checker types
// them as "unknown" (they may be nil) rather than as their column type.
// Only the names the expression uses are declared: a header of 500,000
// columns costs nothing per expression.
func (c *compiler) env(names []string, inItem bool) map[string]any {
	env := map[string]any{NameRows: []Record{}, NameRow: Record{}, guardName: (*guard)(nil), stepName: (*guard)(nil).step}
	if inItem {
		env[NameIndex] = 0
	}
	for _, id := range names {
		if i, ok := c.p.idents[id]; ok && !c.p.cols[i].Optional {
			env[id] = zero(c.p.cols[i].Type)
		}
	}
	return env
}

func zero(t Type) any {
	switch t {
	case Int:
		return 0
	case Float:
		return 0.0
	case Decimal:
		return decimal.Decimal{}
	case Bool:
		return false
	case Time:
		return time.Time{}
	}
	return ""
}

// compile checks the names an expression uses and compiles it once. A bare
// column name (or rows, as a for_each list) takes a fast path that skips the
// VM; the names of the other expressions are bound for the VM on every row.
// It returns the names the expression uses.
func (c *compiler) compile(e *Expr, inItem, forEach bool, opts ...expr.Option) []string {
	tree, err := parser.Parse(e.Source)
	if err != nil {
		c.exprError(e, err)
		return nil
	}
	names, ok := c.checkNames(e, tree.Node, inItem)
	if !ok {
		return nil
	}
	opts = append(opts, expr.Env(c.env(names, inItem)), expr.AllowUndefinedVariables(), expr.Timezone(c.p.Input.Timezone.String()))
	opts = append(opts, operators()...)
	opts = append(opts, bounded()...)
	opts = append(opts, functions(c.p.Input.Timezone)...)
	prog, err := expr.Compile(e.Source, opts...)
	if err != nil {
		c.exprError(e, err)
		return nil
	}
	e.program = prog
	e.fast = c.fastPath(tree.Node, forEach)
	if k := e.fast.kind; k == groupSum || k == groupFirst || k == groupLast {
		c.summed[e.fast.col] = true
	}
	for _, name := range names {
		c.used[name] = true
		c.uses[name]++
		if e.fast.kind == slow {
			c.vmUsed[name] = true
		}
	}
	if e.fast.kind == slow {
		c.records.visit(tree.Node)
	}
	return names
}

// exprError records an expr error at its position in the mapping file.
func (c *compiler) exprError(e *Expr, err error) {
	var fe *file.Error
	msg, col := err.Error(), e.Col
	if errors.As(err, &fe) {
		msg = fe.Message
		if e.exact {
			col = e.Col + fe.From
		}
	}
	c.p.src.errorAt(e.Line, col, "%s: %s", e.Path, msg)
}

// checkNames reports every identifier of the expression that is neither a
// column, nor one of rows/row/item/index, nor a let variable, with a
// did-you-mean. It returns the names the expression uses.
func (c *compiler) checkNames(e *Expr, root ast.Node, inItem bool) ([]string, bool) {
	v := &nameVisitor{lets: map[string]bool{}, callees: map[*ast.IdentifierNode]bool{}}
	ast.Walk(&root, v)
	ok := true
	var names []string
	for _, id := range v.idents {
		name := id.Value
		names = append(names, name)
		col := e.Col
		if e.exact {
			col = e.Col + id.Location().From
		}
		switch {
		case v.callees[id]:
			if !isFunction(name) {
				c.p.src.errorAt(e.Line, col, "%s: unknown function %s%s", e.Path, name, didYouMean(name, append(builtinNames(), Functions...)))
				ok = false
			}
		case v.lets[name] || c.known(name, inItem):
		case len(c.p.shared[name]) > 0:
			c.p.src.errorAt(e.Line, col, "%s: %s", e.Path, c.sharedIdent(name))
			ok = false
		default:
			c.p.src.errorAt(e.Line, col, "%s: unknown column %s%s", e.Path, name, c.suggest(name))
			ok = false
		}
	}
	for _, f := range v.fields {
		if len(c.p.shared[f.Value]) > 0 && !slices.Contains(c.p.Header, f.Value) {
			col := e.Col
			if e.exact {
				col = e.Col + f.Location().From
			}
			c.p.src.errorAt(e.Line, col, "%s: %s", e.Path, c.sharedIdent(f.Value))
			ok = false
		}
	}
	return names, ok
}

func (c *compiler) known(name string, inItem bool) bool {
	if _, ok := c.p.idents[name]; ok {
		return true
	}
	return name == NameRows || name == NameRow || (inItem && (name == NameItem || name == NameIndex))
}

// suggest names the closest column, by identifier or by header name.
func (c *compiler) suggest(name string) string {
	var known []string
	for id := range c.p.idents {
		known = append(known, id)
	}
	sort.Strings(known)
	if best := closest(name, known); best != "" {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	if best := closest(name, c.p.Header); best != "" {
		return fmt.Sprintf(" (did you mean row[%q]?)", best)
	}
	return ""
}

func isFunction(name string) bool {
	for _, f := range Functions {
		if f == name {
			return true
		}
	}
	return false
}

// builtinNames lists expr's own functions, for did-you-mean.
func builtinNames() []string {
	names := make([]string, 0, len(builtin.Builtins))
	for _, f := range builtin.Builtins {
		names = append(names, f.Name)
	}
	return names
}

// nameVisitor collects identifiers, let variables, function callees and
// the fields read from rows by name (#.Field, row.Field, item.Field).
type nameVisitor struct {
	idents  []*ast.IdentifierNode
	lets    map[string]bool
	callees map[*ast.IdentifierNode]bool
	fields  []*ast.StringNode
}

func (v *nameVisitor) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.MemberNode:
		field, ok := n.Property.(*ast.StringNode)
		ptr, isPtr := n.Node.(*ast.PointerNode)
		id, isID := n.Node.(*ast.IdentifierNode)
		if ok && ((isPtr && ptr.Name == "") || (isID && (id.Value == NameRow || id.Value == NameItem))) {
			v.fields = append(v.fields, field)
		}
	case *ast.IdentifierNode:
		v.idents = append(v.idents, n)
	case *ast.VariableDeclaratorNode:
		v.lets[n.Name] = true
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			v.callees[id] = true
		}
	}
}
