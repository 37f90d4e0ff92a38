package activity

import (
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

// identifierTypes are the $type of the $user_identifiers entries, for a
// did-you-mean.
var identifierTypes = func() (types []string) {
	for _, r := range identifierRules {
		types = append(types, tables[r].of)
	}
	return types
}()

// identifierType checks the $type of a $user_identifiers entry and returns
// the rule of its table: ruleNone when there is none to check the entry with.
func (c *checker) identifierType(at *path, o *Object) rule {
	typ, ok := o.Get("$type")
	if !ok {
		c.missing(at, &tables[ruleUserIdentifier], "$type")
		return ruleNone
	}
	p := at.field("$type")
	if isHole(typ) {
		c.decidedBy(&p)
		return ruleNone
	}
	s, bad := checkString(&p, typ)
	if bad != nil {
		c.report(bad)
		return ruleNone
	}
	for _, r := range identifierRules {
		if s == tables[r].of {
			return r
		}
	}
	c.report(p.violationf("unknown identifier type %s%s", quote(s), didYouMean(s, identifierTypes)))
	return ruleNone
}
