// Package starter writes a first mapping for a CSV export nobody has mapped
// yet: it learns the columns' types and formats from their values, recognises
// the usual retail columns by name (in English and French), and prints a
// commented YAML mapping that converts the export with no rejected row.
//
// Feed a Profile with the export's rows (Add), then Draft it and write the
// draft (Draft.Write). Read does both from a file, as convert reads it.
package starter

import (
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/govalues/decimal"
)

// keyWindow is how many values of a column are remembered to tell whether
// they repeat (an order id over several lines): enough to see a few orders,
// bounded whatever the size of the export.
const keyWindow = 20000

// maxDigitLen is the longest run of digits whose length is counted (postal
// codes, short codes).
const maxDigitLen = 12

// maxDistinct is how many distinct values a column may have and still be
// listed (an event type, a currency code).
const maxDistinct = 24

// Profile is what the rows of an export say about its columns. Its memory is
// bounded whatever the number of rows. It is not safe for concurrent use.
type Profile struct {
	Header []string
	Rows   int // rows added
	cols   []*stats
	lines  lineStats // what a row says across its columns (returns.go, exact.go)
}

// stats is what the values of one column say so far.
type stats struct {
	values      int    // non-blank cells
	blanks      int    // empty or white cells
	times       uint64 // the time formats still tried: those that missed few values
	timeMiss    []int  // values each time format did not read
	numbers     uint16 // the number formats still tried
	numMiss     []int
	numKilledBy []string // the first value each number format did not read
	bools       bool
	leadingZero string                  // a value such as "0042", if any
	zeros       int                     // number cells equal to zero
	negatives   int                     // number cells below zero
	negative    string                  // the first of them
	sized       bool                    // a column named like a discount: is it a rate between -1 and 1?
	fraction    string                  // the first number cell strictly between -1 and 1, not zero ("0.2")
	aboveOne    bool                    // a number cell above 1 or below -1
	floatIDs    int                     // cells of digits ending in ".0" ("12472.0"), as a float-typed id prints
	takenOff    bool                    // a discount taken off the lines' amounts: money (set from lineStats)
	digitLens   [maxDigitLen + 1]int    // cells of only digits, by length (a postal code that lost its zeros)
	digitFirst  [maxDigitLen + 1]string // the first cell of each length
	minDigits   int                     // the shortest number cell, in characters less its sign
	maxDigits   int                     // the longest
	first       string                  // the first non-blank value
	killedBy    []string                // the first value each time format did not read
	minTime     []time.Time
	maxTime     []time.Time
	seen        map[string]struct{} // the first keyWindow values, for repeats; nil: not tracked
	repeats     bool
	order       []string // distinct values in order of appearance
	many        bool     // past maxDistinct values: order is nil
}

// NewProfile starts the profile of an export with this header.
func NewProfile(header []string) *Profile {
	p := &Profile{Header: header, lines: newLineStats(header)}
	for _, name := range header {
		var seen map[string]struct{}
		if recognise(Order, name) > 0 {
			seen = map[string]struct{}{} // only an order id's repeats matter
		}
		p.cols = append(p.cols, &stats{
			times: 1<<uint(len(timeFormats())) - 1, numbers: 1<<uint(len(numberFormats)) - 1, bools: true,
			timeMiss: make([]int, len(timeFormats())), numMiss: make([]int, len(numberFormats)),
			killedBy: make([]string, len(timeFormats())), numKilledBy: make([]string, len(numberFormats)), minTime: make([]time.Time, len(timeFormats())),
			maxTime: make([]time.Time, len(timeFormats())), seen: seen,
			sized: hasWord(name, discountWords...),
		})
	}
	return p
}

// Add takes one row. Fields beyond the header are ignored; missing ones count
// as blank.
func (p *Profile) Add(fields []string) {
	p.Rows++
	for i, s := range p.cols {
		v := ""
		if i < len(fields) {
			v = fields[i]
		}
		s.add(v)
	}
	p.lines.add(fields)
}

func (s *stats) add(v string) {
	t := strings.TrimSpace(v)
	if t == "" {
		s.blanks++
		return
	}
	s.values++
	if s.first == "" {
		s.first = t
	}
	s.remember(v)
	s.addTime(t)
	s.addNumber(t)
	s.addDigits(t)
	if s.bools && !boolWords[strings.ToLower(t)] {
		s.bools = false
	}
}

// remember keeps the value for the repeat test and the distinct list.
func (s *stats) remember(v string) {
	if _, dup := s.seen[v]; dup {
		s.repeats = true
	} else if s.seen != nil && len(s.seen) < keyWindow {
		s.seen[v] = struct{}{}
	}
	if s.many || slices.Contains(s.order, v) {
		return
	}
	if len(s.order) == maxDistinct {
		s.order, s.many = nil, true
		return
	}
	s.order = append(s.order, v)
}

// tolerance is how many values a format may miss and still be tried: a
// column that is almost all dates (or numbers) is one, with a few broken
// cells that check will show.
func (s *stats) tolerance() int { return 2 + s.values/100 }

// addTime counts the time formats that do not read t, and stops trying those
// that miss too many.
func (s *stats) addTime(t string) {
	formats := timeFormats()
	for alive := s.times; alive != 0; alive &= alive - 1 {
		i := bits.TrailingZeros64(alive)
		bit := uint64(1) << uint(i)
		tm, ok := formats[i].parse(t)
		if !ok {
			if s.timeMiss[i]++; s.timeMiss[i] > s.tolerance() {
				s.times &^= bit
			}
			if s.killedBy[i] == "" {
				s.killedBy[i] = t
			}
			continue
		}
		if s.minTime[i].IsZero() || tm.Before(s.minTime[i]) {
			s.minTime[i] = tm
		}
		if tm.After(s.maxTime[i]) {
			s.maxTime[i] = tm
		}
	}
}

// addNumber counts the number formats that do not read t, as addTime.
func (s *stats) addNumber(t string) {
	if s.numbers == 0 {
		return
	}
	read := false
	c := newNumberCell(t)
	for i, nf := range numberFormats {
		bit := uint16(1) << uint(i)
		if s.numbers&bit == 0 {
			continue
		}
		if nf.reads(&c) {
			read = true
			continue
		}
		if s.numMiss[i]++; s.numMiss[i] > s.tolerance() {
			s.numbers &^= bit
		}
		if s.numKilledBy[i] == "" {
			s.numKilledBy[i] = t
		}
	}
	if read {
		s.noteNumber(t)
	}
}

// noteNumber records what a number cell says beyond its format: a leading
// zero, its sign and size, its length.
func (s *stats) noteNumber(t string) {
	if hasLeadingZero(t) && s.leadingZero == "" {
		s.leadingZero = t
	}
	switch {
	case isZero(t):
		s.zeros++
	case t[0] == '-':
		if s.negatives++; s.negative == "" {
			s.negative = t
		}
	}
	if s.sized {
		s.noteSize(t)
	}
	digits := len(strings.TrimLeft(t, "+-"))
	if s.minDigits == 0 || digits < s.minDigits {
		s.minDigits = digits
	}
	s.maxDigits = max(s.maxDigits, digits)
}

// timeAlive reports whether time format i reads every value.
func (s *stats) timeAlive(i int) bool { return s.times&(1<<uint(i)) != 0 && s.timeMiss[i] == 0 }

// noteSize records whether a number cell lies between -1 and 1.
func (s *stats) noteSize(t string) {
	n, ok := parseNumber(t)
	if !ok || n.IsZero() {
		return
	}
	if n.Abs().Cmp(decimal.One) > 0 {
		s.aboveOne = true
	} else if n.Abs().Cmp(decimal.One) < 0 && s.fraction == "" {
		s.fraction = n.String()
	}
}

// addDigits counts a cell of only digits by its length, and a cell of
// digits ending in ".0".
func (s *stats) addDigits(t string) {
	if whole, ok := strings.CutSuffix(t, ".0"); ok && allDigits(whole) {
		s.floatIDs++
	}
	if n := len(t); n <= maxDigitLen && allDigits(t) {
		if s.digitLens[n]++; s.digitFirst[n] == "" {
			s.digitFirst[n] = t
		}
	}
}
