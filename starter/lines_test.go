package starter

import (
	"reflect"
	"strings"
	"testing"

	"github.com/govalues/decimal"
)

func TestEnds(t *testing.T) {
	tests := []struct {
		amount, qty string
		want        bool
	}{
		{"261.96", "2", true},
		{"731.94", "3", true},
		{"957.5775", "5", true},
		{"22.368", "2", true},
		{"10.00", "3", false},
		{"1", "7", false},
		{"0", "3", true},
		{"2.5", "0.5", true},
		{"1", "0.3", false},
		{"19.99", "6", false},
	}
	for _, tt := range tests {
		a, q := decimal.MustParse(tt.amount), decimal.MustParse(tt.qty)
		if got := ends(a, q); got != tt.want {
			t.Errorf("ends(%s / %s) = %v, want %v", tt.amount, tt.qty, got, tt.want)
		}
	}
}

// profileRows profiles a CSV text whose first line is the header.
func profileRows(text string) *Profile {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	p := NewProfile(strings.Split(lines[0], ","))
	for _, l := range lines[1:] {
		p.Add(strings.Split(l, ","))
	}
	return p
}

func TestCancelledPrefixes(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		want []string
		rows int
	}{
		{name: "cancelled invoices", csv: "InvoiceNo,Quantity\n536365,6\nC536379,-1\n536366,2\nC536383,-1\nC536383,-12\n", want: []string{"C"}, rows: 3},
		{name: "one cancelled invoice is no pattern", csv: "InvoiceNo,Quantity\n536365,6\nC536379,-1\nC536379,-2\n"},
		{name: "a prefix that also buys", csv: "InvoiceNo,Quantity\nC1,6\nC2,-1\nC3,-1\n536366,2\n"},
		{name: "a negative price marks the line", csv: "InvoiceNo,Quantity,UnitPrice\n1,1,5\nA2,1,-11062.06\nA3,1,-11062.06\n", want: []string{"A"}, rows: 2},
		{name: "every order is a return", csv: "InvoiceNo,Quantity\nC1,-1\nC2,-1\n"},
		{name: "no prefix", csv: "Order ID,Quantity\nCA-2016-1,1\nCA-2016-2,-1\nCA-2016-3,-1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := profileRows(tt.csv)
			got, rows := p.lines.prefixesOf(0).cancelled()
			if !reflect.DeepEqual(got, tt.want) || rows != tt.rows {
				t.Errorf("got %q on %d rows, want %q on %d", got, rows, tt.want, tt.rows)
			}
		})
	}
}

func TestCodesAndRates(t *testing.T) {
	tests := []struct {
		name    string
		csv     string
		col     int
		floatID bool
		short   int
		rate    bool
		why     string
	}{
		{name: "ids written as floats", csv: "CustomerID\n17850.0\n\n13047.0\n", floatID: true, why: `ids written as floats ("17850.0")`},
		{name: "a real decimal is no float id", csv: "CustomerID\n17850.0\n13047.5\n"},
		{name: "postal codes without their zeros", csv: "Postal Code\n10001\n2134\n94103\n501\n60614\n", short: 2, why: `2 values shorter than the 5 digits of the others`},
		{name: "postal codes of one length", csv: "Postal Code\n10001\n94103\n"},
		{name: "a rate between 0 and 1", csv: "Discount\n0\n0.2\n0.45\n", rate: true, why: "a rate, not money: 0.2 is 20 %"},
		{name: "a rate by name", csv: "Taux TVA\n20\n5.5\n", rate: true, why: "a rate or percentage"},
		{name: "a percentage by name", csv: "Remise %\n10\n0\n", rate: true},
		{name: "a discount above one is money", csv: "Discount\n0.5\n12.5\n", why: "money"},
		{name: "a discount taken off the amount is money", csv: "Prix,Qté,Remise,Montant\n2.79,2,0.50,5.08\n1.10,1,0.00,1.10\n", col: 2, why: "money"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := profileRows(tt.csv).Columns(false)[tt.col]
			if c.FloatID != tt.floatID || c.Short != tt.short || c.Rate != tt.rate || !strings.Contains(c.Why, tt.why) {
				t.Errorf("got float id %v, %d short, rate %v (%s); want %v, %d, %v (%s)", c.FloatID, c.Short, c.Rate, c.Why, tt.floatID, tt.short, tt.rate, tt.why)
			}
		})
	}
}
