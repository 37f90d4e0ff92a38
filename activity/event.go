package activity

// The event rules: $events is an array of {"$event_name", "$ts", "$properties"}
// objects. The name of an event decides the place of its properties: a
// $transaction_confirmed carries the $items and $currency that the platform's
// analytics read, an $ad_click, $ad_view or $conversion their own keys, any
// other event the keys the platform defines for the properties of some event.

// events checks $events: an array, possibly empty, of events.
func (c *checker) events(p *path, v any) {
	if c.hole(p, v, ruleEvents) {
		return
	}
	events, _, ok := c.list(v)
	if !ok {
		c.report(p.violationf("must be an array of events, got %s", describe(v)))
		return
	}
	for i, e := range events {
		at := p.elem(i)
		c.event(&at, e)
		if c.stop {
			return
		}
	}
}

// propertiesPlace returns the place of the properties of an event named name.
func propertiesPlace(name any) place {
	switch name {
	case "$transaction_confirmed":
		return placeTransaction
	case "$ad_click", "$ad_view":
		return placeAd
	case "$conversion":
		return placeConversion
	}
	return placeProperties
}

// event checks one event: a non-empty string $event_name, an epoch in
// milliseconds $ts, an optional object $properties; other "$" keys are
// unknown, keys without "$" are custom properties.
func (c *checker) event(at *path, v any) {
	if c.hole(at, v, ruleEvent) {
		return
	}
	o := c.object(at, v, "an event object")
	if o == nil {
		return
	}
	name, _ := o.Get("$event_name")
	if isHole(name) {
		p := at.field("$event_name")
		c.decidedBy(&p)
		// In a template, the properties are checked as those of an event
		// no page lists: what they refuse, every place refuses.
	}
	props := propertiesPlace(name)
	hasName, hasTS := false, false
	var keys keySet
	for i, f := range o.Fields {
		if c.duplicate(at, &keys, o.Fields[:i], f.Key) {
			continue
		}
		p := at.field(f.Key)
		switch f.Key {
		case "$event_name":
			hasName = true
			c.scalar(&p, f.Value, ruleNonEmptyString)
		case "$ts":
			hasTS = true
			c.scalar(&p, f.Value, ruleTimestamp)
		case "$properties":
			c.properties(&p, f.Value, props)
		default:
			c.custom(at, placeEvent, f)
		}
		if c.stop {
			return
		}
	}
	if !hasName {
		c.missing(at, "$event_name")
	}
	if !hasTS {
		c.missing(at, "$ts")
	}
}

// properties checks an event's $properties at the place pl: an object whose
// "$" keys are those of pl, $items and $currency checked by their rules and
// the other known ones free; keys without "$" are custom properties.
func (c *checker) properties(at *path, v any, pl place) {
	if c.hole(at, v, propertiesRule[pl]) {
		return
	}
	o := c.object(at, v, "an object")
	if o == nil {
		return
	}
	var keys keySet
	for i, f := range o.Fields {
		if c.duplicate(at, &keys, o.Fields[:i], f.Key) {
			continue
		}
		p := at.field(f.Key)
		switch {
		case f.Key == "$items" && pl.knows(f.Key):
			c.items(&p, f.Value, pl == placeTransaction)
		case f.Key == "$currency" && pl.knows(f.Key):
			c.scalar(&p, f.Value, ruleCurrency)
		default:
			c.custom(at, pl, f)
		}
		if c.stop {
			return
		}
	}
}

// items checks $items: an array of item objects, those of a purchase when
// the event is a $transaction_confirmed.
func (c *checker) items(p *path, v any, purchase bool) {
	if c.hole(p, v, itemsRule[b2i(purchase)]) {
		return
	}
	items, _, ok := c.list(v)
	if !ok {
		c.report(p.violationf("must be an array of item objects, got %s", describe(v)))
		return
	}
	for i, item := range items {
		at := p.elem(i)
		c.item(&at, item, purchase)
		if c.stop {
			return
		}
	}
}

// item checks one item: a non-empty string $id, numbers $qty and $price,
// strings $brand and $category1 to $category4; other "$" keys are unknown,
// keys without "$" are custom properties. An item of a purchase needs $id,
// $qty and $price, a $qty above 0 and a $price of at least 0.
func (c *checker) item(at *path, v any, purchase bool) {
	if c.hole(at, v, itemRule[b2i(purchase)]) {
		return
	}
	o := c.object(at, v, "an item object")
	if o == nil {
		return
	}
	hasID, hasQty, hasPrice := false, false, false
	var keys keySet
	for i, f := range o.Fields {
		if c.duplicate(at, &keys, o.Fields[:i], f.Key) {
			continue
		}
		p := at.field(f.Key)
		switch f.Key {
		case "$id":
			hasID = true
			c.scalar(&p, f.Value, ruleNonEmptyString)
		case "$qty":
			hasQty = true
			c.scalar(&p, f.Value, qtyRule[b2i(purchase)])
		case "$price":
			hasPrice = true
			c.scalar(&p, f.Value, priceRule[b2i(purchase)])
		case "$brand", "$category1", "$category2", "$category3", "$category4":
			c.scalar(&p, f.Value, ruleString)
		default:
			c.custom(at, placeItem, f)
		}
		if c.stop {
			return
		}
	}
	if !purchase {
		return
	}
	for _, k := range [...]struct {
		has bool
		key string
	}{{hasID, "$id"}, {hasQty, "$qty"}, {hasPrice, "$price"}} {
		if !k.has {
			c.missing(at, k.key)
		}
	}
}

// The rules of the places whose rule depends on the event (indexed by
// place) or on whether it is a purchase.
var (
	propertiesRule = [numPlaces]rule{
		placeProperties: ruleProperties, placeTransaction: ruleTransaction,
		placeAd: ruleAdProperties, placeConversion: ruleConversionProperties,
	}
	itemsRule = [2]rule{ruleItems, rulePurchaseItems}
	itemRule  = [2]rule{ruleItem, rulePurchaseItem}
	qtyRule   = [2]rule{ruleNumber, ruleQty}
	priceRule = [2]rule{ruleNumber, rulePrice}
)

// b2i is 1 for true, 0 for false: the index of the purchase rules above.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
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
