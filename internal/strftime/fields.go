package strftime

import (
	"fmt"
	"time"
)

// fields holds the parts of a date-time as read from a value, before they
// are checked and made into a time.Time.
type fields struct {
	year, month, day int
	yday             int // %j, 1-366
	hour, min, sec   int
	nsec             int
	pm               bool     // %p said PM
	zone             zoneKind // where the offset comes from
	offset           int      // seconds east of UTC, for zoneOffset
	unix             int64    // %s, as an absolute value
	unixNeg          bool     // %s had a minus sign
}

// zoneKind tells how a value places its time on the time line.
type zoneKind uint8

const (
	zoneLocal  zoneKind = iota // no zone: the caller's location
	zoneOffset                 // fields.offset from UTC
)

// newFields returns the fields a value starts with: 1970-01-01 00:00:00.
func newFields() fields { return fields{year: 1970, month: 1, day: 1} }

// Unix times of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of
// years a four-digit %Y can give; unix times outside it are refused.
const (
	minUnix = -62135596800
	maxUnix = 253402300799
)

// flaw is what makes fields no real date and time (noFlaw when they are
// one). Checking gives a flaw, not its reason, so that Match, which wants
// no reason, builds none: fields.reason words it for Parse.
type flaw uint8

const (
	noFlaw flaw = iota
	badUnix
	badHour12
	badYearDay
	badMonth
	badDay
	badHour
	badMinute
	badSecond
)

// unixOutOfRange is the reason for badUnix, the one flaw of a unix time.
const unixOutOfRange = "unix time out of range"

// reason words fl for the fields it was found in.
func (f *fields) reason(fl flaw) string {
	switch fl {
	case badUnix:
		return unixOutOfRange
	case badHour12:
		return fmt.Sprintf("hour %d out of range for %%I", f.hour)
	case badYearDay:
		return fmt.Sprintf("day of year %d out of range for %d", f.yday, f.year)
	case badMonth:
		return fmt.Sprintf("month %d out of range", f.month)
	case badDay:
		return fmt.Sprintf("day %d out of range for %s %d", f.day, time.Month(f.month), f.year)
	case badHour:
		return fmt.Sprintf("hour %d out of range", f.hour)
	case badMinute:
		return fmt.Sprintf("minute %d out of range", f.min)
	case badSecond:
		return fmt.Sprintf("second %d out of range", f.sec)
	}
	return ""
}

// time checks the fields and makes them a time; set tells which fields the
// format has. It returns a flaw instead when the fields are no real date;
// the fields are then as read, for reason.
func (f *fields) time(set field, loc *time.Location) (time.Time, flaw) {
	if set&fUnix != 0 {
		return unixTime(f.unix, f.unixNeg, f.nsec)
	}
	if set&fHour12 != 0 {
		if f.hour < 1 || f.hour > 12 {
			return time.Time{}, badHour12
		}
		f.hour %= 12
		if f.pm {
			f.hour += 12
		}
	}
	if set&fYearDay != 0 {
		if fl := f.fromYearDay(); fl != noFlaw {
			return time.Time{}, fl
		}
	}
	if fl := f.check(); fl != noFlaw {
		return time.Time{}, fl
	}
	return f.build(loc), noFlaw
}

// fromYearDay sets the month and day from the day of the year.
func (f *fields) fromYearDay() flaw {
	if f.yday < 1 || f.yday > daysInYear(f.year) {
		return badYearDay
	}
	f.month, f.day = 1, f.yday
	for f.day > daysIn(f.month, f.year) {
		f.day -= daysIn(f.month, f.year)
		f.month++
	}
	return noFlaw
}

// check returns what makes the fields no real date and time, or noFlaw.
func (f *fields) check() flaw {
	switch {
	case f.month < 1 || f.month > 12:
		return badMonth
	case f.day < 1 || f.day > daysIn(f.month, f.year):
		return badDay
	case f.hour > 23:
		return badHour
	case f.min > 59:
		return badMinute
	case f.sec > 59:
		return badSecond
	}
	return noFlaw
}

// build makes the checked fields a time. Without a zone the time is in loc
// (UTC when nil), normalized by time.Date when loc skips it; with an offset
// of zero it is in UTC; with another offset it is in loc if loc has that
// offset at that instant, else in a fixed zone.
func (f *fields) build(loc *time.Location) time.Time {
	if f.zone == zoneLocal {
		if loc == nil {
			loc = time.UTC
		}
		return time.Date(f.year, time.Month(f.month), f.day, f.hour, f.min, f.sec, f.nsec, loc)
	}
	t := time.Date(f.year, time.Month(f.month), f.day, f.hour, f.min, f.sec, f.nsec, time.UTC)
	if f.offset == 0 {
		return t
	}
	t = t.Add(-time.Duration(f.offset) * time.Second)
	if loc != nil {
		if _, off := t.In(loc).Zone(); off == f.offset {
			return t.In(loc)
		}
	}
	// FixedZone caches whole-hour offsets; others cost one allocation.
	return t.In(time.FixedZone("", f.offset))
}

// unixTime returns the time sec seconds (negated if neg) and nsec
// nanoseconds (in the same direction) from the unix epoch, in UTC.
func unixTime(sec int64, neg bool, nsec int) (time.Time, flaw) {
	if neg {
		sec, nsec = -sec, -nsec
	}
	if sec < minUnix || sec > maxUnix || (sec == minUnix && nsec < 0) {
		return time.Time{}, badUnix
	}
	return time.Unix(sec, int64(nsec)).UTC(), noFlaw
}

// daysPerMonth holds the days in each month of a common year, January first.
var daysPerMonth = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// daysIn returns the days in month (1-12) of year.
func daysIn(month, year int) int {
	if month == 2 && isLeap(year) {
		return 29
	}
	return daysPerMonth[month]
}

func daysInYear(year int) int {
	if isLeap(year) {
		return 366
	}
	return 365
}

func isLeap(year int) bool {
	return year%4 == 0 && (year%100 != 0 || year%400 == 0)
}
