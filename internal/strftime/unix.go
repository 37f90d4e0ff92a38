package strftime

import (
	"fmt"
	"time"
)

// unitName names the units ParseUnix accepts, for its errors, and returns
// "" for the others.
func unitName(unit time.Duration) string {
	switch unit {
	case time.Second:
		return "seconds"
	case time.Millisecond:
		return "milliseconds"
	case time.Microsecond:
		return "microseconds"
	case time.Nanosecond:
		return "nanoseconds"
	}
	return ""
}

// ParseUnix reads a unix timestamp, a count of units since 1970-01-01 UTC,
// less the spaces and tabs around it: an integer with an optional minus sign
// and an optional fraction of up to 9 digits after a ".", such as
// "1709650200" or "1709650200.5" in seconds, or "1709650200500" in
// milliseconds. Exponents ("1.7E9") are refused. The unit is time.Second,
// time.Millisecond, time.Microsecond or time.Nanosecond; any other is an
// error. The result is in UTC, between years 1 and 9999, which catches a
// count of milliseconds read as seconds. Errors about the value are
// *ParseError, such as `"abc" is not a unix timestamp in seconds`.
// ParseUnix allocates nothing when it succeeds.
func ParseUnix(value string, unit time.Duration) (time.Time, error) {
	name := unitName(unit)
	if name == "" {
		return time.Time{}, fmt.Errorf("unix timestamp unit %v is not s, ms, µs or ns", unit)
	}
	sc := scanner{s: trim(value)}
	n, neg, ok := sc.integer()
	frac := 0
	if ok && sc.next('.') {
		frac, ok = sc.fraction(1, 9)
	}
	if !ok || sc.pos < len(sc.s) {
		return time.Time{}, &ParseError{Value: value, Reason: sc.reason, expected: "a unix timestamp in " + name}
	}
	perSecond := int64(time.Second / unit)
	nsec := n%perSecond*int64(unit) + int64(frac)*int64(unit)/int64(time.Second)
	t, fl := unixTime(n/perSecond, neg, int(nsec))
	if fl != noFlaw {
		return time.Time{}, &ParseError{Value: value, Reason: unixOutOfRange, expected: "a unix timestamp in " + name}
	}
	return t, nil
}
