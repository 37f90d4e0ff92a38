package starter

import (
	"fmt"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// Column is what init concluded about one column: its mapping type and
// options, and why, for the comment beside it.
type Column struct {
	Name      string
	Type      string // string, int, decimal, float, bool or time
	Format    string // time: iso8601, unix, unix_ms or a strftime pattern
	Decimal   string // "," for a decimal comma, else ""
	Thousands string // a thousands separator, or ""
	Optional  bool   // some cells are blank
	Blanks    int    // blank cells seen
	Values    int    // non-blank cells seen
	// TimeOfDay is the strftime pattern of a column of times without a date
	// ("20:29"), kept as text to be read together with a date column.
	TimeOfDay string
	// Ambiguous is the other reading of a date whose day and month cannot be
	// told apart (no value has a part past 12): "%m/%d/%Y" for "%d/%m/%Y".
	Ambiguous string
	// Evidence is a value that rules the other reading out ("6/16/2016").
	Evidence string
	// Near is the type a text column would have but for a few values
	// (Misfits of them, such as Misfit): a date column with a "31/02/2024",
	// a quantity column with a "five". Draft types a column that plays a role
	// with it, and notes that those rows will be rejected.
	Near    *Column
	Misfits int
	Misfit  string
	Example string // the first value
	Repeats bool   // an order id column: some value appears twice (among the first ones)
	// Zeros and Negatives count the number cells equal to and below zero
	// (returns, cancellations); Negative is the first of them.
	Zeros, Negatives int
	Negative         string
	// Rate is true for a column of rates or percentages (a Discount of 0.2,
	// a "Taux TVA"): numbers, not money.
	Rate bool
	// FloatID is true for a column of ids written as floats by a spreadsheet
	// or a data frame ("12472.0"): the draft reads them without ".0".
	FloatID bool
	// Short counts the postal codes shorter than the Width digits of most
	// (501 among 5-digit zips: leading zeros lost); ShortExample is one.
	Short, Width int
	ShortExample string
	Min          time.Time // time columns: the earliest value
	Max          time.Time
	// Distinct lists the values in order of appearance when there are few.
	Distinct []string
	Why      string // why this type, for the comment
	Role     Role   // set by Draft
	// Duplicate is true when an earlier column has the same name: mapping
	// types and names only the first, so Draft leaves this one alone.
	Duplicate bool
	index     int // in the header
}

// Columns returns what the profile concludes about each column, in header
// order. dayFirst breaks the tie of an ambiguous date (true: dd/mm).
func (p *Profile) Columns(dayFirst bool) []*Column {
	cols := make([]*Column, len(p.Header))
	seen := map[string]bool{}
	for i, name := range p.Header {
		p.cols[i].takenOff = p.lines.takenOff(i)
		cols[i] = p.cols[i].column(name, dayFirst)
		cols[i].index = i
		cols[i].Duplicate = seen[name]
		seen[name] = true
	}
	return cols
}

func (s *stats) column(name string, dayFirst bool) *Column {
	c := &Column{Name: name, Type: "string", Blanks: s.blanks, Values: s.values, Example: s.first,
		Repeats: s.repeats, Zeros: s.zeros, Negatives: s.negatives, Negative: s.negative, Distinct: s.order}
	switch {
	case s.values == 0:
		c.Why = "always empty"
	case s.timeColumn(c, dayFirst, false):
	case keepsText(name) && !numericName(name):
		if s.numbers != 0 {
			c.Why = "codes, not amounts: kept as text"
		}
	case s.leadingZero != "" && s.numbers != 0:
		c.Why = fmt.Sprintf("leading zeros (%q): kept as text", s.leadingZero)
	case s.numberColumn(c, name, false):
	case s.bools:
		c.Type, c.Why = "bool", "yes/no values"
	default:
		s.near(c, name, dayFirst)
	}
	c.Optional = c.Type != "string" && s.blanks > 0
	if c.Type == "string" && keepsText(name) {
		s.codes(c, name)
	}
	return c
}

// codes notes what a column of codes lost to a spreadsheet: ids written as
// floats ("12472.0"), postal codes without their leading zeros ("501").
func (s *stats) codes(c *Column, name string) {
	if s.values > 0 && s.floatIDs == s.values {
		c.FloatID = true
		c.Why = fmt.Sprintf("ids written as floats (%q): read without \".0\" below", s.first)
		return
	}
	if recognise(Zip, name) == 0 {
		return
	}
	width, digits := 0, 0
	for n, count := range s.digitLens {
		digits += count
		if count > s.digitLens[width] {
			width = n
		}
	}
	if digits != s.values || width < 4 || 2*s.digitLens[width] < digits {
		return
	}
	for n := width - 1; n > 0; n-- {
		if s.digitLens[n] > 0 {
			c.Short, c.ShortExample = c.Short+s.digitLens[n], s.digitFirst[n]
		}
	}
	if c.Short > 0 {
		c.Width = width
		c.Why = fmt.Sprintf("codes, kept as text; %s shorter than the %d digits of the others (%q): leading zeros lost?",
			plural(c.Short, "value"), width, c.ShortExample)
	}
}

// near records the type a text column would have without its few misfits.
func (s *stats) near(c *Column, name string, dayFirst bool) {
	n := &Column{Name: name, Type: "string", Blanks: c.Blanks, Values: c.Values, Example: c.Example}
	if !s.timeColumn(n, dayFirst, true) && !s.numberColumn(n, name, true) {
		return
	}
	n.Optional = s.blanks > 0
	c.Near = n
}

// timeColumn types a column whose values read as a time: every one, or with
// nearly all of them but a few.
func (s *stats) timeColumn(c *Column, dayFirst, nearly bool) bool {
	i := s.firstTime(false, nearly)
	if i < 0 {
		if j := s.firstTime(true, false); j >= 0 && !nearly {
			c.TimeOfDay = timeFormats()[j].format
			c.Why = "times of day: kept as text, read with the date"
			return true
		}
		return false
	}
	f := &timeFormats()[i]
	if twin := f.dayFirst; twin >= 0 && s.timeAlive(twin) {
		c.Ambiguous = timeFormats()[twin].format
		if f.monthDays == dayFirst {
			i, c.Ambiguous = twin, f.format
		}
	} else if twin >= 0 {
		c.Evidence = s.killedBy[twin]
	}
	c.Type, c.Format = "time", timeFormats()[i].format
	c.Min, c.Max = s.minTime[i], s.maxTime[i]
	c.Misfits, c.Misfit = s.timeMiss[i], s.killedBy[i]
	c.Why = describeFormat(c)
	return true
}

// firstTime returns the first format that reads every value, or with nearly
// the one that misses fewest (but some); -1 if none. timeOnly picks times of
// day instead of dates.
func (s *stats) firstTime(timeOnly, nearly bool) int {
	best := -1
	for i := range timeFormats() {
		if timeFormats()[i].timeOnly != timeOnly || s.times&(1<<uint(i)) == 0 {
			continue
		}
		switch {
		case !nearly && s.timeMiss[i] == 0:
			return i
		case nearly && s.timeMiss[i] > 0 && (best < 0 || s.timeMiss[i] < s.timeMiss[best]):
			best = i
		}
	}
	return best
}

func describeFormat(c *Column) string {
	switch {
	case c.Format == "iso8601":
		return "ISO 8601 dates"
	case c.Ambiguous != "":
		return fmt.Sprintf("AMBIGUOUS: no value has a day past 12, so %s and %s both read every value", c.Format, c.Ambiguous)
	case c.Evidence != "":
		return fmt.Sprintf("%s: %q rules out the other day-month order", c.Format, c.Evidence)
	}
	return c.Format
}

// numberColumn types a column whose values read as numbers: every one, or
// with nearly all of them but a few.
func (s *stats) numberColumn(c *Column, name string, nearly bool) bool {
	i := s.firstNumber(nearly)
	if i < 0 {
		return false
	}
	nf := numberFormats[i]
	if !nearly && nf.typ == "int" && nf.thousands == "" && s.unixTime(c, name) {
		return true
	}
	if nf.typ == "int" && s.maxDigits >= 10 && !numericName(name) {
		c.Why = "long digit runs: an identifier, kept as text"
		return !nearly
	}
	c.Type, c.Thousands, c.Why = nf.typ, nf.thousands, "numbers"
	c.Misfits, c.Misfit = s.numMiss[i], s.numKilledBy[i]
	switch {
	case s.rate(name):
		c.Rate, c.Why = true, "a rate or percentage, not money"
		if s.fraction != "" && !s.aboveOne {
			c.Why = fmt.Sprintf("a rate, not money: %s is %s %%", s.fraction, percent(s.fraction))
		}
	case nf.typ == "int" && hasWord(name, moneyWords...) && !numericName(name, Quantity):
		c.Type, c.Why = "decimal", "money: exact decimal"
	case nf.typ == "decimal" && hasWord(name, moneyWords...):
		c.Why = "money: exact decimal"
	case nf.typ == "decimal":
		c.Why = "decimal numbers: exact"
	case nf.typ == "int":
		c.Why = "whole numbers"
	}
	if nf.decimal == ',' {
		c.Decimal, c.Why = ",", c.Why+", with a decimal comma"
	}
	return true
}

// rate reports whether a column of numbers holds rates or percentages: its
// name says so ("Taux TVA", "Discount %"), or it is named like a discount,
// every value lies between -1 and 1 ("0.2"), and it is not taken off the
// lines' amounts. (A tax is only a rate by name: a column of small tax
// amounts looks the same.)
func (s *stats) rate(name string) bool {
	if hasWord(name, rateWords...) || strings.Contains(name, "%") {
		return true
	}
	return s.sized && s.fraction != "" && !s.aboveOne && !s.takenOff
}

// percent writes a rate between 0 and 1 as a percentage: "0.2" -> "20".
func percent(rate string) string {
	n, ok := parseNumber(rate)
	if !ok {
		return rate
	}
	p, err := n.Mul(decimal.Hundred)
	if err != nil {
		return rate
	}
	return p.Trim(0).String()
}

// firstNumber is firstTime for the number formats.
func (s *stats) firstNumber(nearly bool) int {
	best := -1
	for i := range numberFormats {
		if s.numbers&(1<<uint(i)) == 0 {
			continue
		}
		switch {
		case !nearly && s.numMiss[i] == 0:
			return i
		case nearly && s.numMiss[i] > 0 && (best < 0 || s.numMiss[i] < s.numMiss[best]):
			best = i
		}
	}
	return best
}

// unixTime types a column of whole numbers named like a date as seconds (9
// or 10 digits) or milliseconds (12 or 13 digits) since 1970.
func (s *stats) unixTime(c *Column, name string) bool {
	if recognise(Date, name) == 0 {
		return false
	}
	switch {
	case s.minDigits >= 9 && s.maxDigits <= 10:
		c.Format = "unix"
	case s.minDigits >= 12 && s.maxDigits <= 13:
		c.Format = "unix_ms"
	default:
		return false
	}
	c.Type, c.Why = "time", c.Format+" timestamps"
	return true
}

// keepsText reports whether a name marks a column of codes (ids, postal
// codes, cards), kept as text whatever its values.
func keepsText(name string) bool {
	if hasWord(name, identifierWords...) {
		return true
	}
	for _, r := range []Role{Order, Customer, Email, UserAgent, Product, Store, Zip, Region, Currency} {
		if recognise(r, name) > 0 {
			return true
		}
	}
	return false
}

// numericName reports whether a name marks a quantity or an amount (of the
// given roles, or of any numeric role).
func numericName(name string, roles ...Role) bool {
	if len(roles) == 0 {
		roles = []Role{Quantity, UnitPrice, Amount, Discount}
	}
	for _, r := range roles {
		if recognise(r, name) > 0 {
			return true
		}
	}
	return false
}
