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

// identifiers records the identifier keys met in an activity, in order.
type identifiers struct {
	keys        [len(identifierKeys)]string
	n           int
	account     bool // $user_account_id seen
	compartment bool // $compartment_id seen
}

// see records key if it is an identifier key or $compartment_id. The walk
// refuses repeated keys first, so keys cannot overflow.
func (ids *identifiers) see(key string) {
	switch key {
	case "$compartment_id":
		ids.compartment = true
		return
	case "$user_account_id":
		ids.account = true
	}
	for _, k := range identifierKeys {
		if key == k && ids.n < len(ids.keys) {
			ids.keys[ids.n] = key
			ids.n++
			return
		}
	}
}

// check returns the whole-activity identifier violation, if any: a
// $compartment_id without $user_account_id, then no identifier or several.
func (ids *identifiers) check() *Violation {
	if ids.compartment && !ids.account {
		at := (*path)(nil).field("$compartment_id")
		return at.violation("set without $user_account_id (the compartment goes with an account id)")
	}
	switch ids.n {
	case 0:
		return &Violation{Msg: "no user identifier: set exactly one of $user_account_id, $user_agent_id, $email_hash, $user_identifiers"}
	case 1:
		return nil
	}
	return &Violation{Msg: strconv.Itoa(ids.n) + " user identifiers (" + strings.Join(ids.keys[:ids.n], ", ") +
		"): bulk import accepts exactly one per line"}
}

var emailHashKeys = []string{"$hash", "$email"}

// checkEmailHash checks $email_hash: an object with a non-empty string $hash,
// an optional string $email and nothing else.
func checkEmailHash(at *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(at, ruleEmailHash)
	}
	o, bad := asObject(at, v, `an object {"$hash": ..., "$email": ...}`)
	if bad != nil {
		return bad
	}
	hash := false
	var keys keySet
	for i, f := range o.Fields {
		if bad := checkKey(at, &keys, o.Fields[:i], f.Key); bad != nil {
			return bad
		}
		p := at.field(f.Key)
		switch f.Key {
		case "$hash":
			hash = true
			bad = checkNonEmptyString(&p, f.Value)
		case "$email":
			bad = checkStringRule(&p, f.Value)
		default:
			bad = unknownKey(at, f.Key, emailHashKeys)
		}
		if bad != nil {
			return bad
		}
	}
	if !hash {
		return missingKey(at, "$hash")
	}
	return nil
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

// checkUserIdentifiers checks $user_identifiers: an array of exactly one entry
// (bulk import takes one identifier per line).
func checkUserIdentifiers(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleUserIdentifiers)
	}
	a, ok := v.([]any)
	if !ok {
		return p.violationf("must be an array holding one identifier object, got %s", describe(v))
	}
	if len(a) != 1 {
		return p.violationf("must hold exactly one identifier (bulk import accepts one per line), got %d", len(a))
	}
	at := p.elem(0)
	return checkUserIdentifier(&at, a[0])
}

// checkUserIdentifier checks one $user_identifiers entry: its $type first, then
// its keys in order against the spec of that type, all non-empty strings.
func checkUserIdentifier(at *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(at, ruleUserIdentifier)
	}
	o, bad := asObject(at, v, "an identifier object")
	if bad != nil {
		return bad
	}
	spec, bad := identifierType(at, o)
	if bad != nil {
		return bad
	}
	var keys keySet
	required := false
	for i, f := range o.Fields {
		if bad := checkKey(at, &keys, o.Fields[:i], f.Key); bad != nil {
			return bad
		}
		switch {
		case f.Key == "$type":
			continue
		case !slices.Contains(spec.keys, f.Key):
			return at.violationf("unknown key %s for %s%s", quote(f.Key), spec.typ, didYouMean(f.Key, spec.keys))
		}
		required = required || f.Key == spec.required
		p := at.field(f.Key)
		if bad := checkNonEmptyString(&p, f.Value); bad != nil {
			return bad
		}
	}
	if !required {
		return at.violationf("missing required key %s for %s", quote(spec.required), spec.typ)
	}
	return nil
}

// identifierType checks the $type of a $user_identifiers entry and returns its
// spec.
func identifierType(at *path, o *Object) (identifierSpec, *Violation) {
	typ, ok := o.Get("$type")
	if !ok {
		return identifierSpec{}, missingKey(at, "$type")
	}
	if isHole(typ) {
		return identifierSpec{}, at.violation(errHoleHere.Error())
	}
	p := at.field("$type")
	s, bad := checkString(&p, typ)
	if bad != nil {
		return identifierSpec{}, bad
	}
	for _, spec := range identifierSpecs {
		if s == spec.typ {
			return spec, nil
		}
	}
	return identifierSpec{}, p.violationf("unknown identifier type %s%s", quote(s), didYouMean(s, identifierTypes))
}
