package activity

import (
	"strings"
	"testing"
)

// withEvents returns a valid activity line whose $events array holds events.
func withEvents(events string) string {
	return act(`,"$events":[` + events + `]`)
}

// purchase returns a $transaction_confirmed event with the given properties.
func purchase(properties string) string {
	return `{"$event_name":"$transaction_confirmed","$ts":1704452400000,"$properties":` + properties + `}`
}

// item returns a valid item of a purchase with extra members added at the
// end.
func item(extra string) string {
	return `{"$id":"SKU-1","$qty":2,"$price":19.9` + extra + `}`
}

// items returns a purchase event whose $items are the given items.
func items(list ...string) string {
	return purchase(`{"$items":[` + strings.Join(list, ",") + `],"$currency":"EUR"}`)
}

// event returns an event named name with the given properties.
func event(name, properties string) string {
	return `{"$event_name":"` + name + `","$ts":1704452400000,"$properties":` + properties + `}`
}

var eventTests = []validateTest{
	{"sample purchase", sampleLine, ""},
	{"page view, known keys of other events", withEvents(event("$page_view", `{"$currency":"EUR","$items":[{"$id":"SKU-1"}],"$campaign_id":"7","url":"/"}`)), ""},
	{"custom event without properties", withEvents(`{"$ts":1704452400000,"$event_name":"store_visit","store":"Lyon"}`), ""},
	{"custom event, $ keys inside a custom value", withEvents(event("store_visit", `{"note":{"$any":[{"$x":1}]}}`)), ""},
	{"empty items", withEvents(purchase(`{"$items":[],"$currency":"EUR"}`)), ""},
	{"properties before name", withEvents(`{"$properties":{"$items":[{"$id":"SKU-1","$qty":1.5,"$price":0}]},"$ts":1704452400000,"$event_name":"$transaction_confirmed"}`), ""},
	{"free item", withEvents(items(item(`,"$category1":"Gifts"`), `{"$id":"GIFT","$qty":1,"$price":0}`)), ""},
	{"ad click", withEvents(event("$ad_click", `{"$campaign_id":"12","$creative_technical_name":"banner-1","placement":"top"}`)), ""},
	{"conversion", withEvents(event("$conversion", `{"$goal_id":"4","$conversion_value":12.5,"$conversion_external_id":"X1"}`)), ""},
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
	{"unknown event key, synonym", withEvents(`{"$event_name":"a","$ts":1704452400000,"$timestamp":1}`), `$events[0]: unknown key "$timestamp" (did you mean "$ts"?)`},
	{"unknown event key far", withEvents(`{"$event_name":"a","$ts":1704452400000,"$store":"Lyon"}`), `$events[0]: unknown key "$store": custom keys must not start with $`},
	{"items object", withEvents(purchase(`{"$items":{"$id":"SKU-1"}}`)), `$events[0].$properties.$items: must be an array of item objects, got object`},
	{"item string", withEvents(purchase(`{"$items":["SKU-1"]}`)), `$events[0].$properties.$items[0]: must be an item object, got string "SKU-1"`},
	{"item without id", withEvents(items(item(""), `{"$qty":1,"$price":2}`)), `$events[0].$properties.$items[1]: missing required key "$id"`},
	{"item without qty", withEvents(items(`{"$id":"SKU-1","$price":2}`)), `$events[0].$properties.$items[0]: missing required key "$qty"`},
	{"item without price", withEvents(items(`{"$id":"SKU-1","$qty":2}`)), `$events[0].$properties.$items[0]: missing required key "$price"`},
	{"item id number", withEvents(items(`{"$id":123,"$qty":1,"$price":2}`)), `$events[0].$properties.$items[0].$id: must be a string, got number 123 (quote it)`},
	{"item id empty", withEvents(items(`{"$id":"","$qty":1,"$price":2}`)), `$events[0].$properties.$items[0].$id: must not be empty`},
	{"qty quoted", withEvents(items(`{"$id":"SKU-1","$qty":"2","$price":2}`)), `$events[0].$properties.$items[0].$qty: must be a number, got string "2" (unquote it)`},
	{"price not a number", withEvents(items(`{"$id":"SKU-1","$qty":1,"$price":"abc"}`)), `$events[0].$properties.$items[0].$price: must be a number, got string "abc"`},
	{"brand number", withEvents(items(item(`,"$brand":3`))), `$events[0].$properties.$items[0].$brand: must be a string, got number 3 (quote it)`},
	{"category4 bool", withEvents(items(item(`,"$category4":false`))), `$events[0].$properties.$items[0].$category4: must be a string, got bool false`},
	{"item key misspelt", withEvents(items(item(`,"$prce":2`))), `$events[0].$properties.$items[0]: unknown key "$prce" (did you mean "$price"?)`},
	{"item $quantity", withEvents(items(item(`,"$quantity":2`))), `$events[0].$properties.$items[0]: unknown key "$quantity" (did you mean "$qty"?)`},
	{"item $unit_price", withEvents(items(item(`,"$unit_price":2`))), `$events[0].$properties.$items[0]: unknown key "$unit_price" (did you mean "$price"?)`},
	{"item $category", withEvents(items(item(`,"$category":"Chairs"`))), `$events[0].$properties.$items[0]: unknown key "$category" (did you mean "$category1"?)`},
	{"item $name", withEvents(items(item(`,"$name":"Oak chair"`))), `$events[0].$properties.$items[0]: unknown key "$name": custom keys must not start with $`},
	{"item $ key far", withEvents(items(item(`,"$discount":2`))), `$events[0].$properties.$items[0]: unknown key "$discount": custom keys must not start with $`},
	{"item $quantity in a page view", withEvents(event("$basket_view", `{"$items":[{"$id":"SKU-1","$quantity":2}]}`)),
		`$events[0].$properties.$items[0]: unknown key "$quantity" (did you mean "$qty"?)`},
	{"item of a basket needs no price", withEvents(event("$basket_view", `{"$items":[{"$id":"SKU-1","$qty":-1}]}`)), ""},
	{"deep path", withEvents(`{"$event_name":"a","$ts":1704452400000},` + items(item(""), item(""), `{"$id":"3","$qty":null,"$price":1}`)),
		`$events[1].$properties.$items[2].$qty: must be a number, got null`},
	{"properties key misspelt", withEvents(purchase(`{"$item":[]}`)), `$events[0].$properties: unknown key "$item" (did you mean "$items"?)`},
	{"properties $total_amount", withEvents(purchase(`{"$items":[],"$total_amount":12}`)), `$events[0].$properties: unknown key "$total_amount": custom keys must not start with $`},
	{"transaction, a key of another event", withEvents(purchase(`{"$items":[],"$campaign_id":"7"}`)), `$events[0].$properties: unknown key "$campaign_id": custom keys must not start with $`},
	{"custom event, unknown $ key", withEvents(event("loyalty_signup", `{"$points":50}`)), `$events[0].$properties: unknown key "$points": custom keys must not start with $`},
	{"custom event, misspelt $ key", withEvents(event("loyalty_signup", `{"$curency":"EUR"}`)), `$events[0].$properties: unknown key "$curency" (did you mean "$currency"?)`},
	{"custom event, bad currency", withEvents(event("loyalty_signup", `{"$currency":"euro"}`)), `$events[0].$properties.$currency: "euro" is not an ISO 4217 currency code (3 upper-case letters, e.g. "EUR")`},
	{"ad view, misspelt key", withEvents(event("$ad_view", `{"$campain_id":"12"}`)), `$events[0].$properties: unknown key "$campain_id" (did you mean "$campaign_id"?)`},
	{"ad view, a transaction key", withEvents(event("$ad_view", `{"$items":[]}`)), `$events[0].$properties: unknown key "$items": custom keys must not start with $`},
	{"conversion, misspelt key", withEvents(event("$conversion", `{"$gaol_id":"4"}`)), `$events[0].$properties: unknown key "$gaol_id" (did you mean "$goal_id"?)`},
	{"currency lower case", withEvents(purchase(`{"$currency":"eur"}`)), `$events[0].$properties.$currency: "eur" is not an ISO 4217 currency code (3 upper-case letters, e.g. "EUR")`},
	{"currency too long", withEvents(purchase(`{"$currency":"EURO"}`)), `$events[0].$properties.$currency: "EURO" is not an ISO 4217 currency code (3 upper-case letters, e.g. "EUR")`},
	{"currency number", withEvents(purchase(`{"$currency":978}`)), `$events[0].$properties.$currency: must be a string, got number 978 (quote it)`},
}

// returnTests are items of a purchase that take back what was bought.
var returnTests = []validateTest{
	{"negative quantity", withEvents(items(`{"$id":"SKU-1","$qty":-7,"$price":2.95}`)),
		`$events[0].$properties.$items[0].$qty: -7 is not a quantity bought (must be above 0): ` + notAPurchase},
	{"zero quantity", withEvents(items(`{"$id":"SKU-1","$qty":0,"$price":2.95}`)),
		`$events[0].$properties.$items[0].$qty: 0 is not a quantity bought (must be above 0): ` + notAPurchase},
	{"negative zero quantity", withEvents(items(`{"$id":"SKU-1","$qty":-0.0,"$price":2.95}`)),
		`$events[0].$properties.$items[0].$qty: -0.0 is not a quantity bought (must be above 0): ` + notAPurchase},
	{"negative price", withEvents(items(item(""), `{"$id":"SKU-2","$qty":1,"$price":-3.5}`)),
		`$events[0].$properties.$items[1].$price: -3.5 is not a price paid (must be 0 or more): ` + notAPurchase},
	{"tiny quantity", withEvents(items(`{"$id":"SKU-1","$qty":0.001,"$price":2.95}`)), ""},
	{"zero price", withEvents(items(`{"$id":"SKU-1","$qty":1,"$price":0}`)), ""},
}

func TestValidateEvent(t *testing.T) {
	runValidateTests(t, eventTests)
}

func TestValidateReturns(t *testing.T) {
	runValidateTests(t, returnTests)
}
