package mapping

import (
	"errors"
	"strings"
	"testing"

	"csv2activity/activity"
)

// head is the start of a valid grouped retail mapping; tests add the rest
// of its activity.
const head = `version: 1
group_by: ${ Order_ID }
activity:
  $type: TOUCH
  $ts: ${ Order_Date }
`

// purchaseOf returns an events list holding one purchase whose properties
// and item (for_each over rows) hold the given extra lines.
func purchaseOf(properties, item string) string {
	return `  $events:
    - $event_name: $transaction_confirmed
      $ts: ${ Order_Date }
      $properties:
        $currency: USD
` + properties + `        $items:
          for_each: rows
          item:
            $id: ${ Product_ID }
` + item
}

const qtyPrice = "            $qty: ${ Quantity }\n            $price: ${ Sales }\n"

func TestRulesAtLoad(t *testing.T) {
	tests := []struct {
		name, text string
		want       string // "" for none
	}{
		{"valid", head + "  $user_account_id: ${ Customer_ID }\n" + purchaseOf("", qtyPrice), ""},
		{"misspelt activity key", head + "  $user_acount_id: ${ Customer_ID }\n",
			"m.yaml:6:3: activity: unknown key \"$user_acount_id\" (did you mean \"$user_account_id\"?)\n      $user_acount_id: ${ Customer_ID }\n      ^\n" +
				"m.yaml:4:3: activity: no user identifier: set exactly one of $user_account_id, $user_agent_id, $email_hash, $user_identifiers\n      $type: TOUCH\n      ^"},
		{"misspelt event key", head + "  $user_account_id: ${ Customer_ID }\n  $events:\n    - $event_nam: $transaction_confirmed\n      $ts: ${ Order_Date }\n",
			"m.yaml:8:7: activity.$events[0]: unknown key \"$event_nam\" (did you mean \"$event_name\"?)\n        - $event_nam: $transaction_confirmed\n          ^\n" +
				"m.yaml:8:7: activity.$events[0]: missing required key \"$event_name\"\n        - $event_nam: $transaction_confirmed\n          ^"},
		{"unknown constant type", "version: 1\nactivity:\n  $type: TOCH\n  $ts: ${ Order_Date }\n  $user_agent_id: x\n",
			"m.yaml:3:3: activity.$type: unknown activity type \"TOCH\" (did you mean \"TOUCH\"?)\n      $type: TOCH\n      ^"},
		{"$category in an item", head + "  $user_account_id: ${ Customer_ID }\n" + purchaseOf("", qtyPrice+"            $category: ${ Sub_Category }\n"),
			"m.yaml:18:13: activity.$events[0].$properties.$items[]: unknown key \"$category\" (did you mean \"$category1\"?)\n                $category: ${ Sub_Category }\n                ^"},
		{"$quantity and $unit_price in an item", head + "  $user_account_id: ${ Customer_ID }\n" +
			purchaseOf("", "            $quantity: ${ Quantity }\n            $unit_price: ${ Sales }\n"),
			"m.yaml:16:13: activity.$events[0].$properties.$items[]: unknown key \"$quantity\" (did you mean \"$qty\"?)\n                $quantity: ${ Quantity }\n                ^\n" +
				"m.yaml:17:13: activity.$events[0].$properties.$items[]: unknown key \"$unit_price\" (did you mean \"$price\"?)\n                $unit_price: ${ Sales }\n                ^\n" +
				"m.yaml:15:13: activity.$events[0].$properties.$items[]: missing required key \"$qty\"\n                $id: ${ Product_ID }\n                ^\n" +
				"m.yaml:15:13: activity.$events[0].$properties.$items[]: missing required key \"$price\"\n                $id: ${ Product_ID }\n                ^"},
		{"$total_amount in the properties", head + "  $user_account_id: ${ Customer_ID }\n" + purchaseOf("        $total_amount: ${ Sales }\n", qtyPrice),
			"m.yaml:12:9: activity.$events[0].$properties: unknown key \"$total_amount\": custom keys must not start with $\n            $total_amount: ${ Sales }\n            ^"},
		{"constant currency", head + "  $user_account_id: ${ Customer_ID }\n" + strings.Replace(purchaseOf("", qtyPrice), "USD", "EURO", 1),
			"m.yaml:11:9: activity.$events[0].$properties.$currency: \"EURO\" is not an ISO 4217 currency code (3 upper-case letters, e.g. \"EUR\")\n            $currency: EURO\n            ^"},
		{"constant ts in seconds", "version: 1\nactivity:\n  $type: TOUCH\n  $ts: 1709630000\n  $user_agent_id: x\n",
			"m.yaml:4:3: activity.$ts: 1709630000 looks like seconds, not milliseconds (below 10^11)\n      $ts: 1709630000\n      ^"},
		{"constant return", head + "  $user_account_id: ${ Customer_ID }\n" + purchaseOf("", "            $qty: -1\n            $price: ${ Sales }\n"),
			"m.yaml:16:13: activity.$events[0].$properties.$items[].$qty: -1 is not a quantity bought (must be above 0): " +
				"a return or cancellation must not be counted as a conversion; leave such rows out (where) or send them as a custom event\n                $qty: -1\n                ^"},
		{"two constant identifiers", head + "  $user_account_id: C-1\n  $user_agent_id: vec:1\n",
			"m.yaml:4:3: activity: 2 user identifiers ($user_account_id, $user_agent_id): bulk import accepts exactly one per line\n      $type: TOUCH\n      ^"},
		{"two computed identifiers may be one", head + "  $user_account_id: '${ Customer_ID == \"\" ? nil : Customer_ID }'\n  $user_agent_id: '${ Customer_ID == \"\" ? \"vec:1\" : nil }'\n", ""},
		{"computed event name: what every event refuses", head + "  $user_account_id: ${ Customer_ID }\n  $events:\n    - $event_name: ${ Sub_Category }\n" +
			"      $ts: ${ Order_Date }\n      $properties:\n        $currency: USD\n        $quantity: 1\n        $items: []\n",
			"m.yaml:12:9: activity.$events[0].$properties: unknown key \"$quantity\": custom keys must not start with $\n            $quantity: 1\n            ^"},
		{"null constants are left out", head + "  $user_account_id: ${ Customer_ID }\n  $quantity: ~\n", ""},
		{"$ keys inside a custom value are free", head + "  $user_account_id: ${ Customer_ID }\n  lines:\n    for_each: rows\n    item: {$id: x, $quantity: 1}\n", ""},
		{"allowed keys", "version: 1\nallow_keys: [\"$loyalty_tier\", \"$events[].$properties.$items[].$discount\"]\n" +
			head[len("version: 1\n"):] + "  $user_account_id: ${ Customer_ID }\n  $loyalty_tier: gold\n" + purchaseOf("", qtyPrice+"            $discount: ${ Discount }\n"), ""},
		{"allow_keys not a list", "version: 1\nallow_keys: $foo\nactivity: {$type: TOUCH, $ts: 1700000000000, $user_agent_id: x}\n",
			"m.yaml:2:13: allow_keys must be a list of keys, like [\"$events[].$properties.$items[].$discount\"]\n    allow_keys: $foo\n                ^"},
		{"allow_keys entry at no place", "version: 1\nallow_keys:\n  - $events.$properties.$discount\nactivity: {$type: TOUCH, $ts: 1700000000000, $user_agent_id: x}\n",
			"m.yaml:3:5: allow_keys: cannot allow key \"$events.$properties.$discount\": not a place of the activity followed by a key; write \"$KEY\", \"$email_hash.$KEY\", " +
				"\"$user_identifiers[].$KEY\", \"$origin.$KEY\", \"$location.$KEY\", \"$events[].$KEY\", \"$events[].$properties.$KEY\", \"$events[].$properties.$items[].$KEY\"\n" +
				"      - $events.$properties.$discount\n        ^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("m.yaml", []byte(tt.text))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s\nmapping:\n%s", got, tt.want, tt.text)
			}
			if err != nil && !IsMappingError(err) {
				t.Errorf("got %T, want a mapping error", err)
			}
		})
	}
}

// TestAllowKeysReachTheRows checks that the keys a mapping allows are
// allowed when its activities are validated, on both paths.
func TestAllowKeysReachTheRows(t *testing.T) {
	text := "version: 1\nallow_keys: [\"$loyalty_tier\"]\nactivity:\n  $type: TOUCH\n  $ts: 1700000000000\n  $user_agent_id: ${ Customer_ID }\n  $loyalty_tier: ${ Product_ID }\n"
	m, err := Parse("m.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Compile(testHeader)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Templated() {
		t.Fatalf("the mapping does not compile to a template")
	}
	vals, err := p.Row(row1)
	if err != nil {
		t.Fatal(err)
	}
	line, done, err := p.NewEvaluator().appendLine(nil, vals, row1, true)
	if err != nil || !done {
		t.Fatalf("appendLine: done %v, error %v", done, err)
	}
	if want := `{"$type":"TOUCH","$ts":1700000000000,"$user_agent_id":"C-042","$loyalty_tier":"P-1"}` + "\n"; string(line) != want {
		t.Errorf("got %s, want %s", line, want)
	}
	obj, err := p.NewEvaluator().Apply([][]any{vals})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Rules.Validate(obj); err != nil {
		t.Errorf("general path: %v", err)
	}
	var v *activity.Violation
	if err := activity.Validate(obj); !errors.As(err, &v) || v.Key != "$loyalty_tier" {
		t.Errorf("without the mapping's rules: got %v, want the unknown key", err)
	}
}
