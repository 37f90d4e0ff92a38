package mapping

import "strings"

// Numbers as exports write them, and nothing else. strconv and the decimal
// library read more than a cell should hold (1_000, 0x1F, Inf, NaN) and a
// decimal library rounds what it cannot hold: a cell is first read here, by
// its column's rules, and only then converted.
//
// A number is an optional sign (+ or -), digits, the column's decimal
// separator and more digits (not for int columns), and, for float columns
// only, an exponent (1.5e3). With a thousands_separator, the digits before
// the separator may be grouped by threes (1,234,567; 1 234 567 with a space
// also takes the no-break spaces French software writes). Surrounding
// spaces are trimmed before. FuzzIntCell, FuzzFloatCell, FuzzDecimalCell
// and FuzzBoolCell compare this with a reference built from regular
// expressions, strconv and math/big.

// scanned is a number read from a cell.
type scanned struct {
	neg         bool
	whole, frac string // the digits before and after the decimal separator
	point       bool   // a decimal separator was written
	exp         string // the exponent's digits with their sign; "" when none
	plain       bool   // the cell is already in Go's syntax: no separators to remove
}

// scan reads t by the column's rules; exponent allows one (float columns).
func (c *Column) scan(t string, exponent bool) (n scanned, ok bool) {
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		n.neg = t[i] == '-'
		i++
	}
	start := i
	i = skipDigits(t, i)
	n.whole = t[start:i]
	n.plain = true
	if first := i - start; first >= 1 && first <= 3 && c.ThousandsSeparator != "" {
		var grouped bool
		if i, grouped = c.groups(t, i, &n.whole); !grouped && i < 0 {
			return n, false
		}
		n.plain = n.plain && !grouped
	}
	if i < len(t) && t[i] == c.DecimalSeparator && c.Type != Int {
		n.point = true
		n.plain = n.plain && c.DecimalSeparator == '.'
		j := skipDigits(t, i+1)
		n.frac = t[i+1 : j]
		i = j
	}
	if n.whole == "" && n.frac == "" {
		return n, false
	}
	if exponent && i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		j := i + 1
		if j < len(t) && (t[j] == '+' || t[j] == '-') {
			j++
		}
		k := skipDigits(t, j)
		if k == j {
			return n, false
		}
		n.exp = t[i+1 : k]
		i = k
	}
	return n, i == len(t)
}

// groups reads the groups of three digits that follow the first group of
// whole at i, each after a thousands separator, and adds their digits to
// *whole. It returns where they end, whether there were any, and -1 for a
// group that is not three digits.
func (c *Column) groups(t string, i int, whole *string) (int, bool) {
	var b []byte
	for {
		l := c.separatorAt(t, i)
		if l == 0 {
			break
		}
		j := skipDigits(t, i+l)
		if j-(i+l) != 3 {
			return -1, false
		}
		if b == nil {
			b = append(b, *whole...)
		}
		b = append(b, t[i+l:j]...)
		i = j
	}
	if b == nil {
		return i, false
	}
	*whole = string(b)
	return i, true
}

// separatorAt is the length of the thousands separator at t[i:], 0 if
// there is none. A space separator also matches the no-break spaces.
func (c *Column) separatorAt(t string, i int) int {
	s := t[i:]
	if strings.HasPrefix(s, c.ThousandsSeparator) {
		return len(c.ThousandsSeparator)
	}
	if c.ThousandsSeparator == " " {
		for _, nb := range []string{"\u00a0", "\u202f"} {
			if strings.HasPrefix(s, nb) {
				return len(nb)
			}
		}
	}
	return 0
}

func skipDigits(t string, i int) int {
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	return i
}

// goSyntax is the number in the syntax strconv and the decimal library
// read; t is the cell, returned as it is when it is already.
func (n *scanned) goSyntax(t string) string {
	if n.plain {
		return t
	}
	var b strings.Builder
	if n.neg {
		b.WriteByte('-')
	}
	if n.whole == "" {
		b.WriteByte('0')
	}
	b.WriteString(n.whole)
	if n.frac != "" {
		b.WriteByte('.')
		b.WriteString(n.frac)
	}
	if n.exp != "" {
		b.WriteByte('e')
		b.WriteString(n.exp)
	}
	return b.String()
}

// exact reports whether a decimal holds the number without rounding.
func (n *scanned) exact() bool {
	digits := len(strings.TrimLeft(n.whole+n.frac, "0"))
	return len(n.frac) <= maxDecimalDigits && digits <= maxDecimalDigits
}
