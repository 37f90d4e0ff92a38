package activity

import "testing"

// withEvents returns a valid activity line whose $events array holds events.
func withEvents(events string) string {
	return act(`,"$events":[` + events + `]`)
}

// purchase returns a $transaction_confirmed event with the given properties.
func purchase(properties string) string {
	return `{"$event_name":"$transaction_confirmed","$ts":1704452400000,"$properties":` + properties + `}`
}

var eventTests = []validateTest{
	{"sample purchase", sampleLine, ""},
	{"page view", withEvents(`{"$event_name":"$page_view","$ts":1704452400000,"$properties":{"$url":"/","$items":"free"}}`), ""},
	{"custom event without properties", withEvents(`{"$ts":1704452400000,"$event_name":"store_visit","store":"Lyon"}`), ""},
	{"empty items", withEvents(purchase(`{"$items":[],"$currency":"EUR"}`)), ""},
	{"properties before name", withEvents(`{"$properties":{"$items":[{"$id":"SKU-1","$qty":1.5}]},"$ts":1704452400000,"$event_name":"$transaction_confirmed"}`), ""},
	{"unknown far $ keys allowed in transactions", withEvents(purchase(`{"$transaction_id":"T1","$items":[{"$id":"SKU-1","$discount":2,"size":"XL"}]}`)), ""},
	{"event string", withEvents(`"$page_view"`), `$events[0]: must be an event object, got string "$page_view"`},
	{"event null", withEvents(`null`), `$events[0]: must be an event object, got null`},
	{"name missing", withEvents(`{"$ts":1704452400000}`), `$events[0]: missing required key "$event_name"`},
	{"name empty", withEvents(`{"$event_name":"","$ts":1704452400000}`), `$events[0].$event_name: must not be empty`},
	{"name number", withEvents(`{"$event_name":7,"$ts":1704452400000}`), `$events[0].$event_name: must be a string, got number 7 (quote it)`},
	{"ts missing", withEvents(`{"$event_name":"$page_view"}`), `$events[0]: missing required key "$ts"`},
	{"ts seconds in second event", withEvents(`{"$event_name":"a","$ts":1704452400000},{"$event_name":"b","$ts":1704452400}`),
		`$events[1].$ts: 1704452400 looks like seconds, not milliseconds (below 10^11)`},
	{"ts string", withEvents(`{"$event_name":"a","$ts":"1704452400000"}`),
		`$events[0].$ts: must be an integer (epoch milliseconds), got string "1704452400000"`},
	{"properties array", withEvents(`{"$event_name":"a","$ts":1704452400000,"$properties":[]}`),
		`$events[0].$properties: must be an object, got array of 0`},
	{"unknown event key close", withEvents(`{"$event_nam":"a","$ts":1704452400000}`), `$events[0]: unknown key "$event_nam" (did you mean "$event_name"?)`},
	{"unknown event key far", withEvents(`{"$event_name":"a","$ts":1704452400000,"$timestamp":1}`), `$events[0]: unknown key "$timestamp"`},
	{"items object", withEvents(purchase(`{"$items":{"$id":"SKU-1"}}`)), `$events[0].$properties.$items: must be an array of item objects, got object`},
	{"item string", withEvents(purchase(`{"$items":["SKU-1"]}`)), `$events[0].$properties.$items[0]: must be an item object, got string "SKU-1"`},
	{"item without id", withEvents(purchase(`{"$items":[{"$id":"SKU-1"},{"$qty":1}]}`)), `$events[0].$properties.$items[1]: missing required key "$id"`},
	{"item id number", withEvents(purchase(`{"$items":[{"$id":123}]}`)), `$events[0].$properties.$items[0].$id: must be a string, got number 123 (quote it)`},
	{"item id empty", withEvents(purchase(`{"$items":[{"$id":""}]}`)), `$events[0].$properties.$items[0].$id: must not be empty`},
	{"qty quoted", withEvents(purchase(`{"$items":[{"$id":"SKU-1","$qty":"2"}]}`)), `$events[0].$properties.$items[0].$qty: must be a number, got string "2" (unquote it)`},
	{"price not a number", withEvents(purchase(`{"$items":[{"$id":"SKU-1","$price":"abc"}]}`)), `$events[0].$properties.$items[0].$price: must be a number, got string "abc"`},
	{"brand number", withEvents(purchase(`{"$items":[{"$id":"SKU-1","$brand":3}]}`)), `$events[0].$properties.$items[0].$brand: must be a string, got number 3 (quote it)`},
	{"category4 bool", withEvents(purchase(`{"$items":[{"$id":"SKU-1","$category4":false}]}`)), `$events[0].$properties.$items[0].$category4: must be a string, got bool false`},
	{"item key misspelt", withEvents(purchase(`{"$items":[{"$id":"SKU-1","$prce":2}]}`)), `$events[0].$properties.$items[0]: unknown key "$prce" (did you mean "$price"?)`},
	{"deep path", withEvents(`{"$event_name":"a","$ts":1704452400000},` + purchase(`{"$items":[{"$id":"1"},{"$id":"2"},{"$id":"3","$qty":null}]}`)),
		`$events[1].$properties.$items[2].$qty: must be a number, got null`},
	{"properties key misspelt", withEvents(purchase(`{"$item":[]}`)), `$events[0].$properties: unknown key "$item" (did you mean "$items"?)`},
	{"currency lower case", withEvents(purchase(`{"$currency":"eur"}`)), `$events[0].$properties.$currency: "eur" is not an ISO 4217 currency code (3 upper-case letters, e.g. "EUR")`},
	{"currency too long", withEvents(purchase(`{"$currency":"EURO"}`)), `$events[0].$properties.$currency: "EURO" is not an ISO 4217 currency code (3 upper-case letters, e.g. "EUR")`},
	{"currency number", withEvents(purchase(`{"$currency":978}`)), `$events[0].$properties.$currency: must be a string, got number 978 (quote it)`},
}

func TestValidateEvent(t *testing.T) {
	runValidateTests(t, eventTests)
}
