package input

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// An Excel workbook (.xlsx) is read one row at a time from its sheet's XML,
// streamed out of the archive (xlsx.go reads the rest), and handed on as
// CSV text, one line per row of the sheet, so that it goes through the same
// reading, typing, rules and rejects as a CSV export: a reject's line is
// the sheet's row number (a row the sheet skips is an empty row) and its
// file names the sheet. Cells keep their type in the text they become
// (xlsxvalue.go):
//
//   - a number as its shortest decimal form (to Excel's 15 significant
//     digits), whatever its display format (no thousands separator, no
//     currency, no rounding to the displayed decimals);
//   - a date or time as ISO 8601 (2024-01-31T09:30:00), whatever its display;
//   - a boolean as TRUE or FALSE, and text as typed: a shared string, an
//     inline string or a formula's text, each marked as text (typed.go).
//
// The program reads sheets itself rather than with a library: it needs each
// cell's type, which excelize's row iterator does not give, and this costs
// an eighth of excelize's CPU and nothing at the program's start.

// maxRows is the last row of an Excel sheet.
const maxRows = 1 << 20

// workbook is a sheet of an Excel workbook read as CSV text.
type workbook struct {
	book    *xlsxBook
	strings *stringTable
	part    io.ReadCloser
	ahead   *cancelReader // inflates part on a goroutine of its own
	x       *xmlScan
	sheet   string
	width   int // the header's width, once read: rows are padded to it

	row     int  // the sheet's row number last handed out
	pending bool // a row read ahead: num, cells and text
	num     int  // its number
	cells   []string
	text    []bool
	v, is   []byte            // a cell's <v> and <is> text
	dates   map[string]string // date cells' values and their text
}

// openWorkbook opens the workbook o (its file, or the copy of standard
// input) at sheet ("" for the first) and returns a reader of its rows as CSV,
// and the input's name for rejects, which names the sheet.
func openWorkbook(ctx context.Context, name string, o *opened, sheet string) (*workbook, string, error) {
	book, err := openXLSX(o.ra, o.size)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: workbook: %w", name, err)
	}
	var names []string
	part := ""
	for _, s := range book.sheets {
		names = append(names, s.name)
		if s.name == sheet || sheet == "" && part == "" {
			part, sheet = s.part, s.name
		}
	}
	switch {
	case len(names) == 0:
		return nil, "", fmt.Errorf("read %s: the workbook has no sheet", name)
	case part == "":
		return nil, "", fmt.Errorf("read %s: the workbook has no sheet %q (it has: %s)", name, sheet, strings.Join(names, ", "))
	}
	wb := &workbook{book: book, sheet: sheet}
	if wb.strings, err = book.readStrings(); err != nil {
		return nil, "", fmt.Errorf("read %s: workbook: %w", name, err)
	}
	if wb.part, err = book.open(part); err != nil {
		wb.strings.Close()
		return nil, "", fmt.Errorf("read %s: sheet %q: %w", name, sheet, err)
	}
	// Inflating the sheet is a tenth of the work of reading it: it overlaps
	// the scanning of the XML instead of waiting for it.
	wb.ahead = readAhead(ctx, &named{what: part, r: wb.part}, inflateBlock, inflateBlocks) // errors: the reader's name says the sheet
	wb.x = newXMLScan(wb.ahead)
	return wb, fmt.Sprintf("%s (sheet %s)", name, sheet), nil
}

// next returns the cells of the sheet's next row (nil for an empty row),
// padded to the header's width, and which are text, or io.EOF after the
// last.
func (wb *workbook) next() ([]string, []bool, error) {
	if !wb.pending {
		ok, err := wb.readRow()
		if err != nil {
			return nil, nil, err // the reader's name says the sheet: "book.xlsx (sheet S)"
		}
		if !ok {
			return nil, nil, io.EOF
		}
		wb.pending = true
	}
	wb.row++
	if wb.num > wb.row {
		return nil, nil, nil // a row the sheet skips
	}
	wb.pending = false
	cells, text := wb.cells, wb.text
	if wb.width == 0 {
		wb.width = len(cells)
	}
	for len(cells) > wb.width && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	if len(cells) == 0 {
		return nil, nil, nil
	}
	text = text[:len(cells)]
	for len(cells) < wb.width {
		cells, text = append(cells, ""), append(text, false)
	}
	return cells, text, nil
}

// readRow reads the sheet's next <row> into num, cells and text; ok is
// false at the end of the sheet's data.
func (wb *workbook) readRow() (ok bool, err error) {
	for {
		tag, err := wb.x.next()
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		switch {
		case string(tag.local) == "row" && !tag.end:
			return true, wb.readCells(tag)
		case string(tag.local) == "sheetData" && tag.end:
			return false, nil
		}
	}
}

// readCells reads the cells of the row: a cell without a value (nor a
// formula) is left out, and a cell after a gap is put in its column.
func (wb *workbook) readCells(row xmlTag) error {
	wb.num = wb.row + 1
	var bad error
	err := eachAttr(row.attrs, func(name, value []byte) {
		if string(name) != "r" {
			return
		}
		n, ok := atoi(value)
		switch {
		case !ok:
			bad = fmt.Errorf("row %q: not a row number", value)
		case n > wb.row:
			wb.num = n
		}
	})
	if err = cmp.Or(err, bad); err != nil {
		return err
	}
	if wb.num > maxRows {
		return fmt.Errorf("row %d is past Excel's last row, %d", wb.num, maxRows)
	}
	wb.cells, wb.text = wb.cells[:0], wb.text[:0]
	for !row.empty {
		tag, err := wb.x.next()
		if err != nil {
			return unexpectedEOF(err)
		}
		switch {
		case string(tag.local) == "c" && !tag.end:
			if err := wb.readCell(tag); err != nil {
				return err
			}
		case string(tag.local) == "row" && tag.end:
			return nil
		}
	}
	return nil
}

// readCell reads the cell c and puts its value in its column of the row:
// after the cells read so far, or in a column they left empty (a cell
// written out of column order, which the format does not allow but some
// writers do). A second value for one column is an error: which of the two
// is meant cannot be told.
func (wb *workbook) readCell(c xmlTag) error {
	col, style, kind := len(wb.cells), 0, ""
	var bad error
	err := eachAttr(c.attrs, func(name, value []byte) {
		switch string(name) {
		case "r":
			n, err := refColumn(value)
			col, bad = n, cmp.Or(bad, err)
		case "s":
			style, _ = atoi(value)
		case "t":
			kind = cellKind(value)
		}
	})
	if err = cmp.Or(err, bad); err != nil {
		return err
	}
	formula, inline := false, false
	wb.v, wb.is = wb.v[:0], wb.is[:0]
	if !c.empty {
		if formula, inline, err = wb.readValue(); err != nil {
			return err
		}
	}
	text, isText, err := wb.value(kind, style, inline)
	if err != nil || text == "" && !formula {
		return err
	}
	if col < len(wb.cells) {
		if wb.cells[col] != "" {
			return fmt.Errorf("row %d: two cells for column %s (cell %s%d written twice)", wb.num, columnName(col), columnName(col), wb.num)
		}
		wb.cells[col], wb.text[col] = text, isText
		return nil
	}
	for len(wb.cells) < col {
		wb.cells, wb.text = append(wb.cells, ""), append(wb.text, false)
	}
	wb.cells, wb.text = append(wb.cells, text), append(wb.text, isText)
	return nil
}

// cellKind is a cell's t attribute, of the kinds value knows; "" (a number)
// for any other.
func cellKind(t []byte) string {
	for _, k := range []string{"s", "str", "inlineStr", "b", "d", "e"} {
		if string(t) == k {
			return k
		}
	}
	return ""
}

// readValue reads a cell's content to its end: its value (<v>) into wb.v,
// its inline string (<is>) into wb.is, and whether it has a formula.
func (wb *workbook) readValue() (formula, inline bool, err error) {
	for {
		tag, err := wb.x.next()
		if err != nil {
			return false, false, unexpectedEOF(err)
		}
		if tag.end {
			if string(tag.local) == "c" {
				return formula, inline, nil
			}
			continue
		}
		switch string(tag.local) {
		case "v":
			if !tag.empty {
				wb.v, err = wb.x.text(wb.v)
			}
		case "f":
			formula = true
			if !tag.empty {
				err = wb.x.skipElement()
			}
		case "is":
			inline = true
			if !tag.empty {
				wb.is, err = wb.x.richText(wb.is, "is")
			}
		}
		if err != nil {
			return false, false, err
		}
	}
}

// value is the text of a cell of type kind (its t attribute) and style, from
// wb.v (or wb.is when inline), and whether it is a text cell.
func (wb *workbook) value(kind string, style int, inline bool) (string, bool, error) {
	if kind == "" && style > 0 && style < len(wb.book.dates) && wb.book.dates[style] {
		return wb.date(), false, nil
	}
	if kind == "s" {
		if len(wb.v) == 0 {
			return "", true, nil
		}
		i, _ := strconv.Atoi(string(bytes.TrimSpace(wb.v))) // a short string on the stack
		s, _, err := wb.strings.get(i)
		return s, true, err
	}
	v := string(wb.v)
	switch kind {
	case "b":
		switch v {
		case "1":
			return "TRUE", false, nil
		case "0":
			return "FALSE", false, nil
		}
		return v, false, nil
	case "d":
		return isoDateText(v, wb.book.date1904), false, nil
	case "str":
		return v, true, nil
	case "inlineStr":
		if inline {
			return unescapeText(string(wb.is)), true, nil
		}
		return v, true, nil
	}
	return numberText(v), false, nil
}

// date is the text of a number cell in a date style, wb.v: exports repeat
// their dates, which are looked up rather than worked out again (up to
// maxDates of them).
func (wb *workbook) date() string {
	if text, ok := wb.dates[string(wb.v)]; ok {
		return text
	}
	if wb.dates == nil || len(wb.dates) >= maxDates {
		wb.dates = make(map[string]string)
	}
	text := dateText(string(wb.v), wb.book.date1904)
	wb.dates[string(wb.v)] = text
	return text
}

// maxDates bounds the dates a sheet's reader remembers.
const maxDates = 4096

// refColumn is the 0-based column of a cell reference such as "C5".
func refColumn(ref []byte) (int, error) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
		if col > 16384 {
			return 0, fmt.Errorf("cell %q: past Excel's last column, XFD", ref)
		}
	}
	if _, ok := atoi(ref[i:]); col == 0 || !ok {
		return 0, fmt.Errorf("cell %q: not a cell reference", ref)
	}
	return col - 1, nil
}

// columnName is the letters of column col (0 is A, 26 is AA).
func columnName(col int) string {
	var b []byte
	for col++; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b)
}

// atoi reads a small decimal number, without allocating.
func atoi(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' || n > 1<<40 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(b) > 0
}

// Close closes the sheet, once its read-ahead has stopped, and removes the
// shared strings' temporary file.
func (wb *workbook) Close() error {
	return errors.Join(waited{wb.ahead}.Close(), wb.part.Close(), wb.strings.Close())
}
