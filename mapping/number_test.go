package mapping

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/govalues/decimal"
)

// numberColumns are the column configurations the number tests and fuzz
// targets read with: American, French and German exports, a Swiss one.
var numberColumns = []Column{
	{Name: "n", Type: Int, DecimalSeparator: '.'},
	{Name: "n", Type: Int, DecimalSeparator: '.', ThousandsSeparator: ","},
	{Name: "n", Type: Int, DecimalSeparator: '.', ThousandsSeparator: " "},
	{Name: "n", Type: Float, DecimalSeparator: '.'},
	{Name: "n", Type: Float, DecimalSeparator: ','},
	{Name: "n", Type: Float, DecimalSeparator: ',', ThousandsSeparator: " "},
	{Name: "n", Type: Decimal, DecimalSeparator: '.'},
	{Name: "n", Type: Decimal, DecimalSeparator: '.', ThousandsSeparator: ","},
	{Name: "n", Type: Decimal, DecimalSeparator: ',', ThousandsSeparator: "."},
	{Name: "n", Type: Decimal, DecimalSeparator: '.', ThousandsSeparator: "'"},
}

// numberCases: cfg indexes numberColumns; want is the JSON of the value, or
// "" when the cell is refused.
var numberCases = []struct {
	cfg  int
	in   string
	want string
}{
	{0, "42", "42"}, {0, " -7 ", "-7"}, {0, "+7", "7"}, {0, "007", "7"}, {0, "-0", "0"},
	{0, "9223372036854775807", "9223372036854775807"}, {0, "-9223372036854775808", "-9223372036854775808"},
	{0, "9223372036854775808", ""}, {0, "1_000", ""}, {0, "0x1F", ""}, {0, "1e3", ""}, {0, "3.0", ""},
	{0, "3.5", ""}, {0, "1,234", ""}, {0, "- 5", ""}, {0, "+-5", ""}, {0, "５", ""}, {0, "−5", ""},
	{1, "1,234", "1234"}, {1, "1,234,567", "1234567"}, {1, "-12,345", "-12345"}, {1, "1234", "1234"},
	{1, "1,23", ""}, {1, "1234,567", ""}, {1, ",123", ""}, {1, "1,234,", ""}, {1, "1,,234", ""},
	{2, "1 234", "1234"}, {2, "1\u00a0234", "1234"}, {2, "1\u202f234 567", "1234567"}, {2, "1  234", ""},
	{3, "1.5", "1.5"}, {3, "-0.25", "-0.25"}, {3, ".5", "0.5"}, {3, "5.", "5"}, {3, "1e3", "1000"},
	{3, "+1.5E-3", "0.0015"}, {3, "1_000", ""}, {3, "1_0.5", ""}, {3, "0x1p-2", ""}, {3, "Inf", ""},
	{3, "-inf", ""}, {3, "NaN", ""}, {3, "1e400", ""}, {3, "1e", ""}, {3, ".", ""}, {3, "1,5", ""},
	{3, "e5", ""}, {3, "1.5.2", ""},
	{4, "-0,25", "-0.25"}, {4, "1,5e2", "150"}, {4, "1.5", ""}, {4, "1,234,5", ""},
	{5, "1 234,5", "1234.5"}, {5, "12 345 678,9", "12345678.9"}, {5, "1 23,5", ""},
	{6, "731.94", "731.94"}, {6, "-0.10", "-0.1"}, {6, "0.0000000000000000001", "0.0000000000000000001"},
	{6, "0.00000000000000000001", ""}, {6, "1.50000000000000000000", "1.5"}, {6, "9999999999999999999", "9999999999999999999"},
	{6, "99999999999999999999", ""}, {6, "123456789012.12345678", ""}, {6, "1e3", ""}, {6, "1_000.5", ""},
	{6, "NaN", ""}, {6, "00000000000000000000012.5", "12.5"},
	{7, "1,234.56", "1234.56"}, {7, "1234.56", "1234.56"}, {7, "1,23.4", ""},
	{8, "1.234,56", "1234.56"}, {8, "1234,56", "1234.56"}, {8, "1,234.56", ""}, {8, "12.50", ""},
	{9, "1'234.50", "1234.5"}, {9, "1'2'3", ""},
}

func TestNumberCells(t *testing.T) {
	for _, tt := range numberCases {
		c := numberColumns[tt.cfg]
		t.Run(c.Type.String()+"/"+tt.in, func(t *testing.T) {
			v, err := c.parse(tt.in)
			switch {
			case tt.want == "" && err == nil:
				t.Errorf("%s column %+q: got %v, want it refused", c.Type, tt.in, v)
			case tt.want != "" && err != nil:
				t.Errorf("%s column %+q: got %v, want %s", c.Type, tt.in, err, tt.want)
			case tt.want != "":
				if got := text(v); got != tt.want {
					t.Errorf("%s column %+q: got %s, want %s", c.Type, tt.in, got, tt.want)
				}
			}
		})
	}
}

// referencePattern is the syntax a column accepts, as a regular expression
// written from the README's words, independently of number.go.
func referencePattern(c *Column) *regexp.Regexp {
	whole := `\d+`
	if c.ThousandsSeparator != "" {
		sep := regexp.QuoteMeta(c.ThousandsSeparator)
		if c.ThousandsSeparator == " " {
			sep = `[ \x{a0}\x{202f}]`
		}
		whole = `(?:\d+|\d{1,3}(?:` + sep + `\d{3})+)`
	}
	mantissa := whole
	if c.Type != Int {
		ds := regexp.QuoteMeta(string(c.DecimalSeparator))
		mantissa = `(?:` + whole + `(?:` + ds + `\d*)?|` + ds + `\d+)`
	}
	exp := ""
	if c.Type == Float {
		exp = `(?:[eE][+-]?\d+)?`
	}
	return regexp.MustCompile(`^[+-]?` + mantissa + exp + `$`)
}

// referenceNumber is the exact value a cell the pattern accepts writes:
// separators removed, the decimal separator made a dot.
func referenceNumber(c *Column, t string) string {
	for _, sep := range []string{c.ThousandsSeparator, "\u00a0", "\u202f"} {
		if sep != "" && (sep == c.ThousandsSeparator || c.ThousandsSeparator == " ") {
			t = strings.ReplaceAll(t, sep, "")
		}
	}
	return strings.Replace(t, string(c.DecimalSeparator), ".", 1)
}

var patterns sync.Map // *Column -> its reference pattern

// checkCell compares Column.parse with the reference on one cell.
func checkCell(t *testing.T, c *Column, cell string) {
	got, err := c.parse(cell)
	s := strings.TrimSpace(cell)
	re, ok := patterns.Load(c)
	if !ok {
		re, _ = patterns.LoadOrStore(c, referencePattern(c))
	}
	if s == "" || !re.(*regexp.Regexp).MatchString(s) {
		if err == nil {
			t.Fatalf("%s column %+q: got %v, want it refused", c.Type, cell, got)
		}
		return
	}
	n := referenceNumber(c, s)
	switch c.Type {
	case Int:
		want, ok := new(big.Int).SetString(strings.TrimPrefix(n, "+"), 10)
		if !ok {
			t.Fatalf("reference cannot read %q", n)
		}
		if !want.IsInt64() {
			if err == nil {
				t.Fatalf("int column %+q: got %v, want out of range", cell, got)
			}
			return
		}
		if err != nil || int64(got.(int)) != want.Int64() {
			t.Fatalf("int column %+q: got %v, %v; want %d", cell, got, err, want)
		}
	case Float:
		want, werr := strconv.ParseFloat(n, 64)
		if werr != nil {
			if err == nil {
				t.Fatalf("float column %+q: got %v, want out of range", cell, got)
			}
			return
		}
		if err != nil || math.Float64bits(got.(float64)) != math.Float64bits(want) {
			t.Fatalf("float column %+q: got %v, %v; want %v", cell, got, err, want)
		}
	case Decimal:
		checkDecimal(t, cell, n, got, err)
	}
}

// checkDecimal: a decimal column holds the cell's exact value, or refuses it.
func checkDecimal(t *testing.T, cell, n string, got any, err error) {
	want, ok := new(big.Rat).SetString(n)
	if !ok {
		t.Fatalf("reference cannot read %q", n)
	}
	if !decimalHolds(want) {
		if err == nil {
			t.Fatalf("decimal column %+q: got %v, want it refused (it cannot be held exactly)", cell, got)
		}
		return
	}
	if err != nil {
		t.Fatalf("decimal column %+q: got %v, want %s", cell, err, want.FloatString(19))
	}
	back, _ := new(big.Rat).SetString(got.(decimal.Decimal).String())
	if back.Cmp(want) != 0 {
		t.Fatalf("decimal column %+q: got %v, want %s", cell, got, want.FloatString(19))
	}
}

// decimalHolds reports whether r is k / 10^s with s <= 19 and k of at most
// 19 digits.
func decimalHolds(r *big.Rat) bool {
	ten := big.NewInt(10)
	scaled := new(big.Rat).Set(r)
	for s := 0; s <= 19; s++ {
		if scaled.IsInt() {
			return len(new(big.Int).Abs(scaled.Num()).String()) <= 19
		}
		scaled.Mul(scaled, new(big.Rat).SetInt(ten))
	}
	return false
}

func fuzzNumbers(f *testing.F, kind Type) {
	for _, tt := range numberCases {
		if numberColumns[tt.cfg].Type == kind {
			f.Add(tt.in, uint8(tt.cfg))
		}
	}
	var cols []Column
	for _, c := range numberColumns {
		if c.Type == kind {
			cols = append(cols, c)
		}
	}
	f.Fuzz(func(t *testing.T, cell string, cfg uint8) {
		checkCell(t, &cols[int(cfg)%len(cols)], cell)
	})
}

// FuzzIntCell, FuzzFloatCell and FuzzDecimalCell compare the number cells'
// reading with the reference (a strict regular expression, then
// math/big or strconv), seeded from TestNumberCells.
func FuzzIntCell(f *testing.F)     { fuzzNumbers(f, Int) }
func FuzzFloatCell(f *testing.F)   { fuzzNumbers(f, Float) }
func FuzzDecimalCell(f *testing.F) { fuzzNumbers(f, Decimal) }

// FuzzBoolCell compares bool cells with the words the README lists.
func FuzzBoolCell(f *testing.F) {
	words := map[string]bool{"true": true, "t": true, "yes": true, "y": true, "1": true, "oui": true, "o": true, "vrai": true,
		"false": false, "f": false, "no": false, "n": false, "0": false, "non": false, "faux": false}
	for _, s := range []string{"true", " Oui ", "FAUX", "maybe", "", "2", "tru", "yes\x00"} {
		f.Add(s)
	}
	c := &Column{Name: "b", Type: Bool}
	f.Fuzz(func(t *testing.T, cell string) {
		got, err := c.parse(cell)
		want, ok := words[strings.ToLower(strings.TrimSpace(cell))]
		if ok != (err == nil) || (ok && got != want) {
			t.Fatalf("bool column %+q: got %v, %v; want %v (known: %v)", cell, got, err, want, ok)
		}
	})
}
