package main

import (
	"fmt"
	"strings"
	"testing"

	"csv2activity/transform"
)

// TestRejectKey: rejects that differ only by the offending value, the row,
// the group or the index in a list group together; a different column,
// place, kind or part of the group keeps them apart.
func TestRejectKey(t *testing.T) {
	cell := func(col, value, reason string) transform.Reject {
		return transform.Reject{Kind: transform.RejectCell, Column: col, Value: value, Reason: reason}
	}
	rule := func(place string) transform.Reject {
		return transform.Reject{Kind: transform.RejectRule, Place: place}
	}
	fell := func(r transform.Reject, key string, byOther bool) transform.Reject {
		r.Group, r.ByOther = key, byOther
		return r
	}
	together := [][2]transform.Reject{
		{cell("Order Date", "13/45/2016", "month 45"), cell("Order Date", "99/99/2016", "month 99")},
		{cell("Quantity", "five", ""), cell("Quantity", "", "")},
		{{Kind: transform.RejectFields, Reason: "row has 16 fields"}, {Kind: transform.RejectFields, Reason: "row has 3 fields"}},
		{rule("$events[0].$properties.$items[2].$qty"), rule("$events[0].$properties.$items[11].$qty")},
		{fell(cell("Quantity", "five", ""), "A", true), fell(cell("Quantity", "x", ""), "B", true)},
	}
	for _, p := range together {
		if ka, kb := keyOf(&p[0]), keyOf(&p[1]); ka != kb {
			t.Errorf("%+v and %+v group apart: %v, %v", p[0], p[1], ka, kb)
		}
	}
	apart := [][2]transform.Reject{
		{cell("Order Date", "1", ""), cell("Ship Date", "1", "")},
		{cell("Quantity", "five", ""), {Kind: transform.RejectExpression, Column: "Quantity"}},
		{rule("$events[0].$ts"), rule("$ts")},
		{cell("Quantity", "five", ""), fell(cell("Quantity", "five", ""), "A", false)},
		{fell(cell("Quantity", "five", ""), "A", false), fell(cell("Quantity", "five", ""), "A", true)},
	}
	for _, p := range apart {
		if keyOf(&p[0]) == keyOf(&p[1]) {
			t.Errorf("%+v and %+v group together", p[0], p[1])
		}
	}
}

// TestCheckGroupsReasons checks an export whose rows break in three ways,
// many times each: one group per way, largest first, with the first full
// reason, the count and the first five lines.
func TestCheckGroupsReasons(t *testing.T) {
	var b strings.Builder
	b.WriteString("order,date,customer,qty\n")
	for i := range 40 {
		switch {
		case i%4 == 1:
			fmt.Fprintf(&b, "A%d,%d/45/2016,c,1\n", i, 13+i%10)
		case i%10 == 3:
			fmt.Fprintf(&b, "A%d,01/02/2016,c,x%d\n", i, i)
		case i == 20:
			fmt.Fprintf(&b, "A%d,01/02/2016,c\n", i)
		default:
			fmt.Fprintf(&b, "A%d,01/02/2016,c,%d\n", i, i)
		}
	}
	dir := t.TempDir()
	input := writeFile(t, dir, "orders.csv", b.String())
	m := writeFile(t, dir, "m.yaml", "version: 1\ncolumns:\n  date: {type: time, format: \"%d/%m/%Y\"}\n  qty: int\n"+
		"activity:\n  $type: TOUCH\n  $ts: ${ date }\n  $user_account_id: ${ customer }\n")
	res := runCLI(t, "", nil, nil, "check", "-m", m, input)
	if res.code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", res.code, res.stdout, res.stderr)
	}
	want := []string{
		"13 rows rejected, for 3 reasons:",
		`  10 rows: column "date": "14/45/2016" does not match %d/%m/%Y: month 45 out of range (lines 3, 7, 11, 15, 19, …)`,
		`  2 rows: column "qty": "x3" is not an integer (lines 5, 25)`,
		"  1 row: row has 3 fields, the header has 4 (line 22)",
	}
	if got := strings.Join(strings.Split(res.stdout, "\n")[1:5], "\n"); got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}
