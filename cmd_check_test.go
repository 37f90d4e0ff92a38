package main

import (
	"fmt"
	"strings"
	"testing"
)

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

// writeFile writes content to dir/name and returns its path.
