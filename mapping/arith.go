package mapping

import (
	"fmt"
	"math"
	"time"

	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/vm/runtime"
	"github.com/govalues/decimal"
)

// expr-lang/expr knows ints, floats, strings and times, not exact decimals.
// The patcher (patch.go) routes every operator whose operands may hold a
// decimal (or whose type is only known at run time) to the functions below,
// which compute exactly when a decimal is involved and defer to expr's own
// runtime otherwise. A decimal mixed with a float literal (Sales * 0.2) stays
// exact: the float is read back from its shortest decimal form.

// toDecimal converts a number to a decimal; ok is false for other values.
func toDecimal(v any) (d decimal.Decimal, ok bool) {
	var err error
	switch x := v.(type) {
	case decimal.Decimal:
		return x, true
	case int:
		d, err = decimal.New(int64(x), 0)
	case int64:
		d, err = decimal.New(x, 0)
	case int32:
		d, err = decimal.New(int64(x), 0)
	case float64:
		d, err = decimal.NewFromFloat64(x)
	default:
		return d, false
	}
	return d, err == nil
}

func isDecimal(v any) bool {
	_, ok := v.(decimal.Decimal)
	return ok
}

// operands converts a and b to decimals for op, or explains why not.
func operands(op string, a, b any) (decimal.Decimal, decimal.Decimal, error) {
	x, ok1 := toDecimal(a)
	y, ok2 := toDecimal(b)
	if !ok1 || !ok2 {
		return x, y, invalidOp(op, a, b)
	}
	return x, y, nil
}

func invalidOp(op string, a, b any) error {
	hint := ""
	if a == nil || b == nil {
		hint = " (an optional column is empty? test it with != nil first)"
	}
	return fmt.Errorf("invalid operation: %s %s %s%s", typeName(a), op, typeName(b), hint)
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "nil"
	case decimal.Decimal:
		return "decimal"
	case time.Time:
		return "time"
	case float64:
		return "float"
	case Record:
		return "row"
	}
	return fmt.Sprintf("%T", v)
}

// native runs one of expr's runtime operators, turning its panic on a type
// mismatch into an error.
func native(op string, a, b any, f func(a, b any) any) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = invalidOp(op, a, b)
		}
	}()
	return f(a, b), nil
}

// arith computes a op b: exactly when a decimal is involved, checked for
// overflow on two integers (+ - *), else with expr's runtime.
func arith(op string, a, b any, dec func(x, y decimal.Decimal) (decimal.Decimal, error), f func(a, b any) any) (any, error) {
	if x, y, ok := intPair(a, b); ok && (op == "+" || op == "-" || op == "*") {
		return checkedInt(op, a, b, x, y)
	}
	if !isDecimal(a) && !isDecimal(b) {
		return native(op, a, b, f)
	}
	x, y, err := operands(op, a, b)
	if err != nil {
		return nil, err
	}
	r, err := dec(x, y)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// opAdd is a + b: integers checked, strings bounded (a nil guard charges
// nothing), decimals exact.
func opAdd(g *guard, a, b any) (any, error) {
	switch x := a.(type) {
	case int:
		if y, ok := b.(int); ok {
			if s, ok := addInt(int64(x), int64(y)); ok {
				return int(s), nil
			}
			return nil, overflow("+", a, b)
		}
	case string:
		if y, ok := b.(string); ok {
			return g.concat(x, y)
		}
	}
	return arith("+", a, b, decimal.Decimal.Add, runtime.Add)
}

func opSub(a, b any) (any, error) {
	return arith("-", a, b, decimal.Decimal.Sub, runtime.Subtract)
}

func opMul(a, b any) (any, error) {
	return arith("*", a, b, decimal.Decimal.Mul, runtime.Multiply)
}

func opDiv(a, b any) (any, error) {
	return arith("/", a, b, quo, func(a, b any) any { return runtime.Divide(a, b) })
}

func opMod(a, b any) (any, error) {
	return arith("%", a, b, rem, func(a, b any) any { return runtime.Modulo(a, b) })
}

func opPow(a, b any) (any, error) {
	if isDecimal(a) {
		if n, ok := b.(int); ok {
			return arith("**", a, b, func(x, _ decimal.Decimal) (decimal.Decimal, error) { return x.PowInt(n) }, nil)
		}
	}
	x, y := a, b
	if d, ok := a.(decimal.Decimal); ok {
		x, _ = d.Float64()
	}
	if d, ok := b.(decimal.Decimal); ok {
		y, _ = d.Float64()
	}
	return native("**", x, y, func(a, b any) any { return runtime.Exponent(a, b) })
}

func rem(x, y decimal.Decimal) (decimal.Decimal, error) {
	_, r, err := x.QuoRem(y)
	return r, err
}

// compare returns the order of a and b for a comparison operator.
func compare(op string, a, b any, f func(a, b any) bool) (bool, error) {
	if !isDecimal(a) && !isDecimal(b) {
		v, err := native(op, a, b, func(a, b any) any { return f(a, b) })
		if err != nil {
			return false, err
		}
		return v.(bool), nil
	}
	x, y, err := operands(op, a, b)
	if err != nil {
		return false, err
	}
	c := x.Cmp(y)
	switch op {
	case "<":
		return c < 0, nil
	case ">":
		return c > 0, nil
	case "<=":
		return c <= 0, nil
	}
	return c >= 0, nil
}

// equal is == with decimals compared by value (1.50 == 1.5).
func equal(a, b any) bool {
	if isDecimal(a) || isDecimal(b) {
		x, ok1 := toDecimal(a)
		y, ok2 := toDecimal(b)
		return ok1 && ok2 && x.Cmp(y) == 0
	}
	return runtime.Equal(a, b)
}

func negate(a any) (any, error) {
	if d, ok := a.(decimal.Decimal); ok {
		return d.Neg(), nil
	}
	if v, ok, err := negInt(a); ok {
		return v, err
	}
	return native("-", 0, a, func(_, a any) any { return runtime.Negate(a) })
}

// sum adds a list, skipping nils: ints stay ints (an overflow is an
// error), a float makes a float, a decimal makes the whole sum exact.
func sum(g *guard, list any) (any, error) {
	items, ok := list.([]any)
	if !ok {
		return nil, fmt.Errorf("sum of %s: not a list", typeName(list))
	}
	var acc any = 0
	for _, v := range items {
		var err error
		if acc, err = sumStep(g, acc, v); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// sumStep adds v to the running sum acc, as sum does.
func sumStep(g *guard, acc, v any) (any, error) {
	if v == nil {
		return acc, nil
	}
	return opAdd(g, acc, v)
}

// toInt, toFloat and abs are expr's int(), float() and abs() that also take a
// decimal.
func toInt(v any) (any, error) {
	if d, ok := v.(decimal.Decimal); ok {
		whole, _, ok := d.Trunc(0).Int64(0)
		if !ok {
			return nil, fmt.Errorf("%w: int(%s): outside the range of a 64-bit integer", ErrOverflow, d)
		}
		return int(whole), nil
	}
	switch f := v.(type) {
	case float64:
		return floatToInt(f)
	case float32:
		return floatToInt(float64(f))
	}
	return native("int", nil, v, func(_, v any) any { return builtin.Int(v) })
}

func toFloat(v any) (any, error) {
	if d, ok := v.(decimal.Decimal); ok {
		f, _ := d.Float64()
		return f, nil
	}
	return native("float", nil, v, func(_, v any) any { return builtin.Float(v) })
}

func abs(v any) (any, error) {
	if d, ok := v.(decimal.Decimal); ok {
		return d.Abs(), nil
	}
	if n, ok := asInt64(v); ok && n < 0 {
		if n == math.MinInt64 {
			return nil, fmt.Errorf("%w (abs(%v))", ErrOverflow, v)
		}
		return negate(v)
	}
	return native("abs", nil, v, func(_, v any) any { return builtin.Abs(v) })
}

// extreme is max() and min() over arguments that may hold decimals.
func extreme(name string, wantMax bool, args []any) (any, error) {
	if len(args) == 1 {
		if list, ok := args[0].([]any); ok {
			args = list
		}
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("%s: no values", name)
	}
	best := args[0]
	for _, v := range args[1:] {
		less, err := compare("<", best, v, runtime.Less)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if less == wantMax {
			best = v
		}
	}
	return best, nil
}

// roundHalfUp rounds d to n places, halves away from zero (money rounding).
func roundHalfUp(d decimal.Decimal, n int) (decimal.Decimal, error) {
	if d.Scale() <= n {
		return d, nil
	}
	half, err := decimal.New(5, n+1)
	if err != nil {
		return d, err
	}
	if d.IsNeg() {
		half = half.Neg()
	}
	r, err := d.Add(half)
	if err != nil {
		return d, err
	}
	return r.Trunc(n), nil
}

func roundFloat(f float64, n int) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	d, err := decimal.NewFromFloat64(f)
	if err != nil {
		p := math.Pow(10, float64(n))
		return math.Round(f*p) / p
	}
	r, err := roundHalfUp(d, n)
	if err != nil {
		return f
	}
	out, _ := r.Float64()
	return out
}
