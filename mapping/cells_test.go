package mapping

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestCellsMatchRow types random rows with Row, writes their typed values
// with AppendCells and reads them back with CellsRow: the same values,
// times with the same zone, or ok false and nothing written.
func TestCellsMatchRow(t *testing.T) {
	columns := `input: {timezone: America/New_York}
columns:
  Order ID: {type: bool, optional: true}
  Order Date: {type: time, format: "%Y-%m-%d %H:%M"}
  Customer ID: {type: time, format: iso8601, optional: true}
  Product ID: {type: time, format: unix, optional: true}
  Quantity: {type: int, optional: true}
  Sales: {type: decimal, decimal_separator: ","}
  Discount: {type: float, optional: true}
`
	cells := [][]string{
		{"yes", "0", "", "faux"},
		{"2016-11-08 10:30", "2024-03-10 02:30", "1969-12-31 23:59"},
		{"", "2016-11-08T10:30:00Z", "2016-11-08T10:30:00+02:00", "2016-11-08T10:30:00.123456789"},
		{"", "1478601000"},
		{"", "3", "-9223372036854775808", "9223372036854775807"},
		{"731,94", "-0,10", "0", "9999999999999999999", "-9223372036854775807", "0,0000000000000000001"},
		{"", "0.2", "-1e300", "5e-324"},
		{"Chairs", "", "x"},
	}
	m, err := parse("m.yaml", []byte("version: 1\n"+columns+"activity:\n  v: ${ row }\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Compile(testHeader)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewChaCha8([32]byte{7}))
	stored, declined := 0, 0
	for range 3000 {
		fields := make([]string, len(cells))
		for c := range cells {
			fields[c] = cells[c][rng.IntN(len(cells[c]))]
		}
		want, err := p.Row(fields)
		if err != nil {
			t.Fatalf("row %q: %v", fields, err)
		}
		out, ok := p.AppendCells([]byte("x"), want)
		if !ok {
			if string(out) != "x" {
				t.Fatalf("row %q: declined but wrote %q", fields, out)
			}
			declined++
			continue
		}
		got, err := p.CellsRow(fields, out[1:])
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("row %q:\n got %#v, %v\nwant %#v", fields, got, err, want)
		}
		stored++
	}
	t.Logf("%d rows stored typed, %d declined", stored, declined)
	if stored == 0 || declined == 0 {
		t.Errorf("%d rows stored typed, %d declined: the rows do not test both", stored, declined)
	}
	if _, err := p.CellsRow(make([]string, len(cells)), []byte{cellInt}); err == nil {
		t.Error("truncated cells read back without an error")
	}
}
