package activity

import (
	"strings"
	"testing"
)

// TestProblems checks that Problems lists every problem of a line in
// document order, the whole-object ones after the fields of their object.
func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		line string
		want []string
	}{
		{"valid", sampleLine, nil},
		{"one", act(`,"$ttl":-1`), []string{"$ttl: must be an integer >= 0 (minutes), got -1"}},
		{"a misspelt till export", `{"$ts":1709630000,"$type":"TOCH","$user_account_id":"2900001234567","$user_agent_id":"vec:1",` +
			`"$events":[{"$event_name":"$transaction_confirmed","$ts":1709630000000,"$properties":{"$currency":"EURO","$total_amount":9.18,` +
			`"$items":[{"$id":"3017620422003","$quantity":2,"$unit_price":4.59},{"$id":"3228857000166","$qty":-1,"$price":2.15}]}}]}`,
			[]string{
				"$ts: 1709630000 looks like seconds, not milliseconds (below 10^11)",
				`$type: unknown activity type "TOCH" (did you mean "TOUCH"?)`,
				`$events[0].$properties.$currency: "EURO" is not an ISO 4217 currency code (3 upper-case letters, e.g. "EUR")`,
				`$events[0].$properties: unknown key "$total_amount": custom keys must not start with $`,
				`$events[0].$properties.$items[0]: unknown key "$quantity" (did you mean "$qty"?)`,
				`$events[0].$properties.$items[0]: unknown key "$unit_price" (did you mean "$price"?)`,
				`$events[0].$properties.$items[0]: missing required key "$qty"`,
				`$events[0].$properties.$items[0]: missing required key "$price"`,
				`$events[0].$properties.$items[1].$qty: -1 is not a quantity bought (must be above 0): ` + notAPurchase,
				"2 user identifiers ($user_account_id, $user_agent_id): bulk import accepts exactly one per line",
			}},
		{"missing keys", `{"$ttl":1,"$compartment_id":"1"}`, []string{
			`missing required key "$ts"`,
			`missing required key "$type"`,
			"$compartment_id: set without $user_account_id (the compartment goes with an account id)",
			"no user identifier: set exactly one of $user_account_id, $user_agent_id, $email_hash, $user_identifiers",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse([]byte(tt.line))
			if err != nil {
				t.Fatal(err)
			}
			found, more := (&Rules{}).Problems(o, 0)
			if got := texts(found); strings.Join(got, "\n") != strings.Join(tt.want, "\n") || more != 0 {
				t.Errorf("got %d problems (and %d more):\n%s\nwant:\n%s", len(got), more, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if first := errorText(Validate(o)); len(tt.want) > 0 && first != tt.want[0] {
				t.Errorf("Validate: got %q, want the first problem %q", first, tt.want[0])
			}
		})
	}
}

func texts(vs []*Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Error())
	}
	return out
}

// TestProblemsBounded keeps max problems and counts the others.
func TestProblemsBounded(t *testing.T) {
	var b strings.Builder
	for i := range 25 {
		b.WriteString(`,"$bad` + string(rune('a'+i)) + `":1`)
	}
	o, err := Parse([]byte(act(b.String())))
	if err != nil {
		t.Fatal(err)
	}
	found, more := (&Rules{}).Problems(o, 10)
	if len(found) != 10 || more != 15 {
		t.Fatalf("got %d problems and %d more, want 10 and 15", len(found), more)
	}
	if want := `unknown key "$bada": custom keys must not start with $`; found[0].Error() != want {
		t.Errorf("first: got %q, want %q", found[0], want)
	}
	if found[0].Key != "$bada" {
		t.Errorf("first: got Key %q, want %q", found[0].Key, "$bada")
	}
}

// TestValidateAllocsWithRules checks that allowed keys and Problems keep a
// valid activity free of allocations.
func TestValidateAllocsWithRules(t *testing.T) {
	a := sampleActivity()
	a.Fields = append(a.Fields, Field{Key: "$loyalty_points", Value: int64(120)})
	r := allowing(t, "$loyalty_points", "$events[].$properties.$items[].$discount")
	allocs := testing.AllocsPerRun(100, func() {
		if err := r.Validate(a); err != nil {
			t.Fatal(err)
		}
		if found, _ := r.Problems(a, 10); found != nil {
			t.Fatal(found[0])
		}
	})
	if allocs != 0 {
		t.Errorf("got %v allocations per valid activity, want 0", allocs)
	}
}
