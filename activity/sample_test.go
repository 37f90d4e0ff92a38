package activity

import (
	"github.com/govalues/decimal"
)

// sampleLine is a realistic store purchase as the producer writes it.
const sampleLine = `{"$ts":1704452400000,"$type":"TOUCH","$session_status":"NO_SESSION",` +
	`"$user_account_id":"CUST-004211","$compartment_id":"1593","$events":[{"$event_name":"$transaction_confirmed",` +
	`"$ts":1704452400000,"$properties":{"$items":[` +
	`{"$id":"SKU-1001","$qty":2,"$price":19.9,"$brand":"Acme","$category1":"Furniture","$category2":"Chairs","name":"Oak chair"},` +
	`{"$id":"SKU-2040","$qty":1,"$price":149,"$brand":"Acme","$category1":"Furniture","$category2":"Tables","name":"Oak table"},` +
	`{"$id":"SKU-3300","$qty":4,"$price":12.5,"$brand":"Lumo","$category1":"Lighting","$category2":"Bulbs","name":"LED bulb \"warm\""}],` +
	`"$currency":"EUR","order_id":"ORD-2024-000113","store":"Lyon Part-Dieu","total":237.8}}],` +
	`"loyalty_tier":"gold"}`

// sampleActivity is sampleLine built the way the producer builds it, with
// int64, decimal and float64 values.
func sampleActivity() *Object {
	item := func(id string, qty int64, price, brand, cat1, cat2, name string) *Object {
		return obj("$id", id, "$qty", qty, "$price", decimal.MustParse(price), "$brand", brand,
			"$category1", cat1, "$category2", cat2, "name", name)
	}
	return obj(
		"$ts", int64(1704452400000),
		"$type", "TOUCH",
		"$session_status", "NO_SESSION",
		"$user_account_id", "CUST-004211",
		"$compartment_id", "1593",
		"$events", []any{obj(
			"$event_name", "$transaction_confirmed",
			"$ts", int64(1704452400000),
			"$properties", obj(
				"$items", []any{
					item("SKU-1001", 2, "19.90", "Acme", "Furniture", "Chairs", "Oak chair"),
					item("SKU-2040", 1, "149.00", "Acme", "Furniture", "Tables", "Oak table"),
					item("SKU-3300", 4, "12.50", "Lumo", "Lighting", "Bulbs", `LED bulb "warm"`),
				},
				"$currency", "EUR",
				"order_id", "ORD-2024-000113",
				"store", "Lyon Part-Dieu",
				"total", 237.8,
			),
		)},
		"loyalty_tier", "gold",
	)
}
