package cli

import (
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
