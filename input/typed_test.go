package input

import (
	"testing"
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
	tests := []struct {
		name string
		id   int    // a built-in format, when code is ""
		code string // a custom format
		want bool
	}{
		{"general", 0, "", false},
		{"two decimals", 2, "", false},
		{"built-in m/d/yy", 14, "", true},
		{"built-in h:mm", 20, "", true},
		{"text", 49, "", false},
		{"custom date", 0, "dd/mm/yyyy", true},
		{"custom time", 0, "hh:mm", true},
		{"currency with a quoted word", 0, `"Sum:" #,##0.00 [$EUR]`, false},
		{"escaped d", 0, `0.0\d`, false},
		{"colour and number", 0, `[Red]#,##0;[Blue]-#,##0`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := isDateID(tt.id)
			if tt.code != "" {
				got = isDateCode(tt.code)
			}
			if got != tt.want {
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
