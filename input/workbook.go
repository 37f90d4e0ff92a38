package input

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// An Excel workbook (.xlsx) is read one row at a time with excelize's
// streaming row iterator (a worksheet larger than 16 MiB is unzipped to a
// temporary file, not to memory) and handed on as CSV text, one line per row
// of the sheet, so that it goes through the same reading, typing, rules and
// rejects as a CSV export: a reject's line is the sheet's row number and its
// file names the sheet. Cells keep their type in the text they become:
//
//   - a number as its shortest decimal form (to Excel's 15 significant
//     digits), whatever its display format (no thousands separator, no
//     currency, no rounding to the displayed decimals);
//   - a date or time as ISO 8601 (2024-01-31T09:30:00), whatever its display;
//   - a boolean as TRUE or FALSE, and text as typed.
//
// (typed.go says how they are read.)

// isoDateTime is the display format given to every date and time style. Its
// locale (409, en-US) is found at once by excelize, which otherwise searches
// its whole table of languages for each part of each date cell: that search
// took half the CPU of reading a workbook with two date columns.
const isoDateTime = `[$-409]yyyy-mm-dd"T"hh:mm:ss`

// workbook is a sheet of an Excel workbook read as CSV text.
type workbook struct {
	f     *excelize.File
	rows  *excelize.Rows
	sheet string
	width int // the header's width, once read: rows are padded to it
}

// openWorkbook opens the workbook o (its file, or the copy of standard
// input) at sheet ("" for the first) and returns a reader of its rows as CSV,
// and the input's name for rejects, which names the sheet.
func openWorkbook(name string, o *opened, sheet string) (*workbook, string, error) {
	f, err := openExcel(o)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: workbook: %w", name, err)
	}
	sheets := f.GetSheetList()
	switch {
	case sheet == "" && len(sheets) > 0:
		sheet = sheets[0]
	case sheet == "":
		f.Close()
		return nil, "", fmt.Errorf("read %s: the workbook has no sheet", name)
	}
	if !slices.Contains(sheets, sheet) {
		f.Close()
		return nil, "", fmt.Errorf("read %s: the workbook has no sheet %q (it has: %s)", name, sheet, strings.Join(sheets, ", "))
	}
	if err := isoDates(f); err != nil {
		f.Close()
		return nil, "", fmt.Errorf("read %s: workbook styles: %w", name, err)
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, "", fmt.Errorf("read %s: sheet %q: %w", name, sheet, err)
	}
	wb := &workbook{f: f, rows: rows, sheet: sheet}
	return wb, fmt.Sprintf("%s (sheet %s)", name, sheet), nil
}

// openExcel opens the workbook o by a path, so that excelize reads its parts
// where they lie instead of the whole archive into memory: the input's file,
// or a temporary copy (of a pipe, or decompressed), already removed from its
// folder, through its descriptor in /proc. Without /proc, a copy is read
// into memory.
func openExcel(o *opened) (*excelize.File, error) {
	f, ok := o.ra.(*os.File)
	switch {
	case ok && f == o.file:
		return excelize.OpenFile(f.Name())
	case ok && procFD():
		return excelize.OpenFile(fmt.Sprintf("/proc/self/fd/%d", f.Fd()))
	}
	return excelize.OpenReader(io.NewSectionReader(o.ra, 0, o.size))
}

// procFD reports whether an open file can be opened again by its descriptor
// in /proc (Linux).
func procFD() bool {
	_, err := os.Stat("/proc/self/fd")
	return err == nil
}

// isoDates makes every cell style of f display as its typed value: a date or
// time style as isoDateTime, any other as General (the number as held).
func isoDates(f *excelize.File) error {
	iso := isoDateTime
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
		if isDateFormat(st) {
			xfs[i].NumFmtID = isoID
		} else {
			xfs[i].NumFmtID = &general
		}
	}
	return nil
}

// isDateFormat reports whether a style displays a date or a time: one of
// Excel's built-in date formats, or a custom format with a date part (d, m,
// y, h or s outside quotes, brackets and escapes).
func isDateFormat(st *excelize.Style) bool {
	if st.CustomNumFmt == nil {
		n := st.NumFmt
		return (n >= 14 && n <= 22) || (n >= 27 && n <= 36) || (n >= 45 && n <= 47) || (n >= 50 && n <= 58)
	}
	code := *st.CustomNumFmt
	if i := strings.IndexByte(code, ';'); i >= 0 {
		code = code[:i]
	}
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '[':
			bracket = true
		case c == ']':
			bracket = false
		case bracket:
		case c == '\\' || c == '_' || c == '*':
			i++
		case strings.IndexByte("dmyhsDMYHS", c) >= 0:
			return true
		}
	}
	return false
}

// next returns the cells of the sheet's next row (nil for an empty row),
// padded to the header's width, or io.EOF after the last.
func (wb *workbook) next() ([]string, error) {
	if !wb.rows.Next() {
		if err := wb.rows.Error(); err != nil {
			return nil, fmt.Errorf("sheet %q: %w", wb.sheet, err)
		}
		return nil, io.EOF
	}
	cells, err := wb.rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", wb.sheet, err)
	}
	if wb.width == 0 {
		wb.width = len(cells)
	}
	for len(cells) > wb.width && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	if len(cells) == 0 {
		return nil, nil
	}
	for len(cells) < wb.width {
		cells = append(cells, "")
	}
	return cells, nil
}

// Close closes the sheet's iterator and the workbook, removing its
// temporary files.
func (wb *workbook) Close() error {
	return errors.Join(wb.rows.Close(), wb.f.Close())
}
