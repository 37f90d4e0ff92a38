package activity

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Plan serves producers that write the same activity shape for every row,
// with only some values changing: a mapping's template. Validating the whole
// activity for each row would check the same constants and keys millions of
// times; Plan checks them once and leaves, for each value that changes, the
// one rule that applies to it.

// Hole stands for a value known only later in a template activity given to
// Plan. It is not a value of the model and belongs in templates only:
// AppendJSON writes it as null, and Validate, whose walk Plan shares, would
// take it for valid and give it its rule as Plan does.
type Hole struct {
	at   *path
	rule rule
}

// rule names the rule function of a place of the activity, so that a hole
// can keep it.
type rule uint8

// The rules a hole can take.
const (
	ruleActivityType rule = iota + 1
	ruleCurrency
	ruleEmailHash
	ruleEvent
	ruleEvents
	ruleFreeProperties
	ruleItem
	ruleItems
	ruleLatLon
	ruleLocation
	ruleLocationSource
	ruleNonEmptyString
	ruleNumber
	ruleOrigin
	ruleSessionStatus
	ruleString
	ruleTTL
	ruleTimestamp
	ruleTransaction
	ruleUserIdentifier
	ruleUserIdentifiers
	ruleValue
)

// check checks v at p with the rule.
func (r rule) check(p *path, v any) *Violation {
	switch r {
	case ruleActivityType:
		return checkActivityType(p, v)
	case ruleCurrency:
		return checkCurrency(p, v)
	case ruleEmailHash:
		return checkEmailHash(p, v)
	case ruleEvent:
		return checkEvent(p, v)
	case ruleEvents:
		return checkEvents(p, v)
	case ruleFreeProperties:
		return checkFreeProperties(p, v)
	case ruleItem:
		return checkItem(p, v)
	case ruleItems:
		return checkItems(p, v)
	case ruleLatLon:
		return checkLatLon(p, v)
	case ruleLocation:
		return checkLocation(p, v)
	case ruleLocationSource:
		return checkLocationSource(p, v)
	case ruleNonEmptyString:
		return checkNonEmptyString(p, v)
	case ruleNumber:
		return checkNumber(p, v)
	case ruleOrigin:
		return checkOrigin(p, v)
	case ruleSessionStatus:
		return checkSessionStatus(p, v)
	case ruleString:
		return checkStringRule(p, v)
	case ruleTTL:
		return checkTTL(p, v)
	case ruleTimestamp:
		return checkTimestamp(p, v)
	case ruleTransaction:
		return checkTransaction(p, v)
	case ruleUserIdentifier:
		return checkUserIdentifier(p, v)
	case ruleUserIdentifiers:
		return checkUserIdentifiers(p, v)
	case ruleValue:
		return checkValue(p, v)
	}
	panic("activity: unknown rule")
}

// Check checks v, the value of the hole, as Validate would check it in place:
// it returns nil or the *Violation Validate would report for it.
func (h *Hole) Check(v any) error {
	if bad := h.rule.check(h.at, v); bad != nil {
		return bad
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

// Plan validates a template activity whose holes stand for values known
// only later, and gives each hole the rule of its place. Then, for values
// none of which is nil, checking each value with its hole's Check, in the
// order of the holes in the document, reports exactly what Validate would
// report for the activity with the values in place (taking the first
// failing check): the keys, the constants and the checks on whole objects
// do not depend on the values, and Plan has checked them.
//
// holes are the template's holes; Plan fails with the first violation of
// the template's fixed part, or when a hole stands where the rules read its
// value to judge other parts (an event's $event_name, the $type of a user
// identifier, an element of $latlon).
func Plan(o *Object, holes []*Hole) error {
	if o == nil {
		return &Violation{Msg: "nil activity"}
	}
	for _, h := range holes {
		h.at, h.rule = nil, 0
	}
	if bad := checkActivity(o); bad != nil {
		return bad
	}
	for _, h := range holes {
		if h.rule == 0 {
			return errHoleHere
		}
	}
	return nil
}

// hole returns v as a template's *Hole, or nil. Each rule function starts
// by handing a hole its rule instead of checking it; for the value of a
// place, the first rule function called is the rule of the place.
func hole(v any) *Hole {
	h, _ := v.(*Hole)
	return h
}

// take gives the hole its place and rule (Plan).
func (h *Hole) take(p *path, r rule) *Violation {
	h.at, h.rule = p.keep(), r
	return nil
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
