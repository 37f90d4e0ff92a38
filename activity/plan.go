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

// rule names the rule function of a place of the activity, so that a hole
// can keep it.
type rule uint8

// The rules a hole can take.
const (
	ruleActivityType rule = iota + 1
	ruleCurrency
	ruleLocationSource
	ruleNonEmptyString
	ruleNumber
	rulePrice
	ruleQty
	ruleSessionStatus
	ruleString
	ruleTTL
	ruleTimestamp
	ruleAdProperties
	ruleConversionProperties
	ruleEmailHash
	ruleEvent
	ruleEvents
	ruleItem
	ruleItems
	ruleLatLon
	ruleLocation
	ruleOrigin
	ruleProperties
	rulePurchaseItem
	rulePurchaseItems
	ruleTransaction
	ruleUserIdentifier
	ruleUserIdentifiers
	ruleValue
)

// lastScalarRule is the last of the rules that judge one value alone.
const lastScalarRule = ruleTimestamp

// scalarProblem checks v at p with a rule that judges one value alone.
func (r rule) scalarProblem(p *path, v any) *Violation {
	switch r {
	case ruleActivityType:
		return activityTypeProblem(p, v)
	case ruleCurrency:
		return currencyProblem(p, v)
	case ruleLocationSource:
		return locationSourceProblem(p, v)
	case ruleNonEmptyString:
		return nonEmptyStringProblem(p, v)
	case ruleNumber:
		return numberRuleProblem(p, v)
	case rulePrice:
		return priceProblem(p, v)
	case ruleQty:
		return qtyProblem(p, v)
	case ruleSessionStatus:
		return sessionStatusProblem(p, v)
	case ruleString:
		return stringProblem(p, v)
	case ruleTTL:
		return ttlProblem(p, v)
	case ruleTimestamp:
		return timestampProblem(p, v)
	}
	panic("activity: not a scalar rule")
}

// check checks v at p with the rule.
func (r rule) check(c *checker, p *path, v any) {
	switch r {
	case ruleAdProperties:
		c.properties(p, v, placeAd)
	case ruleConversionProperties:
		c.properties(p, v, placeConversion)
	case ruleEmailHash:
		c.emailHash(p, v)
	case ruleEvent:
		c.event(p, v)
	case ruleEvents:
		c.events(p, v)
	case ruleItem, rulePurchaseItem:
		c.item(p, v, r == rulePurchaseItem)
	case ruleItems, rulePurchaseItems:
		c.items(p, v, r == rulePurchaseItems)
	case ruleLatLon:
		c.latLon(p, v)
	case ruleLocation:
		c.location(p, v)
	case ruleOrigin:
		c.origin(p, v)
	case ruleProperties:
		c.properties(p, v, placeProperties)
	case ruleTransaction:
		c.properties(p, v, placeTransaction)
	case ruleUserIdentifier:
		c.userIdentifier(p, v)
	case ruleUserIdentifiers:
		c.userIdentifiers(p, v)
	case ruleValue:
		c.value(p, v)
	default:
		c.scalar(p, v, r)
	}
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
	h.rule.check(&c, h.at, v)
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
