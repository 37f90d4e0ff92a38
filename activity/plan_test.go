package activity

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/govalues/decimal"
)

// planValues are the values the holes take in TestPlanMatchesValidate: good
// and bad for every rule.
var planValues = []any{
	"", "x", "TOUCH", "TOUCHE", "NO_SESSION", "EUR", "eur", "GPS", "\xff", "$transaction_confirmed",
	int64(1_700_000_000_000), int64(1_700_000_000), int64(-5), int64(0), 3, 2.5, math.NaN(),
	decimal.MustParse("12.50"), json.Number("1e3"), json.Number("0x1"), true,
	[]any{}, []any{"a"}, []any{&Object{Fields: []Field{{Key: "$type", Value: "USER_AGENT"}, {Key: "$user_agent_id", Value: "vec:1"}}}},
	&Object{}, &Object{Fields: []Field{{Key: "$hash", Value: "abc"}}},
	&Object{Fields: []Field{{Key: "$event_name", Value: "visit"}, {Key: "$ts", Value: int64(1_700_000_000_000)}}},
	&Object{Fields: []Field{{Key: "$id", Value: "sku"}, {Key: "$qty", Value: 2}}},
	&Object{Fields: []Field{{Key: "$id", Value: "sku"}, {Key: "$qty", Value: 2}, {Key: "$price", Value: 0.5}, {Key: "$discount", Value: 1}}},
	&Object{Fields: []Field{{Key: "$url", Value: "/"}, {Key: "$items", Value: []any{}}}},
	&Object{Fields: []Field{{Key: "$quantity", Value: 2}}},
	&Object{Fields: []Field{{Key: "k", Value: "v"}, {Key: "k", Value: "w"}}},
}

// planTemplates build template activities; h makes a hole.
var planTemplates = []func(h func() *Hole) *Object{
	func(h func() *Hole) *Object { // the per-line retail activity
		return &Object{Fields: []Field{
			{Key: "$type", Value: "TOUCH"}, {Key: "$session_status", Value: "NO_SESSION"},
			{Key: "$ts", Value: h()}, {Key: "$user_account_id", Value: h()}, {Key: "$compartment_id", Value: "1"},
			{Key: "$events", Value: []any{&Object{Fields: []Field{
				{Key: "$event_name", Value: "$transaction_confirmed"}, {Key: "$ts", Value: h()},
				{Key: "$properties", Value: &Object{Fields: []Field{
					{Key: "$currency", Value: h()}, {Key: "order_id", Value: h()},
					{Key: "$items", Value: []any{&Object{Fields: []Field{
						{Key: "$id", Value: h()}, {Key: "$qty", Value: h()}, {Key: "$price", Value: h()},
						{Key: "$category1", Value: h()}, {Key: "note", Value: h()},
					}}, h()}},
				}}},
			}}, h()}},
		}}
	},
	func(h func() *Hole) *Object { // whole parts computed
		return &Object{Fields: []Field{
			{Key: "$ts", Value: h()}, {Key: "$type", Value: h()}, {Key: "$session_status", Value: h()},
			{Key: "$email_hash", Value: &Object{Fields: []Field{{Key: "$hash", Value: h()}, {Key: "$email", Value: h()}}}},
			{Key: "$ttl", Value: h()}, {Key: "$unique_key", Value: h()}, {Key: "$origin", Value: h()},
			{Key: "$location", Value: &Object{Fields: []Field{{Key: "$source", Value: h()}, {Key: "city", Value: h()}}}},
			{Key: "$events", Value: h()}, {Key: "custom", Value: []any{h(), &Object{Fields: []Field{{Key: "deep", Value: h()}}}}},
		}}
	},
	func(h func() *Hole) *Object { // identifiers and free event properties
		return &Object{Fields: []Field{
			{Key: "$ts", Value: int64(1_700_000_000_000)}, {Key: "$type", Value: "TOUCH"},
			{Key: "$user_identifiers", Value: []any{&Object{Fields: []Field{{Key: "$type", Value: "USER_ACCOUNT"}, {Key: "$user_account_id", Value: h()}, {Key: "$compartment_id", Value: h()}}}}},
			{Key: "$events", Value: []any{&Object{Fields: []Field{
				{Key: "$event_name", Value: "visit"}, {Key: "$ts", Value: h()}, {Key: "$properties", Value: h()},
			}}}},
		}}
	},
	func(h func() *Hole) *Object { // allowed keys, computed properties
		return &Object{Fields: []Field{
			{Key: "$ts", Value: h()}, {Key: "$type", Value: "TOUCH"}, {Key: "$user_agent_id", Value: h()},
			{Key: "$events", Value: []any{
				&Object{Fields: []Field{{Key: "$event_name", Value: "$transaction_confirmed"}, {Key: "$ts", Value: h()}, {Key: "$properties", Value: h()}}},
				&Object{Fields: []Field{{Key: "$event_name", Value: "$transaction_confirmed"}, {Key: "$ts", Value: h()}, {Key: "$properties", Value: &Object{Fields: []Field{
					{Key: "$url", Value: h()}, {Key: "$items", Value: []any{h(), &Object{Fields: []Field{
						{Key: "$id", Value: h()}, {Key: "$qty", Value: h()}, {Key: "$price", Value: h()}, {Key: "$discount", Value: h()},
					}}}},
				}}}}},
				&Object{Fields: []Field{{Key: "$event_name", Value: "$page_view"}, {Key: "$ts", Value: h()}, {Key: "$properties", Value: h()}}},
				&Object{Fields: []Field{{Key: "$event_name", Value: "$ad_view"}, {Key: "$ts", Value: h()}, {Key: "$properties", Value: h()}}},
			}},
		}}
	},
	func(h func() *Hole) *Object { // a whole identifier entry
		return &Object{Fields: []Field{
			{Key: "$ts", Value: h()}, {Key: "$type", Value: "TOUCH"}, {Key: "$user_identifiers", Value: []any{h()}},
		}}
	},
}

// fill replaces the holes of a template by values, in a copy.
func fill(v any, vals map[*Hole]any) any {
	switch x := v.(type) {
	case *Hole:
		return vals[x]
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fill(e, vals)
		}
		return out
	case *Object:
		o := &Object{}
		for _, f := range x.Fields {
			o.Fields = append(o.Fields, Field{Key: f.Key, Value: fill(f.Value, vals)})
		}
		return o
	}
	return v
}

// TestPlanMatchesValidate fills planned templates with random values: the
// first failing hole check must be exactly Validate's violation, with the
// same Rules.
func TestPlanMatchesValidate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	r := allowing(t, "$events[].$properties.$url", "$events[].$properties.$items[].$discount")
	for ti, build := range planTemplates {
		var holes []*Hole
		tmpl := build(func() *Hole { h := &Hole{}; holes = append(holes, h); return h })
		if err := r.Plan(tmpl, holes); err != nil {
			t.Fatalf("template %d: %v", ti, err)
		}
		good := map[*Hole]any{}
		for _, h := range holes {
			good[h] = goodValue(h)
		}
		for range 5000 {
			vals := map[*Hole]any{}
			for _, h := range holes {
				vals[h] = planValues[rng.IntN(len(planValues))]
				if rng.IntN(3) > 0 { // mostly good values, so that later holes are reached
					vals[h] = good[h]
				}
			}
			want := r.Validate(fill(tmpl, vals).(*Object))
			var got error
			for _, h := range holes {
				if got = h.Check(vals[h]); got != nil {
					break
				}
			}
			if (got == nil) != (want == nil) || (got != nil && got.Error() != want.Error()) {
				t.Fatalf("template %d, values %v:\n plan: %v\n validate: %v", ti, fill(tmpl, vals), got, want)
			}
		}
	}
}

// goodValue is a value that passes the hole's rule, found by trying them.
func goodValue(h *Hole) any {
	for _, v := range planValues {
		if h.Check(v) == nil {
			return v
		}
	}
	return nil
}

func TestPlanRefuses(t *testing.T) {
	h := &Hole{}
	for name, tmpl := range map[string]*Object{
		"event name": {Fields: []Field{{Key: "$ts", Value: int64(1e12)}, {Key: "$type", Value: "TOUCH"}, {Key: "$user_agent_id", Value: "a"},
			{Key: "$events", Value: []any{&Object{Fields: []Field{{Key: "$event_name", Value: h}, {Key: "$ts", Value: int64(1e12)}}}}}}},
		"identifier type": {Fields: []Field{{Key: "$ts", Value: int64(1e12)}, {Key: "$type", Value: "TOUCH"},
			{Key: "$user_identifiers", Value: []any{&Object{Fields: []Field{{Key: "$type", Value: h}, {Key: "$user_agent_id", Value: "a"}}}}}}},
		"latlon": {Fields: []Field{{Key: "$ts", Value: int64(1e12)}, {Key: "$type", Value: "TOUCH"}, {Key: "$user_agent_id", Value: "a"},
			{Key: "$location", Value: &Object{Fields: []Field{{Key: "$latlon", Value: []any{h, 2.0}}}}}}},
	} {
		err := Plan(tmpl, []*Hole{h})
		if err == nil || !strings.Contains(err.Error(), errHoleHere.Error()) {
			t.Errorf("%s: Plan = %v, want %v", name, err, errHoleHere)
		}
	}
	fixed := &Object{Fields: []Field{{Key: "$ts", Value: h}, {Key: "$type", Value: "TOUCHE"}, {Key: "$user_agent_id", Value: "a"}}}
	var v *Violation
	if err := Plan(fixed, []*Hole{h}); !errors.As(err, &v) || v.Path != "$type" {
		t.Errorf("a bad constant: Plan = %v, want the $type violation", err)
	}
}
