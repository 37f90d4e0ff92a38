package strftime

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Layout is a compiled strftime-style parse format. It is immutable once
// compiled and safe for concurrent use by any number of goroutines.
type Layout struct {
	format string // as given to Compile
	steps  []step // what Parse does, in order
	fields field  // the fields the format sets
}

// op is what one step of a Layout does to the value.
type op uint8

const (
	opLiteral   op = iota // step.lit must follow, byte for byte
	opSpace               // one or more spaces
	opYear4               // %Y
	opYear2               // %y
	opMonth               // %m
	opMonthName           // %b %h %B
	opDay                 // %d %e
	opYearDay             // %j
	opHour24              // %H
	opHour12              // %I
	opAMPM                // %p
	opMinute              // %M
	opSecond              // %S
	opFraction            // %f
	opMilli               // %L
	opWeekday             // %a %A
	opOffset              // %z
	opZoneName            // %Z
	opUnix                // %s
)

// step is one compiled element of a format.
type step struct {
	op  op
	dir byte   // the directive letter, for messages
	src byte   // the directive it was expanded from (%F gives %Y), or dir
	dot bool   // names: the format has a literal "." right after the name
	lit string // opLiteral: the text to match
}

// field is a set of the date-time parts a format sets; Compile uses it to
// refuse formats that set a part twice, and Parse to know what it was given.
type field uint16

const (
	fYear field = 1 << iota
	fMonth
	fDay
	fHour
	fMinute
	fSecond
	fFraction
	fAMPM
	fZone
	fYearDay  // with fMonth|fDay: the date comes from %j
	fUnix     // with every date, time and zone field: the instant comes from %s
	fHour12   // with fHour: the hour comes from %I
	numFields = iota
)

// dateTime holds the fields that make a format a date or time format.
const dateTime = fYear | fMonth | fDay | fHour | fMinute | fSecond | fFraction

// fieldNames names each field for conflict messages, in bit order.
var fieldNames = [numFields]string{
	"year", "month", "day", "hour", "minute", "second", "fraction of a second",
	"AM/PM", "time zone", "day of year", "unix time", "12-hour clock",
}

// directive is what one letter after % stands for.
type directive struct {
	steps  []step // several for the shorthands %T %F %D %R
	fields field
}

// directives maps each supported directive letter to its steps.
var directives = func() map[byte]directive {
	d := map[byte]directive{
		'Y': one(opYear4, 'Y', fYear),
		'y': one(opYear2, 'y', fYear),
		'm': one(opMonth, 'm', fMonth),
		'b': one(opMonthName, 'b', fMonth),
		'h': one(opMonthName, 'h', fMonth),
		'B': one(opMonthName, 'B', fMonth),
		'd': one(opDay, 'd', fDay),
		'e': one(opDay, 'e', fDay),
		'j': one(opYearDay, 'j', fMonth|fDay|fYearDay),
		'H': one(opHour24, 'H', fHour),
		'I': one(opHour12, 'I', fHour|fHour12),
		'p': one(opAMPM, 'p', fAMPM),
		'M': one(opMinute, 'M', fMinute),
		'S': one(opSecond, 'S', fSecond),
		'f': one(opFraction, 'f', fFraction),
		'L': one(opMilli, 'L', fFraction),
		'a': one(opWeekday, 'a', 0),
		'A': one(opWeekday, 'A', 0),
		'z': one(opOffset, 'z', fZone),
		'Z': one(opZoneName, 'Z', fZone),
		's': one(opUnix, 's', fYear|fMonth|fDay|fHour|fMinute|fSecond|fZone|fUnix),
		'%': {steps: []step{{op: opLiteral, lit: "%"}}},
	}
	d['T'] = expand(d, 'T', "%H:%M:%S")
	d['F'] = expand(d, 'F', "%Y-%m-%d")
	d['D'] = expand(d, 'D', "%m/%d/%y")
	d['R'] = expand(d, 'R', "%H:%M")
	return d
}()

// one returns a directive of one step.
func one(o op, dir byte, f field) directive {
	return directive{steps: []step{{op: o, dir: dir, src: dir}}, fields: f}
}

// expand builds the shorthand directive src from format, which holds only
// one-step directives of d and single-byte literals.
func expand(d map[byte]directive, src byte, format string) directive {
	var sh directive
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			sh.steps = append(sh.steps, step{op: opLiteral, lit: format[i : i+1]})
			continue
		}
		i++
		sub := d[format[i]]
		s := sub.steps[0]
		s.src = src
		sh.steps = append(sh.steps, s)
		sh.fields |= sub.fields
	}
	return sh
}

// Compile compiles a strftime-style format for Parse. The directives are %Y %y
// %m %d %e %j %H %I %p %M %S %f %L %b %h %B %a %A %z %Z %s, the shorthands %T
// (%H:%M:%S), %F (%Y-%m-%d), %D (%m/%d/%y) and %R (%H:%M), and %% for a
// percent sign. Any other character must appear as is in the value, except
// that a run of spaces matches one or more spaces; spaces at either end of the
// format are ignored, since Parse trims the value.
//
// Numbers have no sign and may drop leading zeros up to their width: %Y is 4
// digits; %y is 2, 69-99 for 1969-1999 and 00-68 for 2000-2068 as in POSIX;
// %m %d %e %H %I %M %S are 1 or 2 (%e may follow spaces); %j is 1 to 3; %f
// is 1 to 9 digits of a fraction of a second and %L exactly 3. %p is AM or
// PM in any case. %z is Z, ±hh, ±hhmm or ±hh:mm; %Z is UTC, GMT or Z, the
// other abbreviations being ambiguous. %s is a count of seconds since
// 1970-01-01 UTC, possibly negative.
//
// %b, %h and %B are the same directive: each reads an English or French
// month name, full or abbreviated, in any case, with or without accents and
// an abbreviation dot ("Feb", "févr.", "FEVRIER"); %a and %A read a weekday
// name the same way. %s may only be joined by %f or %L, for a fraction.
//
// Compile refuses an unknown or incomplete directive, a format that sets a
// part twice (%d with %j, %F with %Y, %s with a date, time or zone), %I
// without %p or %p without %I, and a format with no date or time directive.
// The Layout is immutable and safe for concurrent use.
func Compile(format string) (*Layout, error) {
	l := &Layout{format: format}
	var setBy [numFields]string // the directive that set each field
	body := strings.Trim(format, " ")
	for i := 0; i < len(body); i++ {
		switch {
		case body[i] == ' ':
			for i+1 < len(body) && body[i+1] == ' ' {
				i++
			}
			l.steps = append(l.steps, step{op: opSpace})
		case body[i] != '%':
			l.addLiteral(body[i : i+1])
		default:
			i++
			if err := l.addDirective(body[i:], &setBy); err != nil {
				return nil, err
			}
		}
	}
	if err := l.check(); err != nil {
		return nil, err
	}
	return l, nil
}

// addDirective appends the steps of the directive that starts rest, just
// after its %, and records in setBy the fields it sets.
func (l *Layout) addDirective(rest string, setBy *[numFields]string) error {
	if rest == "" {
		return fmt.Errorf("incomplete directive %% at end of format %q", l.format)
	}
	d, ok := directives[rest[0]]
	if !ok {
		r, _ := utf8.DecodeRuneInString(rest)
		return fmt.Errorf("unknown directive %%%c in format %q", r, l.format)
	}
	if err := claim(setBy, d.fields, "%"+rest[:1], l.format); err != nil {
		return err
	}
	l.fields |= d.fields
	for _, s := range d.steps {
		l.addStep(s)
	}
	return nil
}

// claim records that directive sets the fields f, or reports the directive
// that set one of them before.
func claim(setBy *[numFields]string, f field, directive, format string) error {
	for bit := 0; bit < numFields; bit++ {
		if f&(1<<bit) == 0 {
			continue
		}
		if prev := setBy[bit]; prev != "" {
			return fmt.Errorf("%s and %s both set the %s in format %q", prev, directive, fieldNames[bit], format)
		}
		setBy[bit] = directive
	}
	return nil
}

// addStep appends s, merging literals so that Parse compares them at once.
func (l *Layout) addStep(s step) {
	if s.op == opLiteral {
		l.addLiteral(s.lit)
		return
	}
	l.steps = append(l.steps, s)
}

// addLiteral appends lit to the format's trailing literal, or starts one; it
// also tells a month or weekday name just before that a "." follows it.
func (l *Layout) addLiteral(lit string) {
	n := len(l.steps)
	if n > 0 && l.steps[n-1].op == opLiteral {
		l.steps[n-1].lit += lit
		return
	}
	if n > 0 && lit[0] == '.' && (l.steps[n-1].op == opMonthName || l.steps[n-1].op == opWeekday) {
		l.steps[n-1].dot = true
	}
	l.steps = append(l.steps, step{op: opLiteral, lit: lit})
}

// check reports a compiled format that Parse could not make sense of.
func (l *Layout) check() error {
	switch {
	case l.fields&dateTime == 0:
		return fmt.Errorf("format %q has no date or time directive", l.format)
	case l.fields&fHour12 != 0 && l.fields&fAMPM == 0:
		return fmt.Errorf("%%I needs %%p in format %q", l.format)
	case l.fields&fAMPM != 0 && l.fields&fHour12 == 0:
		return fmt.Errorf("%%p needs %%I in format %q", l.format)
	}
	return nil
}

// String returns the format as given to Compile.
func (l *Layout) String() string { return l.format }
