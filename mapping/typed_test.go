package mapping

import (
	"fmt"
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
}

// fmtValue prints a typed value as fmt does.
func fmtValue(v any) string { return fmt.Sprint(v) }
