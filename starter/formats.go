package starter

import (
	"math"
	"strconv"
	"strings"
	"time"

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
var timeFormats = buildTimeFormats()

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
	var err error
	if f.layout == nil {
		t, err = strftime.ParseISO8601(value, time.UTC)
	} else {
		t, err = f.layout.Parse(value, time.UTC)
	}
	if err != nil || (!f.timeOnly && (t.Year() < minYear || t.Year() > maxYear)) {
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
	switch nf.typ {
	case "int":
		_, err := strconv.ParseInt(t, 10, 64)
		return err == nil
	case "decimal":
		_, err := decimal.Parse(t)
		return err == nil && !strings.ContainsAny(t, "eE")
	}
	f, err := strconv.ParseFloat(t, 64)
	return err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) <= 1e308
}

// isZero reports whether a number cell is zero ("0", "0,00", "-0.0").
func isZero(t string) bool {
	return strings.Trim(t, "+-0.,  \u00a0\u202f") == "" && strings.Contains(t, "0")
}

// spaces are the thousands separators that are blanks.
var spaces = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "")

// parseNumber reads a number cell written with a decimal point or comma and
// maybe a thousands separator ("1 234,50", "1,234.50", "-7"); ok is false
// when it is not a number.
func parseNumber(t string) (decimal.Decimal, bool) {
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
