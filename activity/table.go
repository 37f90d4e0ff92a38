package activity

import (
	"slices"
	"strings"
)

// The rules of an activity, written once: every object of the activity has
// a table of the keys it takes, each with its rule and whether it is
// required; every list has the rule of its elements; every other value a
// rule that judges it alone. Validate, Problems, CheckTemplate and Plan all
// walk an activity through check, which reads these tables, and a plan gives
// a hole the rule of its key or element in them.

// rule names how a value is checked: a rule that judges one value alone
// (scalarProblem), a list (lists), an object (tables), or a value no rule
// names. A hole keeps the rule of its place.
type rule uint8

// The rules, grouped by kind: check tells the kinds apart by their ranges.
const (
	// ruleNone marks a key an object's walk skips: it was read before the
	// walk, to choose the table (the $type of a $user_identifiers entry).
	ruleNone rule = iota

	// Rules that judge one value alone (scalarProblem).
	ruleActivityType
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

	// Values read whole by their own walk.
	ruleValue  // a value no rule names: any value of the model (value)
	ruleLatLon // [lat, lon] (latLon)

	// Lists, each with the rule of its elements (lists).
	ruleEvents
	ruleItems
	rulePurchaseItems
	ruleUserIdentifiers

	// Objects, each with the table of its keys (tables).
	ruleActivity
	ruleEmailHash
	ruleOrigin
	ruleLocation
	ruleEvent
	ruleProperties // the $properties of an event no page lists keys for
	ruleTransaction
	ruleAdProperties
	ruleConversionProperties
	ruleItem
	rulePurchaseItem
	ruleUserIdentifier // a $user_identifiers entry: its $type chooses one of the three below
	ruleUserAccount
	ruleUserAgent
	ruleUserEmail

	// ruleEventProperties is the rule of an event's $properties, which the
	// event's $event_name chooses (eventPropertiesRule) before it is applied.
	ruleEventProperties

	numRules
)

// The ranges of the kinds of rules.
const (
	lastScalarRule  = ruleTimestamp
	firstListRule   = ruleEvents
	firstObjectRule = ruleActivity
)

// table is the rule of one kind of object: the keys the platform defines in
// it, each with its rule, and what other keys it takes. The order of the
// keys is that of the did-you-mean ties (the earlier wins) and of the
// reports of missing keys.
type table struct {
	place place  // where its keys are allowed (Rules.Allow) and suggested
	what  string // the object in "must be WHAT, got ..."
	keys  []key
	// custom says that keys without "$" are custom properties; elsewhere
	// every key is the platform's.
	custom bool
	// of names the kind of a $user_identifiers entry ("USER_ACCOUNT") in
	// the messages of its table, which alone says the keys it takes.
	of string
	// Built by index from the above: need has the bit of each required
	// key; slots, under seed, the index in keys of the key of each slot (0
	// for a slot no key has).
	need  uint64
	seed  uint32
	slots [numSlots]uint8
}

// key is a key of a table: its name, which starts with "$" and has at least
// 3 bytes, its rule, and whether the object must have it.
type key struct {
	name     string
	rule     rule
	required bool
	bit      uint64 // 1 << its index in the table, set by index
}

// req and opt are a required and an optional key; free are optional keys
// whose values are free (any value of the model).
func req(name string, r rule) key { return key{name: name, rule: r, required: true} }
func opt(name string, r rule) key { return key{name: name, rule: r} }

func free(names ...string) []key {
	keys := make([]key, len(names))
	for i, n := range names {
		keys[i] = opt(n, ruleValue)
	}
	return keys
}

// The keys of the properties of the events some page lists keys for.
var (
	adKeys = free(
		"$campaign_technical_name", "$sub_campaign_technical_name", "$message_technical_name",
		"$creative_technical_name", "$campaign_id", "$sub_campaign_id", "$message_id", "$creative_id",
	)
	conversionKeys = free(
		"$conversion_id", "$goal_id", "$conversion_value", "$log_id", "$conversion_external_id",
		"$goal_technical_name", "$conversion_technical_id", "$goal_technical_id",
	)
)

// tables are the tables of the object rules (MEDIARITHMICS.md, "Known $
// keys, place by place"). The properties of an event whose keys no page
// lists take the keys the platform defines for the properties of any
// event: the SDK types them as open, and a "$" key there is one of the
// platform's own or a mistake.
var tables = index([numRules]table{
	ruleActivity: {place: placeActivity, what: "an object", custom: true, keys: []key{
		req("$ts", ruleTimestamp), req("$type", ruleActivityType), opt("$session_status", ruleSessionStatus),
		opt("$user_agent_id", ruleNonEmptyString), opt("$user_account_id", ruleNonEmptyString),
		opt("$compartment_id", ruleNonEmptyString), opt("$email_hash", ruleEmailHash),
		opt("$user_identifiers", ruleUserIdentifiers), opt("$events", ruleEvents), opt("$ttl", ruleTTL),
		opt("$unique_key", ruleString), opt("$site_id", ruleString), opt("$app_id", ruleString),
		opt("$origin", ruleOrigin), opt("$location", ruleLocation),
		opt("$session_duration", ruleValue), opt("$topics", ruleValue),
	}},
	ruleEmailHash: {place: placeEmailHash, what: `an object {"$hash": ..., "$email": ...}`, keys: []key{
		req("$hash", ruleNonEmptyString), opt("$email", ruleString),
	}},
	ruleOrigin: {place: placeOrigin, what: "an object", custom: true, keys: free(
		"$campaign_id", "$campaign_name", "$channel", "$creative_id", "$creative_name",
		"$engagement_content_id", "$gclid", "$keywords", "$log_id", "$message_id",
		"$message_technical_name", "$referral_path", "$social_network", "$source",
		"$sub_campaign_id", "$sub_campaign_technical_name", "$ts",
	)},
	ruleLocation: {place: placeLocation, what: "an object", custom: true, keys: append(append(
		[]key{opt("$source", ruleLocationSource)},
		free("$country", "$region", "$iso_region", "$city", "$iso_city", "$zip_code")...),
		opt("$latlon", ruleLatLon))},
	ruleEvent: {place: placeEvent, what: "an event object", custom: true, keys: []key{
		req("$event_name", ruleNonEmptyString), req("$ts", ruleTimestamp), opt("$properties", ruleEventProperties),
	}},
	ruleProperties: {place: placeProperties, what: "an object", custom: true, keys: concat(
		[]key{opt("$items", ruleItems), opt("$currency", ruleCurrency)}, adKeys, conversionKeys)},
	ruleTransaction: {place: placeTransaction, what: "an object", custom: true, keys: []key{
		opt("$items", rulePurchaseItems), opt("$currency", ruleCurrency),
	}},
	ruleAdProperties:         {place: placeAd, what: "an object", custom: true, keys: adKeys},
	ruleConversionProperties: {place: placeConversion, what: "an object", custom: true, keys: conversionKeys},
	ruleItem: {place: placeItem, what: "an item object", custom: true, keys: concat([]key{
		opt("$id", ruleNonEmptyString), opt("$qty", ruleNumber), opt("$price", ruleNumber),
	}, itemTextKeys)},
	// An item of a purchase needs $id, $qty and $price, a $qty above 0 and
	// a $price of at least 0.
	rulePurchaseItem: {place: placeItem, what: "an item object", custom: true, keys: concat([]key{
		req("$id", ruleNonEmptyString), req("$qty", ruleQty), req("$price", rulePrice),
	}, itemTextKeys)},
	// The $type of a $user_identifiers entry, read first, chooses the table
	// of its keys.
	ruleUserIdentifier: {place: placeIdentifier, what: "an identifier object", keys: []key{opt("$type", ruleNone)}},
	ruleUserAccount: {place: placeIdentifier, what: "an identifier object", of: "USER_ACCOUNT", keys: []key{
		opt("$type", ruleNone), req("$user_account_id", ruleNonEmptyString), opt("$compartment_id", ruleNonEmptyString),
	}},
	ruleUserAgent: {place: placeIdentifier, what: "an identifier object", of: "USER_AGENT", keys: []key{
		opt("$type", ruleNone), req("$user_agent_id", ruleNonEmptyString),
	}},
	ruleUserEmail: {place: placeIdentifier, what: "an identifier object", of: "USER_EMAIL", keys: []key{
		opt("$type", ruleNone), req("$hash", ruleNonEmptyString), opt("$email", ruleNonEmptyString),
	}},
})

// index fills in what the walk reads of each table besides its keys: the
// bit of each key, the need, and the slots of a seed under which no two keys
// share a slot.
func index(tables [numRules]table) [numRules]table {
	for r := range tables {
		t := &tables[r]
		t.keys = slices.Clone(t.keys) // tables share lists of keys; the bits are each table's
		for i := range t.keys {
			t.keys[i].bit = 1 << i
			if t.keys[i].required {
				t.need |= t.keys[i].bit
			}
		}
		t.seed = t.slotSeed()
	}
	return tables
}

// numSlots is the number of slots of a table's keys: a power of 2, several
// times the most keys a table has, so that a seed is found in a few tries.
const numSlots = 64

// slot returns the slot of key, of at least 3 bytes, under seed: a
// multiplicative hash of its length and of the bytes that tell the keys of
// a table apart.
func slot(key string, seed uint32) uint32 {
	n := len(key)
	h := uint32(n) ^ uint32(key[1])<<8 ^ uint32(key[2])<<16 ^ uint32(key[n-1])<<24
	return (h * seed) >> (32 - 6) // 6 bits: numSlots
}

// slotSeed finds a seed under which the keys of t have a slot each, and
// fills t.slots with their indexes. It panics when there is none: two keys
// the hash cannot tell apart (TestTables).
func (t *table) slotSeed() uint32 {
	seed := uint32(0x9e3779b1)
	for range 1 << 12 {
		seed += 0x6a09e66a // odd plus even: the seeds stay odd
		var taken [numSlots]bool
		free := true
		for i, k := range t.keys {
			s := slot(k.name, seed)
			free = free && !taken[s]
			taken[s], t.slots[s] = true, uint8(i)
		}
		if free {
			return seed
		}
	}
	panic("activity: no slot seed for the keys " + strings.Join(t.names(), ", "))
}

// itemTextKeys are the keys of an item whose values are strings.
var itemTextKeys = []key{
	opt("$brand", ruleString), opt("$category1", ruleString), opt("$category2", ruleString),
	opt("$category3", ruleString), opt("$category4", ruleString),
}

// concat returns the keys of the lists one after the other, in a new slice.
func concat(lists ...[]key) []key {
	var keys []key
	for _, l := range lists {
		keys = append(keys, l...)
	}
	return keys
}

// identifierRules are the tables a $user_identifiers entry's $type chooses.
var identifierRules = [...]rule{ruleUserAccount, ruleUserAgent, ruleUserEmail}

// list is the rule of a list: what it must be, and the rule of its elements.
type list struct {
	what string // "must be WHAT, got ..."
	elem rule
	// one, when set, says that the list must hold exactly one element: it
	// is the message when it does not ("ONE, got 2").
	one string
}

// lists are the list rules.
var lists = [numRules]list{
	ruleEvents:        {what: "an array of events", elem: ruleEvent},
	ruleItems:         {what: "an array of item objects", elem: ruleItem},
	rulePurchaseItems: {what: "an array of item objects", elem: rulePurchaseItem},
	ruleUserIdentifiers: {
		what: "an array holding one identifier object", elem: ruleUserIdentifier,
		one: "must hold exactly one identifier (bulk import accepts one per line)",
	},
}

// find returns the key of t named key, or nil. The slot of key holds the
// index of the only key of t it can be.
func (t *table) find(key string) *key {
	if len(key) < 3 || key[0] != '$' { // every key a table names does
		return nil
	}
	if k := &t.keys[t.slots[slot(key, t.seed)]]; k.name == key {
		return k
	}
	return nil
}

// names returns the names of the keys of t that its walk checks, for a
// did-you-mean.
func (t *table) names() []string {
	var names []string
	for _, k := range t.keys {
		if k.rule != ruleNone {
			names = append(names, k.name)
		}
	}
	return names
}

// check checks v at p by the rule r. It is the one door of every walk: a
// template's hole takes the rule of its place here (hole), and every other
// value is judged by the rule's kind. The rules of one value alone and free
// values, the most frequent, go straight to scalar and value, which take the
// hole themselves.
func (c *checker) check(p *path, v any, r rule) {
	switch {
	case r <= lastScalarRule:
		c.scalar(p, v, r)
		return
	case r == ruleValue:
		c.value(p, v)
		return
	}
	if c.hole(p, v, r) {
		return
	}
	switch {
	case r == ruleLatLon:
		c.latLon(p, v)
	case r < firstObjectRule:
		c.list(p, v, &lists[r])
	default:
		c.object(p, v, r)
	}
}

// list checks a list by its rule l, then each element by l.elem.
func (c *checker) list(p *path, v any, l *list) {
	elems, repeat, ok := c.elems(v)
	if !ok {
		c.report(p.violationf("must be %s, got %s", l.what, describe(v)))
		return
	}
	if l.one != "" && len(elems) != 1 && !repeat {
		c.report(p.violationf("%s, got %d", l.one, len(elems)))
	}
	var at path // outside the loop, so that escape analysis keeps it on the stack
	for i, e := range elems {
		if c.stop {
			return
		}
		at = p.elem(i)
		c.check(&at, e, l.elem)
	}
}

// object checks an object by the table of the rule r. An event's
// $event_name is read first, to know the rule of its $properties; a
// $user_identifiers entry's $type, to choose its table.
func (c *checker) object(at *path, v any, r rule) {
	t := &tables[r]
	o, ok := v.(*Object)
	if !ok || o == nil {
		c.report(at.violationf("must be %s, got %s", t.what, describe(v)))
		return
	}
	switch r {
	case ruleEvent:
		c.eventName(at, o)
	case ruleUserIdentifier:
		if r = c.identifierType(at, o); r == ruleNone {
			return
		}
		t = &tables[r]
	}
	c.walk(at, o, t)
}

// walk checks the fields of the object o at at by the table t, in order,
// then reports the required keys it lacks. It reports whether it went to the
// end: false when the walk stopped at a problem.
func (c *checker) walk(at *path, o *Object, t *table) bool {
	var seen uint64 // the keys met, by index in t.keys
	var keys keySet
	var p path // outside the loop, so that escape analysis keeps it on the stack
	for i := range o.Fields {
		f := &o.Fields[i]
		if c.duplicate(at, &keys, o.Fields[:i], f.Key) {
			continue
		}
		if t.place == placeActivity {
			c.ids.see(f.Key, c.maybeAbsent(f.Value))
		}
		k := t.find(f.Key)
		if k == nil {
			c.custom(at, t, f)
		} else if k.rule != ruleNone {
			seen |= k.bit
			p = at.field(f.Key)
			switch r := k.rule; {
			case r <= lastScalarRule: // the most frequent: one call less
				c.scalar(&p, f.Value, r)
			case r == ruleEventProperties:
				c.check(&p, f.Value, eventPropertiesRule(o))
			default:
				c.check(&p, f.Value, r)
			}
		}
		if c.stop {
			return false
		}
	}
	if seen&t.need != t.need {
		for _, k := range t.keys {
			if k.required && seen&k.bit == 0 {
				c.missing(at, t, k.name)
			}
		}
	}
	return true
}

// scalar checks v at p by the rule r that judges one value alone.
func (c *checker) scalar(p *path, v any, r rule) {
	if c.hole(p, v, r) {
		return
	}
	if bad := r.scalarProblem(p, v); bad != nil {
		c.report(bad)
	}
}

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
