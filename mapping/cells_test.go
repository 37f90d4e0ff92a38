package mapping

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// cellColumns declares a column of each type, optional or not, and
// cellChoices are cells for them (one list a column of testHeader): values
// with a binary form and values without one.
const cellColumns = `input: {timezone: America/New_York}
columns:
  Order ID: {type: bool, optional: true}
  Order Date: {type: time, format: "%Y-%m-%d %H:%M"}
  Customer ID: {type: time, format: iso8601, optional: true}
  Product ID: {type: time, format: unix, optional: true}
  Quantity: {type: int, optional: true}
  Sales: {type: decimal, decimal_separator: ","}
  Discount: {type: float, optional: true}
`

var cellChoices = [][]string{
	{"yes", "0", "", "faux"},
	{"2016-11-08 10:30", "2024-03-10 02:30", "1969-12-31 23:59"},
	{"", "2016-11-08T10:30:00Z", "2016-11-08T10:30:00+02:00", "2016-11-08T10:30:00.123456789"},
	{"", "1478601000"},
	{"", "3", "-9223372036854775808", "9223372036854775807"},
	{"731,94", "-0,10", "0", "9999999999999999999", "-9223372036854775807", "0,0000000000000000001"},
	{"", "0.2", "-1e300", "5e-324"},
	{"Chairs", "", "x"},
}

// compileCells compiles cellColumns with the rest of a mapping.
func compileCells(t *testing.T, rest string) *Program {
	t.Helper()
	m, err := parse("m.yaml", []byte("version: 1\n"+cellColumns+rest), false)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Compile(testHeader)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// randomCells is a row of cells drawn from cellChoices, each cell of a
// column with bad cells (one list a column) one of them once in 20.
func randomCells(rng *rand.Rand, bad [][]string) []string {
	fields := make([]string, len(cellChoices))
	for c := range cellChoices {
		fields[c] = cellChoices[c][rng.IntN(len(cellChoices[c]))]
		if c < len(bad) && len(bad[c]) > 0 && rng.IntN(20) == 0 {
			fields[c] = bad[c][rng.IntN(len(bad[c]))]
		}
	}
	return fields
}

// TestCellsMatchRow types random rows with Row, writes their typed values
// with AppendCells and reads them back with CellsRow: the same values,
// times with the same zone, or ok false and nothing written.
func TestCellsMatchRow(t *testing.T) {
	p := compileCells(t, "activity:\n  v: ${ row }\n")
	rng := rand.New(rand.NewChaCha8([32]byte{7}))
	stored, declined := 0, 0
	for range 3000 {
		fields := randomCells(rng, nil)
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
	if _, err := p.CellsRow(make([]string, len(cellChoices)), []byte{cellInt}); err == nil {
		t.Error("truncated cells read back without an error")
	}
}

// TestKeyCellsMatchKeyRow types random rows, good and bad, with KeyCells and
// with KeyRow then AppendCells, for mappings whose where and group_by read
// some columns, none, or the whole row, reading CSV text or a typed input's
// cells (TypedCells): the same stored cells, key and verdict, or the same
// error.
func TestKeyCellsMatchKeyRow(t *testing.T) {
	for _, rest := range []string{
		"",
		"group_by: ${ Sub_Category }\n",
		"where: ${ Sales > 0 }\ngroup_by: '${ string(Quantity) }'\n",
		"where: ${ Order_ID ?? true }\ngroup_by: ${ Product_ID }\n",
		"where: ${ row[\"Quantity\"] != 0 }\ngroup_by: ${ Sub_Category }\n",
	} {
		checkKeyCells(t, rest, compileCells(t, rest+"activity:\n  v: ${ Discount }\n"))
		typed := compileCells(t, rest+"activity:\n  v: ${ Discount }\n")
		typed.TypedCells()
		checkKeyCells(t, "typed, "+rest, typed)
	}
}

// checkKeyCells is TestKeyCellsMatchKeyRow for one program, p, named by rest.
func checkKeyCells(t *testing.T, rest string, p *Program) {
	t.Helper()
	bad := [][]string{{"maybe"}, {"2016-13-45 10:30", "", "2016-11-08T10:30:00"}, {"tomorrow"}, {"x"}, {"1.5", "x", " 12"}, {"", "1,2,3", "1.5"}, {"abc"}, {}}
	keyCells, keyRow := p.NewEvaluator(), p.NewEvaluator()
	rng := rand.New(rand.NewChaCha8([32]byte{9}))
	kept, refused := 0, 0
	for range 3000 {
		fields := randomCells(rng, bad)
		wantKey, want, wantPass, wantErr := keyRow.KeyRow(fields, false)
		wantOut := "x"
		if wantErr == nil && wantPass {
			out, ok := p.AppendCells([]byte("x\x01"), want)
			if wantOut = string(out); !ok {
				wantOut = "x\x00"
			}
		}
		out, key, pass, err := keyCells.KeyCells([]byte("x"), fields)
		if string(out) != wantOut || key != wantKey || pass != wantPass || (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("%q, row %q:\n  KeyCells: %q %q %v %v\nKeyRow and AppendCells: %q %q %v %v", rest, fields, out, key, pass, err, wantOut, wantKey, wantPass, wantErr)
		}
		if len(out) > 1 {
			kept++
		} else {
			refused++
		}
	}
	if kept == 0 || refused == 0 {
		t.Errorf("%q: %d rows kept, %d refused: the rows do not test both", rest, kept, refused)
	}
}
