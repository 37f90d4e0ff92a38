package mapping

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Integer arithmetic never wraps. expr computes on Go ints, which wrap
// silently past 64 bits (MaxInt64 + 1 is MinInt64); a seconds column times
// 1000 would then be a valid-looking, wrong $ts. Every integer + - * and
// unary minus of a mapping, on the VM (patch.go) and on the fast paths
// (fast.go), goes through the checks below, as do abs(), int() of a float,
// sum() and millis(): a result that does not fit is an error naming the
// operation and its values, which rejects the row.

// ErrOverflow is the cause of an EvalError for integer arithmetic whose
// result does not fit in 64 bits (or a float or time outside int64's range
// made an integer).
var ErrOverflow = errors.New("integer overflow")

func overflow(op string, a, b any) error {
	return fmt.Errorf("%w (%v %s %v)", ErrOverflow, a, op, b)
}

// intPair returns a and b as int64 when both are integers (int or int64,
// the integers a mapping's values hold, or durations).
func intPair(a, b any) (x, y int64, ok bool) {
	x, ok1 := asInt64(a)
	y, ok2 := asInt64(b)
	return x, y, ok1 && ok2
}

func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case time.Duration:
		return int64(x), true
	}
	return 0, false
}

// intResult is r as the type expr gives an operation on a and b: a
// duration if either is one, else int unless both are int64.
func intResult(r int64, a, b any) any {
	_, d1 := a.(time.Duration)
	_, d2 := b.(time.Duration)
	_, ok1 := a.(int64)
	_, ok2 := b.(int64)
	switch {
	case d1 || d2:
		return time.Duration(r)
	case ok1 && ok2:
		return r
	}
	return int(r)
}

func addInt(x, y int64) (int64, bool) {
	s := x + y
	return s, (y >= 0) == (s >= x)
}

func subInt(x, y int64) (int64, bool) {
	d := x - y
	return d, (y >= 0) == (d <= x)
}

func mulInt(x, y int64) (int64, bool) {
	if x == 0 || y == 0 {
		return 0, true
	}
	if (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
		return 0, false
	}
	p := x * y
	return p, p/y == x
}

// checkedInt computes a op b for two integers, or reports the overflow.
func checkedInt(op string, a, b any, x, y int64) (any, error) {
	var r int64
	var ok bool
	switch op {
	case "+":
		r, ok = addInt(x, y)
	case "-":
		r, ok = subInt(x, y)
	default:
		r, ok = mulInt(x, y)
	}
	if !ok {
		return nil, overflow(op, a, b)
	}
	return intResult(r, a, b), nil
}

// negInt is -x, or the overflow of -MinInt64.
func negInt(x any) (any, bool, error) {
	n, ok := asInt64(x)
	if !ok {
		return nil, false, nil
	}
	if n == math.MinInt64 {
		return nil, true, fmt.Errorf("%w (-(%v))", ErrOverflow, x)
	}
	return intResult(-n, x, x), true, nil
}

// floatToInt is int(f) when f is a whole-or-not number within int64's range
// (truncated toward zero, as Go and expr convert).
func floatToInt(f float64) (int, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, fmt.Errorf("%w: int(%v): outside the range of a 64-bit integer", ErrOverflow, f)
	}
	return int(f), nil
}

// Times become epoch milliseconds, an int64: a time more than about 292
// million years from 1970 has none.
const (
	maxMilliSeconds = math.MaxInt64 / 1000
	minMilliSeconds = math.MinInt64 / 1000
)

// unixMilli is t as epoch milliseconds, or an error when that overflows.
func unixMilli(t time.Time) (int64, error) {
	if s := t.Unix(); s >= maxMilliSeconds || s < minMilliSeconds {
		return 0, fmt.Errorf("%w: %d seconds since 1970 do not fit in epoch milliseconds", ErrOverflow, s)
	}
	return t.UnixMilli(), nil
}
