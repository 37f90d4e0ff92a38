package activity

// The event rules: $events is an array of {"$event_name", "$ts", "$properties"}
// objects; a $transaction_confirmed event's properties carry the $items and
// $currency that the platform's analytics read.

var (
	eventKeys       = []string{"$event_name", "$ts", "$properties"}
	transactionKeys = []string{"$items", "$currency"}
	itemKeys        = []string{"$id", "$qty", "$price", "$brand", "$category1", "$category2", "$category3", "$category4", "$name"}
)

// transactionConfirmed is the event name whose properties follow the
// transaction rules.
const transactionConfirmed = "$transaction_confirmed"

// checkEvents checks $events: an array, possibly empty, of events.
func checkEvents(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleEvents)
	}
	events, ok := v.([]any)
	if !ok {
		return p.violationf("must be an array of events, got %s", describe(v))
	}
	for i, e := range events {
		at := p.elem(i)
		if bad := checkEvent(&at, e); bad != nil {
			return bad
		}
	}
	return nil
}

// checkEvent checks one event: a non-empty string $event_name, an epoch in
// milliseconds $ts, an optional object $properties; other "$" keys are
// unknown, keys without "$" are custom properties.
func checkEvent(at *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(at, ruleEvent)
	}
	o, bad := asObject(at, v, "an event object")
	if bad != nil {
		return bad
	}
	name, _ := o.Get("$event_name")
	if isHole(name) {
		return at.violation(errHoleHere.Error())
	}
	transaction := name == transactionConfirmed
	hasName, hasTS := false, false
	var keys keySet
	for i, f := range o.Fields {
		if bad := checkKey(at, &keys, o.Fields[:i], f.Key); bad != nil {
			return bad
		}
		p := at.field(f.Key)
		switch f.Key {
		case "$event_name":
			hasName = true
			bad = checkNonEmptyString(&p, f.Value)
		case "$ts":
			hasTS = true
			bad = checkTimestamp(&p, f.Value)
		case "$properties":
			if transaction {
				bad = checkTransaction(&p, f.Value)
			} else {
				bad = checkFreeProperties(&p, f.Value)
			}
		default:
			bad = checkCustom(at, f, eventKeys)
		}
		if bad != nil {
			return bad
		}
	}
	switch {
	case !hasName:
		return missingKey(at, "$event_name")
	case !hasTS:
		return missingKey(at, "$ts")
	}
	return nil
}

// checkTransaction checks the $properties of a $transaction_confirmed event.
func checkTransaction(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleTransaction)
	}
	return checkProperties(p, v, true)
}

// checkFreeProperties checks the $properties of other events.
func checkFreeProperties(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleFreeProperties)
	}
	return checkProperties(p, v, false)
}

// checkProperties checks an event's $properties: an object, free unless the
// event is a $transaction_confirmed.
func checkProperties(at *path, v any, transaction bool) *Violation {
	o, bad := asObject(at, v, "an object")
	if bad != nil {
		return bad
	}
	if !transaction {
		return checkFields(at, o)
	}
	var keys keySet
	for i, f := range o.Fields {
		if bad := checkKey(at, &keys, o.Fields[:i], f.Key); bad != nil {
			return bad
		}
		p := at.field(f.Key)
		switch f.Key {
		case "$items":
			bad = checkItems(&p, f.Value)
		case "$currency":
			bad = checkCurrency(&p, f.Value)
		default:
			bad = checkLoose(at, f, transactionKeys)
		}
		if bad != nil {
			return bad
		}
	}
	return nil
}

// checkItems checks the $items of a transaction: an array of item objects.
func checkItems(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleItems)
	}
	items, ok := v.([]any)
	if !ok {
		return p.violationf("must be an array of item objects, got %s", describe(v))
	}
	for i, item := range items {
		at := p.elem(i)
		if bad := checkItem(&at, item); bad != nil {
			return bad
		}
	}
	return nil
}

// checkItem checks one item: a non-empty string $id; numbers $qty and $price;
// strings $brand, $category1 to $category4 and $name. A "$" key one or two
// edits away from these is taken for a misspelling; other keys are free.
func checkItem(at *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(at, ruleItem)
	}
	o, bad := asObject(at, v, "an item object")
	if bad != nil {
		return bad
	}
	hasID := false
	var keys keySet
	for i, f := range o.Fields {
		if bad := checkKey(at, &keys, o.Fields[:i], f.Key); bad != nil {
			return bad
		}
		p := at.field(f.Key)
		switch f.Key {
		case "$id":
			hasID = true
			bad = checkNonEmptyString(&p, f.Value)
		case "$qty", "$price":
			bad = checkNumber(&p, f.Value)
		case "$brand", "$category1", "$category2", "$category3", "$category4", "$name":
			bad = checkStringRule(&p, f.Value)
		default:
			bad = checkLoose(at, f, itemKeys)
		}
		if bad != nil {
			return bad
		}
	}
	if !hasID {
		return missingKey(at, "$id")
	}
	return nil
}

// checkCurrency checks a currency code that looks like ISO 4217: three
// upper-case ASCII letters.
func checkCurrency(p *path, v any) *Violation {
	if h := hole(v); h != nil {
		return h.take(p, ruleCurrency)
	}
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
