package activity

// Validate checks an activity against the rules of the mediarithmics bulk
// import API and returns nil or the first rule it breaks as a *Violation.
//
// The walk follows the fields in order, depth first, so the violation is the
// first in document order, with these exceptions: the checks that need the
// whole object come after the walk of its fields (missing required keys, then
// $compartment_id without $user_account_id, then the user identifier count);
// an event's $event_name is read first to know whether the
// $transaction_confirmed rules apply to its $properties; the $type of a
// $user_identifiers entry is checked before the entry's other keys, which
// depend on it.
//
// Beyond the documented rules Validate refuses what AppendJSON cannot write
// faithfully: NaN and infinite numbers, a json.Number that is not a JSON
// literal or overflows a float64, strings and keys that are not valid UTF-8,
// values outside the model, repeated keys, nesting deeper than 10000 levels.
// A $ key present with a null value breaks its rule like any wrong type (the
// producer drops nil keys). Validate(nil) reports "nil activity".
//
// Validate does not modify o, so concurrent calls on one activity are safe.
// It allocates only to report a violation, or to look for a misspelling when
// an item or transaction has a "$" key it does not know.
func Validate(o *Object) error {
	if o == nil {
		return &Violation{Msg: "nil activity"}
	}
	if bad := checkActivity(o); bad != nil {
		return bad
	}
	return nil
}

// ValidateLine parses one ndjson line with Parse and validates it. It returns
// nil, Parse's error unchanged (it wraps ErrSyntax, ErrNotObject,
// ErrTrailingData or ErrDuplicateKey and reads "not JSON: ...", "not a JSON
// object: ..."), or the *Violation of Validate.
func ValidateLine(line []byte) error {
	o, err := Parse(line)
	if err != nil {
		return err
	}
	return Validate(o)
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
	activityKeys    = []string{
		"$ts", "$type", "$session_status", "$user_agent_id", "$user_account_id",
		"$compartment_id", "$email_hash", "$user_identifiers", "$events", "$ttl",
		"$unique_key", "$site_id", "$app_id", "$origin", "$location",
	}
)

// activityWalk is what the walk of an activity's top-level fields has seen,
// for the checks on the whole object.
type activityWalk struct {
	ts, typ bool
	ids     identifiers
}

// checkActivity walks the top-level fields, then checks the whole object.
func checkActivity(o *Object) *Violation {
	var w activityWalk
	var keys keySet
	for i, f := range o.Fields {
		if bad := checkKey(nil, &keys, o.Fields[:i], f.Key); bad != nil {
			return bad
		}
		if bad := w.field(f); bad != nil {
			return bad
		}
	}
	switch {
	case !w.ts:
		return missingKey(nil, "$ts")
	case !w.typ:
		return missingKey(nil, "$type")
	}
	return w.ids.check()
}

// field checks one top-level field; the switch is the table of top-level keys.
func (w *activityWalk) field(f Field) *Violation {
	at := (*path)(nil).field(f.Key)
	p, v := &at, f.Value
	w.ids.see(f.Key)
	switch f.Key {
	case "$ts":
		w.ts = true
		return checkTimestamp(p, v)
	case "$type":
		w.typ = true
		return checkActivityType(p, v)
	case "$session_status":
		return checkSessionStatus(p, v)
	case "$user_agent_id", "$user_account_id", "$compartment_id":
		return checkNonEmptyString(p, v)
	case "$email_hash":
		return checkEmailHash(p, v)
	case "$user_identifiers":
		return checkUserIdentifiers(p, v)
	case "$events":
		return checkEvents(p, v)
	case "$ttl":
		return checkTTL(p, v)
	case "$unique_key", "$site_id", "$app_id":
		return checkStringRule(p, v)
	case "$origin":
		return checkOrigin(p, v)
	case "$location":
		return checkLocation(p, v)
	}
	return checkCustom(nil, f, activityKeys)
}

func checkActivityType(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleActivityType)
	}
	return checkEnum(p, v, "activity type", activityTypes)
}

func checkSessionStatus(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleSessionStatus)
	}
	return checkEnum(p, v, "session status", sessionStatuses)
}

// checkTTL checks $ttl: whole minutes, 0 for never expiring.
func checkTTL(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleTTL)
	}
	n, bad := checkInt(p, v, "an integer >= 0 (minutes)")
	if bad == nil && n < 0 {
		return p.violationf("must be an integer >= 0 (minutes), got %d", n)
	}
	return bad
}

// checkOrigin checks $origin: an object whose content is free.
func checkOrigin(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleOrigin)
	}
	o, bad := asObject(p, v, "an object")
	if bad != nil {
		return bad
	}
	return checkFields(p, o)
}

// checkLocation checks $location: an object whose $source, if present, is GPS,
// IP or OTHER and whose $latlon, if present, is [lat, lon]; other keys are
// free.
func checkLocation(at *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(at, ruleLocation)
	}
	o, bad := asObject(at, v, "an object")
	if bad != nil {
		return bad
	}
	var keys keySet
	for i, f := range o.Fields {
		if bad := checkKey(at, &keys, o.Fields[:i], f.Key); bad != nil {
			return bad
		}
		p := at.field(f.Key)
		switch f.Key {
		case "$source":
			bad = checkLocationSource(&p, f.Value)
		case "$latlon":
			bad = checkLatLon(&p, f.Value)
		default:
			bad = checkProperty(at, f)
		}
		if bad != nil {
			return bad
		}
	}
	return nil
}

func checkLocationSource(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleLocationSource)
	}
	return checkEnum(p, v, "location source", locationSources)
}

// checkLatLon checks an array of exactly 2 numbers, a latitude in [-90, 90]
// and a longitude in [-180, 180].
func checkLatLon(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleLatLon)
	}
	a, ok := v.([]any)
	if !ok || len(a) != 2 {
		return p.violationf("must be an array of 2 numbers [lat, lon], got %s", describe(v))
	}
	for i, limit := range [2]float64{90, 180} {
		at := p.elem(i)
		if isHole(a[i]) { // the range check below reads the number
			return at.violation(errHoleHere.Error())
		}
		if bad := checkNumber(&at, a[i]); bad != nil {
			return bad
		}
		if f, _ := asFloat(a[i]); f < -limit || f > limit {
			name := [2]string{"latitude", "longitude"}[i]
			return at.violationf("%s %s out of range [-%g, %g]", name, numberText(a[i]), limit, limit)
		}
	}
	return nil
}
