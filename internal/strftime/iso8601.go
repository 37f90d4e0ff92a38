package strftime

import "time"

// ParseISO8601 reads an ISO 8601 date or date-time in its extended form, as
// APIs and databases export it, less the spaces and tabs around it:
//
//	2024-03-05
//	2024-03-05T14:30
//	2024-03-05T14:30:00
//	2024-03-05T14:30:00.123 (or ,123; 1 to 9 digits)
//	2024-03-05 14:30:00     (a space for the T)
//
// A time may end with a zone: Z, +01:00, +0100 or +01. Without one the time
// is in loc (UTC when nil), with the same rules as Layout.Parse for zones,
// skipped and repeated local times. The result is a real date and time, as
// with Layout.Parse. Errors are *ParseError, such as
// `"05/03/2024" is not an ISO 8601 date-time`. ParseISO8601 allocates
// nothing when it succeeds, except as Layout.Parse does for odd offsets.
func ParseISO8601(value string, loc *time.Location) (time.Time, error) {
	sc := scanner{s: trim(value)}
	f := newFields()
	if !scanISO8601(&sc, &f) {
		return time.Time{}, &ParseError{Value: value, Reason: sc.reason, expected: "an ISO 8601 date-time"}
	}
	if fl := f.check(); fl != noFlaw {
		return time.Time{}, &ParseError{Value: value, Reason: f.reason(fl), expected: "an ISO 8601 date-time"}
	}
	return f.build(loc), nil
}

// MatchISO8601 is ParseISO8601 for a caller that needs no reason (Match).
func MatchISO8601(value string, loc *time.Location) (time.Time, bool) {
	sc := scanner{s: trim(value), quiet: true}
	f := newFields()
	if !scanISO8601(&sc, &f) || f.check() != noFlaw {
		return time.Time{}, false
	}
	return f.build(loc), true
}

// scanISO8601 reads an ISO 8601 date-time into f and reports whether the
// whole value was one.
func scanISO8601(sc *scanner, f *fields) bool {
	var ok bool
	if f.year, ok = sc.digits(4, 4); !ok || !sc.next('-') {
		return false
	}
	if f.month, ok = sc.digits(2, 2); !ok || !sc.next('-') {
		return false
	}
	if f.day, ok = sc.digits(2, 2); !ok {
		return false
	}
	if sc.pos == len(sc.s) {
		return true
	}
	if !sc.next('T') && !sc.next('t') && !sc.next(' ') {
		return false
	}
	return scanISO8601Time(sc, f) && sc.pos == len(sc.s)
}

// scanISO8601Time reads hh:mm, then :ss, then a fraction, then a zone, each
// optional after the one before.
func scanISO8601Time(sc *scanner, f *fields) bool {
	var ok bool
	if f.hour, ok = sc.digits(2, 2); !ok || !sc.next(':') {
		return false
	}
	if f.min, ok = sc.digits(2, 2); !ok {
		return false
	}
	if sc.next(':') {
		if f.sec, ok = sc.digits(2, 2); !ok {
			return false
		}
		if sc.next('.') || sc.next(',') {
			if f.nsec, ok = sc.fraction(1, 9); !ok {
				return false
			}
		}
	}
	if sc.pos == len(sc.s) {
		return true
	}
	f.zone = zoneOffset
	f.offset, ok = sc.offset()
	return ok
}
