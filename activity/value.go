package activity

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/govalues/decimal"
)

// This file holds the checks shared by every place of an activity: value types,
// finite numbers, valid UTF-8, unique keys, nesting depth, and the walk of
// values no rule names (custom properties).

// checkValue checks a value no rule names: it must be of the model, its
// numbers finite and valid, its strings and keys valid UTF-8, its objects free
// of repeated keys, and it must not nest deeper than maxDepth. A nil *Object is
// taken as null, as AppendJSON writes it.
func checkValue(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleValue)
	}
	switch v := v.(type) {
	case nil, bool, int, int64, decimal.Decimal:
		return nil
	case string:
		return checkUTF8(p, v)
	case float64, json.Number:
		if msg := numberProblem(v); msg != "" {
			return p.violation(msg)
		}
		return nil
	case []any:
		if p.level()+1 > maxDepth {
			return tooDeep(p)
		}
		var at path // outside the loop, so that escape analysis keeps it on the stack
		for i, e := range v {
			at = p.elem(i)
			if bad := checkValue(&at, e); bad != nil {
				return bad
			}
		}
		return nil
	case *Object:
		if v == nil {
			return nil
		}
		if p.level()+1 > maxDepth {
			return tooDeep(p)
		}
		return checkFields(p, v)
	}
	return p.violationf("unsupported value type %T (want nil, bool, string, a number, []any or *Object)", v)
}

func tooDeep(p *path) *Violation {
	return p.violationf("nested deeper than %d levels", maxDepth)
}

// checkFields checks the fields of a free object (custom properties, $origin)
// with checkProperty.
func checkFields(at *path, o *Object) *Violation {
	var keys keySet
	for i, f := range o.Fields {
		if bad := checkKey(at, &keys, o.Fields[:i], f.Key); bad != nil {
			return bad
		}
		if bad := checkProperty(at, f); bad != nil {
			return bad
		}
	}
	return nil
}

// checkKey checks key, the next key of the object at, against the keys before
// it (prev). Every walk of an object calls it first for each field.
func checkKey(at *path, keys *keySet, prev []Field, key string) *Violation {
	if keys.repeats(prev, key) {
		return at.violation("duplicate key " + quote(key))
	}
	return nil
}

// checkProperty checks a field of the object at that no rule names: its key
// must be valid UTF-8 and its value pass checkValue. (Keys that rules name are
// ASCII, so only these keys need the UTF-8 check.)
func checkProperty(at *path, f Field) *Violation {
	if !utf8.ValidString(f.Key) {
		return at.violationf("key %s is not valid UTF-8 (check the input encoding)", quote(f.Key))
	}
	var p path // outside any loop, so that escape analysis keeps it on the stack
	p = at.field(f.Key)
	return checkValue(&p, f.Value)
}

// checkCustom checks a field of the object at that its rules do not name: a
// key starting with "$" is reserved, so it is an unknown key (with a did you
// mean among known); any other key is a custom property, checked by
// checkProperty.
func checkCustom(at *path, f Field, known []string) *Violation {
	if strings.HasPrefix(f.Key, "$") {
		return unknownKey(at, f.Key, known)
	}
	return checkProperty(at, f)
}

// checkLoose is checkCustom for objects whose reserved keys are not all known
// (transaction properties, items): a "$" key is refused only when it looks
// like a misspelling of a known key; otherwise it is checked by checkProperty.
func checkLoose(at *path, f Field, known []string) *Violation {
	if strings.HasPrefix(f.Key, "$") && suggest(f.Key, known) != "" {
		return unknownKey(at, f.Key, known)
	}
	return checkProperty(at, f)
}

func unknownKey(at *path, key string, known []string) *Violation {
	return at.violation("unknown key " + quote(key) + didYouMean(key, known))
}

func missingKey(at *path, key string) *Violation {
	return at.violation("missing required key " + quote(key))
}

// asObject returns v as a non-nil *Object, or the violation "must be an
// object" (what names the expected object, e.g. "an event object").
func asObject(p *path, v any, what string) (*Object, *Violation) {
	if o, ok := v.(*Object); ok && o != nil {
		return o, nil
	}
	return nil, p.violationf("must be %s, got %s", what, describe(v))
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

// checkStringRule is checkString as a rule.
func checkStringRule(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleString)
	}
	_, bad := checkString(p, v)
	return bad
}

// checkNonEmptyString is checkString refusing "".
func checkNonEmptyString(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleNonEmptyString)
	}
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

// checkEnum checks that v is one of values; what names the set in the
// message ("unknown activity type \"TOUCHE\" (did you mean \"TOUCH\"?)").
func checkEnum(p *path, v any, what string, values []string) *Violation {
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

// checkNumber checks that v is a finite, valid number. A string holding a
// number gets the hint "unquote it".
func checkNumber(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleNumber)
	}
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

// checkTimestamp checks an epoch in milliseconds ($ts of an activity or an
// event): an integer in [10^11, 10^14], i.e. from 1973 to 5138. Below, it is
// taken for seconds; above, for microseconds or (past 10^17) nanoseconds.
func checkTimestamp(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleTimestamp)
	}
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
