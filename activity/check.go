package activity

// checker is one walk of an activity, or of a template of one, by the rules:
// the allowed keys it applies, and what it does with the problems it meets.
// Every value goes through check, which reads the rules of its place in the
// tables (table.go) and reports what it finds with report; a walk of an
// object stops early when stop is set.
//
// The walk visits fields in order, depth first, so problems come in document
// order but for the checks that need a whole object (missing keys, the user
// identifier count), which come after the walk of its fields.
type checker struct {
	rules *Rules
	mode  mode
	max   int          // modeAll: the problems kept; more counts the others
	first *Violation   // modeFirst, modePlan: the problem met
	found []*Violation // modeAll, modeTemplate
	more  int
	stop  bool // the walk is over: a problem was met in modeFirst or modePlan
	// undecided is where a hole decides the rules of other parts (modePlan).
	undecided string
	ids       identifiers // the identifier keys of the activity
}

// mode says what a walk is for.
type mode uint8

const (
	// modeFirst stops at the first problem (Validate, Hole.Check).
	modeFirst mode = iota
	// modeAll reports every problem, keeping max of them (Problems).
	modeAll
	// modePlan gives each hole the rule of its place and stops at the first
	// problem of the fixed part (Plan).
	modePlan
	// modeTemplate reports every problem no value of the holes can avoid
	// (CheckTemplate): a hole may also be nil, which leaves its key out.
	modeTemplate
)

// report records bad, unless it is nil.
func (c *checker) report(bad *Violation) {
	switch {
	case bad == nil:
	case c.mode == modeFirst || c.mode == modePlan:
		if c.first == nil {
			c.first, c.stop = bad, true
		}
	case c.max > 0 && len(c.found) >= c.max:
		c.more++
	default:
		c.found = append(c.found, bad)
	}
}

// hole reports whether v is a template's *Hole, which the rule r of the
// place p judges. A plan gives the hole that rule; other walks take a hole
// for a value that passes.
func (c *checker) hole(p *path, v any, r rule) bool {
	h, ok := v.(*Hole)
	if ok && c.mode == modePlan {
		c.give(h, p, r)
	}
	return ok
}

// give gives the hole h at p the rule r (Plan), apart from hole so that
// hole, called for every value, stays small enough to be inlined.
func (c *checker) give(h *Hole, p *path, r rule) {
	h.at, h.rule, h.rules = p.keep(), r, c.rules
}

// decidedBy notes that the value of a hole at p decides the rules of other
// parts, so that a plan cannot be made.
func (c *checker) decidedBy(p *path) {
	if c.mode == modePlan && c.undecided == "" {
		c.undecided = p.String()
		c.stop = true
	}
}

// maybeAbsent reports whether the key holding v may be left out of the
// activity: in a template, a hole may be nil.
func (c *checker) maybeAbsent(v any) bool {
	return c.mode == modeTemplate && isHole(v)
}

// elems returns the elements of v when it is a list: an []any, or in a
// template a *Repeat, whose one element stands for each; ok is false
// otherwise.
func (c *checker) elems(v any) (elems []any, repeat, ok bool) {
	switch v := v.(type) {
	case []any:
		return v, false, true
	case *Repeat:
		if c.mode == modeTemplate && v != nil {
			return []any{v.Item}, true, true
		}
	}
	return nil, false, false
}

// duplicate reports (and reports as a problem) whether key, the next key of
// the object at, repeats one of the keys before it (prev). Every walk of an
// object calls it first for each field, and skips a repeated field.
func (c *checker) duplicate(at *path, keys *keySet, prev []Field, key string) bool {
	if keys.repeats(prev, key) {
		v := at.violation("duplicate key " + quote(key))
		v.Key = key
		c.report(v)
		return true
	}
	return false
}

// custom checks a field of the object at that its table t does not name: a
// "$" key the user allowed, or a key without "$" where custom keys are
// taken, is a custom property (checked by property); any other key is
// unknown.
func (c *checker) custom(at *path, t *table, f *Field) {
	dollar := len(f.Key) > 0 && f.Key[0] == '$'
	switch {
	case dollar && c.rules.allows(t.place, f.Key):
	case dollar || !t.custom:
		c.report(c.unknownKey(at, t, f.Key))
		return
	}
	c.property(at, f)
}

// unknownKey is the violation of a key the table t does not take, with a
// did-you-mean among its keys and the allowed ones (of a $user_identifiers
// entry, among the keys of its type).
func (c *checker) unknownKey(at *path, t *table, key string) *Violation {
	msg := "unknown key " + quote(key)
	if t.of != "" {
		msg += " for " + t.of + didYouMean(key, t.names())
	} else if s := suggestKey(key, c.rules.candidates(t.place)); s != "" {
		msg += " (did you mean " + quote(s) + "?)"
	} else if t.custom {
		msg += ": custom keys must not start with $"
	}
	v := at.violation(msg)
	v.Key = key
	return v
}

// missing reports a required key absent from the object at, whose table is t.
func (c *checker) missing(at *path, t *table, key string) {
	msg := "missing required key " + quote(key)
	if t.of != "" {
		msg += " for " + t.of
	}
	c.report(at.violation(msg))
}
