package activity

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Plan and CheckTemplate serve producers that write the same activity shape
// for every row, with only some values changing: a mapping's template.
// CheckTemplate finds, once, every rule the template breaks whatever its
// values; Plan checks its constants and keys once and leaves, for each value
// that changes, the one rule that applies to it, so that rows need not be
// validated whole.

// Hole stands for a value known only later in a template activity given to
// Plan or CheckTemplate. It is not a value of the model and belongs in
// templates only: AppendJSON writes it as null, and Validate takes it for a
// value that passes.
type Hole struct {
	at    *path
	rule  rule
	rules *Rules
}

// Repeat stands, in a template given to CheckTemplate, for a list of any
// length (a mapping's for_each) whose every element has the template Item.
// It is not a value of the model: elsewhere it is refused as one.
type Repeat struct {
	Item any
}

// Check checks v, the value of the hole, as Validate would check it in place:
// it returns nil or the *Violation Validate would report for it.
func (h *Hole) Check(v any) error {
	if h.rule <= lastScalarRule {
		if bad := h.rule.scalarProblem(h.at, v); bad != nil {
			return bad
		}
		return nil
	}
	c := checker{rules: h.rules}
	c.check(h.at, v, h.rule)
	if c.first != nil {
		return c.first
	}
	return nil
}

// CheckString is Check for a string, which it does not box into an
// interface when it passes the rules every string place has. validUTF8
// says that s is known to be valid UTF-8.
func (h *Hole) CheckString(s string, validUTF8 bool) error {
	switch h.rule {
	case ruleString, ruleValue:
		if validUTF8 || utf8.ValidString(s) {
			return nil
		}
	case ruleNonEmptyString:
		if s != "" && (validUTF8 || utf8.ValidString(s)) {
			return nil
		}
	}
	return h.Check(s)
}

// errHoleHere says that the rules need a hole's value to judge other parts
// of the activity, so that the template cannot be planned.
var errHoleHere = errors.New("a value computed per row decides the rules of the activity here")

// Plan is (*Rules)(nil).Plan: the platform's rules.
func Plan(o *Object, holes []*Hole) error {
	return (*Rules)(nil).Plan(o, holes)
}

// Plan validates a template activity whose holes stand for values known
// only later, and gives each hole the rule of its place. Then, for values
// none of which is nil, checking each value with its hole's Check, in the
// order of the holes in the document, reports exactly what Validate would
// report for the activity with the values in place (taking the first
// failing check): the keys, the constants and the checks on whole objects
// do not depend on the values, and Plan has checked them.
//
// holes are the template's holes; Plan fails with the first violation of
// the template's fixed part, or with an error wrapping errHoleHere when a
// hole stands where the rules read its value to judge other parts (an
// event's $event_name, the $type of a user identifier, an element of
// $latlon).
func (r *Rules) Plan(o *Object, holes []*Hole) error {
	if o == nil {
		return &Violation{Msg: "nil activity"}
	}
	for _, h := range holes {
		h.at, h.rule, h.rules = nil, 0, nil
	}
	c := checker{rules: r, mode: modePlan}
	c.activity(o)
	switch {
	case c.first != nil:
		return c.first
	case c.undecided != "":
		return fmt.Errorf("%s: %w", c.undecided, errHoleHere)
	}
	for _, h := range holes {
		if h.rule == 0 {
			return errHoleHere
		}
	}
	return nil
}

// CheckTemplate returns every rule a template activity breaks whatever the
// values of its holes, each of which may also be nil (leaving its key out),
// and whatever the length of its Repeat lists, as long as they are not
// empty: a constant that breaks the rule of its place, a required key
// absent, two identifiers whose values are constants, and a misspelt or
// unknown key, which is a mistake on every row that writes it even when its
// value, a hole, may be nil on others. Where a hole decides the rules (an
// event's $event_name), the part it decides is checked by the rules every
// choice shares: the properties of such an event as those of an event no
// page lists keys for. A Repeat's element has the path of a first element
// ("[0]"). The holes are not modified.
func (r *Rules) CheckTemplate(o *Object) []*Violation {
	c := checker{rules: r, mode: modeTemplate}
	c.activity(o)
	return c.found
}

// isHole reports whether v is a template's *Hole.
func isHole(v any) bool {
	_, ok := v.(*Hole)
	return ok
}

// keep copies p and its parents to the heap, for a rule applied later.
func (p *path) keep() *path {
	if p == nil {
		return nil
	}
	// The key is copied too, so that nothing of p flows to the heap and the
	// walk's paths stay on the stack.
	return &path{parent: p.parent.keep(), key: strings.Clone(p.key), index: p.index, depth: p.depth}
}
