package mapping

import (
	"fmt"
	"reflect"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
)

// patcher rewrites, before type checking, what expr cannot be trusted to do
// on its own into calls of this package's functions:
//
//   - operators and builtins applied to decimals (or to values whose type
//     is known only at run time) go to the exact functions of arith.go;
//   - integer + - * and unary minus, abs() and int() go to the checked
//     versions (overflow.go), which never wrap;
//   - string + and the builtins that build strings or lists go to bounded
//     versions (bounded.go), and every closure body starts with a step of
//     the guard (budget.go).
//
// Operators on floats, comparisons of ints, strings and times, and every
// other builtin are left to expr and run at full speed. The arithmetic
// calls carry the text of their expression, so that an error names it:
// "Quantity * 1000: integer overflow (9223372036854775807 * 1000)".
type patcher struct {
	texts map[ast.Node]string // the text of each arithmetic node, before patching
	lets  int                 // let variables made for charged builtins
}

// textRecorder is the visitor that runs before the patcher, while the tree
// still reads as written, to keep the text of the nodes it will patch.
type textRecorder struct{ p *patcher }

func (r textRecorder) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		if arithmetic[n.Operator] {
			r.p.texts[n] = shorten(n.String())
		}
	case *ast.UnaryNode:
		if n.Operator == "-" {
			r.p.texts[n] = shorten(n.String())
		}
	case *ast.BuiltinNode:
		if n.Name == "sum" || n.Name == "abs" || n.Name == "int" {
			r.p.texts[n] = shorten(n.String())
		}
	}
}

// shorten keeps an expression's text short enough for a rejects file.
func shorten(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return s
}

var arithmetic = map[string]bool{"+": true, "-": true, "*": true, "/": true, "%": true, "**": true, "^": true}

// operatorFuncs maps an operator to the function that replaces it when an
// operand may hold a decimal.
var operatorFuncs = map[string]string{
	"+": "__add", "-": "__sub", "*": "__mul", "/": "__div", "%": "__mod", "**": "__pow", "^": "__pow",
	"<": "__lt", ">": "__gt", "<=": "__le", ">=": "__ge", "==": "__eq", "!=": "__ne",
}

// intFuncs replace the operators on two ints: checked, and typed int.
var intFuncs = map[string]string{"+": "__addi", "-": "__subi", "*": "__muli"}

func (p *patcher) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		p.binary(node, n)
	case *ast.UnaryNode:
		if n.Operator != "-" {
			return
		}
		if _, literal := n.Node.(*ast.IntegerNode); literal {
			return // -9223372036854775807 at most: no overflow
		}
		if t := n.Node.Type(); dynamic(t) || wide(t, t) {
			ast.Patch(node, call("__neg", n.Node, p.text(n)))
		} else if isInt(t) {
			ast.Patch(node, call("__negi", n.Node, p.text(n)))
		}
	case *ast.PredicateNode:
		n.Node = &ast.SequenceNode{Nodes: []ast.Node{call(stepName), n.Node}}
	case *ast.BuiltinNode:
		p.builtin(node, n)
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && chargedFuncs[id.Value] {
			p.charged(node)
		}
	}
}

// binary patches an operator: with an operand that may be a decimal, to
// the exact function; on two ints, to the checked one; a string +, to the
// bounded one. Other operands (floats, mismatched types) stay expr's, so
// that the type checker still reports "Quantity + "x"".
func (p *patcher) binary(node *ast.Node, n *ast.BinaryNode) {
	lt, rt := n.Left.Type(), n.Right.Type()
	fn, ok := operatorFuncs[n.Operator]
	switch {
	case !ok:
	case dynamic(lt) || dynamic(rt), intFuncs[n.Operator] != "" && wide(lt, rt):
		args := []ast.Node{n.Left, n.Right}
		if arithmetic[n.Operator] {
			args = append(args, p.text(n), guardIdent())
		}
		ast.Patch(node, call(fn, args...))
	case isInt(lt) && isInt(rt) && intFuncs[n.Operator] != "" && lt.Kind() == reflect.Int && rt.Kind() == reflect.Int:
		ast.Patch(node, call(intFuncs[n.Operator], n.Left, n.Right, p.text(n)))
	case n.Operator == "+" && isString(lt) && isString(rt):
		ast.Patch(node, call("__concat", n.Left, n.Right, p.text(n), guardIdent()))
	}
}

// builtinFuncs maps a builtin of expr to the replacement that knows decimals
// (and, for abs and int, never wraps).
var builtinFuncs = map[string]string{"int": "__int", "float": "__float", "abs": "__abs", "max": "__max", "min": "__min"}

func (p *patcher) builtin(node *ast.Node, n *ast.BuiltinNode) {
	switch {
	case n.Name == "sum":
		list := n.Arguments[0]
		if len(n.Arguments) == 2 {
			list = &ast.BuiltinNode{Name: "map", Arguments: n.Arguments}
		}
		ast.Patch(node, call("__sum", list, p.text(n), guardIdent()))
	case n.Name == "int":
		ast.Patch(node, call("__int", append(n.Arguments, p.text(n))...))
	case n.Name == "abs" && len(n.Arguments) == 1 && isInt(n.Arguments[0].Type()):
		ast.Patch(node, call("__absi", n.Arguments[0], p.text(n)))
	case n.Name == "abs" && (anyDynamic(n.Arguments) || (len(n.Arguments) == 1 && wide(n.Arguments[0].Type(), n.Arguments[0].Type()))):
		ast.Patch(node, call("__abs", append(n.Arguments, p.text(n))...))
	case boundedBuiltins[n.Name] != "":
		ast.Patch(node, call(boundedBuiltins[n.Name], append(n.Arguments, guardIdent())...))
	case chargedBuiltins[n.Name]:
		p.charged(node)
	case builtinFuncs[n.Name] != "" && (n.Name == "max" || n.Name == "min" || anyDynamic(n.Arguments)):
		ast.Patch(node, call(builtinFuncs[n.Name], n.Arguments...))
	}
}

// charged makes the call at node charge what it returns to the guard, its
// type unchanged: let __vN = CALL; __charge(__guard, __vN); __vN.
func (p *patcher) charged(node *ast.Node) {
	p.lets++
	name := fmt.Sprintf("__v%d", p.lets)
	ast.Patch(node, &ast.VariableDeclaratorNode{Name: name, Value: *node, Expr: &ast.SequenceNode{Nodes: []ast.Node{
		call("__charge", guardIdent(), &ast.IdentifierNode{Value: name}),
		&ast.IdentifierNode{Value: name},
	}}})
}

// text is the recorded text of an arithmetic node, as a string argument.
func (p *patcher) text(n ast.Node) ast.Node {
	return &ast.StringNode{Value: p.texts[n]}
}

func guardIdent() ast.Node { return &ast.IdentifierNode{Value: guardName} }

func call(fn string, args ...ast.Node) *ast.CallNode {
	return &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn}, Arguments: args}
}

func anyDynamic(args []ast.Node) bool {
	for _, a := range args {
		if dynamic(a.Type()) {
			return true
		}
	}
	return false
}

var (
	timeType     = reflect.TypeOf(time.Time{})
	durationType = reflect.TypeOf(time.Duration(0))
)

// dynamic reports whether values of type t may need the decimal-aware
// operators: anything but the numbers, strings, bools and times expr handles.
func dynamic(t reflect.Type) bool {
	if t == nil {
		return true
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.String, reflect.Bool,
		reflect.Slice, reflect.Map, reflect.Array:
		return false
	}
	return t != timeType && t != durationType
}

// isInt reports whether t is the integer type of a mapping's values.
func isInt(t reflect.Type) bool {
	return t != nil && t.Kind() == reflect.Int
}

// wide reports whether integer operands of types a and b need the checked
// operators without being two ints: an int64 (now().Unix()) or a duration
// with an integer.
func wide(a, b reflect.Type) bool {
	integer := func(t reflect.Type) bool { return t.Kind() == reflect.Int || t.Kind() == reflect.Int64 }
	return integer(a) && integer(b) && (a.Kind() == reflect.Int64 || b.Kind() == reflect.Int64)
}

func isString(t reflect.Type) bool { return t != nil && t.Kind() == reflect.String }

// arithFunc is a patched arithmetic operator: (a, b, text, guard); its
// error names the expression.
func arithFunc(f func(a, b any) (any, error)) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		v, err := f(args[0], args[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", args[2], err)
		}
		return v, nil
	}
}

// withText is a patched function of one value: (v, text).
func withText(f func(v any) (any, error)) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		v, err := f(args[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", args[len(args)-1], err)
		}
		return v, nil
	}
}

func comparison(op string, f func(a, b any) bool) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		v, err := compare(op, args[0], args[1], f)
		return v, err
	}
}

// guardOf is the guard a patched call passes last.
func guardOf(args []any) *guard {
	g, _ := args[len(args)-1].(*guard)
	return g
}

// operators returns the expr options that declare the patcher and the
// functions it calls.
func operators() []expr.Option {
	p := &patcher{texts: map[ast.Node]string{}}
	ab := new(func(any, any, string, any) any)
	ints := new(func(int, int, string) int)
	cmp := new(func(any, any) bool)
	one := new(func(any, string) any)
	add := func(args ...any) (any, error) {
		return arithFunc(func(a, b any) (any, error) { return opAdd(guardOf(args), a, b) })(args...)
	}
	sumFunc := func(args ...any) (any, error) {
		v, err := sum(guardOf(args), args[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", args[1], err)
		}
		return v, nil
	}
	return []expr.Option{
		expr.Patch(textRecorder{p}),
		expr.Patch(p),
		expr.Function("__add", add, ab),
		expr.Function("__concat", add, new(func(string, string, string, any) string)),
		expr.Function("__sub", arithFunc(opSub), ab),
		expr.Function("__mul", arithFunc(opMul), ab),
		expr.Function("__div", arithFunc(opDiv), ab),
		expr.Function("__mod", arithFunc(opMod), ab),
		expr.Function("__pow", arithFunc(opPow), ab),
		expr.Function("__addi", arithFunc(func(a, b any) (any, error) { return opAdd(nil, a, b) }), ints),
		expr.Function("__subi", arithFunc(opSub), ints),
		expr.Function("__muli", arithFunc(opMul), ints),
		expr.Function("__lt", comparison("<", runtime.Less), cmp),
		expr.Function("__gt", comparison(">", runtime.More), cmp),
		expr.Function("__le", comparison("<=", runtime.LessOrEqual), cmp),
		expr.Function("__ge", comparison(">=", runtime.MoreOrEqual), cmp),
		expr.Function("__eq", func(args ...any) (any, error) { return equal(args[0], args[1]), nil }, cmp),
		expr.Function("__ne", func(args ...any) (any, error) { return !equal(args[0], args[1]), nil }, cmp),
		expr.Function("__neg", withText(negate), one),
		expr.Function("__negi", withText(negate), new(func(int, string) int)),
		expr.Function("__sum", sumFunc, new(func(any, string, any) any)),
		expr.Function("__int", withText(toInt), new(func(any, string) int)),
		expr.Function("__float", func(args ...any) (any, error) { return toFloat(args[0]) }, new(func(any) any)),
		expr.Function("__abs", withText(abs), one),
		expr.Function("__absi", withText(abs), new(func(int, string) int)),
		expr.Function("__max", func(args ...any) (any, error) { return extreme("max", true, args) }, new(func(...any) any)),
		expr.Function("__min", func(args ...any) (any, error) { return extreme("min", false, args) }, new(func(...any) any)),
	}
}
