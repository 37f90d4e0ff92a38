package input

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A workbook cell's stored value becomes the text excelize v2.11 gave it
// when its styles were all made General or ISO 8601 dates (the reader this
// one replaced; TestXLSXMatchesExcelize compares the two): a number in its
// shortest form to Excel's 15 significant digits, a number in a date style
// as 2006-01-02T15:04:05 (rounded to the second, Excel's 1900 leap-year
// bug and 1904 dates included), TRUE/FALSE, and text with its _xHHHH_
// escapes decoded. Two differences: a number of more than 11 digits in a
// style that is not a date's (a currency or "0" style, as an EAN barcode
// stored as a number has) was written by excelize to 10 significant digits
// (1.234567890E+12): it keeps its digits here, as it does without a style
// (TestXLSXLongNumberInAStyle); and a date cell (t="d", which Excel does
// not write) without a date style was written as its serial number: it is
// a date here whatever its style (TestXLSXParts).

// numberText is a number cell's value v in its shortest form, to 15
// significant digits (excelize's getCellDefault); v as it is when it is
// not a number.
func numberText(v string) string {
	if shortest(v) {
		return v
	}
	return numberForm(v)
}

// numberForm is numberText worked out.
func numberForm(v string) string {
	f, ok := xlsxNumber(v)
	if !ok {
		return v
	}
	short := strconv.FormatFloat(f, 'f', -1, 64)
	if len(short)-strings.Count(short, ".") > 15 && !withinPrecision(v) {
		return strconv.FormatFloat(f, 'G', 15, 64)
	}
	return short
}

// shortest reports whether v is a number in the form numberText gives it,
// as most number cells hold them: an optional '-', an integer part without
// leading zeros, an optional point and digits that do not end in 0, at most
// 15 digits in all (so that it is read back to the same digits), and not -0.
func shortest(v string) bool {
	digits := strings.TrimPrefix(v, "-")
	whole, frac, point := strings.Cut(digits, ".")
	switch {
	case whole == "" || len(whole) > 1 && whole[0] == '0' || !allDigits(whole):
		return false
	case point && (frac == "" || frac[len(frac)-1] == '0' || !allDigits(frac)):
		return false
	case len(whole)+len(frac) > 15:
		return false
	}
	return v != "-0"
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// xlsxNumber parses v as excelize's isNumeric does.
func xlsxNumber(v string) (float64, bool) {
	if strings.Contains(v, "_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

// withinPrecision reports whether v is an integer zero-filled after Excel's
// 15 significant digits.
func withinPrecision(v string) bool {
	if strings.ContainsAny(v, ".Ee") {
		return false
	}
	v = strings.TrimLeft(v, "+-0")
	return len(strings.TrimRight(v, "0")) <= 15
}

// dateText is a number cell's value v in a date style: its date and time
// in ISO 8601, or its numberText when it is not a date (negative, or not a
// number).
func dateText(v string, date1904 bool) string {
	text := numberText(v)
	n, ok := xlsxNumber(text)
	if !ok || n < 0 {
		return text
	}
	t := excelTime(n, date1904)
	t = t.Add(time.Duration(math.Round(float64(t.Nanosecond())/1e9)) * time.Second)
	year, month, day := t.Year(), int(t.Month()), t.Day()
	// Excel's first days, as excelize displays them.
	switch {
	case n < 1:
		year, month, day = 1900, 1, 0
	case n < 2:
		year, month, day = 1900, 1, excelTime(n+1, date1904).Day()
	case n < 60:
		day = excelTime(n+1, date1904).Day()
	case n < 61:
		month, day = 2, 29 // the day that never was
	}
	b := make([]byte, 0, 19)
	b = strconv.AppendInt(b, int64(year), 10)
	b = append(b, '-')
	b = twoDigits(b, month)
	b = append(b, '-')
	b = twoDigits(b, day)
	b = append(b, 'T')
	b = twoDigits(b, t.Hour())
	b = append(b, ':')
	b = twoDigits(b, t.Minute())
	b = append(b, ':')
	b = twoDigits(b, t.Second())
	return string(b)
}

func twoDigits(b []byte, n int) []byte {
	if n < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// isoDateText is a t="d" cell's ISO 8601 value in the form dateText gives,
// or v as it is when it does not parse.
func isoDateText(v string, date1904 bool) string {
	layout := "20060102T150405.999"
	switch {
	case strings.HasSuffix(v, "Z") && strings.Contains(v, "-"):
		layout = "2006-01-02T15:04:05Z"
	case strings.HasSuffix(v, "Z"):
		layout = "20060102T150405Z"
	case strings.Contains(v, "-"):
		layout = "2006-01-02 15:04:05Z"
	}
	t, err := time.Parse(layout, strings.ReplaceAll(v, ",", "."))
	if err != nil {
		return v
	}
	return dateText(strconv.FormatFloat(excelSerial(t, date1904), 'G', 15, 64), date1904)
}

// The epochs of Excel's dates: day 0 of the 1900 system (which counts a 29
// February 1900 that never was) and of the 1904 system.
var (
	excel1900Epoch   = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)
	excel1904Epoch   = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
	excelMin1900     = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	excelBuggyPeriod = time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
)

// excelSerial is t as an Excel serial date (excelize's timeToExcelTime).
func excelSerial(t time.Time, date1904 bool) float64 {
	epoch := excelMin1900
	if date1904 {
		epoch = excel1904Epoch
	}
	if t.Before(epoch) {
		return 0
	}
	const day = 24 * time.Hour
	const maxDuration = 290 * 364 * day
	tt, diff, result := t, t.Sub(epoch), 0.0
	for diff >= maxDuration {
		result += float64(maxDuration / day)
		tt = tt.Add(-maxDuration)
		diff = tt.Sub(epoch)
	}
	rem := diff % day
	result += float64(diff-rem)/float64(day) + float64(rem)/float64(day)
	if !date1904 && t.After(excelBuggyPeriod) {
		result++
	}
	return result
}

// excelTime is the time of the Excel serial date n (excelize's
// timeFromExcelTime): its first 61 days by the Julian calendar, as Excel
// counts them, the others from the epoch, to the millisecond.
func excelTime(n float64, date1904 bool) time.Time {
	whole := int(n)
	if whole <= 61 {
		const offset1900, offset1904, mjd0 = 15018.0, 16480.0, 2400000.5
		if date1904 {
			return julianTime(mjd0, n+offset1904)
		}
		return julianTime(mjd0, n+offset1900)
	}
	frac := n - float64(whole) + 1e-9
	date := excel1900Epoch
	if date1904 {
		date = excel1904Epoch
	}
	date = date.AddDate(0, 0, whole).Add(time.Duration(float64(24*time.Hour) * frac))
	if date.Nanosecond()/1e6 > 500 {
		return date.Round(time.Second)
	}
	return date.Truncate(time.Second)
}

// julianTime is the time of a Julian date given in two parts.
func julianTime(part1, part2 float64) time.Time {
	i1, f1 := math.Modf(part1)
	i2, f2 := math.Modf(part2)
	days, frac := i1+i2, f1+f2
	switch { // shift to noon
	case -0.5 < frac && frac < 0.5:
		frac += 0.5
	case frac >= 0.5:
		days++
		frac -= 0.5
	case frac <= -0.5:
		days--
		frac += 1.5
	}
	// Fliegel and Van Flandern's algorithm.
	l := int(days) + 68569
	k := (4 * l) / 146097
	l -= (146097*k + 3) / 4
	i := (4000 * (l + 1)) / 1461001
	l = l - (1461*i)/4 + 31
	j := (80 * l) / 2447
	d := l - (2447*j)/80
	l = j / 11
	m := j + 2 - (12 * l)
	y := 100*(k-49) + i + l
	const us, s = 1e3, 1e9
	ns := int64(24*60*60*s*frac + us/2)
	nanos := int((ns%s)/us) * us
	ns /= s
	return time.Date(y, time.Month(m), d, int(ns/3600), int(ns/60%60), int(ns%60), nanos, time.UTC)
}

// unescapeText decodes the _xHHHH_ escapes of a workbook's text (a
// character XML cannot hold; _x005F_ is an underscore), as excelize does.
func unescapeText(s string) string {
	i := strings.Index(s, "_x")
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i:]
		r, ok := escapedRune(s)
		switch {
		case ok && r == '_':
			b.WriteByte('_')
			s = s[7:]
		case ok:
			if r < 0xD800 || r > 0xDFFF {
				b.WriteRune(r)
			}
			s = s[7:]
		default:
			b.WriteString("_x")
			s = s[2:]
		}
		i = strings.Index(s, "_x")
	}
	b.WriteString(s)
	return b.String()
}

// escapedRune reads _xHHHH_ at the start of s.
func escapedRune(s string) (rune, bool) {
	if len(s) < 7 || s[6] != '_' {
		return 0, false
	}
	n, err := strconv.ParseUint(s[2:6], 16, 32)
	if err != nil || !utf8.ValidRune(rune(n)) && (n < 0xD800 || n > 0xDFFF) {
		return 0, false
	}
	return rune(n), true
}
