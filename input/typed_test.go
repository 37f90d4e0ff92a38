package input

import (
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestScaled(t *testing.T) {
	tests := []struct {
		unscaled string
		scale    int
		want     string
	}{
		{"12345", 2, "123.45"},
		{"1200", 2, "12.00"},
		{"5", 3, "0.005"},
		{"-5", 3, "-0.005"},
		{"-12345", 2, "-123.45"},
		{"0", 2, "0.00"},
		{"42", 0, "42"},
	}
	for _, tt := range tests {
		if got := scaled(tt.unscaled, tt.scale); got != tt.want {
			t.Errorf("scaled(%q, %d): got %q, want %q", tt.unscaled, tt.scale, got, tt.want)
		}
	}
}

func TestIsDateFormat(t *testing.T) {
	custom := func(s string) *excelize.Style { return &excelize.Style{CustomNumFmt: &s} }
	tests := []struct {
		name  string
		style *excelize.Style
		want  bool
	}{
		{"general", &excelize.Style{NumFmt: 0}, false},
		{"two decimals", &excelize.Style{NumFmt: 2}, false},
		{"built-in m/d/yy", &excelize.Style{NumFmt: 14}, true},
		{"built-in h:mm", &excelize.Style{NumFmt: 20}, true},
		{"text", &excelize.Style{NumFmt: 49}, false},
		{"custom date", custom("dd/mm/yyyy"), true},
		{"custom time", custom("hh:mm"), true},
		{"currency with a quoted word", custom(`"Sum:" #,##0.00 [$EUR]`), false},
		{"escaped d", custom(`0.0\d`), false},
		{"colour and number", custom(`[Red]#,##0;[Blue]-#,##0`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isDateFormat(tt.style); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want container
	}{
		{"\x1f\x8b\x08\x00", gzipped},
		{"\x28\xb5\x2f\xfd\x00", zstded},
		{"PK\x03\x04", zipped},
		{"PK\x05\x06", zipped},
		{"PAR1\x15", parquetFile},
		{"Order ID,Date\n", plain},
		{"P", plain},
		{"", plain},
	}
	for _, tt := range tests {
		if got := sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("sniff(%q): got %d, want %d", tt.head, got, tt.want)
		}
	}
}
