package input

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
)

// Typed inputs, Excel workbooks (workbook.go, read by the program itself)
// and Parquet files (parquet.go, read with parquet-go), are read a row at a
// time, on a goroutine of their own, and handed on as CSV text, one line a row after a header line, so that
// they go through the same reading, typing, mapping, rules and rejects as a
// CSV export. Each cell becomes the text of its typed value: a number in its
// shortest decimal form, a date or time in ISO 8601, a boolean as true/false
// (TRUE/FALSE from Excel), text as it is. Reader.Typed is then true, and a
// declared column takes these forms before its format and separators
// (mapping.Program.TypedCells), so that one mapping reads the CSV, the Excel
// and the Parquet copies of an export to the same activities.
//
// A text cell is written as it is, with one exception: in the columns that
// Options.TextColumns names (a mapping's int, float, decimal and time
// columns), a text cell starting with a digit or '-' is written with one
// leading space, so that "1.234" typed as text is not taken for the number
// 1.234 but read by the column's declaration, which trims it, as the CSV
// copy of the export is. Typed values never start with a space.
//
// A reject's line is then the row's number counting the header as line 1 (in
// a workbook, the sheet's row number), as long as no cell holds a line break.

// typedInput is an input of typed cells, read as CSV text.
type typedInput struct {
	name  string // for rejects and errors: the path (and the sheet)
	sheet string // a workbook's sheet read
}

// typedRows makes o.r read o's rows as CSV text when o is a typed input; it
// returns nil for other inputs.
func typedRows(ctx context.Context, path string, o *opened, opts Options) (*typedInput, error) {
	var rows rowSource
	t := &typedInput{name: path}
	switch o.kind {
	case workbookFile:
		wb, name, err := openWorkbook(ctx, path, o, opts.Sheet)
		if err != nil {
			return nil, err
		}
		rows, t.name, t.sheet = wb, name, wb.sheet
	case parquetFile:
		pq, err := openParquet(path, o)
		if err != nil {
			return nil, err
		}
		rows = pq
	default:
		return nil, nil
	}
	text := &csvText{rows: rows, textColumns: opts.TextColumns, header: opts.Header}
	text.w = csv.NewWriter(&text.buf)
	c := readAhead(ctx, text, cancelReadSize, 2)
	o.r, o.closer = c, closers{waited{c}, rows, o.closer}
	return t, nil
}

// waited closes a read-ahead and waits for its goroutine to end, so that
// what it reads can be closed next (a typed input's rows, read from files:
// its pending Read always returns).
type waited struct{ c *cancelReader }

func (w waited) Close() error {
	w.c.Close()
	<-w.c.exited
	return nil
}

// rowSource hands out the rows of a typed input, header first, as text.
type rowSource interface {
	// next returns the next row's cells (nil for an empty row), and which
	// of them are text cells (nil: none; valid until the next call), or
	// io.EOF.
	next() (cells []string, text []bool, err error)
	Close() error
}

// csvText reads a rowSource as CSV text.
type csvText struct {
	rows        rowSource
	textColumns func(first []string) []bool // Options.TextColumns
	header      bool                        // the first row is the header: written as it is
	started     bool                        // the first row has been read
	pad         []bool                      // the columns whose text cells may be padded
	buf         bytes.Buffer
	w           *csv.Writer
	err         error
}

// Read fills p with the CSV text of the next rows: one line a row, an empty
// line for an empty row.
func (t *csvText) Read(p []byte) (int, error) {
	for t.buf.Len() < len(p) && t.err == nil {
		t.err = t.row()
	}
	n, _ := t.buf.Read(p)
	if n == 0 && t.err != nil {
		return 0, t.err
	}
	return n, nil
}

// row writes the next row, or returns io.EOF after the last.
func (t *csvText) row() error {
	cells, text, err := t.rows.next()
	if err != nil {
		return err
	}
	if !t.started {
		t.started = true
		if t.textColumns != nil {
			t.pad = t.textColumns(cells)
		}
		if t.header {
			text = nil
		}
	}
	padText(cells, text, t.pad)
	if cells == nil {
		t.buf.WriteByte('\n')
		return nil
	}
	if err := t.w.Write(cells); err != nil {
		return err
	}
	t.w.Flush()
	return t.w.Error()
}

// padText writes a leading space before each text cell of a padded column
// that starts with a digit or '-', as a typed value does.
func padText(cells []string, text, pad []bool) {
	for i, c := range cells {
		if i < len(text) && i < len(pad) && text[i] && pad[i] && c != "" && (c[0] == '-' || c[0] >= '0' && c[0] <= '9') {
			cells[i] = " " + c
		}
	}
}

var _ io.Reader = (*csvText)(nil)
