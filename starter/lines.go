package starter

import (
	"sort"
	"strings"

	"github.com/govalues/decimal"
)

// What a row says across its columns, gathered for the columns whose names
// suggest the roles concerned (the roles themselves are only placed once
// every value is seen): the prefixes of order ids that only negative lines
// carry (C536548, a cancelled invoice), and whether a line's amount divided
// by its quantity ends (an exact unit price), and whether a discount is an
// amount taken off the line (then it is money, not a rate).

// maxPrefixes is how many distinct order id prefixes are counted; past it,
// the ids are taken for codes without a meaningful prefix.
const maxPrefixes = 16

// maxPrefixLen is the longest prefix counted ("C", "RET", "AV-").
const maxPrefixLen = 4

type lineStats struct {
	signed    []int       // columns named like a quantity, a unit price or an amount
	prefixes  []*prefixes // one per column named like an order id
	quotients []*quotient // one per pair of columns named like an amount and a quantity
	discounts []*discount // one per column named like a discount, when there are a price, a quantity and an amount
}

// prefixes counts, for a column of order ids, the rows of each id prefix and
// how many of them are negative lines (a signed column below zero).
type prefixes struct {
	col    int
	counts map[string]*prefixCount // nil once past maxPrefixes
}

type prefixCount struct {
	rows, negative int
	ids            int    // ids seen, counting each run of rows of one id once
	last           string // the id of the last row
}

// quotient counts the lines whose amount divided by their quantity (above
// zero) does not end: no finite decimal unit price times the quantity gives
// the amount (10.00 for 3).
type quotient struct {
	amount, qty int
	divided     int    // lines divided
	inexact     int    // of which the quotient does not end
	example     string // the first of them: "10.00 / 3"
}

func newLineStats(header []string) lineStats {
	var l lineStats
	var amounts, qtys, prices, discounts []int
	for i, name := range header {
		if recognise(Order, name) > 0 {
			l.prefixes = append(l.prefixes, &prefixes{col: i, counts: map[string]*prefixCount{}})
		}
		if recognise(Amount, name) > 0 {
			amounts = append(amounts, i)
		}
		if recognise(Quantity, name) > 0 {
			qtys = append(qtys, i)
		}
		if recognise(UnitPrice, name) > 0 {
			prices = append(prices, i)
		}
		if recognise(Discount, name) > 0 {
			discounts = append(discounts, i)
		}
		if numericName(name, Quantity, UnitPrice, Amount) {
			l.signed = append(l.signed, i)
		}
	}
	for _, c := range discounts {
		if len(prices) > 0 && len(qtys) > 0 && len(amounts) > 0 {
			l.discounts = append(l.discounts, &discount{col: c, price: prices[0], qty: qtys[0], amount: amounts[0]})
		}
	}
	for _, a := range amounts {
		for _, q := range qtys {
			if a != q {
				l.quotients = append(l.quotients, &quotient{amount: a, qty: q})
			}
		}
	}
	return l
}

func (l *lineStats) add(fields []string) {
	if len(l.prefixes) > 0 {
		negative := false
		for _, i := range l.signed {
			if isNegative(cell(fields, i)) {
				negative = true
				break
			}
		}
		for _, p := range l.prefixes {
			p.add(cell(fields, p.col), negative)
		}
	}
	for _, q := range l.quotients {
		q.add(cell(fields, q.amount), cell(fields, q.qty))
	}
	for _, d := range l.discounts {
		d.add(fields)
	}
}

func cell(fields []string, i int) string {
	if i < len(fields) {
		return strings.TrimSpace(fields[i])
	}
	return ""
}

func isNegative(t string) bool {
	if !strings.HasPrefix(t, "-") {
		return false
	}
	n, ok := parseNumber(t)
	return ok && n.IsNeg()
}

func (p *prefixes) add(id string, negative bool) {
	if p.counts == nil || id == "" {
		return
	}
	pre := idPrefix(id)
	c := p.counts[pre]
	if c == nil {
		if len(p.counts) == maxPrefixes {
			p.counts = nil
			return
		}
		c = &prefixCount{}
		p.counts[pre] = c
	}
	c.rows++
	if id != c.last {
		c.ids, c.last = c.ids+1, id
	}
	if negative {
		c.negative++
	}
}

// idPrefix returns what comes before an id's first digit ("C" of
// "C536548", "" of "536365"), or "" when that is not a short prefix.
func idPrefix(id string) string {
	i := strings.IndexAny(id, "0123456789")
	if i < 0 || i > maxPrefixLen {
		return ""
	}
	return id[:i]
}

// cancelled returns the prefixes that only negative lines carry, on two ids
// or more, among ids that otherwise hold purchases, with the rows they mark.
func (p *prefixes) cancelled() (list []string, rows int) {
	others := 0 // rows of a purchase: not negative
	for _, c := range p.counts {
		others += c.rows - c.negative
	}
	if others == 0 {
		return nil, 0
	}
	for pre, c := range p.counts {
		if pre != "" && c.ids >= 2 && c.negative == c.rows {
			list, rows = append(list, pre), rows+c.rows
		}
	}
	sort.Strings(list)
	return list, rows
}

func (q *quotient) add(amount, qty string) {
	a, ok := parseNumber(amount)
	if !ok {
		return
	}
	n, ok := parseNumber(qty)
	if !ok || !n.IsPos() {
		return
	}
	q.divided++
	if ends(a, n) {
		return
	}
	if q.inexact++; q.example == "" {
		q.example = amount + " / " + qty
	}
}

// ends reports whether a / b is a finite decimal: once the fraction of
// their coefficients is reduced, the divisor has no prime factor but 2 and
// 5 (the powers of ten of their scales only bring those).
func ends(a, b decimal.Decimal) bool {
	x, y := a.Coef(), b.Coef()
	if x == 0 {
		return true
	}
	y /= gcd(x, y)
	for y%2 == 0 {
		y /= 2
	}
	for y%5 == 0 {
		y /= 5
	}
	return y == 1
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// prefixesOf returns the prefix counts of column col, or nil.
func (l *lineStats) prefixesOf(col int) *prefixes {
	for _, p := range l.prefixes {
		if p.col == col {
			return p
		}
	}
	return nil
}

// quotientOf returns the quotient counts of the amount and quantity columns,
// or nil.
func (l *lineStats) quotientOf(amount, qty int) *quotient {
	for _, q := range l.quotients {
		if q.amount == amount && q.qty == qty {
			return q
		}
	}
	return nil
}

// discount counts, for a column named like a discount, the lines whose
// amount is their price times their quantity less the discount: a discount
// taken off every line that has one is money (a Remise of 0,50 €), whatever
// its values.
type discount struct {
	col, price, qty, amount int
	lines, off              int // lines with a discount; of which amount = price × qty − discount
}

func (d *discount) add(fields []string) {
	off, ok := parseNumber(cell(fields, d.col))
	if !ok || off.IsZero() {
		return
	}
	d.lines++
	p, ok1 := parseNumber(cell(fields, d.price))
	q, ok2 := parseNumber(cell(fields, d.qty))
	a, ok3 := parseNumber(cell(fields, d.amount))
	if !ok1 || !ok2 || !ok3 {
		return
	}
	gross, err := p.Mul(q)
	if err != nil {
		return
	}
	if net, err := gross.Sub(off); err == nil && net.Cmp(a) == 0 {
		d.off++
	}
}

// takenOff reports whether column col is a discount taken off the amount of
// every line that has one.
func (l *lineStats) takenOff(col int) bool {
	for _, d := range l.discounts {
		if d.col == col {
			return d.lines > 0 && d.off == d.lines
		}
	}
	return false
}
