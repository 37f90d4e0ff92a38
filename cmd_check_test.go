package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestReasonKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{`column "Order Date": "13/45/2016" does not match %d/%m/%Y: month 45 out of range`,
			`column "Order Date": "99/99/2016" does not match %d/%m/%Y: month 99 out of range`},
		{`column "Quantity": "five" is not an integer`, `column "Quantity": "" is not an integer`},
		{`row has 16 fields, the header has 21`, `row has 3 fields, the header has 21`},
		{`activity breaks a rule: $events[0].$properties.$items[2].$qty: must be a number, got string "x"`,
			`activity breaks a rule: $events[0].$properties.$items[11].$qty: must be a number, got string "yy \" z"`},
	}
	for _, tt := range tests {
		if ka, kb := reasonKey(tt.a), reasonKey(tt.b); ka != kb {
			t.Errorf("%q and %q group apart: %q, %q", tt.a, tt.b, ka, kb)
		}
	}
	apart := [][2]string{
		{`column "Order Date": "1" is not an integer`, `column "Ship Date": "1" is not an integer`},
		{`column "Quantity": "five" is not an integer`, `column "Quantity": "five" is not a number`},
		{`column "Address 2": "x" is not an integer`, `column "Address 3": "x" is not an integer`},
	}
	for _, p := range apart {
		if reasonKey(p[0]) == reasonKey(p[1]) {
			t.Errorf("%q and %q group together", p[0], p[1])
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
