package mapping

import (
	"github.com/expr-lang/expr/ast"
)

// A Record (the map behind row, rows and item) is built for every row that a
// VM expression may see as a map, which is costly for wide exports. When the
// expressions only ever read named fields of it (#.Sales, row["Order Date"],
// sum(rows, #.Sales)), the Record holds just those; any other use (writing a
// row whole, filter(rows, …), #) makes it hold every column.

// recordUse gathers, over every expression that runs on the VM, the field
// names read from records and whether a record is used whole.
type recordUse struct {
	names map[string]bool
	whole bool
}

// aggregates are the builtins that read the elements of rows without handing
// them out: with every # under a named field access, they never expose a
// record whole.
var aggregates = map[string]bool{
	"sum": true, "count": true, "any": true, "all": true, "none": true, "one": true,
	"map": true, "mean": true, "median": true, "min": true, "max": true, "len": true,
}

// visit records the uses in one expression tree.
func (u *recordUse) visit(root ast.Node) {
	var parents []ast.Node
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		if n == nil {
			return
		}
		u.check(n, parents)
		parents = append(parents, n)
		kids, known := children(n)
		if !known {
			u.whole = true // a node this walk does not know could hide a record
		}
		for _, c := range kids {
			walk(c)
		}
		parents = parents[:len(parents)-1]
	}
	walk(root)
}

// check looks at a node that can be a record: it must be read by a named
// field, or be rows handed to an aggregate.
func (u *recordUse) check(n ast.Node, parents []ast.Node) {
	var parent ast.Node
	if len(parents) > 0 {
		parent = parents[len(parents)-1]
	}
	switch n := n.(type) {
	case *ast.PointerNode:
		if n.Name != "" {
			return // #index, #acc
		}
	case *ast.IdentifierNode:
		if n.Value == NameRows {
			if b, ok := parent.(*ast.BuiltinNode); ok && aggregates[b.Name] && len(b.Arguments) > 0 && b.Arguments[0] == ast.Node(n) {
				return
			}
			u.whole = true
			return
		}
		if n.Value != NameRow && n.Value != NameItem {
			return
		}
	default:
		return
	}
	if m, ok := parent.(*ast.MemberNode); ok && m.Node == n {
		if s, ok := m.Property.(*ast.StringNode); ok {
			u.names[s.Value] = true
			return
		}
	}
	u.whole = true
}

// children lists the nodes under n; known is false for a node type it does
// not know.
func children(n ast.Node) (kids []ast.Node, known bool) {
	switch n.(type) {
	case *ast.NilNode, *ast.IdentifierNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode,
		*ast.StringNode, *ast.ConstantNode, *ast.PointerNode:
		return nil, true
	}
	kids = nodes(n)
	return kids, kids != nil
}

// nodes lists the nodes under an inner node, nil for a type it does not know.
func nodes(n ast.Node) []ast.Node {
	switch n := n.(type) {
	case *ast.UnaryNode:
		return []ast.Node{n.Node}
	case *ast.BinaryNode:
		return []ast.Node{n.Left, n.Right}
	case *ast.ChainNode:
		return []ast.Node{n.Node}
	case *ast.MemberNode:
		return []ast.Node{n.Node, n.Property}
	case *ast.SliceNode:
		return []ast.Node{n.Node, n.From, n.To}
	case *ast.CallNode:
		return append([]ast.Node{n.Callee}, n.Arguments...)
	case *ast.BuiltinNode:
		return n.Arguments
	case *ast.PredicateNode:
		return []ast.Node{n.Node}
	case *ast.SequenceNode:
		return n.Nodes
	case *ast.ConditionalNode:
		return []ast.Node{n.Cond, n.Exp1, n.Exp2}
	case *ast.VariableDeclaratorNode:
		return []ast.Node{n.Value, n.Expr}
	case *ast.ArrayNode:
		return n.Nodes
	case *ast.MapNode:
		return n.Pairs
	case *ast.PairNode:
		return []ast.Node{n.Key, n.Value}
	}
	return nil
}

// recKey is a field a lean Record holds.
type recKey struct {
	name string
	col  int
}

// recordKeys decides the fields of every Record: all header names and
// identifiers (ids, one a column) when a record may be used whole, else the
// ones read by name.
func (p *Program) recordKeys(u *recordUse, ids []string) []recKey {
	var keys []recKey
	seen := map[string]bool{}
	add := func(name string, col int) {
		if !seen[name] && (u.whole || u.names[name]) {
			seen[name] = true
			keys = append(keys, recKey{name, col})
		}
	}
	for i, h := range p.Header {
		add(h, i)
	}
	for i, id := range ids {
		if j, ok := p.idents[id]; ok && j == i {
			add(id, i)
		}
	}
	return keys
}
