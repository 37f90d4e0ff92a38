package strftime

import (
	"strconv"
	"time"
)

// ParseError reports a value that is not a date-time of the expected form.
// Its message names the value and the form, then the reason when there is one:
//
//	"31/02/2024" does not match %d/%m/%Y: day 31 out of range for February 2024
//	"05/03/2024" is not an ISO 8601 date-time
//	"abc" is not a unix timestamp in seconds
type ParseError struct {
	Value  string // the value, as given
	Format string // the strftime format for Layout.Parse; "" for ParseISO8601 and ParseUnix
	Reason string // what is wrong with the value, or ""

	expected string // what the value is not, when Format is ""
}

func (e *ParseError) Error() string {
	msg := strconv.Quote(e.Value)
	if e.Format != "" {
		msg += " does not match " + e.Format
	} else {
		msg += " is not " + e.expected
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Parse reads value, less the spaces and tabs around it, with the layout and
// returns the time it names. The whole value must match: trailing characters
// are an error. Numbers are read greedily up to their width (two digits for
// %m, four for %Y) with no backtracking, so "%Y%m%d" reads "20240305" but
// "%d%m%Y" cannot read "532024".
//
// Parts the format lacks default to 1970-01-01 00:00:00. A value without a
// zone (%z, %Z or %s) is in loc, UTC when loc is nil. A local time that loc
// skips or repeats at a daylight-saving change is not an error: it gets the
// offset time.Date gives it, which depends on the zone. In Europe/Paris,
// 02:30 on the day clocks spring forward reads as 03:30 CEST (02:30 at the
// winter offset), and 02:30 on the day they fall back is the later 02:30
// CET. A value with a zone of offset zero is in UTC; with another offset it
// is in loc when loc has that offset at that instant, else in a fixed zone.
// %s gives a time in UTC. Weekday names are read but not checked.
//
// The result is a real date and time: a day past the month's end, month 13,
// hour 24, minute 60 or a leap second 60 is an error. Errors are *ParseError.
// Parse allocates nothing when it succeeds, except the fixed zone of an
// offset that is neither whole hours nor loc's.
func (l *Layout) Parse(value string, loc *time.Location) (time.Time, error) {
	sc := scanner{s: trim(value)}
	f := newFields()
	if !l.scan(&sc, &f) {
		return time.Time{}, &ParseError{Value: value, Format: l.format, Reason: sc.reason}
	}
	t, fl := f.time(l.fields, loc)
	if fl != noFlaw {
		return time.Time{}, &ParseError{Value: value, Format: l.format, Reason: f.reason(fl)}
	}
	return t, nil
}

// Match is Parse for a caller that needs no reason, only whether value
// reads: one that does not costs no allocation (init tries dozens of
// formats on every column of an export).
func (l *Layout) Match(value string, loc *time.Location) (time.Time, bool) {
	sc := scanner{s: trim(value), quiet: true}
	f := newFields()
	if !l.scan(&sc, &f) {
		return time.Time{}, false
	}
	t, fl := f.time(l.fields, loc)
	return t, fl == noFlaw
}

// scan reads the value into f step by step. It is one state machine over the
// compiled steps: each case reads one directive into its field. On failure
// it leaves a reason in sc.
func (l *Layout) scan(sc *scanner, f *fields) bool {
	for i := range l.steps {
		s, start := &l.steps[i], sc.pos
		var ok bool
		switch s.op {
		case opLiteral:
			ok = sc.literal(s.lit)
		case opSpace:
			ok = sc.spaces()
		case opYear4:
			f.year, ok = sc.digits(4, 4)
		case opYear2:
			f.year, ok = sc.digits(2, 2)
			f.year += century(f.year)
		case opMonth:
			f.month, ok = sc.digits(1, 2)
		case opMonthName:
			f.month, ok = sc.name(monthNames, s.dot)
		case opDay:
			if s.dir == 'e' {
				sc.skipSpaces() // %e pads with a space
			}
			f.day, ok = sc.digits(1, 2)
		case opYearDay:
			f.yday, ok = sc.digits(1, 3)
		case opHour24, opHour12:
			f.hour, ok = sc.digits(1, 2)
		case opAMPM:
			f.pm, ok = sc.ampm()
		case opMinute:
			f.min, ok = sc.digits(1, 2)
		case opSecond:
			f.sec, ok = sc.digits(1, 2)
		case opFraction:
			f.nsec, ok = sc.fraction(1, 9)
		case opMilli:
			f.nsec, ok = sc.fraction(3, 3)
		case opWeekday:
			_, ok = sc.name(weekdayNames, s.dot)
		case opOffset:
			f.offset, ok = sc.offset()
			f.zone = zoneOffset
		case opZoneName:
			ok = sc.zoneName()
			f.zone = zoneOffset
		case opUnix:
			f.unix, f.unixNeg, ok = sc.integer()
		}
		if !ok {
			sc.pos = start // report where the step began
			sc.fail(s)
			return false
		}
	}
	if sc.pos < len(sc.s) {
		if !sc.quiet {
			sc.reason = "trailing " + strconv.Quote(sc.rest())
		}
		return false
	}
	return true
}

// century returns what to add to a two-digit year: 1900 for 69-99 and 2000
// for 00-68, as POSIX strptime does.
func century(yy int) int {
	if yy >= 69 {
		return 1900
	}
	return 2000
}

// fail sets the reason for a step that did not read, unless the step set one:
// `expected %m at "x/2016"`, or `missing %m` at the end of the value.
func (sc *scanner) fail(s *step) {
	if sc.quiet {
		return
	}
	if sc.reason != "" {
		if s.op == opUnix {
			sc.reason = "unix time " + sc.reason
		}
		return
	}
	what := strconv.Quote(s.lit)
	if s.op != opLiteral {
		what = "%" + string(s.dir)
		if s.src != s.dir {
			what += " (in %" + string(s.src) + ")"
		}
	}
	if s.op == opSpace {
		what = "space"
	}
	if sc.pos == len(sc.s) {
		sc.reason = "missing " + what
		return
	}
	sc.reason = "expected " + what + " at " + strconv.Quote(sc.rest())
}
