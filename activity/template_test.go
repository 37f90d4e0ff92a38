package activity

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestCheckTemplate checks the problems a template has whatever the values
// of its holes: its keys, its constants, its required keys; and none where
// a value could make it right.
func TestCheckTemplate(t *testing.T) {
	h := func() *Hole { return &Hole{} }
	purchase := func(items any) *Object {
		return obj("$event_name", "$transaction_confirmed", "$ts", h(), "$properties", obj("$currency", h(), "$items", items))
	}
	touch := func(extra ...any) *Object {
		return obj(append([]any{"$type", "TOUCH", "$ts", h(), "$user_account_id", h()}, extra...)...)
	}
	tests := []struct {
		name string
		o    *Object
		want []string
	}{
		{"holes everywhere", obj("$type", h(), "$ts", h(), "$user_account_id", h(), "$events", h()), nil},
		{"a retail order", touch("$compartment_id", "1", "$events", []any{purchase(&Repeat{Item: obj("$id", h(), "$qty", h(), "$price", h(), "name", h())})}), nil},
		{"constants", touch("$session_status", "NO_SESION", "$ttl", -1, "$events", []any{obj("$event_name", "$transaction_confirmed", "$ts", 1700000000,
			"$properties", obj("$currency", "EURO", "$items", []any{obj("$id", "SKU-1", "$qty", -1, "$price", h())}))}), []string{
			`$session_status: unknown session status "NO_SESION" (did you mean "NO_SESSION"?)`,
			"$ttl: must be an integer >= 0 (minutes), got -1",
			"$events[0].$ts: 1700000000 looks like seconds, not milliseconds (below 10^11)",
			`$events[0].$properties.$currency: "EURO" is not an ISO 4217 currency code (3 upper-case letters, e.g. "EUR")`,
			"$events[0].$properties.$items[0].$qty: -1 is not a quantity bought (must be above 0): " + notAPurchase,
		}},
		{"keys at every depth", obj("$type", "TOUCH", "$ts", h(), "$email_hash", obj("$hash", h(), "$hsh", h()),
			"$origin", obj("$chanel", h()), "$location", obj("$zipcode", h()), "$timestamp", h(),
			"$events", &Repeat{Item: obj("$event_name", "$transaction_confirmed", "$ts", h(), "$event_nam", h(),
				"$properties", obj("$total_amount", h(), "$items", &Repeat{Item: obj("$id", h(), "$quantity", h(), "$unit_price", h(), "$category", h())})),
			}), []string{
			`$email_hash: unknown key "$hsh" (did you mean "$hash"?)`,
			`$origin: unknown key "$chanel" (did you mean "$channel"?)`,
			`$location: unknown key "$zipcode" (did you mean "$zip_code"?)`,
			`unknown key "$timestamp" (did you mean "$ts"?)`,
			`$events[0]: unknown key "$event_nam" (did you mean "$event_name"?)`,
			`$events[0].$properties: unknown key "$total_amount": custom keys must not start with $`,
			`$events[0].$properties.$items[0]: unknown key "$quantity" (did you mean "$qty"?)`,
			`$events[0].$properties.$items[0]: unknown key "$unit_price" (did you mean "$price"?)`,
			`$events[0].$properties.$items[0]: unknown key "$category" (did you mean "$category1"?)`,
			`$events[0].$properties.$items[0]: missing required key "$qty"`,
			`$events[0].$properties.$items[0]: missing required key "$price"`,
		}},
		{"event name computed: what every event refuses", touch("$events", []any{obj("$event_name", h(), "$ts", h(),
			"$properties", obj("$currency", h(), "$quantity", h(), "$items", []any{obj("$id", h(), "$quantity", h())}))}), []string{
			`$events[0].$properties: unknown key "$quantity": custom keys must not start with $`,
			`$events[0].$properties.$items[0]: unknown key "$quantity" (did you mean "$qty"?)`,
		}},
		{"two constant identifiers", obj("$type", "TOUCH", "$ts", h(), "$user_account_id", "a", "$email_hash", obj("$hash", h())), []string{
			"2 user identifiers ($user_account_id, $email_hash): bulk import accepts exactly one per line",
		}},
		{"two computed identifiers: one may be nil", obj("$type", "TOUCH", "$ts", h(), "$user_account_id", h(), "$user_agent_id", h()), nil},
		{"no identifier", obj("$type", "TOUCH", "$ts", h()), []string{
			"no user identifier: set exactly one of $user_account_id, $user_agent_id, $email_hash, $user_identifiers",
		}},
		{"compartment alone", obj("$type", "TOUCH", "$ts", h(), "$compartment_id", "1", "$user_agent_id", h()), []string{
			"$compartment_id: set without $user_account_id (the compartment goes with an account id)",
		}},
		{"computed compartment alone: may be nil", obj("$type", "TOUCH", "$ts", h(), "$compartment_id", h(), "$user_agent_id", h()), nil},
		{"identifier entries of any number", obj("$type", "TOUCH", "$ts", h(), "$user_identifiers", &Repeat{Item: obj("$type", "USER_AGENT", "$user_agent_id", h(), "$hash", h())}), []string{
			`$user_identifiers[0]: unknown key "$hash" for USER_AGENT`,
		}},
		{"identifier type computed", obj("$type", "TOUCH", "$ts", h(), "$user_identifiers", []any{obj("$type", h(), "$anything", h())}), nil},
		{"latlon of any length", touch("$location", obj("$latlon", &Repeat{Item: h()})), nil},
		{"latlon computed", touch("$location", obj("$latlon", []any{h(), 200})), []string{
			"$location.$latlon[1]: longitude 200 out of range [-180, 180]",
		}},
		{"missing ts and type", obj("$user_agent_id", h()), []string{`missing required key "$ts"`, `missing required key "$type"`}},
		{"a list in a custom value", touch("lines", &Repeat{Item: obj("$id", h(), "n", 1.5)}), nil},
		{"a Repeat is no list of the model", touch("$events", []any{obj("$event_name", &Repeat{}, "$ts", h())}), []string{
			"$events[0].$event_name: must be a string, got array",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := texts((&Rules{}).CheckTemplate(tt.o))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestCheckTemplateAllowed checks that allowed keys pass in templates too.
func TestCheckTemplateAllowed(t *testing.T) {
	r := allowing(t, "$events[].$properties.$items[].$discount")
	item := obj("$id", &Hole{}, "$qty", &Hole{}, "$price", &Hole{}, "$discount", &Hole{})
	o := obj("$type", "TOUCH", "$ts", &Hole{}, "$user_agent_id", &Hole{}, "$events", []any{obj("$event_name", "$transaction_confirmed",
		"$ts", &Hole{}, "$properties", obj("$items", &Repeat{Item: item}))})
	if got := r.CheckTemplate(o); got != nil {
		t.Errorf("got %v, want no problem", got)
	}
	if got := texts((&Rules{}).CheckTemplate(o)); len(got) != 1 || !strings.Contains(got[0], `unknown key "$discount"`) {
		t.Errorf("without allowing: got %q, want the unknown key", got)
	}
}

// TestRepeatOutsideTemplates checks that a Repeat is no value of the model.
func TestRepeatOutsideTemplates(t *testing.T) {
	err := Validate(base("lines", &Repeat{Item: 1}))
	if want := "lines: unsupported value type *activity.Repeat (want nil, bool, string, a number, []any or *Object)"; errorText(err) != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// TestProblemsDuplicateKey checks that a repeated key is one problem and
// the walk goes on.
func TestProblemsDuplicateKey(t *testing.T) {
	o := obj("$ts", int64(1704452400000), "$type", "TOUCHE", "$ts", int64(1), "$user_agent_id", "v")
	want := []string{`$type: unknown activity type "TOUCHE" (did you mean "TOUCH"?)`, `duplicate key "$ts"`}
	found, _ := (&Rules{}).Problems(o, 0)
	if got := texts(found); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// checkTemplates build templates with holes and repeats, some with mistakes
// CheckTemplate must find, some with none.
var checkTemplates = []func(h func() *Hole) *Object{
	func(h func() *Hole) *Object { // a retail order, a misspelt item key, a constant return
		item := obj("$id", h(), "$quantity", h(), "$price", h(), "$category", h(), "note", h())
		return obj("$type", "TOUCH", "$ts", h(), "$user_account_id", h(), "$compartment_id", h(),
			"$events", []any{obj("$event_name", "$transaction_confirmed", "$ts", h(), "$properties",
				obj("$currency", h(), "$items", &Repeat{Item: item}, "total", h())),
				obj("$event_name", "$transaction_confirmed", "$ts", h(), "$properties",
					obj("$items", []any{obj("$id", "X", "$qty", -1, "$price", h())}))})
	},
	func(h func() *Hole) *Object { // computed event names and identifiers
		return obj("$type", h(), "$ts", h(), "$user_agent_id", h(), "$email_hash", obj("$hash", h(), "$email", h()),
			"$events", &Repeat{Item: obj("$event_name", h(), "$ts", h(), "$properties",
				obj("$currency", h(), "$quantity", h(), "$items", &Repeat{Item: obj("$id", h(), "$qty", h(), "$unit_price", h())}))})
	},
	func(h func() *Hole) *Object { // constants at every place
		return obj("$type", "TOCH", "$ts", 1709630000, "$session_status", h(), "$user_agent_id", "a", "$user_account_id", "b",
			"$origin", obj("$chanel", h(), "$ts", h()), "$location", obj("$latlon", []any{h(), 200}, "$source", "gps"),
			"$user_identifiers", &Repeat{Item: obj("$type", "USER_AGENT", "$user_agent_id", h(), "$hash", h())})
	},
	func(h func() *Hole) *Object { // no mistake
		return obj("$type", "TOUCH", "$ts", h(), "$user_account_id", h(), "$user_agent_id", h(),
			"$events", &Repeat{Item: obj("$event_name", h(), "$ts", h(), "$properties", h())},
			"lines", &Repeat{Item: obj("$anything", h())})
	},
}

// fillTemplate replaces the holes of a template by random values of
// planValues, or nil when nils is set (then their key is left out, as a
// producer leaves it out), and each Repeat by 1 to 3 elements, in a copy.
func fillTemplate(v any, rng *rand.Rand, nils bool) (any, bool) {
	switch x := v.(type) {
	case *Hole:
		if nils && rng.IntN(4) == 0 {
			return nil, false
		}
		return planValues[rng.IntN(len(planValues))], true
	case *Repeat:
		var out []any
		for range 1 + rng.IntN(3) {
			if e, ok := fillTemplate(x.Item, rng, nils); ok {
				out = append(out, e)
			}
		}
		return out, true
	case []any:
		out := []any{}
		for _, e := range x {
			if f, ok := fillTemplate(e, rng, nils); ok {
				out = append(out, f)
			}
		}
		return out, true
	case *Object:
		o := &Object{}
		for _, f := range x.Fields {
			if fv, ok := fillTemplate(f.Value, rng, nils); ok {
				o.Fields = append(o.Fields, Field{Key: f.Key, Value: fv})
			}
		}
		return o, true
	}
	return v, true
}

// TestCheckTemplateHoldsForEveryFilling fills templates at random: when
// CheckTemplate finds a problem of the fixed part (a constant, a missing
// key), no filling is a valid activity, even with nil values that leave
// keys out; an unknown key it finds is found in the same words in every
// filling that writes it. So a mapping refused at load would have had
// every row rejected, or every row writing the key.
func TestCheckTemplateHoldsForEveryFilling(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for ti, build := range checkTemplates {
		tmpl := build(func() *Hole { return &Hole{} })
		found := (&Rules{}).CheckTemplate(tmpl)
		if (len(found) == 0) != (ti == len(checkTemplates)-1) {
			t.Fatalf("template %d: got %v", ti, found)
		}
		fixed := slices.ContainsFunc(found, func(v *Violation) bool { return v.Key == "" })
		for i := range 2000 {
			nils := i%2 == 0
			filled, _ := fillTemplate(tmpl, rng, nils)
			o := filled.(*Object)
			all, _ := (&Rules{}).Problems(o, 0)
			if (fixed || !nils) && len(found) > 0 && len(all) == 0 {
				t.Fatalf("template %d: CheckTemplate finds %v, but %s is valid", ti, found, o)
			}
			for _, v := range found {
				if !nils && v.Key != "" && !slices.ContainsFunc(all, func(w *Violation) bool { return w.Error() == v.Error() }) {
					t.Fatalf("template %d: CheckTemplate finds %q, not Problems in %s: %v", ti, v, o, all)
				}
			}
		}
	}
}
