package mapping

import (
	"strconv"

	"github.com/govalues/decimal"

	"csv2activity/internal/strftime"
)

// Typed inputs (Excel workbooks, Parquet files) write each cell as its typed
// value: a number in its shortest decimal form (-12.5, never 1,234.00 or
// 12,50), a date or time in ISO 8601, always starting with a digit or '-'
// and without surrounding space. A declared column takes these forms before
// its format and separators, so that the mapping written for the CSV copy of
// an export reads its typed copies too, to the same values; a text cell goes
// through the declaration as CSV text does. A text cell that would look
// typed ("1.234" typed as text) is written with one leading space in the
// columns TypedColumns names, so that it is not taken for a typed value.

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

// TypedColumns reports, for each column of the first row of a typed input
// (its header line, or its first row when input.header is false), whether
// the mapping declares it int, float, decimal or time, binding names to
// columns as Compile does (input.names in place of the header line). Such a
// column's text cells that start with a digit or '-' are written with a
// leading space (input.Options.TextColumns). It returns nil when the names
// do not fit the row (Compile says why).
func (m *Mapping) TypedColumns(line []string) []bool {
	names := m.Input.Names
	if m.Input.Header {
		if names = m.names(line); len(names) != len(line) {
			return nil
		}
	}
	typed := make([]bool, len(names))
	at := declaredAt(m.Columns, names)
	for _, c := range m.Columns {
		if i := at[c.Name]; i >= 0 && c.Type != String && c.Type != Bool {
			typed[i] = true
		}
	}
	return typed
}

// parseTyped converts t, a cell's text, when it is in a typed input's form
// for c's type: it starts with a digit or '-' and ends without a space (a
// text cell padded with a leading space is not); ok is false otherwise.
func (c *Column) parseTyped(t string) (v any, ok bool) {
	if !typedForm(t) {
		return nil, false
	}
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

// typedForm reports whether s can be a typed value as a typed input writes
// it: its first byte a digit or '-', its last not a space.
func typedForm(s string) bool {
	if s == "" || !(s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		return false
	}
	switch s[len(s)-1] {
	case ' ', '\t', '\r', '\n':
		return false
	}
	return true
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
