package mapping

import (
	"errors"
	"fmt"
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
	switch c.Type {
	case Int:
		return c.parseInt(t)
	case Float:
		return c.parseFloat(t)
	case Decimal:
		return c.parseDecimal(t)
	case Bool:
		return parseBool(t)
	default:
		return c.parseTime(t)
	}
}

// number removes the thousands separator and makes the decimal separator a
// dot, so that strconv and decimal can read t.
func (c *Column) number(t string) string {
	if c.ThousandsSeparator != "" {
		t = strings.ReplaceAll(t, c.ThousandsSeparator, "")
		if c.ThousandsSeparator == " " {
			t = strings.ReplaceAll(t, "\u00a0", "") // French exports use a no-break space
			t = strings.ReplaceAll(t, "\u202f", "")
		}
	}
	if c.DecimalSeparator == ',' {
		if strings.IndexByte(t, '.') >= 0 {
			return "" // a dot in a comma-decimal column is not a number
		}
		t = strings.Replace(t, ",", ".", 1)
	}
	return t
}

func (c *Column) hint(t string) string {
	if c.DecimalSeparator == '.' && strings.IndexByte(t, ',') >= 0 {
		return ` (for a decimal comma add decimal_separator: ",")`
	}
	return ""
}

func (c *Column) parseInt(t string) (any, error) {
	n, err := strconv.ParseInt(c.number(t), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not an integer%s", t, c.hint(t))
	}
	return int(n), nil
}

func (c *Column) parseFloat(t string) (any, error) {
	f, err := strconv.ParseFloat(c.number(t), 64)
	if err != nil || f != f || f > 1e308 || f < -1e308 {
		return nil, fmt.Errorf("%q is not a number%s", t, c.hint(t))
	}
	return f, nil
}

func (c *Column) parseDecimal(t string) (any, error) {
	n := c.number(t)
	d, err := decimal.Parse(n)
	if err != nil || strings.ContainsAny(n, "eE") {
		return nil, fmt.Errorf("%q is not a decimal number%s", t, c.hint(t))
	}
	return d, nil
}

func parseBool(t string) (any, error) {
	switch strings.ToLower(t) {
	case "true", "t", "yes", "y", "1", "oui", "o", "vrai":
		return true, nil
	case "false", "f", "no", "n", "0", "non", "faux":
		return false, nil
	}
	return nil, fmt.Errorf("%q is not a boolean (true/false, yes/no, 1/0)", t)
}

func (c *Column) parseTime(t string) (any, error) {
	var tm time.Time
	var err error
	switch c.Format {
	case "iso8601":
		tm, err = strftime.ParseISO8601(t, c.Timezone)
	case "unix":
		tm, err = strftime.ParseUnix(t, time.Second)
	case "unix_ms":
		tm, err = strftime.ParseUnix(t, time.Millisecond)
	default:
		tm, err = c.layout.Parse(t, c.Timezone)
	}
	if err != nil {
		return nil, err
	}
	return tm, nil
}
