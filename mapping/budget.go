package mapping

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/govalues/decimal"
)

// What the expressions of a mapping may spend. A mapping is written by hand
// and rows come from exports: neither may make a run exhaust memory or hang.
// An evaluation that goes past a limit fails with ErrBudget, which rejects
// its row (or group) with the reason; the run goes on.
//
// Every closure step (the body of map, filter, reduce, any…) and every
// string or list a bounded function builds passes through the guard of its
// Evaluator: the patcher (patch.go) starts each closure body with a call of
// the guard's step (guard.step, bound as __step in each Evaluator's
// environment) and routes the builtins that build strings or lists to the
// bounded versions of bounded.go. The guard also notices a stopped run
// (Program.StopWhen), so that an expression gives up within a step of
// SIGTERM.
const (
	// MaxString is the longest string one operation may build (+, repeat,
	// replace, join, string, toJSON, toBase64, an interpolated value).
	MaxString = 1 << 20
	// MaxElements bounds the elements of the lists and maps one evaluation
	// makes (ranges included): expr's own memory budget.
	MaxElements = 1_000_000
	// MaxBuilt bounds what the expressions of one activity (a row, or a
	// group) build in all: bytes of strings, 16 per list element made by
	// split, keys and the like, and the text of the lists and maps they
	// write.
	MaxBuilt = 64 << 20
	// MaxSteps bounds the closure steps of one evaluation: a group of a
	// million rows can still be walked ten times.
	MaxSteps = 10_000_000
)

// ErrBudget is the cause of an EvalError for an expression that went past
// one of the limits above.
var ErrBudget = errors.New("expression budget exceeded")

// ErrInterrupted is the cause of an EvalError for an evaluation stopped
// because its run was (Program.StopWhen).
var ErrInterrupted = errors.New("interrupted")

// guardName is the name under which expressions reach their Evaluator's
// guard; the patcher passes it to the functions that need it. A column of
// that name is reachable as row["__guard"] only.
const guardName = "__guard"

// stepName is the name of the guard's step (guard.step), which the patcher
// calls at the start of every closure body. A column of that name is
// reachable as row["__step"] only.
const stepName = "__step"

// guard counts what the expressions of one activity build and the steps of
// the running evaluation. The zero value has nothing spent and cannot be
// stopped; a nil *guard spends nothing but still bounds each string.
type guard struct {
	built int          // bytes built for the current activity
	steps int          // closure steps of the current evaluation
	stop  *atomic.Bool // set when the run stops; nil: never
}

// tick is one closure step.
func (g *guard) tick() error {
	if g == nil {
		return nil
	}
	if g.stop != nil && g.stop.Load() {
		return ErrInterrupted
	}
	if g.steps++; g.steps > MaxSteps {
		return fmt.Errorf("%w: more than %d steps (map, filter, reduce… over too many elements)", ErrBudget, MaxSteps)
	}
	return nil
}

// step is tick as the VM calls it, once per closure step: a func() bool of
// the environment, which expr calls directly (an expr.Function would cost
// the lookup of the guard's name and a slice of arguments each time: 2.3
// times a plain step's CPU). It stops the evaluation by panicking with
// tick's error, which the VM returns as it returns a function's.
func (g *guard) step() bool {
	if err := g.tick(); err != nil {
		panic(err)
	}
	return true
}

// stopped reports whether the run has stopped, as an error.
func (g *guard) stopped() error {
	if g != nil && g.stop != nil && g.stop.Load() {
		return ErrInterrupted
	}
	return nil
}

// charge counts n more bytes built for the activity.
func (g *guard) charge(n int) error {
	if g == nil {
		return nil
	}
	if g.built += n; g.built > MaxBuilt {
		return fmt.Errorf("%w: the expressions of this activity built more than %d MiB", ErrBudget, MaxBuilt>>20)
	}
	return nil
}

// build checks that what would be a string of n bytes may be built, and
// charges it.
func (g *guard) build(what string, n int) error {
	if n > MaxString || n < 0 {
		return tooLong(what, n)
	}
	return g.charge(n)
}

func tooLong(what string, n int) error {
	if n < 0 {
		return fmt.Errorf("%w: %s would build a string of more than %d bytes", ErrBudget, what, MaxString)
	}
	return fmt.Errorf("%w: %s would build a string of %d bytes, more than %d", ErrBudget, what, n, MaxString)
}

// textOf is text(v) for any value: the text of a list or a map is refused
// past MaxString before it is made.
func textOf(v any) (string, error) {
	switch v.(type) {
	case nil, string, bool, int, int64, float64, decimal.Decimal, time.Time:
		return text(v), nil
	}
	if n := textSize(v, MaxString); n > MaxString {
		return "", tooLong("the text of a "+typeName(v), n)
	}
	s := text(v)
	if len(s) > MaxString {
		return "", tooLong("the text of a "+typeName(v), len(s))
	}
	return s, nil
}

// textSize is a lower bound of the length of v written as text or JSON:
// its strings and keys, and a byte for every other element. It stops
// counting past limit.
func textSize(v any, limit int) int {
	s := sizer{limit: limit}
	s.add(v)
	return s.n
}

type sizer struct{ n, limit int }

func (s *sizer) add(v any) {
	if s.n > s.limit {
		return
	}
	switch x := v.(type) {
	case string:
		s.n += len(x)
	case []any:
		s.n += len(x)
		for _, e := range x {
			s.add(e)
		}
	case []string:
		for _, e := range x {
			s.n += len(e) + 1
		}
	case Record:
		s.addMap(x)
	case map[string]any:
		s.addMap(x)
	case []Record:
		for _, r := range x {
			s.addMap(r)
		}
	case nil, bool, int, int64, float64:
		s.n++
	default:
		s.addReflect(reflect.ValueOf(v))
	}
}

func (s *sizer) addMap(m map[string]any) {
	for k, e := range m {
		if s.n += len(k) + 1; s.n > s.limit {
			return
		}
		s.add(e)
	}
}

// addReflect counts the other slices and maps expr can make ([]int,
// map[any][]any from groupBy…).
func (s *sizer) addReflect(rv reflect.Value) {
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		if k := rv.Type().Elem().Kind(); k != reflect.Interface && k != reflect.String && k != reflect.Slice && k != reflect.Map {
			s.n += rv.Len()
			return
		}
		for i := 0; i < rv.Len() && s.n <= s.limit; i++ {
			s.add(rv.Index(i).Interface())
		}
	case reflect.Map:
		for it := rv.MapRange(); it.Next() && s.n <= s.limit; {
			s.add(it.Key().Interface())
			s.add(it.Value().Interface())
		}
	default:
		s.n++
	}
}
