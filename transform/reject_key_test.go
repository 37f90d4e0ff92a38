package transform

import "testing"

// TestRejectKey: rejects that differ only by the offending value, the row,
// the group or the index in a list group together; a different column,
// place, kind or part of the group keeps them apart.
func TestRejectKey(t *testing.T) {
	t.Parallel()
	cell := func(col, value, reason string) Reject {
		return Reject{Kind: RejectCell, Column: col, Value: value, Reason: reason}
	}
	rule := func(place string) Reject {
		return Reject{Kind: RejectRule, Place: place}
	}
	fell := func(r Reject, key string, byOther bool) Reject {
		r.Group, r.ByOther = key, byOther
		return r
	}
	together := [][2]Reject{
		{cell("Order Date", "13/45/2016", "month 45"), cell("Order Date", "99/99/2016", "month 99")},
		{cell("Quantity", "five", ""), cell("Quantity", "", "")},
		{{Kind: RejectFields, Reason: "row has 16 fields"}, {Kind: RejectFields, Reason: "row has 3 fields"}},
		{rule("$events[0].$properties.$items[2].$qty"), rule("$events[0].$properties.$items[11].$qty")},
		{fell(cell("Quantity", "five", ""), "A", true), fell(cell("Quantity", "x", ""), "B", true)},
	}
	for _, p := range together {
		if ka, kb := p[0].Key(), p[1].Key(); ka != kb {
			t.Errorf("%+v and %+v group apart: %v, %v", p[0], p[1], ka, kb)
		}
	}
	apart := [][2]Reject{
		{cell("Order Date", "1", ""), cell("Ship Date", "1", "")},
		{cell("Quantity", "five", ""), {Kind: RejectExpression, Column: "Quantity"}},
		{rule("$events[0].$ts"), rule("$ts")},
		{cell("Quantity", "five", ""), fell(cell("Quantity", "five", ""), "A", false)},
		{fell(cell("Quantity", "five", ""), "A", false), fell(cell("Quantity", "five", ""), "A", true)},
	}
	for _, p := range apart {
		if p[0].Key() == p[1].Key() {
			t.Errorf("%+v and %+v group together", p[0], p[1])
		}
	}
}
