package mapping

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"csv2activity/internal/strftime"
)

// CellError is a cell that does not convert to its column's type. It rejects
// the row.
type CellError struct {
	Column string
	Value  string
	Err    error
}

func (e *CellError) Error() string { return fmt.Sprintf("column %q: %v", e.Column, e.Err) }
func (e *CellError) Unwrap() error { return e.Err }

// cellError is the error of column i's cell in fields, named as the header
// names it (an undeclared column's spec, plainColumn, has no name).
func (p *Program) cellError(i int, fields []string, err error) *CellError {
	return &CellError{Column: p.Header[i], Value: fields[i], Err: err}
}

// errEmpty is the cause of a CellError for an empty cell in a required column.
var errEmpty = errors.New("empty value (add optional: true to the column to allow it)")

// parse converts one cell to the column's type.
func (c *Column) parse(s string) (any, error) {
	if c.Type == String {
		if s == "" && c.Optional {
			return nil, nil
		}
		return s, nil
	}
	t := strings.TrimSpace(s)
	if t == "" {
		if c.Optional {
			return nil, nil
		}
		return nil, errEmpty
	}
	if c.typed {
		if v, ok := c.parseTyped(s); ok {
			return v, nil
		}
	}
	switch c.Type {
	case Int:
		i, err := c.intOf(t)
		return boxed(int(i), err)
	case Float:
		return boxed(c.floatOf(t))
	case Decimal:
		return boxed(c.decimalOf(t))
	case Bool:
		return boxed(boolOf(t))
	default:
		return boxed(c.timeOf(t))
	}
}

// boxed is v in an interface, or err. The typed parsers (intOf, floatOf,
// decimalOf, boolOf, timeOf) box nothing: a stored row's cells are typed
// straight into their binary form (appendCell).
func boxed[T any](v T, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (c *Column) hint(t string) string {
	switch {
	case c.ThousandsSeparator == "" && looksGrouped(t):
		return ` (for numbers written 1,234 add thousands_separator)`
	case c.DecimalSeparator == '.' && c.Type != Int && strings.IndexByte(t, ',') >= 0:
		return ` (for a decimal comma add decimal_separator: ",")`
	}
	return ""
}

// looksGrouped reports whether t starts with digits grouped by threes
// (1,234 or 1.234.567 or 1 234), as if by a thousands separator.
func looksGrouped(t string) bool {
	t = strings.TrimLeft(t, "+-")
	i := skipDigits(t, 0)
	if i < 1 || i > 3 {
		return false
	}
	groups := 0
	for i < len(t) && strings.IndexByte(",. '", t[i]) >= 0 {
		j := skipDigits(t, i+1)
		if j-i-1 != 3 {
			break
		}
		groups++
		i = j
	}
	return groups > 0
}

func (c *Column) intOf(t string) (int64, error) {
	n, ok := c.scan(t, false)
	if !ok || n.point {
		return 0, fmt.Errorf("%q is not an integer%s", t, c.hint(t))
	}
	i, err := strconv.ParseInt(n.goSyntax(t), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is outside the range of a 64-bit integer (%d to %d)", t, math.MinInt64, math.MaxInt64)
	}
	return i, nil
}

func (c *Column) floatOf(t string) (float64, error) {
	n, ok := c.scan(t, true)
	if !ok {
		return 0, fmt.Errorf("%q is not a number%s", t, c.hint(t))
	}
	f, err := strconv.ParseFloat(n.goSyntax(t), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is outside the range of a float (±1.8e308)", t)
	}
	return f, nil
}

// maxDecimalDigits is what a decimal holds: 19 significant digits, at most
// 19 of them after the point.
const maxDecimalDigits = 19

func (c *Column) decimalOf(t string) (decimal.Decimal, error) {
	n, ok := c.scan(t, false)
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("%q is not a decimal number%s", t, c.hint(t))
	}
	if !n.exact() {
		// Trailing zeros of the fraction say nothing: 1.50000000000000000000 is 1.5.
		n.frac = strings.TrimRight(n.frac, "0")
		n.plain = false
		if !n.exact() {
			return decimal.Decimal{}, fmt.Errorf("%q has more digits than a decimal holds (%d significant digits, %d after the point): it would be rounded", t, maxDecimalDigits, maxDecimalDigits)
		}
	}
	d, err := decimal.Parse(n.goSyntax(t))
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q is not a decimal number: %w", t, err)
	}
	return d, nil
}

func boolOf(t string) (bool, error) {
	switch strings.ToLower(t) {
	case "true", "t", "yes", "y", "1", "oui", "o", "vrai":
		return true, nil
	case "false", "f", "no", "n", "0", "non", "faux":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (true/false, yes/no, 1/0)", t)
}

func (c *Column) timeOf(t string) (time.Time, error) {
	switch c.Format {
	case "iso8601":
		return strftime.ParseISO8601(t, c.Timezone)
	case "unix":
		return strftime.ParseUnix(t, time.Second)
	case "unix_ms":
		return strftime.ParseUnix(t, time.Millisecond)
	}
	return c.layout.Parse(t, c.Timezone)
}
