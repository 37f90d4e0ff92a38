package input

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
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

// TestTextColumnsPadded pads the text cells that start with a digit or '-'
// in the columns Options.TextColumns names, and nothing else: not the
// header, not a number cell, not text in another column; without a header
// line, the first row is padded too.
func TestTextColumnsPadded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "book.xlsx")
	f := excelize.NewFile()
	for cell, v := range map[string]any{
		"A1": "1.234", "B1": "-5", "C1": "abc",
		"A2": 1.234, "B2": "-5", "C2": "2024-01-31",
		"A3": "x1", "B3": -5, "C3": "",
	} {
		check(t, f.SetCellValue("Sheet1", cell, v))
	}
	check(t, f.SaveAs(path))
	check(t, f.Close())
	tests := []struct {
		name   string
		header bool
		want   string
	}{
		{"header line", true, "1.234,-5,abc\n1.234,\" -5\",2024-01-31\nx1,-5,\n"},
		{"no header line", false, "\" 1.234\",\" -5\",abc\n1.234,\" -5\",2024-01-31\nx1,-5,\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var first []string
			opts := Options{Header: tt.header, Names: []string{"a", "b", "c"}, TextColumns: func(row []string) []bool {
				first = slices.Clone(row)
				return []bool{true, true, false}
			}}
			in, err := Open(context.Background(), path, opts)
			check(t, err)
			defer in.Close()
			got := ""
			if tt.header {
				got = strings.Join(in.Header(), ",") + "\n"
			}
			for {
				b, err := in.Next(batchTarget)
				check(t, err)
				if b == nil {
					break
				}
				got += string(b.Data)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !slices.Equal(first, []string{"1.234", "-5", "abc"}) {
				t.Errorf("TextColumns was given %q, want the first row", first)
			}
		})
	}
}
