package mapping

import (
	"strconv"

	"github.com/govalues/decimal"

	"csv2activity/internal/strftime"
)

// Typed inputs (Excel workbooks, Parquet files) write each cell as its typed
// value: a number in its shortest decimal form (-12.5, never 1,234.00 or
// 12,50), a date or time in ISO 8601. A declared column takes these forms
// before its format and separators, so that the mapping written for the CSV
// copy of an export reads its typed copies too, to the same values; a cell
// not in this form (text in a spreadsheet) goes through the declaration as
// CSV text does.

// TypedCells makes p read its input's cells as a typed input writes them.
// Call it once, after Compile and before any Evaluator; p's Mapping is left
// as it was.
func (p *Program) TypedCells() {
	p.typed = true
	for i, c := range p.cols {
		if c.Type == String || c.Type == Bool {
			continue
		}
		typed := *c
		typed.typed = true
		p.cols[i] = &typed
	}
}

// parseTyped converts t, a cell's text without surrounding space, when it is
// in a typed input's form for c's type; ok is false otherwise.
func (c *Column) parseTyped(t string) (v any, ok bool) {
	switch c.Type {
	case Int:
		if i, err := strconv.ParseInt(t, 10, 64); err == nil {
			return int(i), true
		}
	case Float:
		if plainNumber(t) {
			if f, err := strconv.ParseFloat(t, 64); err == nil {
				return f, true
			}
		}
	case Decimal:
		if plainNumber(t) {
			if d, err := decimal.Parse(t); err == nil {
				return d, true
			}
		}
	case Time:
		if len(t) >= 10 && t[4] == '-' && t[7] == '-' {
			if tm, err := strftime.ParseISO8601(t, c.Timezone); err == nil {
				return tm, true
			}
		}
	}
	return nil, false
}

// plainNumber reports whether t is an optional minus sign, digits, and at
// most one point followed by digits: a shortest decimal form.
func plainNumber(t string) bool {
	if len(t) > 0 && t[0] == '-' {
		t = t[1:]
	}
	digits, point := 0, false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point && digits > 0:
			point = true
		default:
			return false
		}
	}
	return digits > 0 && t[len(t)-1] != '.'
}

// Typed reports whether p reads its input's cells as a typed input writes
// them (TypedCells).
func (p *Program) Typed() bool { return p.typed }
