package starter

import (
	"reflect"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"Order ID", []string{"order", "id"}},
		{"N° ticket", []string{"n", "ticket"}},
		{"Nº TICKET", []string{"no", "ticket"}},
		{"CustomerID", []string{"customer", "id"}},
		{"IDNumber", []string{"id", "number"}},
		{"Sub-Category", []string{"sub", "category"}},
		{"Qté", []string{"qte"}},
		{"ORDER_DATE", []string{"order", "date"}},
		{" Date d'achat ", []string{"date", "d", "achat"}},
		{"Prix (€)", []string{"prix"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := words(tt.name); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("words(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestRecognise(t *testing.T) {
	tests := []struct {
		name string
		role Role
		want bool
	}{
		{"Order ID", Order, true},
		{"Order Date", Order, false},
		{"Order Date", Date, true},
		{"Ship Date", Date, false},
		{"Date de livraison", Date, false},
		{"N° ticket", Order, true},
		{"N° COMMANDE", Order, true},
		{"InvoiceNo", Order, true},
		{"Row ID", Order, false},
		{"Customer ID", Customer, true},
		{"Customer Name", Customer, false},
		{"Carte fidélité", Customer, true},
		{"CODE CLIENT", Customer, true},
		{"member_id", Customer, true},
		{"Adresse e-mail", Email, true},
		{"Product ID", Product, true},
		{"Product Name", Product, false},
		{"Code article", Product, true},
		{"StockCode", Product, true},
		{"Qté", Quantity, true},
		{"qty", Quantity, true},
		{"Prix unitaire TTC", UnitPrice, true},
		{"Montant TTC", Amount, true},
		{"Sales", Amount, true},
		{"Discount", Amount, false},
		{"Magasin", Store, true},
		{"Libellé magasin", Store, false},
		{"Rayon", Category, true},
		{"Sub-Category", Category, false},
		{"Sub-Category", SubCategory, true},
		{"Heure", TimeOfDay, true},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.role.String(), func(t *testing.T) {
			if got := recognise(tt.role, tt.name) > 0; got != tt.want {
				t.Errorf("recognise(%s, %q) = %v, want %v", tt.role, tt.name, got, tt.want)
			}
		})
	}
}

// profileOf profiles one column of values.
func profileOf(name string, values ...string) *Column {
	p := NewProfile([]string{name})
	for _, v := range values {
		p.Add([]string{v})
	}
	return p.Columns(false)[0]
}

func TestColumnTypes(t *testing.T) {
	tests := []struct {
		name      string
		column    string
		values    []string
		typ       string
		format    string
		decimal   string
		optional  bool
		ambiguous string
	}{
		{name: "ints", column: "Quantity", values: []string{"1", "12", "-3"}, typ: "int"},
		{name: "money ints are decimals", column: "Prix", values: []string{"5", "12"}, typ: "decimal"},
		{name: "quantities stay ints", column: "Qté", values: []string{"5", "12"}, typ: "int"},
		{name: "decimals", column: "Sales", values: []string{"261.96", "14.62"}, typ: "decimal"},
		{name: "decimal comma", column: "Montant", values: []string{"2,79", "5,58", "12"}, typ: "decimal", decimal: ","},
		{name: "thousands and decimal comma", column: "Montant", values: []string{"1 234,50", "2,00"}, typ: "decimal", decimal: ","},
		{name: "empty cells make it optional", column: "Discount", values: []string{"0.2", "", " "}, typ: "decimal", optional: true},
		{name: "leading zeros stay text", column: "Article", values: []string{"0000000000017", "3270190207924"}, typ: "string"},
		{name: "ids stay text", column: "Customer ID", values: []string{"12", "13"}, typ: "string"},
		{name: "postal codes stay text", column: "Postal Code", values: []string{"42420", "90036"}, typ: "string"},
		{name: "long digit runs stay text", column: "Barre", values: []string{"2900007654321"}, typ: "string"},
		{name: "month first", column: "Order Date", values: []string{"6/5/2016", "6/16/2016"}, typ: "time", format: "%m/%d/%Y"},
		{name: "day first", column: "Date", values: []string{"28/12/2024", "05/03/2024"}, typ: "time", format: "%d/%m/%Y"},
		{name: "ambiguous", column: "Date", values: []string{"05/03/2024", "06/03/2024"}, typ: "time", format: "%m/%d/%Y", ambiguous: "%d/%m/%Y"},
		{name: "two-digit years", column: "Date", values: []string{"28/12/24", "05/03/24"}, typ: "time", format: "%d/%m/%y"},
		{name: "with times", column: "InvoiceDate", values: []string{"12/1/2010 8:26", "12/13/2010 14:05"}, typ: "time", format: "%m/%d/%Y %H:%M"},
		{name: "with seconds and AM/PM", column: "Date", values: []string{"3/5/2024 2:30:00 PM", "3/15/2024 9:05:59 AM"}, typ: "time", format: "%m/%d/%Y %I:%M:%S %p"},
		{name: "iso 8601", column: "occurred_at", values: []string{"2024-06-21T16:01:53+02:00", "2024-02-28"}, typ: "time", format: "iso8601"},
		{name: "month names", column: "Date", values: []string{"05-Mar-2024", "17-févr.-2024"}, typ: "time", format: "%d-%b-%Y"},
		{name: "unix seconds", column: "timestamp", values: []string{"1709650200", "1709650300"}, typ: "time", format: "unix"},
		{name: "unix ms", column: "created_at", values: []string{"1709650200000"}, typ: "time", format: "unix_ms"},
		{name: "optional dates", column: "Date", values: []string{"2024-03-05", ""}, typ: "time", format: "iso8601", optional: true},
		{name: "times of day stay text", column: "Heure", values: []string{"20:29", "08:49"}, typ: "string"},
		{name: "booleans", column: "Newsletter", values: []string{"oui", "non", "Oui"}, typ: "bool"},
		{name: "0 and 1 are ints", column: "Flag", values: []string{"0", "1"}, typ: "int"},
		{name: "text", column: "Name", values: []string{"Claire", "12"}, typ: "string"},
		{name: "always empty", column: "Notes", values: []string{"", ""}, typ: "string"},
		{name: "a misfit makes it text", column: "Quantity", values: []string{"1", "five"}, typ: "string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := profileOf(tt.column, tt.values...)
			got := []string{c.Type, c.Format, c.Decimal, c.Ambiguous}
			want := []string{tt.typ, tt.format, tt.decimal, tt.ambiguous}
			if !reflect.DeepEqual(got, want) || c.Optional != tt.optional {
				t.Errorf("got type, format, decimal, ambiguous %q optional %v; want %q optional %v (why: %s)", got, c.Optional, want, tt.optional, c.Why)
			}
		})
	}
}

func TestNearType(t *testing.T) {
	values := []string{"1", "2", "3", "five", "4"}
	c := profileOf("Quantity", values...)
	if c.Type != "string" || c.Near == nil || c.Near.Type != "int" || c.Near.Misfits != 1 || c.Near.Misfit != "five" {
		t.Fatalf("got %+v (near %+v), want a text column near int with 1 misfit, five", c, c.Near)
	}
	c = profileOf("Quantity", "1", "x", "y", "z", "w")
	if c.Near != nil {
		t.Errorf("got near %+v for a column of words, want none", c.Near)
	}
}

func TestRepeats(t *testing.T) {
	if c := profileOf("Order ID", "A", "B", "A"); !c.Repeats {
		t.Error("A, B, A: got no repeat")
	}
	if c := profileOf("Order ID", "A", "B", "C"); c.Repeats {
		t.Error("A, B, C: got a repeat")
	}
	c := profileOf("event", "purchase", "signup", "purchase")
	if want := []string{"purchase", "signup"}; !reflect.DeepEqual(c.Distinct, want) {
		t.Errorf("distinct %q, want %q", c.Distinct, want)
	}
	many := make([]string, maxDistinct+1)
	for i := range many {
		many[i] = strings.Repeat("x", i+1)
	}
	if c := profileOf("event", many...); c.Distinct != nil {
		t.Errorf("got %d distinct values listed past the limit of %d", len(c.Distinct), maxDistinct)
	}
}
