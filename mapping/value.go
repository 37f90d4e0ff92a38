package mapping

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"time"

	"github.com/govalues/decimal"

	"csv2activity/activity"
)

// normalize turns an expression's result into activity's value model: ints
// become int64, times epoch milliseconds, maps Objects (a row in header
// order, other maps by sorted key), nil map values vanish.
func (p *Program) normalize(v any, e *Expr) (any, error) {
	out, err := p.value(v, 0)
	if err != nil {
		return nil, &EvalError{Path: e.Path, Line: e.Line, Err: err}
	}
	return out, nil
}

func (p *Program) value(v any, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("value nested more than %d levels deep", MaxDepth)
	}
	switch x := v.(type) {
	case nil, bool, string, int, int64, decimal.Decimal, *activity.Object:
		return v, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("result is %v, not a number", x)
		}
		return x, nil
	case time.Time:
		return unixMilli(x)
	case time.Duration:
		return x.Milliseconds(), nil
	case Record:
		return p.recordObject(x, depth)
	case map[string]any:
		return p.mapObject(x, depth)
	case []any:
		return p.slice(x, depth)
	}
	return p.reflectValue(v, depth)
}

// recordObject writes a row with its header names, in header order.
func (p *Program) recordObject(r Record, depth int) (any, error) {
	obj := &activity.Object{Fields: make([]activity.Field, 0, len(p.Header))}
	seen := make(map[string]bool, len(p.Header))
	for _, h := range p.Header {
		if seen[h] {
			continue
		}
		seen[h] = true
		if err := p.addField(obj, h, r[h], depth); err != nil {
			return nil, err
		}
	}
	return obj, nil
}

func (p *Program) mapObject(m map[string]any, depth int) (any, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	obj := &activity.Object{Fields: make([]activity.Field, 0, len(keys))}
	for _, k := range keys {
		if err := p.addField(obj, k, m[k], depth); err != nil {
			return nil, err
		}
	}
	return obj, nil
}

func (p *Program) addField(obj *activity.Object, key string, v any, depth int) error {
	nv, err := p.value(v, depth+1)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	if nv != nil {
		obj.Fields = append(obj.Fields, activity.Field{Key: key, Value: nv})
	}
	return nil
}

func (p *Program) slice(s []any, depth int) (any, error) {
	out := make([]any, len(s))
	for i, el := range s {
		v, err := p.value(el, depth+1)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}

// reflectValue handles the other slices and maps expr can produce ([]int,
// []string, map[string]string…) and the remaining number types.
func (p *Program) reflectValue(v any, depth int) (any, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		s := make([]any, rv.Len())
		for i := range s {
			s[i] = rv.Index(i).Interface()
		}
		return p.slice(s, depth)
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		m := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			m[it.Key().String()] = it.Value().Interface()
		}
		return p.mapObject(m, depth)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		return rv.Int(), nil
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return int64(rv.Uint()), nil
	case reflect.Float32:
		return rv.Float(), nil
	}
	return nil, fmt.Errorf("cannot write a value of type %s", typeName(v))
}

// elements returns the elements of a list value for for_each.
func elements(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []Record:
		out := make([]any, len(x))
		for i, r := range x {
			out[i] = r
		}
		return out, true
	case nil:
		return nil, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}
