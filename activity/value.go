package activity

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/govalues/decimal"
)

// This file holds the checks shared by every place of an activity: value types,
// finite numbers, valid UTF-8, nesting depth, and the walk of values no rule
// names (custom properties).

// value checks a value no rule names: it must be of the model, its numbers
// finite and valid, its strings and keys valid UTF-8, its objects free of
// repeated keys, and it must not nest deeper than maxDepth. A nil *Object is
// taken as null, as AppendJSON writes it. The keys of its objects are free:
// the value of a custom property is the user's own, "$" keys included.
func (c *checker) value(p *path, v any) {
	if c.hole(p, v, ruleValue) {
		return
	}
	switch v := v.(type) {
	case nil, bool, int, int64, decimal.Decimal:
	case string:
		c.report(checkUTF8(p, v))
	case float64, json.Number:
		if msg := numberProblem(v); msg != "" {
			c.report(p.violation(msg))
		}
	case []any, *Repeat:
		c.array(p, v)
	case *Object:
		if v == nil {
			return
		}
		if p.level()+1 > maxDepth {
			c.report(tooDeep(p))
			return
		}
		c.fields(p, v)
	default:
		c.report(p.violationf("unsupported value type %T (want nil, bool, string, a number, []any or *Object)", v))
	}
}

// array checks the elements of a free array.
func (c *checker) array(p *path, v any) {
	elems, _, ok := c.elems(v)
	if !ok {
		c.report(p.violationf("unsupported value type %T (want nil, bool, string, a number, []any or *Object)", v))
		return
	}
	if p.level()+1 > maxDepth {
		c.report(tooDeep(p))
		return
	}
	var at path // outside the loop, so that escape analysis keeps it on the stack
	for i, e := range elems {
		at = p.elem(i)
		c.value(&at, e)
		if c.stop {
			return
		}
	}
}

func tooDeep(p *path) *Violation {
	return p.violationf("nested deeper than %d levels", maxDepth)
}

// fields checks the fields of a free object (the value of a custom property)
// with property.
func (c *checker) fields(at *path, o *Object) {
	var keys keySet
	for i := range o.Fields {
		f := &o.Fields[i]
		if c.duplicate(at, &keys, o.Fields[:i], f.Key) {
			continue
		}
		c.property(at, f)
		if c.stop {
			return
		}
	}
}

// property checks a field of the object at whose value no rule names: its key
// must be valid UTF-8 and its value pass value. (Keys that rules name are
// ASCII, so only these keys need the UTF-8 check.)
func (c *checker) property(at *path, f *Field) {
	if !utf8.ValidString(f.Key) {
		v := at.violationf("key %s is not valid UTF-8 (check the input encoding)", quote(f.Key))
		v.Key = f.Key
		c.report(v)
		return
	}
	var p path // outside any branch, so that escape analysis keeps it on the stack
	p = at.field(f.Key)
	c.value(&p, f.Value)
}

// checkString checks that v is a valid UTF-8 string and returns it. A number
// gets the hint "quote it".
func checkString(p *path, v any) (string, *Violation) {
	s, ok := v.(string)
	if !ok {
		msg := "must be a string, got " + describe(v)
		if isNumber(v) {
			msg += " (quote it)"
		}
		return "", p.violation(msg)
	}
	return s, checkUTF8(p, s)
}

func stringProblem(p *path, v any) *Violation {
	_, bad := checkString(p, v)
	return bad
}

// nonEmptyStringProblem is checkString refusing "".
func nonEmptyStringProblem(p *path, v any) *Violation {
	s, bad := checkString(p, v)
	if bad == nil && s == "" {
		return p.violation("must not be empty")
	}
	return bad
}

func checkUTF8(p *path, s string) *Violation {
	if !utf8.ValidString(s) {
		return p.violationf("not valid UTF-8: %s (check the input encoding)", quote(s))
	}
	return nil
}

// enumProblem checks that v is one of values; what names the set in the
// message ("unknown activity type \"TOUCHE\" (did you mean \"TOUCH\"?)").
func enumProblem(p *path, v any, what string, values []string) *Violation {
	s, bad := checkString(p, v)
	if bad != nil {
		return bad
	}
	for _, want := range values {
		if s == want {
			return nil
		}
	}
	return p.violationf("unknown %s %s%s", what, quote(s), didYouMean(s, values))
}

// numberRuleProblem checks that v is a finite, valid number. A string
// holding a number gets the hint "unquote it".
func numberRuleProblem(p *path, v any) *Violation {
	if !isNumber(v) {
		msg := "must be a number, got " + describe(v)
		if s, ok := v.(string); ok && validNumber(json.Number(strings.TrimSpace(s))) {
			msg += " (unquote it)"
		}
		return p.violation(msg)
	}
	if msg := numberProblem(v); msg != "" {
		return p.violation(msg)
	}
	return nil
}

// checkInt checks that v is a number whose JSON form is an integer and returns
// it; want describes the expected value in the message.
func checkInt(p *path, v any, want string) (int64, *Violation) {
	if !isNumber(v) {
		return 0, p.violationf("must be %s, got %s", want, describe(v))
	}
	if msg := numberProblem(v); msg != "" {
		return 0, p.violation(msg)
	}
	n, ok := asInt(v)
	if !ok {
		return 0, p.violationf("must be %s, got %s", want, describe(v))
	}
	return n, nil
}

// timestampProblem checks an epoch in milliseconds ($ts of an activity or an
// event): an integer in [10^11, 10^14], i.e. from 1973 to 5138. Below, it is
// taken for seconds; above, for microseconds or (past 10^17) nanoseconds.
func timestampProblem(p *path, v any) *Violation {
	n, bad := checkInt(p, v, "an integer (epoch milliseconds)")
	switch {
	case bad != nil:
		return bad
	case n < 0:
		return p.violationf("%d is before 1970 (epoch milliseconds must be positive)", n)
	case n < 1e11:
		return p.violationf("%d looks like seconds, not milliseconds (below 10^11)", n)
	case n > 1e17:
		return p.violationf("%d looks like nanoseconds, not milliseconds (above 10^14)", n)
	case n > 1e14:
		return p.violationf("%d looks like microseconds, not milliseconds (above 10^14)", n)
	}
	return nil
}
