package mapping

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// maxRow holds the largest int64 in Quantity.
var maxRow = []string{"CA-1", "2016-11-08", "C-042", "P-1", "9223372036854775807", "731.94", "", "Chairs"}

// TestOverflowIsAnError runs integer arithmetic that does not fit 64 bits
// down every path (fast paths, the VM's patched operators, builtins, let
// variables, closures, constants): each must fail with ErrOverflow, naming
// the expression and its values, never wrap.
func TestOverflowIsAnError(t *testing.T) {
	tests := []struct {
		src  string
		rows int    // rows in the group (default 1)
		want string // in the message
	}{
		{src: "Quantity * 1000", want: "Quantity * 1000: integer overflow (9223372036854775807 * 1000)"},
		{src: "Quantity * 1000 + 0", want: "Quantity * 1000: integer overflow (9223372036854775807 * 1000)"},
		{src: "Quantity + 1", want: "Quantity + 1: integer overflow (9223372036854775807 + 1)"},
		{src: "(Quantity + 1) * 1", want: "Quantity + 1: integer overflow"},
		{src: "Quantity * Quantity", want: "Quantity * Quantity: integer overflow"},
		{src: "0 - Quantity - 2", want: "0 - Quantity - 2: integer overflow (-9223372036854775807 - 2)"},
		{src: "-Quantity - 2", want: "-Quantity - 2: integer overflow"},
		{src: "-(-Quantity - 1)", want: "-(-Quantity - 1): integer overflow"},
		{src: "abs(-Quantity - 1)", want: "abs(-Quantity - 1): integer overflow"},
		{src: "abs(Discount ?? (-Quantity - 1))", want: "integer overflow"},
		{src: "sum(rows, #.Quantity)", rows: 2, want: "sum(rows, .Quantity): integer overflow (9223372036854775807 + 9223372036854775807)"},
		{src: "sum(map(rows, #.Quantity))", rows: 2, want: "integer overflow (9223372036854775807 + 9223372036854775807)"},
		{src: "sum(rows, #.Quantity * 2)", want: ".Quantity * 2: integer overflow"},
		{src: "reduce(rows, #acc + #.Quantity, 1)", want: "#acc + .Quantity: integer overflow (1 + 9223372036854775807)"},
		{src: "reduce(1..3, #acc * Quantity, 2)", want: "#acc * Quantity: integer overflow"},
		{src: "let q = Quantity; q * 2", want: "q * 2: integer overflow"},
		{src: "[Quantity][0] * 2", want: "integer overflow"},
		{src: "9223372036854775807 + 1", want: "9223372036854775807 + 1: integer overflow"},
		{src: "int(float(Quantity) * 10)", want: "int(float(Quantity) * 10): integer overflow"},
		{src: "int(1.0 / 0.0)", want: "integer overflow"},
		{src: "int(decimal(\"9999999999999999999\"))", want: "integer overflow"},
		{src: "map(rows, #.Quantity + 1)", want: ".Quantity + 1: integer overflow"},
		{src: "now().Unix() * Quantity", want: "integer overflow"},
		{src: "-(now().Unix() * 0 + Quantity) - 2", want: "integer overflow"},
		{src: "duration(\"2562047h\") * 1000", want: "integer overflow (2562047h0m0s * 1000)"},
		{src: "millis(date(\"2020-01-01\") + duration(\"2562047h\") * 1000)", want: "integer overflow"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			rows := [][]string{maxRow}
			for range tt.rows - 1 {
				rows = append(rows, maxRow)
			}
			got, err := apply(t, typedColumns+"activity:\n  v: '${ "+tt.src+" }'\n", rows...)
			if !errors.Is(err, ErrOverflow) {
				t.Fatalf("got %s, %v; want an overflow error", got, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to hold %q", err, tt.want)
			}
		})
	}
}

// TestIntegerArithmeticInRange checks that the checked operators give
// expr's results (and types) when nothing overflows.
func TestIntegerArithmeticInRange(t *testing.T) {
	tests := []struct{ src, want string }{
		{"Quantity - 1", `9223372036854775806`},
		{"-Quantity", `-9223372036854775807`},
		{"-Quantity - 1", `-9223372036854775808`},
		{"abs(-Quantity)", `9223372036854775807`},
		{"abs(-5) + 1", `6`},
		{"int(2.9) + int(-2.9)", `0`},
		{"int(\"12\") * 2", `24`},
		{"Quantity / Quantity", `1`},
		{"Quantity % 10", `7`},
		{"(Quantity - Quantity) * 5 - 3", `-3`},
		{"sum([1, 2, 3])", `6`},
		{"reduce(1..4, #acc * #, 1)", `24`},
		{"2 ** 3", `8`},
		{"(now().Unix() * 0 + 7) * 1000 + 1", `7001`},
		{"abs(now().Unix() * 0 - 5) + -(now().Unix() * 0 + 2)", `3`},
		{"millis(date(\"2020-01-01\") + duration(\"1h\") * 2)", `1577840400000`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := apply(t, typedColumns+"activity:\n  v: '${ "+tt.src+" }'\n", maxRow)
			if err != nil {
				t.Fatal(err)
			}
			if want := `{"v":` + tt.want + `}`; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

// TestUnixMilliRange checks the one conversion of a time to an integer.
func TestUnixMilliRange(t *testing.T) {
	for _, tt := range []struct {
		t  time.Time
		ok bool
	}{
		{time.Unix(1700000000, 0), true},
		{time.Unix(math.MaxInt64/1000-1, 999e6), true},
		{time.Unix(math.MaxInt64/1000, 0), false},
		{time.Unix(math.MinInt64/1000-1, 0), false},
		{time.Unix(1<<62, 0), false},
	} {
		ms, err := unixMilli(tt.t)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrOverflow)) {
			t.Errorf("unixMilli(%d s): got %d, %v; want ok %v", tt.t.Unix(), ms, err, tt.ok)
		}
		if err == nil && ms/1000 != tt.t.Unix() {
			t.Errorf("unixMilli(%d s) = %d", tt.t.Unix(), ms)
		}
	}
}
