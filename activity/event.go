package activity

// The event rules: $events is an array of {"$event_name", "$ts", "$properties"}
// objects. The name of an event decides the place of its properties: a
// $transaction_confirmed carries the $items and $currency that the platform's
// analytics read, an $ad_click, $ad_view or $conversion their own keys, any
// other event the keys the platform defines for the properties of some event.

// eventPropertiesRule returns the rule of the $properties of the event o,
// which its $event_name chooses.
func eventPropertiesRule(o *Object) rule {
	name, _ := o.Get("$event_name")
	switch name {
	case "$transaction_confirmed":
		return ruleTransaction
	case "$ad_click", "$ad_view":
		return ruleAdProperties
	case "$conversion":
		return ruleConversionProperties
	}
	return ruleProperties
}

// eventName reads the $event_name of the event o at at before its walk: in a
// plan, a hole there decides the rule of the event's $properties.
func (c *checker) eventName(at *path, o *Object) {
	if name, _ := o.Get("$event_name"); isHole(name) {
		p := at.field("$event_name")
		c.decidedBy(&p)
		// In a template, the properties are checked as those of an event
		// no page lists: what they refuse, every place refuses.
	}
}

// qtyProblem checks the $qty of a purchase: a number above 0.
func qtyProblem(p *path, v any) *Violation {
	if bad := numberRuleProblem(p, v); bad != nil {
		return bad
	}
	if sign(v) <= 0 {
		return p.violationf("%s is not a quantity bought (must be above 0): %s", numberText(v), notAPurchase)
	}
	return nil
}

// priceProblem checks the $price of a purchase: a number of at least 0.
func priceProblem(p *path, v any) *Violation {
	if bad := numberRuleProblem(p, v); bad != nil {
		return bad
	}
	if sign(v) < 0 {
		return p.violationf("%s is not a price paid (must be 0 or more): %s", numberText(v), notAPurchase)
	}
	return nil
}

// notAPurchase says why an item of a purchase cannot take back what was bought.
const notAPurchase = "a return or cancellation must not be counted as a conversion; " +
	"leave such rows out (where) or send them as a custom event"

// currencyProblem checks a currency code that looks like ISO 4217: three
// upper-case ASCII letters.
func currencyProblem(p *path, v any) *Violation {
	s, bad := checkString(p, v)
	if bad != nil {
		return bad
	}
	if len(s) != 3 || !isUpper(s[0]) || !isUpper(s[1]) || !isUpper(s[2]) {
		return p.violationf(`%s is not an ISO 4217 currency code (3 upper-case letters, e.g. "EUR")`, quote(s))
	}
	return nil
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
