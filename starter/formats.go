package starter

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/govalues/decimal"

	"csv2activity/internal/strftime"
)

// The cell formats init tries. A column keeps every format that has read all
// its values so far; the first one left, in the order below, is chosen. Each
// test mirrors how mapping converts a cell, so that a column typed here
// converts every value it was typed from.

// timeFormat is a time format a column may have: iso8601, or a strftime
// pattern.
type timeFormat struct {
	format    string
	layout    *strftime.Layout // nil for iso8601
	dateOnly  bool             // no time of day in it
	timeOnly  bool             // a time of day without a date: kept as text
	dayFirst  int              // for a d/m pattern, the index of its m/d twin (and the reverse); -1 otherwise
	monthDays bool             // %m before %d (American order)
}

// timeFormats lists the candidates: ISO 8601 first, then dates in every
// common order and separator, each alone and followed by a time.
// Built on first use, so that a start of the program that drafts nothing
// does not pay for it.
var timeFormats = sync.OnceValue(buildTimeFormats)

const isoFormat = 0

func buildTimeFormats() []timeFormat {
	dates := []string{"%d/%m/%Y", "%m/%d/%Y", "%d/%m/%y", "%m/%d/%y", "%d-%m-%Y", "%m-%d-%Y", "%d.%m.%Y", "%Y/%m/%d",
		"%d-%b-%Y", "%d %b %Y"}
	clocks := []string{"", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p"}
	fs := []timeFormat{{format: "iso8601", dayFirst: -1}}
	for _, c := range clocks {
		for _, d := range dates {
			fs = append(fs, timeFormat{format: d + c, dateOnly: c == "", dayFirst: -1, monthDays: strings.HasPrefix(d, "%m")})
		}
	}
	fs = append(fs, timeFormat{format: "%H:%M", timeOnly: true, dayFirst: -1}, timeFormat{format: "%H:%M:%S", timeOnly: true, dayFirst: -1})
	for i := range fs {
		if i != isoFormat {
			l, err := strftime.Compile(fs[i].format)
			if err != nil {
				panic("starter: bad time format " + fs[i].format + ": " + err.Error())
			}
			fs[i].layout = l
		}
	}
	for i := range fs {
		swapped := swapDayMonth(fs[i].format)
		for j := range fs {
			if swapped != fs[i].format && fs[j].format == swapped {
				fs[i].dayFirst = j
			}
		}
	}
	return fs
}

// swapDayMonth exchanges %d and %m in a format.
func swapDayMonth(f string) string {
	return strings.NewReplacer("%d", "%m", "%m", "%d").Replace(f)
}

// Years outside this range are taken for a misreading (a 2-digit year read
// with %Y), not for a date.
const minYear, maxYear = 1900, 2200

// parse reads value with format i; ok is false when it does not match or
// gives a year outside minYear..maxYear.
func (f *timeFormat) parse(value string) (time.Time, bool) {
	var t time.Time
	var ok bool
	if f.layout == nil {
		t, ok = strftime.MatchISO8601(value, time.UTC)
	} else {
		t, ok = f.layout.Match(value, time.UTC)
	}
	if !ok || (!f.timeOnly && (t.Year() < minYear || t.Year() > maxYear)) {
		return time.Time{}, false
	}
	return t, true
}

// numberFormat is a way of writing numbers: an int, decimal or float type
// with its decimal and thousands separators, as a mapping column says them.
type numberFormat struct {
	typ       string // int, decimal or float
	decimal   byte   // '.' or ','
	thousands string // "" or the separator
}

// numberFormats lists the candidates, plain forms first: a column of "12,50"
// is a decimal comma before it is a thousands comma.
var numberFormats = []numberFormat{
	{"int", '.', ""},
	{"decimal", '.', ""},
	{"decimal", ',', ""},
	{"int", '.', " "},
	{"decimal", '.', ","},
	{"decimal", '.', " "},
	{"decimal", ',', " "},
	{"decimal", ',', "."},
	{"float", '.', ""},
}

// accepts reports whether the trimmed, non-empty cell t converts, exactly as
// mapping converts a cell of a column declared with this format.
func (nf numberFormat) accepts(t string) bool {
	if nf.thousands != "" {
		t = strings.ReplaceAll(t, nf.thousands, "")
		if nf.thousands == " " {
			t = strings.ReplaceAll(strings.ReplaceAll(t, "\u00a0", ""), "\u202f", "")
		}
	}
	if nf.decimal == ',' {
		if strings.IndexByte(t, '.') >= 0 {
			return false
		}
		t = strings.Replace(t, ",", ".", 1)
	}
	return parses(kindOf(nf.typ), t)
}

// reads is accepts for a cell read by several formats in turn: a format
// that leaves the cell as written (no separator of its own in it) shares
// the plain parse of its type with the others, and a plain number
// (plainNumber) is not parsed at all. Its reference test is
// FuzzNumberFastPaths, against accepts.
func (nf numberFormat) reads(c *numberCell) bool {
	t, same := c.t, true
	if nf.thousands != "" && c.holds(nf.thousands) {
		t, same = strings.ReplaceAll(t, nf.thousands, ""), false
		if nf.thousands == " " {
			t = strings.ReplaceAll(strings.ReplaceAll(t, "\u00a0", ""), "\u202f", "")
		}
	}
	if nf.decimal == ',' {
		if strings.IndexByte(t, '.') >= 0 {
			return false
		}
		if strings.IndexByte(t, ',') >= 0 {
			t, same = strings.Replace(t, ",", ".", 1), false
		}
	}
	k := kindOf(nf.typ)
	if !same {
		return parses(k, t)
	}
	if !c.tried[k] {
		c.tried[k], c.read[k] = true, parses(k, t)
	}
	return c.read[k]
}

// numberCell is one trimmed cell as the number formats read it, with what
// each type's parser said of it as written.
type numberCell struct {
	t                    string
	comma, point, blanks bool // it holds a comma, a point, a space or a no-break space
	tried, read          [3]bool
}

func newNumberCell(t string) numberCell {
	if point, ok := plainNumber(t); ok {
		return numberCell{t: t, point: point, tried: [3]bool{true, true, true}, read: [3]bool{!point, true, true}}
	}
	c := numberCell{t: t, comma: strings.IndexByte(t, ',') >= 0, point: strings.IndexByte(t, '.') >= 0}
	c.blanks = strings.IndexByte(t, ' ') >= 0 || strings.Contains(t, "\u00a0") || strings.Contains(t, "\u202f")
	return c
}

// plainNumber reports whether t is a number every type but int reads, and
// int too unless it has a point: an optional sign, digits, maybe a point
// and digits, no more than 18 digits in all ("-12", "261.96").
func plainNumber(t string) (point, ok bool) {
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	digits, before := 0, 0
	for ; i < len(t); i++ {
		switch b := t[i]; {
		case b >= '0' && b <= '9':
			digits++
		case b == '.' && !point && digits > 0:
			point, before = true, digits
		default:
			return false, false
		}
	}
	return point, digits > 0 && digits <= 18 && (!point || digits > before)
}

// holds reports whether the cell holds the thousands separator sep (" "
// stands for every blank).
func (c *numberCell) holds(sep string) bool {
	switch sep {
	case ",":
		return c.comma
	case ".":
		return c.point
	case " ":
		return c.blanks
	}
	return strings.Contains(c.t, sep)
}

// The number types, as kindOf numbers them.
const (
	kindInt = iota
	kindDecimal
	kindFloat
)

func kindOf(typ string) int {
	switch typ {
	case "int":
		return kindInt
	case "decimal":
		return kindDecimal
	}
	return kindFloat
}

// parses reports whether t, its separators made plain, reads as a number
// of kind k as mapping reads it.
func parses(k int, t string) bool {
	switch k {
	case kindInt:
		_, err := strconv.ParseInt(t, 10, 64)
		return err == nil
	case kindDecimal:
		if strings.IndexByte(t, 'e') >= 0 || strings.IndexByte(t, 'E') >= 0 {
			return false
		}
		_, err := decimal.Parse(t)
		return err == nil
	}
	f, err := strconv.ParseFloat(t, 64)
	return err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) <= 1e308
}

// isZero reports whether a number cell is zero ("0", "0,00", "-0.0").
func isZero(t string) bool {
	zero := false
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '0':
			zero = true
		case '+', '-', '.', ',', ' ':
		default:
			if t[i] < utf8.RuneSelf {
				return false
			}
			return isZeroAny(t)
		}
	}
	return zero
}

// isZeroAny is isZero for every cell, the reference of its fast path
// (FuzzNumberFastPaths): it is used for a cell with characters beyond ASCII.
func isZeroAny(t string) bool {
	return strings.Trim(t, "+-0.,  \u00a0\u202f") == "" && strings.Contains(t, "0")
}

// spaces are the thousands separators that are blanks.
var spaces = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "")

// parseNumber reads a number cell written with a decimal point or comma and
// maybe a thousands separator ("1 234,50", "1,234.50", "-7"); ok is false
// when it is not a number.
func parseNumber(t string) (decimal.Decimal, bool) {
	if _, ok := plainNumber(t); ok { // nothing to take out or replace
		n, err := decimal.Parse(t)
		return n, err == nil
	}
	return parseAnyNumber(t)
}

// parseAnyNumber is parseNumber for every cell, the reference of its fast
// path (FuzzNumberFastPaths).
func parseAnyNumber(t string) (decimal.Decimal, bool) {
	t = spaces.Replace(t)
	comma, point := strings.LastIndexByte(t, ','), strings.LastIndexByte(t, '.')
	switch {
	case comma > point && point >= 0: // 1.234,50
		t = strings.ReplaceAll(t, ".", "")
		t = strings.Replace(t, ",", ".", 1)
	case comma >= 0 && point >= 0: // 1,234.50
		t = strings.ReplaceAll(t, ",", "")
	case comma >= 0:
		t = strings.Replace(t, ",", ".", 1)
	}
	if strings.ContainsAny(t, "eE") {
		return decimal.Decimal{}, false
	}
	n, err := decimal.Parse(t)
	return n, err == nil
}

// boolWords are the cells a bool column reads (mapping accepts 1 and 0 too,
// but a column of 1 and 0 is left an int).
var boolWords = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "y": true, "n": true, "oui": true,
	"non": true, "vrai": true, "faux": true, "t": true, "f": true}

// hasLeadingZero reports whether t is a run of digits starting with 0 (an
// identifier such as "0042" or an EAN "0000000000017").
func hasLeadingZero(t string) bool {
	return len(t) >= 2 && t[0] == '0' && allDigits(t)
}

// allDigits reports whether t is a non-empty run of ASCII digits.
func allDigits(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return t != ""
}
