package mapping

import (
	"reflect"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
)

// patcher rewrites, before type checking, the operators and builtins that
// expr cannot apply to decimals (or to values whose type is known only at run
// time) into calls of the functions in arith.go. Operators on operands whose
// types expr knows natively (ints, floats, strings, times) are left alone and
// run at full speed.
type patcher struct{}

// operatorFuncs maps an operator to the function that replaces it.
var operatorFuncs = map[string]string{
	"+": "__add", "-": "__sub", "*": "__mul", "/": "__div", "%": "__mod", "**": "__pow", "^": "__pow",
	"<": "__lt", ">": "__gt", "<=": "__le", ">=": "__ge", "==": "__eq", "!=": "__ne",
}

// builtinFuncs maps a builtin of expr to the replacement that knows decimals.
var builtinFuncs = map[string]string{"int": "__int", "float": "__float", "abs": "__abs", "max": "__max", "min": "__min"}

func (patcher) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		fn, ok := operatorFuncs[n.Operator]
		if ok && (dynamic(n.Left.Type()) || dynamic(n.Right.Type())) {
			ast.Patch(node, call(fn, n.Left, n.Right))
		}
	case *ast.UnaryNode:
		if n.Operator == "-" && dynamic(n.Node.Type()) {
			ast.Patch(node, call("__neg", n.Node))
		}
	case *ast.BuiltinNode:
		if n.Name == "sum" {
			list := n.Arguments[0]
			if len(n.Arguments) == 2 {
				list = &ast.BuiltinNode{Name: "map", Arguments: n.Arguments}
			}
			ast.Patch(node, call("__sum", list))
			return
		}
		if fn, ok := builtinFuncs[n.Name]; ok && (n.Name == "max" || n.Name == "min" || anyDynamic(n.Arguments)) {
			ast.Patch(node, call(fn, n.Arguments...))
		}
	}
}

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

var timeType = reflect.TypeOf(time.Time{})

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
	return t != timeType && t != reflect.TypeOf(time.Duration(0))
}

func binary(f func(a, b any) (any, error)) func(args ...any) (any, error) {
	return func(args ...any) (any, error) { return f(args[0], args[1]) }
}

func comparison(op string, f func(a, b any) bool) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		v, err := compare(op, args[0], args[1], f)
		return v, err
	}
}

func unary(f func(a any) (any, error)) func(args ...any) (any, error) {
	return func(args ...any) (any, error) { return f(args[0]) }
}

// operators returns the expr options that declare the patcher and the
// functions it calls.
func operators() []expr.Option {
	ab := new(func(any, any) any)
	cmp := new(func(any, any) bool)
	one := new(func(any) any)
	return []expr.Option{
		expr.Patch(patcher{}),
		expr.Function("__add", binary(opAdd), ab),
		expr.Function("__sub", binary(opSub), ab),
		expr.Function("__mul", binary(opMul), ab),
		expr.Function("__div", binary(opDiv), ab),
		expr.Function("__mod", binary(opMod), ab),
		expr.Function("__pow", binary(opPow), ab),
		expr.Function("__lt", comparison("<", runtime.Less), cmp),
		expr.Function("__gt", comparison(">", runtime.More), cmp),
		expr.Function("__le", comparison("<=", runtime.LessOrEqual), cmp),
		expr.Function("__ge", comparison(">=", runtime.MoreOrEqual), cmp),
		expr.Function("__eq", func(args ...any) (any, error) { return equal(args[0], args[1]), nil }, cmp),
		expr.Function("__ne", func(args ...any) (any, error) { return !equal(args[0], args[1]), nil }, cmp),
		expr.Function("__neg", unary(negate), one),
		expr.Function("__sum", unary(sum), one),
		expr.Function("__int", unary(toInt), one),
		expr.Function("__float", unary(toFloat), one),
		expr.Function("__abs", unary(abs), one),
		expr.Function("__max", func(args ...any) (any, error) { return extreme("max", true, args) }, new(func(...any) any)),
		expr.Function("__min", func(args ...any) (any, error) { return extreme("min", false, args) }, new(func(...any) any)),
	}
}
