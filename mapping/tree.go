package mapping

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/vm"
	"github.com/goccy/go-yaml/ast"

	"csv2activity/activity"
)

// NodeKind says what a template node builds.
type NodeKind int

// The template node kinds.
const (
	ConstNode   NodeKind = iota // a constant value
	ExprNode                    // exactly one ${ expr }: keeps the expression's type
	InterpNode                  // text around ${ … }: a string
	ObjectNode                  // a map, keys in file order
	ListNode                    // a list
	ForEachNode                 // for_each: LIST, item: TEMPLATE
)

// Node is one value of the activity template.
type Node struct {
	Kind   NodeKind
	Path   string   // where it sits, e.g. activity.$events[0].$ts
	Const  any      // ConstNode: nil, bool, int64, float64 or string
	Expr   *Expr    // ExprNode; ForEachNode: the list to iterate
	Parts  []Part   // InterpNode
	Keys   []string // ObjectNode
	KeyPos []Pos    // ObjectNode: where each key stands in the file
	KeyEnc []string // ObjectNode: each key as JSON, for activity.Field.EncodedKey
	Values []*Node  // ObjectNode: one per key; ListNode: the items
	Item   *Node    // ForEachNode
}

// Pos is a 1-based line and column in the mapping file.
type Pos struct{ Line, Col int }

// Part is a piece of an interpolated string: literal text or an expression.
type Part struct {
	Text string
	Expr *Expr
}

// Expr is one expression of the mapping, as written inside ${ }.
type Expr struct {
	Source string
	Path   string // where it sits, for runtime errors
	Line   int    // 1-based position of Source's first character in the file
	Col    int
	exact  bool // Source stands at Line:Col character for character

	program *vm.Program
	fast    fastPath
}

// template builds the node for a YAML value. depth guards against runaway nesting.
func (l *loader) template(n ast.Node, path string, depth int) *Node {
	if depth > MaxDepth {
		l.errorAt(n, "%s is nested more than %d levels deep", path, MaxDepth)
		return nil
	}
	switch v := unwrap(n).(type) {
	case *ast.MappingNode:
		if forEachKey(v) {
			return l.forEach(v, path, depth)
		}
		return l.object(v, path, depth)
	case *ast.SequenceNode:
		node := &Node{Kind: ListNode, Path: path}
		for i, item := range v.Values {
			if c := l.template(item, fmt.Sprintf("%s[%d]", path, i), depth+1); c != nil {
				node.Values = append(node.Values, c)
			}
		}
		return node
	case *ast.StringNode:
		return l.text(n, v.Value, path)
	case *ast.LiteralNode:
		return l.text(n, v.Value.Value, path)
	case *ast.IntegerNode:
		return &Node{Kind: ConstNode, Path: path, Const: integer(v)}
	case *ast.FloatNode:
		return &Node{Kind: ConstNode, Path: path, Const: v.Value}
	case *ast.BoolNode:
		return &Node{Kind: ConstNode, Path: path, Const: v.Value}
	case *ast.NullNode:
		return &Node{Kind: ConstNode, Path: path}
	case *ast.AnchorNode, *ast.AliasNode, *ast.MergeKeyNode:
		l.noAnchors(n)
	default:
		l.errorAt(n, "%s: unsupported YAML value %s", path, describe(n))
	}
	return nil
}

func integer(v *ast.IntegerNode) any {
	switch x := v.Value.(type) {
	case int64:
		return x
	case uint64:
		if x <= 1<<63-1 {
			return int64(x)
		}
		f, _ := strconv.ParseFloat(strconv.FormatUint(x, 10), 64)
		return f
	}
	return v.Value
}

func forEachKey(m *ast.MappingNode) bool {
	for _, kv := range m.Values {
		if k, ok := unwrap(kv.Key).(*ast.StringNode); ok && k.Value == "for_each" {
			return true
		}
	}
	return false
}

func (l *loader) object(m *ast.MappingNode, path string, depth int) *Node {
	node := &Node{Kind: ObjectNode, Path: path}
	seen := map[string]bool{}
	for _, kv := range m.Values {
		key, ok := l.key(kv, seen)
		if !ok {
			continue
		}
		if c := l.template(kv.Value, path+"."+key, depth+1); c != nil {
			line, col := position(kv.Key)
			node.Keys = append(node.Keys, key)
			node.KeyPos = append(node.KeyPos, Pos{line, col})
			node.KeyEnc = append(node.KeyEnc, activity.EncodeKey(key))
			node.Values = append(node.Values, c)
		}
	}
	return node
}

// forEach reads {for_each: LIST, item: TEMPLATE}.
func (l *loader) forEach(m *ast.MappingNode, path string, depth int) *Node {
	node := &Node{Kind: ForEachNode, Path: path}
	seen := map[string]bool{}
	for _, kv := range m.Values {
		key, ok := l.key(kv, seen)
		if !ok {
			continue
		}
		switch key {
		case "for_each":
			node.Expr = l.exprValue(kv.Value, path+".for_each")
		case "item":
			node.Item = l.template(kv.Value, path+"[]", depth+1)
		default:
			l.unknownKey(kv.Key, key, "a for_each list (it takes for_each: and item:)", []string{"for_each", "item"})
		}
	}
	if !seen["item"] {
		l.errorAt(m, "%s: for_each needs item: the template of each element", path)
	}
	if node.Expr == nil || node.Item == nil {
		return nil
	}
	return node
}

// text builds a node from a YAML string: a constant, one expression, or an
// interpolation.
func (l *loader) text(n ast.Node, s, path string) *Node {
	parts, err := splitTemplate(s)
	if err != nil {
		l.errorAt(n, "%s: %v", path, err)
		return nil
	}
	node := &Node{Kind: InterpNode, Path: path}
	for _, p := range parts {
		if p.expr {
			node.Parts = append(node.Parts, Part{Expr: l.newExpr(n, p.text, path)})
		} else {
			node.Parts = append(node.Parts, Part{Text: p.text})
		}
	}
	switch {
	case len(node.Parts) == 0:
		return &Node{Kind: ConstNode, Path: path, Const: ""}
	case len(node.Parts) == 1 && node.Parts[0].Expr == nil:
		return &Node{Kind: ConstNode, Path: path, Const: node.Parts[0].Text}
	case len(node.Parts) == 1:
		return &Node{Kind: ExprNode, Path: path, Expr: node.Parts[0].Expr}
	}
	return node
}

// exprValue reads a value that is always an expression (where, group_by,
// for_each), written with or without ${ }.
func (l *loader) exprValue(n ast.Node, path string) *Expr {
	s, ok := l.scalar(n, path)
	if !ok {
		return nil
	}
	parts, err := splitTemplate(s)
	if err != nil {
		l.errorAt(n, "%s: %v", path, err)
		return nil
	}
	if len(parts) == 1 && parts[0].expr {
		return l.newExpr(n, parts[0].text, path)
	}
	if len(parts) > 1 {
		l.errorAt(n, "%s must be one expression, not text around ${ }", path)
		return nil
	}
	if strings.TrimSpace(s) == "" {
		l.errorAt(n, "%s is empty", path)
		return nil
	}
	return l.newExpr(n, s, path)
}

// newExpr records an expression and where its text stands in the file.
func (l *loader) newExpr(n ast.Node, text, path string) *Expr {
	line, col := position(n)
	e := &Expr{Source: text, Path: path, Line: line, Col: col}
	if len(text) > MaxExprSize {
		l.errorAt(n, "%s: expression is %d characters, more than the %d allowed", path, len(text), MaxExprSize)
		return nil
	}
	if ln, c, ok := l.src.find(line, col, text); ok {
		e.Line, e.Col, e.exact = ln, c, true
	}
	return e
}

// find locates text in the file at or after line:col, on the same line or one
// of the next few (block scalars), and returns its 1-based position.
func (s *source) find(line, col int, text string) (int, int, bool) {
	first, _, _ := strings.Cut(text, "\n")
	for ln := line; ln <= len(s.lines) && ln < line+64; ln++ {
		l := s.lines[ln-1]
		from := 0
		if ln == line {
			from = min(byteOffset(l, col-1), len(l))
		}
		if i := strings.Index(l[from:], first); i >= 0 {
			return ln, runeCount(l[:from+i]) + 1, first == text
		}
	}
	return 0, 0, false
}

func byteOffset(s string, runes int) int {
	n := 0
	for i := range s {
		if n == runes {
			return i
		}
		n++
	}
	return len(s)
}

func runeCount(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}
