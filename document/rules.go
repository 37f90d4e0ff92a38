package document

import (
	"slices"
	"strings"

	"csv2activity/activity"
)

// Rules are the rules of one document type's lines. They are safe for
// concurrent use; a nil *Rules is USER_ACTIVITY's, which package activity
// holds, and must not be used here.
type Rules struct {
	typ  Type
	line place
}

// Type is the document type whose rules r are.
func (r *Rules) Type() Type { return r.typ }

// Validate returns nil or the first rule the line o breaks as an
// *activity.Violation: the first of Problems.
func (r *Rules) Validate(o *activity.Object) error {
	c := checker{mode: modeFirst}
	r.walk(&c, o)
	if len(c.found) > 0 {
		return c.found[0]
	}
	return nil
}

// ValidateLine parses one ndjson line with activity.Parse and validates it;
// a line that is not a JSON object returns Parse's error unchanged.
func (r *Rules) ValidateLine(line []byte) error {
	o, err := activity.Parse(line)
	if err != nil {
		return err
	}
	return r.Validate(o)
}

// Problems returns every rule o breaks, in document order and then the
// rules on the whole line, keeping the first max of them (max <= 0: all)
// and counting the others in more.
func (r *Rules) Problems(o *activity.Object, max int) (found []*activity.Violation, more int) {
	c := checker{mode: modeAll, max: max}
	r.walk(&c, o)
	return c.found, c.more
}

// CheckTemplate returns every rule a mapping's template of a line breaks
// whatever the values of its holes (*activity.Hole, each of which may also
// be nil, leaving its key out) and the length of its lists
// (*activity.Repeat, one element or more): a misspelt or unknown key, a
// constant that breaks the rule of its key, a required key absent, two
// identifiers whose values are constants, and what a constant operation
// requires. The holes are not modified.
func (r *Rules) CheckTemplate(o *activity.Object) []*activity.Violation {
	c := checker{mode: modeTemplate}
	r.walk(&c, o)
	return c.found
}

// Prepare gives a line built by a mapping the form its type sends: a
// data_bag given as an object is encoded as the string of its JSON. It
// runs before Validate, which then sees the string.
func (r *Rules) Prepare(o *activity.Object) {
	if r.line != placeSegment || o == nil {
		return
	}
	for i, f := range o.Fields {
		if bag, ok := f.Value.(*activity.Object); ok && f.Key == "data_bag" && bag != nil {
			o.Fields[i].Value = string(activity.AppendJSON(nil, bag))
		}
	}
}

// walk checks a whole line: its keys, then the rules on the whole line.
func (r *Rules) walk(c *checker, o *activity.Object) {
	if o == nil {
		c.report("", "", "nil line")
		return
	}
	switch r.line {
	case placeIdentDeletion, placePointDeletion:
		c.typed("", r.line, o)
		return
	}
	c.object("", r.line, o)
	switch r.line {
	case placeProfile:
		c.userID(o)
		c.profile(o)
	case placeSegment:
		c.userID(o)
		c.segment(o)
	case placeChoice:
		c.userID(o)
		c.choice(o)
	}
}

// field returns the value of key in o, whether it is there, and whether it
// is fixed: a value, not a template's hole.
func field(o *activity.Object, key string) (v any, there, fixed bool) {
	v, there = o.Get(key)
	_, hole := v.(*activity.Hole)
	return v, there, there && !hole
}

// operation returns the line's operation when it is a constant.
func operation(o *activity.Object) string {
	v, _, fixed := field(o, "operation")
	s, _ := v.(string)
	if !fixed {
		return ""
	}
	return s
}

// userID checks that a line names exactly one user: user_account_id (with
// compartment_id or without), email_hash or user_agent_id.
func (c *checker) userID(o *activity.Object) {
	var there, fixed []string
	for _, key := range []string{"user_account_id", "email_hash", "user_agent_id"} {
		if _, t, f := field(o, key); t {
			there = append(there, key)
			if f {
				fixed = append(fixed, key)
			}
		}
	}
	_, _, compartment := field(o, "compartment_id")
	_, account, _ := field(o, "user_account_id")
	switch {
	case len(there) == 0:
		c.report("", "", "no user identifier: give one of user_account_id (with compartment_id), email_hash, user_agent_id")
	case len(fixed) > 1:
		c.report("", "", "%d user identifiers (%s): bulk import accepts exactly one per line", len(fixed), strings.Join(fixed, ", "))
	case compartment && !account:
		c.report("", "", "compartment_id without user_account_id: the compartment goes with an account id")
	}
}

// profile checks what a USER_PROFILE line's operation requires: on UPSERT
// a user_profile and an update strategy, given either as force_replace
// (with merge_objects) or as update_strategy, never both.
func (c *checker) profile(o *activity.Object) {
	_, _, force := field(o, "force_replace")
	_, _, merge := field(o, "merge_objects")
	_, _, strategy := field(o, "update_strategy")
	_, forceThere, _ := field(o, "force_replace")
	_, strategyThere, _ := field(o, "update_strategy")
	_, profileThere, _ := field(o, "user_profile")
	switch {
	case (force || merge) && strategy:
		c.report("", "", "force_replace/merge_objects and update_strategy are two forms of the update strategy: give one, not both")
	case merge && !forceThere && !strategyThere:
		c.report("", "", "merge_objects without force_replace: the older form of the update strategy gives both")
	}
	if operation(o) != "UPSERT" {
		return
	}
	if !profileThere {
		c.report("", "", "missing required key %q: an UPSERT sets the profile it holds", "user_profile")
	}
	if !forceThere && !strategyThere {
		c.report("", "", "an UPSERT needs its update strategy: update_strategy (PARTIAL_UPDATE, PARTIAL_DELETE or FORCE_REPLACE), or force_replace (true or false)")
	}
}

// segment checks a USER_SEGMENT line: one segment, named by segment_id or
// segment_technical_name, and an expiration_duration on UPDATE.
func (c *checker) segment(o *activity.Object) {
	_, idThere, id := field(o, "segment_id")
	_, nameThere, name := field(o, "segment_technical_name")
	_, durationThere, _ := field(o, "expiration_duration")
	switch {
	case !idThere && !nameThere:
		c.report("", "", "no segment: give segment_id or segment_technical_name")
	case id && name:
		c.report("", "", "segment_id and segment_technical_name both name the segment: give one")
	}
	if operation(o) == "UPDATE" && !durationThere {
		c.report("", "", "missing required key %q: minutes the user stays in the segment, 0 for ever", "expiration_duration")
	}
}

// choice checks what a USER_CHOICE line's operation requires: the time of
// the choice on UPSERT.
func (c *checker) choice(o *activity.Object) {
	uc, _, fixed := field(o, "user_choice")
	obj, ok := uc.(*activity.Object)
	if !fixed || !ok || obj == nil || operation(o) != "UPSERT" {
		return
	}
	if _, there, _ := field(obj, "$choice_ts"); !there {
		c.missing("user_choice", "$choice_ts")
	}
}

// identifiers checks the identifiers of an association: a list of two
// typed identifiers or more.
func (c *checker) identifiers(path string, v any) {
	switch list := v.(type) {
	case *activity.Repeat:
		if c.mode == modeTemplate && list != nil {
			c.entry(activity.ElemPath(path, 0), list.Item)
			return
		}
	case []any:
		repeats := false
		for i, e := range list {
			if rep, ok := e.(*activity.Repeat); ok {
				repeats = true
				e = rep.Item
			}
			c.entry(activity.ElemPath(path, i), e)
		}
		if len(list) < 2 && !repeats {
			c.report(path, "", "%d identifier(s): an association declares two identifiers or more", len(list))
		}
		return
	}
	c.report(path, "", "%s is not a list of identifiers", show(v))
}

// entry checks one element of identifiers.
func (c *checker) entry(path string, v any) {
	if _, ok := v.(*activity.Hole); ok && c.mode == modeTemplate {
		return
	}
	o, ok := v.(*activity.Object)
	if !ok || o == nil {
		c.report(path, "", "%s is not an identifier object such as {\"type\":\"USER_ACCOUNT\",\"user_account_id\":\"…\"}", show(v))
		return
	}
	c.typed(path, placeAssociation, o)
}

// typed checks a typed identifier at path, found at the place in: an
// element of an association's identifiers, or a deletion line. Its type
// says its place; a type that is not a constant of a template leaves the
// other keys unchecked.
func (c *checker) typed(path string, in place, o *activity.Object) {
	v, there, fixed := field(o, "type")
	if !fixed {
		if !there {
			c.missing(path, "type")
		}
		return
	}
	typ, _ := v.(string)
	pl, ok := identifierTypes[typ]
	types := placeIdentDeletion // the types an association takes are those a deletion takes
	if in == placePointDeletion {
		types = placePointDeletion
	}
	s, _ := types.spec("type")
	allowed := s.enum
	switch {
	case !ok:
		c.report(activity.FieldPath(path, "type"), "", "%s is not one of %s%s", show(v), strings.Join(allowed, ", "), didYouMean(typ, allowed))
		return
	case !slices.Contains(allowed, typ):
		c.report(activity.FieldPath(path, "type"), "", "%s is not one of %s: only USER_POINTS_DELETION lines name a user point", show(v), strings.Join(allowed, ", "))
		return
	}
	if pl == placeEmail && in != placeAssociation {
		pl = placeEmailDeletion
	}
	c.object(path, pl, o)
}
