package strftime

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// scanner reads the pieces of one value left to right. Its methods return
// false when the piece is not there; they may set reason to say why, and
// otherwise the caller names the piece it expected.
type scanner struct {
	s      string // the value, trimmed
	pos    int    // bytes of s read so far
	reason string // why reading failed, or ""
	quiet  bool   // no reason is wanted: none is built (Match)
}

// rest returns what is left to read.
func (sc *scanner) rest() string { return sc.s[sc.pos:] }

// next reports whether the next byte is c, and reads it if so.
func (sc *scanner) next(c byte) bool {
	if sc.pos < len(sc.s) && sc.s[sc.pos] == c {
		sc.pos++
		return true
	}
	return false
}

// peekDigit reports whether a digit comes next.
func (sc *scanner) peekDigit() bool {
	return sc.pos < len(sc.s) && isDigit(sc.s[sc.pos])
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digits reads from min to max decimal digits, as many as there are.
func (sc *scanner) digits(min, max int) (int, bool) {
	s := sc.s[sc.pos:]
	if len(s) > max {
		s = s[:max]
	}
	v, n := 0, 0
	for ; n < len(s); n++ {
		d := s[n] - '0'
		if d > 9 {
			break
		}
		v = v*10 + int(d)
	}
	if n < min {
		return 0, false
	}
	sc.pos += n
	return v, true
}

// fraction reads from min to max (at most 9) digits after a decimal point
// and returns them as nanoseconds.
func (sc *scanner) fraction(min, max int) (int, bool) {
	start := sc.pos
	v, ok := sc.digits(min, max)
	for n := sc.pos - start; ok && n < 9; n++ {
		v *= 10
	}
	return v, ok
}

// integer reads an optional minus sign and digits, as many as there are. A
// number past the int64 range sets the reason "out of range".
func (sc *scanner) integer() (v int64, neg, ok bool) {
	neg = sc.next('-')
	i := sc.pos
	for i < len(sc.s) && isDigit(sc.s[i]) {
		d := int64(sc.s[i] - '0')
		if v > (math.MaxInt64-d)/10 {
			sc.reason = "out of range"
			return 0, false, false
		}
		v = v*10 + d
		i++
	}
	if i == sc.pos {
		return 0, false, false
	}
	sc.pos = i
	return v, neg, true
}

// spaces reads one or more spaces.
func (sc *scanner) spaces() bool {
	start := sc.pos
	sc.skipSpaces()
	return sc.pos > start
}

func (sc *scanner) skipSpaces() {
	for sc.pos < len(sc.s) && sc.s[sc.pos] == ' ' {
		sc.pos++
	}
}

// literal reads lit exactly.
func (sc *scanner) literal(lit string) bool {
	if !strings.HasPrefix(sc.s[sc.pos:], lit) {
		return false
	}
	sc.pos += len(lit)
	return true
}

// name reads a month or weekday name of t (see nameTable.match).
func (sc *scanner) name(t *nameTable, keepDot bool) (int, bool) {
	v, n := t.match(sc.rest(), keepDot)
	sc.pos += n
	return v, n > 0
}

// ampm reads AM or PM in any case and reports whether it was PM.
func (sc *scanner) ampm() (pm, ok bool) {
	r := sc.rest()
	if len(r) < 2 || r[1]|0x20 != 'm' {
		return false, false
	}
	switch r[0] | 0x20 {
	case 'a':
	case 'p':
		pm = true
	default:
		return false, false
	}
	sc.pos += 2
	return pm, true
}

// offset reads a UTC offset: Z, ±hh, ±hhmm or ±hh:mm. It returns the
// offset in seconds east of UTC.
func (sc *scanner) offset() (int, bool) {
	if sc.next('Z') || sc.next('z') {
		return 0, true
	}
	start, sign := sc.pos, 1
	if sc.next('-') {
		sign = -1
	} else if !sc.next('+') {
		return 0, false
	}
	hh, ok := sc.digits(2, 2)
	mm := 0
	if ok && (sc.next(':') || sc.peekDigit()) {
		mm, ok = sc.digits(2, 2)
	}
	if !ok {
		return 0, false
	}
	if hh > 23 || mm > 59 {
		if !sc.quiet {
			sc.reason = fmt.Sprintf("offset %s out of range", sc.s[start:sc.pos])
		}
		return 0, false
	}
	return sign * (hh*3600 + mm*60), true
}

// zoneName reads UTC, GMT or Z, in any case; the other abbreviations are
// ambiguous (CST, IST) or change with the date (CET, CEST), so it refuses
// them.
func (sc *scanner) zoneName() bool {
	i := sc.pos
	for i < len(sc.s) && 'a' <= sc.s[i]|0x20 && sc.s[i]|0x20 <= 'z' {
		i++
	}
	switch abbr := sc.s[sc.pos:i]; {
	case abbr == "":
		return false
	case strings.EqualFold(abbr, "UTC"), strings.EqualFold(abbr, "GMT"), strings.EqualFold(abbr, "Z"):
		sc.pos = i
		return true
	default:
		if !sc.quiet {
			sc.reason = "unsupported zone abbreviation " + strconv.Quote(abbr) + " (use %z with an offset)"
		}
		return false
	}
}

// trim removes the spaces and tabs around s.
func trim(s string) string {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	return s[i:j]
}
