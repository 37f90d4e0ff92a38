package mapping

import (
	"encoding/base64"
	"fmt"
	"math"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/vm/runtime"
)

// The builtins of expr that can build a string larger than their arguments
// (repeat("x", 1000000) of a 1 MB cell is a terabyte) run here instead,
// refusing before they allocate a string longer than MaxString and charging
// what they build to the guard. The builtins that build no more than they
// are given (upper, split, keys…) run as expr's, and what they return is
// charged after the call: one call stays small, and a loop of them stops at
// MaxBuilt. TestBoundedBuiltins holds one case of each.

// boundedBuiltins maps each builtin that may grow its input to its bounded
// version; the patcher passes the guard as its last argument.
var boundedBuiltins = map[string]string{
	"repeat": "__repeat", "replace": "__replace", "join": "__join",
	"string": "__string", "toJSON": "__toJSON", "toBase64": "__toBase64",
}

// chargedBuiltins and chargedFuncs make a new string or list no larger than
// their arguments.
var (
	chargedBuiltins = map[string]bool{
		"upper": true, "lower": true, "fromBase64": true, "fromJSON": true, "split": true, "splitAfter": true,
		"keys": true, "values": true, "toPairs": true, "fromPairs": true, "uniq": true, "take": true, "groupBy": true,
	}
	chargedFuncs = map[string]bool{"normalize_email": true}
)

// bounded returns the expr options that declare the functions of the
// guard and the bounded builtins.
func bounded() []expr.Option {
	return []expr.Option{
		expr.Function("__charge", chargeResult, new(func(any, any) bool)),
		expr.Function("__repeat", repeat, new(func(string, int, any) string)),
		expr.Function("__replace", replace, new(func(string, string, string, any) string), new(func(string, string, string, int, any) string)),
		expr.Function("__join", join, new(func([]any, string, any) string), new(func([]any, any) string),
			new(func([]string, string, any) string), new(func([]string, any) string)),
		expr.Function("__string", textual("string", builtinFast("string")), new(func(any, any) string)),
		expr.Function("__toJSON", textual("toJSON", builtinFunc("toJSON")), new(func(any, any) string)),
		expr.Function("__toBase64", func(args ...any) (any, error) {
			s := args[0].(string)
			if err := guardOf(args).build("toBase64", base64.StdEncoding.EncodedLen(len(s))); err != nil {
				return nil, err
			}
			return base64.StdEncoding.EncodeToString([]byte(s)), nil
		}, new(func(string, any) string)),
	}
}

func builtinFunc(name string) func(args ...any) (any, error) {
	return builtin.Builtins[builtin.Index[name]].Func
}

func builtinFast(name string) func(args ...any) (any, error) {
	f := builtin.Builtins[builtin.Index[name]].Fast
	return func(args ...any) (any, error) { return f(args[0]), nil }
}

// concat is a + b for two strings.
func (g *guard) concat(a, b string) (string, error) {
	if err := g.build("+", len(a)+len(b)); err != nil {
		return "", err
	}
	return a + b, nil
}

// chargeResult is __charge(guard, v): v's size charged to the guard.
func chargeResult(args ...any) (any, error) {
	n := textSize(args[1], MaxBuilt)
	if rv := reflect.ValueOf(args[1]); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Map {
		n += 16 * rv.Len()
	}
	g, _ := args[0].(*guard)
	return true, g.charge(n)
}

// repeat is repeat(s, n), refused before it builds more than MaxString.
func repeat(args ...any) (any, error) {
	s, n := args[0].(string), runtime.ToInt(args[1])
	if n < 0 {
		return nil, fmt.Errorf("invalid argument for repeat (expected positive integer, got %d)", n)
	}
	if len(s) > 0 && n > math.MaxInt/len(s) {
		return nil, tooLong("repeat", -1)
	}
	if err := guardOf(args).build("repeat", len(s)*n); err != nil {
		return nil, err
	}
	return strings.Repeat(s, n), nil
}

// replace is replace(s, old, new[, n]), its length known before it is built.
func replace(args ...any) (any, error) {
	s, old, repl := args[0].(string), args[1].(string), args[2].(string)
	count := strings.Count(s, old)
	if old == "" {
		count = utf8.RuneCountInString(s) + 1
	}
	if len(args) == 5 {
		if n := runtime.ToInt(args[3]); n >= 0 && n < count {
			count = n
		}
	}
	if err := guardOf(args).build("replace", len(s)+count*(len(repl)-len(old))); err != nil {
		return nil, err
	}
	return builtinFunc("replace")(args[:len(args)-1]...)
}

// join is join(list[, glue]), its length known before it is built.
func join(args ...any) (any, error) {
	glue := ""
	if len(args) == 3 {
		glue = args[1].(string)
	}
	n, count := 0, 0
	switch list := args[0].(type) {
	case []string:
		for _, s := range list {
			n += len(s)
		}
		count = len(list)
	case []any:
		for _, v := range list {
			if s, ok := v.(string); ok {
				n += len(s)
			}
		}
		count = len(list)
	}
	if count > 1 {
		n += (count - 1) * len(glue)
	}
	if err := guardOf(args).build("join", n); err != nil {
		return nil, err
	}
	return builtinFunc("join")(args[:len(args)-1]...)
}

// textual bounds string() and toJSON(): the text of a list or a map is
// estimated before it is made, and checked after.
func textual(name string, f func(args ...any) (any, error)) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		g := guardOf(args)
		if n := textSize(args[0], MaxString); n > MaxString {
			return nil, tooLong(name, n)
		}
		v, err := f(args[0])
		if err != nil {
			return nil, err
		}
		if s, ok := v.(string); ok {
			if err := g.build(name, len(s)); err != nil {
				return nil, err
			}
		}
		return v, nil
	}
}
