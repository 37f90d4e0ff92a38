package activity

// Validate checks an activity against the rules of the mediarithmics bulk
// import API and returns nil or the first rule it breaks as a *Violation.
// It is (*Rules)(nil).Validate: the platform's rules, no key allowed besides.
func Validate(o *Object) error {
	return (*Rules)(nil).Validate(o)
}

// ValidateLine parses one ndjson line with Parse and validates it. It returns
// nil, Parse's error unchanged (it wraps ErrSyntax, ErrNotObject,
// ErrTrailingData or ErrDuplicateKey and reads "not JSON: ...", "not a JSON
// object: ..."), or the *Violation of Validate.
func ValidateLine(line []byte) error {
	return (*Rules)(nil).ValidateLine(line)
}

// Validate checks an activity against the rules and returns nil or the first
// rule it breaks as a *Violation: the first of Problems.
//
// The walk follows the fields in order, depth first, so the violation is the
// first in document order, with these exceptions: the checks that need the
// whole object come after the walk of its fields (missing required keys, then
// $compartment_id without $user_account_id, then the user identifier count);
// an event's $event_name is read first to know the place of its $properties;
// the $type of a $user_identifiers entry is checked before the entry's other
// keys, which depend on it.
//
// Beyond the documented rules Validate refuses what AppendJSON cannot write
// faithfully: NaN and infinite numbers, a json.Number that is not a JSON
// literal or overflows a float64, strings and keys that are not valid UTF-8,
// values outside the model, repeated keys, nesting deeper than 10000 levels.
// A $ key present with a null value breaks its rule like any wrong type (the
// producer drops nil keys). Validate(nil) reports "nil activity". A template's
// *Hole is taken for a value that passes.
//
// Validate does not modify o, so concurrent calls on one activity are safe.
// It allocates only to report a violation, or to look for a misspelling.
func (r *Rules) Validate(o *Object) error {
	c := checker{rules: r}
	c.activity(o)
	if c.first != nil {
		return c.first
	}
	return nil
}

// ValidateLine is ValidateLine with the rules r.
func (r *Rules) ValidateLine(line []byte) error {
	o, err := Parse(line)
	if err != nil {
		return err
	}
	return r.Validate(o)
}

// Problems returns every rule o breaks, in the order Validate meets them (so
// the first is Validate's violation): one per value at most, and each
// missing or unknown key. It keeps the first max of them (max <= 0: all) and
// counts the others in more. It allocates only when o breaks a rule.
func (r *Rules) Problems(o *Object, max int) (found []*Violation, more int) {
	c := checker{rules: r, mode: modeAll, max: max}
	c.activity(o)
	return c.found, c.more
}

// activity walks the top-level fields by the activity's table, then checks
// the user identifiers.
func (c *checker) activity(o *Object) {
	if o == nil {
		c.report(&Violation{Msg: "nil activity"})
		return
	}
	if c.walk(nil, o, &tables[ruleActivity]) {
		c.ids.check(c)
	}
}

// Enumerations of the activity and their did-you-mean candidates.
var (
	activityTypes = []string{
		"TOUCH", "SITE_VISIT", "APP_VISIT", "EMAIL", "DISPLAY_AD",
		"USER_SCENARIO_START", "USER_SCENARIO_STOP", "USER_SCENARIO_NODE_ENTER",
		"USER_SCENARIO_NODE_EXIT", "RECOMMENDER", "STOPWATCH", "STAGING_AREA",
	}
	sessionStatuses = []string{"NO_SESSION", "IN_SESSION", "CLOSED_SESSION", "SESSION_SNAPSHOT"}
	locationSources = []string{"GPS", "IP", "OTHER"}
)

func activityTypeProblem(p *path, v any) *Violation {
	return enumProblem(p, v, "activity type", activityTypes)
}

func sessionStatusProblem(p *path, v any) *Violation {
	return enumProblem(p, v, "session status", sessionStatuses)
}

// ttlProblem checks $ttl: whole minutes, 0 for never expiring.
func ttlProblem(p *path, v any) *Violation {
	n, bad := checkInt(p, v, "an integer >= 0 (minutes)")
	if bad == nil && n < 0 {
		return p.violationf("must be an integer >= 0 (minutes), got %d", n)
	}
	return bad
}

func locationSourceProblem(p *path, v any) *Violation {
	return enumProblem(p, v, "location source", locationSources)
}

// latLon checks an array of exactly 2 numbers, a latitude in [-90, 90] and a
// longitude in [-180, 180].
func (c *checker) latLon(p *path, v any) {
	if _, repeat, _ := c.elems(v); repeat {
		return // a list of any length: its length decides
	}
	a, ok := v.([]any)
	if !ok || len(a) != 2 {
		c.report(p.violationf("must be an array of 2 numbers [lat, lon], got %s", describe(v)))
		return
	}
	var at path // outside the loop, so that escape analysis keeps it on the stack
	for i, limit := range [2]float64{90, 180} {
		at = p.elem(i)
		if isHole(a[i]) { // the range check below reads the number
			c.decidedBy(&at)
			continue
		}
		if bad := numberRuleProblem(&at, a[i]); bad != nil {
			c.report(bad)
		} else if f, _ := asFloat(a[i]); f < -limit || f > limit {
			name := [2]string{"latitude", "longitude"}[i]
			c.report(at.violationf("%s %s out of range [-%g, %g]", name, numberText(a[i]), limit, limit))
		}
		if c.stop {
			return
		}
	}
}
