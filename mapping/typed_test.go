package mapping

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParseTyped holds a typed input's cell forms to their values, and
// leaves other text to the column's declaration.
func TestParseTyped(t *testing.T) {
	comma := Column{Name: "Prix", Type: Decimal, DecimalSeparator: ',', ThousandsSeparator: "."}
	dated := Column{Name: "Date", Type: Time, Format: "%d/%m/%Y", Timezone: time.UTC}
	qty := Column{Name: "Qty", Type: Int, DecimalSeparator: '.'}
	tests := []struct {
		name string
		col  Column
		cell string
		want string // the value as fmt prints it; "" when the cell is not in typed form
	}{
		{"decimal cell in a decimal-comma column", comma, "1.234", "1.234"},
		{"negative decimal", comma, "-12.5", "-12.5"},
		{"decimal comma text", comma, "12,50", ""},
		{"exponent is not a typed form", comma, "1e3", ""},
		{"date cell in a dd/mm/yyyy column", dated, "2016-06-05T00:00:00", "2016-06-05 00:00:00 +0000 UTC"},
		{"date text", dated, "05/06/2016", ""},
		{"integer", qty, "42", "42"},
		{"float in an int column", qty, "4.5", ""},
		{"text cell, padded", comma, " 1.234", ""},
		{"trailing space", comma, "1.234 ", ""},
		{"padded date text", dated, " 2016-06-05", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := tt.col.parseTyped(tt.cell)
			got := ""
			if ok {
				got = fmtValue(v)
			}
			if got != tt.want {
				t.Errorf("parseTyped(%q): got %q, want %q", tt.cell, got, tt.want)
			}
		})
	}
	typed := comma
	typed.typed = true
	if v, err := typed.parse("12,50"); err != nil || fmtValue(v) != "12.50" {
		t.Errorf("a text cell goes through the declaration: got %v, %v; want 12.50", v, err)
	}
	if v, err := typed.parse(" 1.234"); err != nil || fmtValue(v) != "1234" {
		t.Errorf("a padded text cell goes through the declaration: got %v, %v; want 1234", v, err)
	}
}

// fmtValue prints a typed value as fmt does.
func fmtValue(v any) string { return fmt.Sprint(v) }

// TestTypedColumns names the columns whose text cells a typed input pads:
// those declared int, float, decimal or time, bound as Compile binds them.
func TestTypedColumns(t *testing.T) {
	declared := []string{"version: 1", "columns:", "  Quantity: int", "  Sales: {type: decimal, decimal_separator: \",\"}",
		"  Order Date: time", "  Customer ID: string", "  Discount: bool"}
	tests := []struct {
		name  string
		input []string // the mapping's input: section
		line  []string
		want  []bool
	}{
		{"header", nil, []string{"Order Date", "Customer ID", "Quantity", "Sales", "Discount", "Note"},
			[]bool{true, false, true, true, false, false}},
		{"a name twice: the first is bound", nil, []string{"Sales", "Sales", "Quantity"},
			[]bool{true, false, true}},
		{"names replace the header line", []string{"input:", "  names: [Sales, Note, Quantity]"}, []string{"a", "b", "c"},
			[]bool{true, false, true}},
		{"names that do not fit", []string{"input:", "  names: [Sales, Note]"}, []string{"a", "b", "c"}, nil},
		{"no header line", []string{"input:", "  header: false", "  names: [Note, Quantity]"}, []string{"1", "2", "3"},
			[]bool{false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := append(append(slices.Clone(declared), tt.input...), "activity:", "  $type: TOUCH")
			m, err := parse("m.yaml", []byte(strings.Join(lines, "\n")+"\n"), false)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.TypedColumns(tt.line); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
