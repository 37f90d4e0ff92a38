package document

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"csv2activity/activity"
	"csv2activity/internal/suggest"
)

// checker is one walk of a line, or of a mapping's template of one, by the
// rules: what it does with the problems it meets. In a template
// (modeTemplate) an *activity.Hole stands for a value known only per row,
// which may also be nil, and an *activity.Repeat for a list of one element
// or more: only what no value of the holes can avoid is reported.
type checker struct {
	mode  mode
	max   int
	found []*activity.Violation
	more  int
}

type mode uint8

const (
	modeFirst    mode = iota // stop at the first problem
	modeAll                  // every problem, keeping max
	modeTemplate             // every problem no value of the holes avoids
)

// report records a problem at path.
func (c *checker) report(path, key, format string, args ...any) {
	if c.stopped() {
		return
	}
	if c.max > 0 && len(c.found) >= c.max {
		c.more++
		return
	}
	c.found = append(c.found, &activity.Violation{Path: path, Msg: fmt.Sprintf(format, args...), Key: key})
}

// stopped reports whether a walk for the first problem has met it.
func (c *checker) stopped() bool { return c.mode == modeFirst && len(c.found) > 0 }

// object walks the fields of o, an object of the place pl at path: each
// known key's value by its kind, each other key as unknown (with a
// did-you-mean), then the keys it requires.
func (c *checker) object(path string, pl place, o *activity.Object) {
	seen := make(map[string]bool, len(o.Fields))
	for _, f := range o.Fields {
		if seen[f.Key] {
			c.report(path, f.Key, "duplicate key %q", f.Key)
			continue
		}
		seen[f.Key] = true
		s, ok := pl.spec(f.Key)
		switch {
		case ok:
			c.value(activity.FieldPath(path, f.Key), s, f.Value)
		case pl.takesCustomKeys() && !strings.HasPrefix(f.Key, "$"):
			c.custom(activity.FieldPath(path, f.Key), f.Value)
		default:
			c.unknownKey(path, pl, f.Key)
		}
	}
	for _, s := range placeKeys[pl] {
		if s.required && !seen[s.key] {
			c.missing(path, s.key)
		}
	}
}

// unknownKey reports a key the place pl does not take.
func (c *checker) unknownKey(path string, pl place, key string) {
	msg := "unknown key %q" + didYouMean(key, pl.keyNames())
	if pl.takesCustomKeys() && !strings.Contains(msg, "did you mean") {
		msg += ": custom keys must not start with $"
	}
	c.report(path, key, msg, key)
}

// missing reports a required key absent from the object at path.
func (c *checker) missing(path, key string) {
	c.report(path, "", "missing required key %q", key)
}

// value checks the value of a known key by its kind.
func (c *checker) value(path string, s spec, v any) {
	if _, ok := v.(*activity.Hole); ok && c.mode == modeTemplate {
		return
	}
	if v == nil {
		c.report(path, "", "is null: leave the key out instead")
		return
	}
	switch s.kind {
	case kindPlace:
		if o, ok := v.(*activity.Object); ok && o != nil {
			c.object(path, s.place, o)
			return
		}
		c.report(path, "", "%s is not an object", show(v))
	case kindList:
		c.identifiers(path, v)
	case kindObject:
		if o, ok := v.(*activity.Object); ok && o != nil {
			c.custom(path, o)
			return
		}
		c.report(path, "", "%s is not an object", show(v))
	default:
		if msg := scalarProblem(s, v, c.mode == modeTemplate); msg != "" {
			c.report(path, "", "%s", msg)
		}
	}
}

// custom checks a value of the user's own: strings and keys valid UTF-8,
// numbers as activity checks them (finite, a JSON literal within a
// float64); its keys are free.
func (c *checker) custom(path string, v any) {
	switch v := v.(type) {
	case string:
		if !utf8.ValidString(v) {
			c.report(path, "", "string is not valid UTF-8")
		}
	case *activity.Object:
		if v != nil {
			for _, f := range v.Fields {
				if !utf8.ValidString(f.Key) {
					c.report(activity.FieldPath(path, f.Key), "", "key is not valid UTF-8")
				}
				c.custom(activity.FieldPath(path, f.Key), f.Value)
			}
		}
	case []any:
		for i, e := range v {
			c.custom(activity.ElemPath(path, i), e)
		}
	default:
		if msg := activity.NumberProblem(v); msg != "" {
			c.report(path, "", "%s", msg)
		}
	}
}

// scalarProblem says how v breaks the kind of s, or "". In a template, an
// object stands for data_bag's object, which is encoded for the user.
func scalarProblem(s spec, v any, template bool) string {
	switch s.kind {
	case kindText:
		if str, ok := v.(string); !ok || str == "" {
			return show(v) + " is not a non-empty string"
		}
	case kindBool:
		if _, ok := v.(bool); !ok {
			return show(v) + " is not true or false"
		}
	case kindEnum:
		str, _ := v.(string)
		for _, e := range s.enum {
			if str == e {
				return ""
			}
		}
		return fmt.Sprintf("%s is not one of %s%s", show(v), strings.Join(s.enum, ", "), didYouMean(str, s.enum))
	case kindCount:
		if n, ok := activity.Int(v); !ok || n < 0 {
			return show(v) + " is not a whole number of 0 or more"
		}
	case kindMillis:
		n, ok := activity.Int(v)
		switch {
		case !ok:
			return show(v) + " is not a whole number of epoch milliseconds"
		case n < 1e11:
			return show(v) + " looks like seconds, not milliseconds (below 10^11)"
		}
	case kindID:
		if str, ok := v.(string); ok && str != "" {
			return ""
		}
		if n, ok := activity.Int(v); !ok || n <= 0 {
			return show(v) + " is not an id (a non-empty string or a whole number)"
		}
	case kindJSON:
		return jsonTextProblem(v, template)
	}
	return ""
}

// jsonTextProblem says how v is not a JSON object encoded as a string.
func jsonTextProblem(v any, template bool) string {
	if _, ok := v.(*activity.Object); ok && template {
		return ""
	}
	str, ok := v.(string)
	if !ok {
		return show(v) + " is not a JSON object encoded as a string"
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(str), &obj); err != nil || obj == nil {
		return show(v) + " does not hold a JSON object"
	}
	return ""
}

// show writes a value in a message as JSON, shortened.
func show(v any) string {
	switch v.(type) {
	case *activity.Object, []any:
		b := activity.AppendJSON(nil, v)
		if len(b) > 40 {
			return string(b[:37]) + "..."
		}
		return string(b)
	case nil:
		return "null"
	}
	return string(activity.AppendJSON(nil, v))
}

// didYouMean returns ` (did you mean "X"?)` for the closest of candidates
// to got, when one is a typo of it (suggest.Typo), or "".
func didYouMean(got string, candidates []string) string {
	return suggest.DidYouMean(got, candidates, suggest.Typo)
}
