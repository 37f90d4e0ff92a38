package input

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestXLSXMatchesExcelize writes random workbooks with excelize (numbers
// small, large, negative and past 15 digits, dates and times in several
// date styles, 1904 workbooks, shared, rich and inline text, booleans,
// formulas, gaps in rows and columns, several sheets) and reads every sheet
// with the program's reader and with excelize's row iterator as the program
// read them before (excelizeRows): the rows must be the same, and the text
// cells marked as text.
func TestXLSXMatchesExcelize(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			path := filepath.Join(t.TempDir(), "book.xlsx")
			book := writeRandomBook(t, r, path)
			for _, sheet := range book.sheets {
				want, err := excelizeRows(path, sheet)
				if err != nil {
					t.Fatalf("excelize: sheet %q: %v", sheet, err)
				}
				got, text := readSheet(t, path, sheet)
				if !slices.EqualFunc(got, want, slices.Equal) {
					t.Fatalf("sheet %q:\n got %q\nwant %q", sheet, got, want)
				}
				for at := range book.text[sheet] {
					if at[0] >= len(text) || at[1] >= len(text[at[0]]) || !text[at[0]][at[1]] {
						t.Errorf("sheet %q: row %d, column %d: a text cell not marked as text", sheet, at[0]+1, at[1]+1)
					}
				}
				for i, row := range text {
					for j, isText := range row {
						if isText && got[i][j] != "" && !book.text[sheet][[2]int{i, j}] {
							t.Errorf("sheet %q: row %d, column %d (%q): marked as text", sheet, i+1, j+1, got[i][j])
						}
					}
				}
			}
		})
	}
}

// randomBook is what writeRandomBook wrote: its sheets, and the cells of
// text in each (0-based row and column).
type randomBook struct {
	sheets []string
	text   map[string]map[[2]int]bool
}

// writeRandomBook writes a random workbook of one to three sheets at path,
// the last written with excelize's stream writer (inline strings).
func writeRandomBook(t *testing.T, r *rand.Rand, path string) randomBook {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	w := &bookWriter{t: t, r: r, f: f, date1904: r.IntN(3) == 0}
	if w.date1904 {
		check(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &w.date1904}))
	}
	w.styles()
	book := randomBook{text: map[string]map[[2]int]bool{}}
	names := []string{"Sheet1", "Ventes", "Données 2024"}[:1+r.IntN(3)]
	for i, name := range names {
		if i > 0 {
			_, err := f.NewSheet(name)
			check(t, err)
		}
		book.sheets = append(book.sheets, name)
		if i == len(names)-1 && i > 0 {
			book.text[name] = w.streamed(name)
		} else {
			book.text[name] = w.sheet(name)
		}
	}
	check(t, f.SaveAs(path))
	return book
}

// bookWriter writes random cells to a workbook.
type bookWriter struct {
	t        *testing.T
	r        *rand.Rand
	f        *excelize.File
	date1904 bool
	dates    []int // date and time styles
	others   []int // number styles that are not dates
}

func (w *bookWriter) styles() {
	for _, st := range []*excelize.Style{{NumFmt: 14}, {NumFmt: 22}, {NumFmt: 20}, {NumFmt: 47}, custom("dd/mm/yyyy"), custom("yyyy-mm-dd hh:mm:ss"), custom(`[$-40C]d mmmm yyyy`)} {
		id, err := w.f.NewStyle(st)
		check(w.t, err)
		w.dates = append(w.dates, id)
	}
	for _, st := range []*excelize.Style{{NumFmt: 2}, {NumFmt: 4}, {NumFmt: 49}, custom(`#,##0.00 "€"`)} {
		id, err := w.f.NewStyle(st)
		check(w.t, err)
		w.others = append(w.others, id)
	}
}

func custom(code string) *excelize.Style { return &excelize.Style{CustomNumFmt: &code} }

// sheet fills a sheet cell by cell, with gaps, and returns its text cells.
func (w *bookWriter) sheet(name string) map[[2]int]bool {
	text := map[[2]int]bool{}
	rows := w.r.IntN(30)
	for row := 1; row <= rows; row++ {
		if w.r.IntN(6) == 0 {
			continue // a row left out
		}
		for col := 1; col <= 1+w.r.IntN(8); col++ {
			if w.r.IntN(4) == 0 {
				continue // a cell left out
			}
			cell, err := excelize.CoordinatesToCellName(col, row)
			check(w.t, err)
			if w.cell(name, cell) {
				text[[2]int{row - 1, col - 1}] = true
			}
		}
	}
	return text
}

// cell writes a random cell and reports whether it is a text cell that is
// not empty.
func (w *bookWriter) cell(sheet, cell string) bool {
	f, r, t := w.f, w.r, w.t
	switch r.IntN(12) {
	case 0:
		check(t, f.SetCellValue(sheet, cell, r.IntN(2_000_001)-1_000_000))
	case 1:
		check(t, f.SetCellValue(sheet, cell, math.Round(r.NormFloat64()*1e5)/100))
		check(t, f.SetCellStyle(sheet, cell, cell, w.others[r.IntN(len(w.others))]))
	case 2:
		check(t, f.SetCellValue(sheet, cell, randomNumber(r)))
	case 3, 4:
		at := randomTime(r)
		check(t, f.SetCellValue(sheet, cell, at))
		check(t, f.SetCellStyle(sheet, cell, cell, w.dates[r.IntN(len(w.dates))]))
		return w.beforeEpoch(at)
	case 5:
		check(t, f.SetCellFloat(sheet, cell, r.Float64()*62, -1, 64)) // Excel's first days
		check(t, f.SetCellStyle(sheet, cell, cell, w.dates[r.IntN(len(w.dates))]))
	case 6:
		check(t, f.SetCellValue(sheet, cell, -r.Float64()*1000)) // a negative date is a number
		check(t, f.SetCellStyle(sheet, cell, cell, w.dates[r.IntN(len(w.dates))]))
	case 7:
		s := randomText(r)
		check(t, f.SetCellStr(sheet, cell, s))
		return s != ""
	case 8:
		runs := []excelize.RichTextRun{{Text: randomText(r) + "x"}, {Text: randomText(r), Font: &excelize.Font{Bold: true}}}
		check(t, f.SetCellRichText(sheet, cell, runs))
		return true
	case 9:
		check(t, f.SetCellBool(sheet, cell, r.IntN(2) == 0))
	case 10:
		check(t, f.SetCellFormula(sheet, cell, "1+1"))
	default:
		check(t, f.SetCellStr(sheet, cell, "1.234"))
		return true
	}
	return false
}

// streamed writes a sheet with excelize's stream writer, whose strings are
// inline, and returns its text cells.
func (w *bookWriter) streamed(name string) map[[2]int]bool {
	sw, err := w.f.NewStreamWriter(name)
	check(w.t, err)
	text := map[[2]int]bool{}
	row := 0
	for range w.r.IntN(20) {
		row += 1 + w.r.IntN(2)
		cells := make([]any, 1+w.r.IntN(6))
		for j := range cells {
			switch w.r.IntN(5) {
			case 0:
				s := randomText(w.r)
				cells[j] = s
				text[[2]int{row - 1, j}] = s != ""
			case 1:
				cells[j] = randomNumber(w.r)
			case 2:
				at := randomTime(w.r)
				cells[j] = excelize.Cell{StyleID: w.dates[w.r.IntN(len(w.dates))], Value: at}
				text[[2]int{row - 1, j}] = w.beforeEpoch(at)
			case 3:
				cells[j] = w.r.IntN(2) == 0
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, row)
		check(w.t, err)
		check(w.t, sw.SetRow(cell, cells))
	}
	check(w.t, sw.Flush())
	for at, isText := range text {
		if !isText {
			delete(text, at)
		}
	}
	return text
}

// beforeEpoch reports whether excelize writes the time at as text: before
// 1904 in a 1904 workbook.
func (w *bookWriter) beforeEpoch(at time.Time) bool {
	return w.date1904 && at.Year() < 1904
}

// randomNumber is a number of any size: an integer past 15 digits, a float
// of 17, a tiny one, a negative one.
func randomNumber(r *rand.Rand) any {
	switch r.IntN(6) {
	case 0:
		return r.Int64()
	case 1:
		return r.Float64() * math.Pow(10, float64(r.IntN(40)-20))
	case 2:
		return -r.Float64() * 1e6
	case 3:
		return float64(r.IntN(1000)) / 8
	case 4:
		return 0.1 + 0.2
	}
	return r.IntN(100)
}

// randomTime is a time between 1900 and 2100, to the millisecond.
func randomTime(r *rand.Rand) time.Time {
	start := time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)
	ms := r.Int64N(200 * 365 * 24 * 3600 * 1000)
	switch r.IntN(3) {
	case 0:
		ms -= ms % (24 * 3600 * 1000) // a date
	case 1:
		ms -= ms % 1000 // to the second
	}
	return start.Add(time.Duration(ms) * time.Millisecond)
}

// randomText is text as exports hold it, and some that looks typed or needs
// escaping.
func randomText(r *rand.Rand) string {
	words := []string{"", "abc", "Café", "1.234", "-12,50", "2024-01-31", " padded ", "a & b <c>", `"quoted"`, "_x0041_", "_x005F_x0041_", "line\nbreak", "TRUE", "日本語", "0042"}
	return words[r.IntN(len(words))]
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// readSheet reads a sheet of the workbook at path with the program's
// reader: its rows (nil for an empty one) and which cells are text.
func readSheet(t *testing.T, path, sheet string) ([][]string, [][]bool) {
	t.Helper()
	rows, text, err := sheetRows(t, path, sheet)
	check(t, err)
	return rows, text
}

// sheetRows reads a sheet's rows and text flags up to its end or an error.
func sheetRows(t *testing.T, path, sheet string) (rows [][]string, text [][]bool, err error) {
	t.Helper()
	f, err := os.Open(path)
	check(t, err)
	defer f.Close()
	fi, err := f.Stat()
	check(t, err)
	wb, _, err := openWorkbook(context.Background(), path, &opened{file: f, ra: f, size: fi.Size()}, sheet)
	check(t, err)
	defer wb.Close()
	for {
		cells, isText, err := wb.next()
		if errors.Is(err, io.EOF) {
			return rows, text, nil
		}
		if err != nil {
			return rows, text, err
		}
		rows = append(rows, slices.Clone(cells))
		text = append(text, slices.Clone(isText))
	}
}

// excelizeRows reads a sheet as the program did before it read workbooks
// itself: with excelize's row iterator, every date or time style displayed
// as isoDateTime and every other as General.
func excelizeRows(path, sheet string) ([][]string, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := isoDates(f); err != nil {
		return nil, err
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	width := 0
	for rows.Next() {
		cells, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		if width == 0 {
			width = len(cells)
		}
		for len(cells) > width && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) == 0 {
			out = append(out, nil)
			continue
		}
		for len(cells) < width {
			cells = append(cells, "")
		}
		out = append(out, cells)
	}
	return out, rows.Error()
}

// isoDates makes every cell style of f display as its typed value: a date or
// time style as ISO 8601, any other as General.
func isoDates(f *excelize.File) error {
	iso := `[$-409]yyyy-mm-dd"T"hh:mm:ss`
	id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &iso})
	if err != nil {
		return err
	}
	xfs := f.Styles.CellXfs.Xf
	isoID, general := xfs[id].NumFmtID, 0
	for i := range xfs {
		if i == id {
			continue
		}
		st, err := f.GetStyle(i)
		if err != nil {
			return err
		}
		date := isDateID(st.NumFmt)
		if st.CustomNumFmt != nil {
			date = isDateCode(*st.CustomNumFmt)
		}
		if date {
			xfs[i].NumFmtID = isoID
		} else {
			xfs[i].NumFmtID = &general
		}
	}
	return nil
}

// TestXLSXLongNumberInAStyle holds the one difference with excelize: a
// number of more than 11 digits in a number style keeps its digits (an
// EAN barcode stored as a number), where excelize wrote 10 significant
// digits.
func TestXLSXLongNumberInAStyle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ean.xlsx")
	f := excelize.NewFile()
	style, err := f.NewStyle(&excelize.Style{NumFmt: 1})
	check(t, err)
	check(t, f.SetCellValue("Sheet1", "A1", "EAN"))
	check(t, f.SetCellValue("Sheet1", "A2", 3017620422003))
	check(t, f.SetCellStyle("Sheet1", "A2", "A2", style))
	check(t, f.SaveAs(path))
	check(t, f.Close())
	want, err := excelizeRows(path, "Sheet1")
	check(t, err)
	if want[1][0] != "3.017620422E+12" {
		t.Errorf("excelize gave %q: the difference is gone, say so in xlsxvalue.go", want[1][0])
	}
	got, _ := readSheet(t, path, "Sheet1")
	if got[1][0] != "3017620422003" {
		t.Errorf("got %q, want 3017620422003", got[1][0])
	}
}

// TestXLSXParts reads workbooks written by hand, with what excelize's
// writer never writes: Strict OOXML's namespaces, an absolute sheet target,
// cells without a reference, skipped rows, error, date, formula-string and
// inline cells, phonetic runs, _xHHHH_ escapes, a 1904 workbook and
// custom date formats.
func TestXLSXParts(t *testing.T) {
	const strict = `xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"`
	parts := map[string]string{
		"[Content_Types].xml": `<Types/>`,
		"xl/workbook.xml": `<?xml version="1.0"?><x:workbook ` + strict + `><x:workbookPr date1904="1"/><x:sheets>` +
			`<x:sheet name="Notes" sheetId="1" r:id="rId2"/><x:sheet name="Ventes" sheetId="2" r:id="rId1"/></x:sheets></x:workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="/xl/worksheets/ventes.xml"/>` +
			`<Relationship Id="rId2" Target="worksheets/../worksheets/notes.xml"/></Relationships>`,
		"xl/styles.xml": `<x:styleSheet ` + strict + `><x:numFmts count="2"><x:numFmt numFmtId="164" formatCode="dd/mm/yyyy\ hh:mm"/>` +
			`<x:numFmt numFmtId="165" formatCode="&quot;d&quot;0.00"/></x:numFmts>` +
			`<x:cellStyleXfs><x:xf numFmtId="14"/></x:cellStyleXfs>` +
			`<x:cellXfs><x:xf numFmtId="0"/><x:xf numFmtId="164"/><x:xf numFmtId="165"/><x:xf numFmtId="14"/></x:cellXfs></x:styleSheet>`,
		"xl/sharedStrings.xml": `<x:sst ` + strict + `><x:si><x:t>Réf</x:t></x:si><x:si><x:r><x:t>Mont</x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t xml:space="preserve">ant </x:t></x:r></x:si>` +
			`<x:si><x:t>東京</x:t><x:rPh sb="0" eb="2"><x:t>トウキョウ</x:t></x:rPh></x:si><x:si><x:t>a_x000D_b _x005F_x0041_ &amp; c</x:t></x:si><x:si/></x:sst>`,
		"xl/worksheets/ventes.xml": `<x:worksheet ` + strict + `><x:sheetData>` +
			`<x:row r="1"><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="inlineStr"><x:is><x:t>Date</x:t></x:is></x:c></x:row>` +
			`<x:row r="3"><x:c r="A3" t="s"><x:v>2</x:v></x:c><x:c r="B3" s="2"><x:v>12.5</x:v></x:c><x:c r="C3" s="1"><x:v>43861.5</x:v></x:c></x:row>` +
			`<x:row><x:c r="B4" t="e"><x:v>#DIV/0!</x:v></x:c><x:c r="C4" t="d"><x:v>2024-01-31T09:30:00Z</x:v></x:c></x:row>` +
			`<x:row r="5"><x:c r="A5" t="str"><x:f>A1&amp;"x"</x:f><x:v>1.5</x:v></x:c><x:c r="B5" t="b"><x:v>1</x:v></x:c><x:c r="C5" s="3"><x:v>-3</x:v></x:c></x:row>` +
			`<x:row r="6"><x:c r="A6" t="s"><x:v>3</x:v></x:c><x:c r="C6"><x:f>NOW()</x:f></x:c><x:c r="E6" t="s"><x:v>4</x:v></x:c></x:row>` +
			`<!-- the end --></x:sheetData></x:worksheet>`,
		"xl/worksheets/notes.xml": `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>note</t></is></c></row></sheetData></worksheet>`,
	}
	path := zipParts(t, parts)
	got, text := readSheet(t, path, "Ventes")
	want := [][]string{
		{"Réf", "Montant ", "Date"},
		nil, // row 2 is not in the sheet
		{"東京", "12.5", "2024-02-01T12:00:00"}, // a 1904 date
		{"", "#DIV/0!", "2024-01-31T09:30:00"},
		{"1.5", "TRUE", "-3"},
		{"a\rb _x0041_ & c", "", ""},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	wantText := [][]bool{{true, true, true}, nil, {true, false, false}, {false, false, false}, {true, false, false}, {true, false, false}}
	if !slices.EqualFunc(text, wantText, slices.Equal) {
		t.Errorf("text cells: got %v, want %v", text, wantText)
	}
	if first, _ := readSheet(t, path, "Notes"); len(first) != 1 || first[0][0] != "note" {
		t.Errorf("sheet Notes: got %q, want [[note]]", first)
	}
}

// TestXLSXCellsOutOfOrder checks that a cell written out of column order
// goes to its column, and that a second value for a column is an error
// naming the row and the column.
func TestXLSXCellsOutOfOrder(t *testing.T) {
	got, _ := readSheet(t, zipParts(t, sheetParts(`<row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c><c r="AB1"><v>28</v></c><c r="B1"><v>2</v></c></row>`)), "S")
	want := make([]string, 28)
	want[0], want[1], want[2], want[27] = "1", "2", "3", "28"
	if len(got) != 1 || !slices.Equal(got[0], want) {
		t.Errorf("got %q, want %q", got, want)
	}
	_, _, err := sheetRows(t, zipParts(t, sheetParts(`<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="AA2"><v>1</v></c><c r="B2"><v>2</v></c><c r="AA2"><v>3</v></c></row>`)), "S")
	if want := "row 2: two cells for column AA"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a column written twice: %v, want an error saying %q", err, want)
	}
}

// sheetParts are the parts of a workbook of one sheet, S, holding rows.
func sheetParts(rows string) map[string]string {
	return map[string]string{
		"[Content_Types].xml":        `<Types/>`,
		"xl/workbook.xml":            `<workbook><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="worksheets/s.xml"/></Relationships>`,
		"xl/worksheets/s.xml":        `<worksheet><sheetData>` + rows + `</sheetData></worksheet>`,
	}
}

// TestXLSXErrorsNameTheSheetOnce reads a sheet whose XML is wrong and one
// whose compressed data is: the error names the file and the sheet once,
// then what failed (the row and column, or the part).
func TestXLSXErrorsNameTheSheetOnce(t *testing.T) {
	parts := sheetParts(`<row r="1"><c r="A1" t="str"><v>a</v></c></row><row r="2"><c r="A2"><v>1</v></c><c r="A2"><v>2</v></c></row>`)
	twice := zipParts(t, parts)
	// The same workbook with the sheet's data not deflate (a block of the
	// reserved type).
	corrupt := filepath.Join(t.TempDir(), "book.xlsx")
	out, err := os.Create(corrupt)
	check(t, err)
	zw := zip.NewWriter(out)
	for name, content := range parts {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		if name == "xl/worksheets/s.xml" {
			h.CompressedSize64, h.UncompressedSize64, content = 2, 100, "\xff\xff"
		}
		create := zw.CreateHeader
		if h.CompressedSize64 > 0 {
			create = zw.CreateRaw
		}
		w, err := create(h)
		check(t, err)
		_, err = io.WriteString(w, content)
		check(t, err)
	}
	check(t, zw.Close())
	check(t, out.Close())
	for path, want := range map[string]string{
		twice:   "read " + twice + " (sheet S): row 2: two cells for column A ",
		corrupt: "read " + corrupt + " (sheet S): xl/worksheets/s.xml: flate: corrupt input",
	} {
		err := readAll(path)
		if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Count(err.Error(), "sheet S") != 1 {
			t.Errorf("got %v, want an error starting %q, naming the sheet once", err, want)
		}
	}
}

// readAll opens the input at path and reads it to its end or an error.
func readAll(path string) error {
	rd, err := Open(context.Background(), path, Options{Header: true})
	if err != nil {
		return err
	}
	defer rd.Close()
	for {
		b, err := rd.Next(1)
		if err != nil || b == nil {
			return err
		}
	}
}

// zipParts writes a workbook of the parts given.
func zipParts(t *testing.T, parts map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "book.xlsx")
	out, err := os.Create(path)
	check(t, err)
	zw := zip.NewWriter(out)
	for name, content := range parts {
		w, err := zw.Create(name)
		check(t, err)
		_, err = io.WriteString(w, content)
		check(t, err)
	}
	check(t, zw.Close())
	check(t, out.Close())
	return path
}

// TestXLSXStringsSpill reads a workbook whose shared strings outgrow the
// memory given to them: they are read back from their temporary file,
// which is not left in the temporary folder, even while it is read.
func TestXLSXStringsSpill(t *testing.T) {
	defer func(n int) { spillSize = n }(spillSize)
	spillSize = 64
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	path := filepath.Join(t.TempDir(), "book.xlsx")
	f := excelize.NewFile()
	var want [][]string
	for i := range 50 {
		s := fmt.Sprintf("string %d, %s", i, strings.Repeat("é", i))
		check(t, f.SetCellStr("Sheet1", fmt.Sprintf("A%d", i+1), s))
		want = append(want, []string{s})
	}
	check(t, f.SaveAs(path))
	check(t, f.Close())
	f2, err := os.Open(path)
	check(t, err)
	defer f2.Close()
	fi, err := f2.Stat()
	check(t, err)
	wb, _, err := openWorkbook(context.Background(), path, &opened{file: f2, ra: f2, size: fi.Size()}, "")
	check(t, err)
	defer wb.Close()
	if wb.strings.file == nil || !strings.HasPrefix(wb.strings.file.Name(), tmp) {
		t.Fatalf("the shared strings were not spilled to a file in %s", tmp)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("%s holds %v while the workbook is read, want nothing", tmp, left)
	}
	if got, _ := readSheet(t, path, "Sheet1"); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestShortest holds numberText's fast path to the form it works out: a
// value it takes as it is must be the value worked out.
func TestShortest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	takes := 0
	for range 200_000 {
		var b strings.Builder
		if r.IntN(3) == 0 {
			b.WriteByte('-')
		}
		for range 1 + r.IntN(9) {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		if r.IntN(2) == 0 {
			b.WriteByte('.')
			for range r.IntN(10) {
				b.WriteByte(byte('0' + r.IntN(10)))
			}
		}
		v := b.String()
		if shortest(v) {
			takes++
			if got := numberForm(v); got != v {
				t.Fatalf("shortest(%q) is true, but numberText works out %q", v, got)
			}
		}
	}
	for _, v := range []string{"-0", "007", "1.50", "1.", ".5", "1e3", "1234567890123456", "0.0000000000000001"} {
		if shortest(v) {
			t.Errorf("shortest(%q): got true, want false", v)
		}
	}
	if takes < 10_000 {
		t.Errorf("the fast path took %d values of 200,000: too few to say anything", takes)
	}
}

// FuzzWorkbookSheet reads any sheet XML in a workbook: no panic, and every
// row it gives is at least as wide as the first (padded to it), with a text
// mark for each cell, within Excel's 16,384 columns.
func FuzzWorkbookSheet(f *testing.F) {
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="C1"><v>1.5</v></c></row>` +
		`<row r="3"><c r="B3" s="1"><v>45322.25</v></c><c t="s"><v>0</v></c><c t="b"><v>1</v></c></row></sheetData></worksheet>`)
	f.Add(`<x:worksheet xmlns:x="s"><x:sheetData><x:row><x:c t="d"><x:v>2024-01-31T09:30:00Z</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row></x:sheetData></x:worksheet>`)
	f.Fuzz(func(t *testing.T, sheet string) {
		var zipped bytes.Buffer
		zw := zip.NewWriter(&zipped)
		for name, content := range map[string]string{
			"xl/workbook.xml":            `<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`,
			"xl/styles.xml":              `<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`,
			"xl/sharedStrings.xml":       `<sst><si><t>1.234</t></si></sst>`,
			"xl/worksheets/sheet1.xml":   sheet,
		} {
			w, err := zw.Create(name)
			check(t, err)
			_, err = io.WriteString(w, content)
			check(t, err)
		}
		check(t, zw.Close())
		ra := bytes.NewReader(zipped.Bytes())
		wb, _, err := openWorkbook(context.Background(), "f.xlsx", &opened{ra: ra, size: ra.Size()}, "")
		check(t, err)
		defer wb.Close()
		width := -1
		for range 5000 { // a row numbered a million is a million empty rows first
			cells, text, err := wb.next()
			if err != nil {
				return // io.EOF, or an error: both end the sheet
			}
			switch {
			case cells == nil:
			case width < 0:
				width = len(cells)
			case len(cells) < width:
				t.Fatalf("a row of %d cells after a first of %d", len(cells), width)
			}
			if len(cells) > 16384 || len(text) != len(cells) {
				t.Fatalf("a row of %d cells and %d text marks", len(cells), len(text))
			}
		}
	})
}
