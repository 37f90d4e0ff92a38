package activity

import (
	"slices"
	"strconv"
	"strings"
)

// The user identifier rules: a bulk-imported activity names its user with
// exactly one of $user_agent_id, $user_account_id (with an optional
// $compartment_id), $email_hash or a one-entry $user_identifiers.

// identifierKeys are the top-level keys that each identify the user.
var identifierKeys = [...]string{"$user_agent_id", "$user_account_id", "$email_hash", "$user_identifiers"}

// identifiers records the identifier keys met in an activity, in order. In a
// template, a key whose value is a hole may be left out (maybe): it counts
// towards "no identifier" but not towards "several".
type identifiers struct {
	keys        [len(identifierKeys)]string
	n           int  // keys met
	sure        int  // of them, keys that cannot be left out
	account     bool // $user_account_id met
	compartment bool // $compartment_id met, and cannot be left out
}

// see records key if it is an identifier key or $compartment_id. The walk
// skips repeated keys first, so keys cannot overflow.
func (ids *identifiers) see(key string, maybe bool) {
	switch key {
	case "$compartment_id":
		ids.compartment = !maybe
		return
	case "$user_account_id":
		ids.account = true
	}
	for _, k := range identifierKeys {
		if key == k && ids.n < len(ids.keys) {
			if !maybe {
				ids.keys[ids.sure] = key
				ids.sure++
			}
			ids.n++
			return
		}
	}
}

// check reports the whole-activity identifier violations: a $compartment_id
// without $user_account_id, then no identifier or several.
func (ids *identifiers) check(c *checker) {
	if ids.compartment && !ids.account {
		at := (*path)(nil).field("$compartment_id")
		c.report(at.violation("set without $user_account_id (the compartment goes with an account id)"))
	}
	switch {
	case ids.n == 0:
		c.report(&Violation{Msg: "no user identifier: set exactly one of $user_account_id, $user_agent_id, $email_hash, $user_identifiers"})
	case ids.sure > 1:
		c.report(&Violation{Msg: strconv.Itoa(ids.sure) + " user identifiers (" + strings.Join(ids.keys[:ids.sure], ", ") +
			"): bulk import accepts exactly one per line"})
	}
}

// emailHash checks $email_hash: an object with a non-empty string $hash, an
// optional string $email and nothing else.
func (c *checker) emailHash(at *path, v any) {
	if c.hole(at, v, ruleEmailHash) {
		return
	}
	o := c.object(at, v, `an object {"$hash": ..., "$email": ...}`)
	if o == nil {
		return
	}
	hash := false
	var keys keySet
	for i, f := range o.Fields {
		if c.duplicate(at, &keys, o.Fields[:i], f.Key) {
			continue
		}
		p := at.field(f.Key)
		switch f.Key {
		case "$hash":
			hash = true
			c.scalar(&p, f.Value, ruleNonEmptyString)
		case "$email":
			c.scalar(&p, f.Value, ruleString)
		default:
			c.custom(at, placeEmailHash, f)
		}
		if c.stop {
			return
		}
	}
	if !hash {
		c.missing(at, "$hash")
	}
}

// identifierSpec is the shape of one kind of $user_identifiers entry.
type identifierSpec struct {
	typ      string
	required string
	keys     []string // every key allowed besides $type, required first
}

var identifierSpecs = []identifierSpec{
	{"USER_ACCOUNT", "$user_account_id", []string{"$user_account_id", "$compartment_id"}},
	{"USER_AGENT", "$user_agent_id", []string{"$user_agent_id"}},
	{"USER_EMAIL", "$hash", []string{"$hash", "$email"}},
}

var identifierTypes = []string{"USER_ACCOUNT", "USER_AGENT", "USER_EMAIL"}

// userIdentifiers checks $user_identifiers: an array of exactly one entry
// (bulk import takes one identifier per line), then each entry.
func (c *checker) userIdentifiers(p *path, v any) {
	if c.hole(p, v, ruleUserIdentifiers) {
		return
	}
	a, repeat, ok := c.list(v)
	if !ok {
		c.report(p.violationf("must be an array holding one identifier object, got %s", describe(v)))
		return
	}
	if len(a) != 1 && !repeat {
		c.report(p.violationf("must hold exactly one identifier (bulk import accepts one per line), got %d", len(a)))
	}
	for i, e := range a {
		if c.stop {
			return
		}
		at := p.elem(i)
		c.userIdentifier(&at, e)
	}
}

// userIdentifier checks one $user_identifiers entry: its $type first, then
// its keys in order against the spec of that type, all non-empty strings.
func (c *checker) userIdentifier(at *path, v any) {
	if c.hole(at, v, ruleUserIdentifier) {
		return
	}
	o := c.object(at, v, "an identifier object")
	if o == nil {
		return
	}
	spec, ok := c.identifierType(at, o)
	if !ok {
		return
	}
	var keys keySet
	required := false
	for i, f := range o.Fields {
		if c.duplicate(at, &keys, o.Fields[:i], f.Key) || f.Key == "$type" {
			continue
		}
		p := at.field(f.Key)
		switch {
		case slices.Contains(spec.keys, f.Key):
			required = required || f.Key == spec.required
			c.scalar(&p, f.Value, ruleNonEmptyString)
		case c.rules.allows(placeIdentifier, f.Key):
			c.property(at, f)
		default:
			bad := at.violationf("unknown key %s for %s%s", quote(f.Key), spec.typ, didYouMean(f.Key, spec.keys))
			bad.Key = f.Key
			c.report(bad)
		}
		if c.stop {
			return
		}
	}
	if !required {
		c.report(at.violationf("missing required key %s for %s", quote(spec.required), spec.typ))
	}
}

// identifierType checks the $type of a $user_identifiers entry and returns
// its spec; ok is false when there is none to check the entry with.
func (c *checker) identifierType(at *path, o *Object) (spec identifierSpec, ok bool) {
	typ, ok := o.Get("$type")
	if !ok {
		c.missing(at, "$type")
		return spec, false
	}
	p := at.field("$type")
	if isHole(typ) {
		c.decidedBy(&p)
		return spec, false
	}
	s, bad := checkString(&p, typ)
	if bad != nil {
		c.report(bad)
		return spec, false
	}
	for _, spec := range identifierSpecs {
		if s == spec.typ {
			return spec, true
		}
	}
	c.report(p.violationf("unknown identifier type %s%s", quote(s), didYouMean(s, identifierTypes)))
	return spec, false
}
