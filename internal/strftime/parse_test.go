package strftime

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris on any machine
)

// parseTests are read in UTC; want is the result in RFC 3339 with
// nanoseconds, err the whole error message when Parse fails.
var parseTests = []struct {
	name, format, value string
	want, err           string
}{
	// Numbers.
	{name: "ISO date", format: "%Y-%m-%d", value: "2024-03-05", want: "2024-03-05T00:00:00Z"},
	{name: "one-digit month and day", format: "%Y-%m-%d", value: "2024-3-5", want: "2024-03-05T00:00:00Z"},
	{name: "French date", format: "%d/%m/%Y", value: "05/03/2024", want: "2024-03-05T00:00:00Z"},
	{name: "US date", format: "%m/%d/%Y", value: "3/5/2024", want: "2024-03-05T00:00:00Z"},
	{name: "packed date", format: "%Y%m%d", value: "20240305", want: "2024-03-05T00:00:00Z"},
	{name: "packed date-time", format: "%Y%m%d%H%M%S", value: "20240305143007", want: "2024-03-05T14:30:07Z"},
	{name: "%y 69 is 1969", format: "%d.%m.%y", value: "01.02.69", want: "1969-02-01T00:00:00Z"},
	{name: "%y 68 is 2068", format: "%d.%m.%y", value: "01.02.68", want: "2068-02-01T00:00:00Z"},
	{name: "%y 00 is 2000", format: "%d.%m.%y", value: "01.02.00", want: "2000-02-01T00:00:00Z"},
	{name: "%y 99 is 1999", format: "%d.%m.%y", value: "01.02.99", want: "1999-02-01T00:00:00Z"},
	{name: "%e padded with a space", format: "%b %e %Y", value: "Mar  5 2024", want: "2024-03-05T00:00:00Z"},
	{name: "%e after a slash", format: "%m/%e/%Y", value: "03/ 5/2024", want: "2024-03-05T00:00:00Z"},
	{name: "%j", format: "%Y %j", value: "2024 65", want: "2024-03-05T00:00:00Z"},
	{name: "%j leap day", format: "%Y-%j", value: "2024-060", want: "2024-02-29T00:00:00Z"},
	{name: "%j last day", format: "%Y-%j", value: "2024-366", want: "2024-12-31T00:00:00Z"},
	{name: "%H:%M", format: "%d/%m/%Y %H:%M", value: "05/03/2024 14:30", want: "2024-03-05T14:30:00Z"},
	{name: "one-digit hour", format: "%d/%m/%Y %H:%M", value: "05/03/2024 9:05", want: "2024-03-05T09:05:00Z"},
	{name: "%S", format: "%H:%M:%S", value: "23:59:59", want: "1970-01-01T23:59:59Z"},
	{name: "%f one digit", format: "%T.%f", value: "14:30:00.5", want: "1970-01-01T14:30:00.5Z"},
	{name: "%f six digits", format: "%T.%f", value: "14:30:00.123456", want: "1970-01-01T14:30:00.123456Z"},
	{name: "%f nine digits", format: "%T.%f", value: "14:30:00.123456789", want: "1970-01-01T14:30:00.123456789Z"},
	{name: "%L", format: "%T,%L", value: "14:30:00,007", want: "1970-01-01T14:30:00.007Z"},
	{name: "%s", format: "%s", value: "1709649000", want: "2024-03-05T14:30:00Z"},
	{name: "%s negative", format: "%s", value: "-1", want: "1969-12-31T23:59:59Z"},
	{name: "%s with %f", format: "%s.%f", value: "1709649000.25", want: "2024-03-05T14:30:00.25Z"},
	{name: "%s negative with %f", format: "%s.%f", value: "-1.5", want: "1969-12-31T23:59:58.5Z"},
	{name: "%s with %L", format: "%s.%L", value: "1709649000.250", want: "2024-03-05T14:30:00.25Z"},
	{name: "%%", format: "%d%%%m%%%Y", value: "05%03%2024", want: "2024-03-05T00:00:00Z"},
	{name: "only time", format: "%Hh%M", value: "14h30", want: "1970-01-01T14:30:00Z"},
	{name: "only year", format: "%Y", value: "2024", want: "2024-01-01T00:00:00Z"},

	// Shorthands.
	{name: "%F %T", format: "%F %T", value: "2024-03-05 14:30:07", want: "2024-03-05T14:30:07Z"},
	{name: "%D", format: "%D", value: "03/05/24", want: "2024-03-05T00:00:00Z"},
	{name: "%R", format: "%F %R", value: "2024-03-05 14:30", want: "2024-03-05T14:30:00Z"},

	// 12-hour clock.
	{name: "US date-time PM", format: "%m/%d/%Y %I:%M %p", value: "1/5/2024 2:30 PM", want: "2024-01-05T14:30:00Z"},
	{name: "lower-case am", format: "%m/%d/%Y %I:%M %p", value: "1/5/2024 2:30 am", want: "2024-01-05T02:30:00Z"},
	{name: "12 AM is midnight", format: "%I:%M %p", value: "12:15 AM", want: "1970-01-01T00:15:00Z"},
	{name: "12 PM is noon", format: "%I:%M %p", value: "12:15 PM", want: "1970-01-01T12:15:00Z"},
	{name: "AM/PM glued", format: "%I:%M%p", value: "11:59pm", want: "1970-01-01T23:59:00Z"},

	// Names.
	{name: "English abbreviated month", format: "%d %b %Y", value: "05 Mar 2024", want: "2024-03-05T00:00:00Z"},
	{name: "English full month", format: "%B %d, %Y", value: "March 5, 2024", want: "2024-03-05T00:00:00Z"},
	{name: "%h", format: "%h %d %Y", value: "sep 5 2024", want: "2024-09-05T00:00:00Z"},
	{name: "French abbreviation with dot", format: "%d %b %Y", value: "05 févr. 2024", want: "2024-02-05T00:00:00Z"},
	{name: "French abbreviation and time", format: "%d %b %Y %Hh%M", value: "5 août 2023 14h30", want: "2023-08-05T14:30:00Z"},
	{name: "French without accent", format: "%d %b %Y", value: "5 aout 2023", want: "2023-08-05T00:00:00Z"},
	{name: "French upper case", format: "%d %B %Y", value: "5 FÉVRIER 2024", want: "2024-02-05T00:00:00Z"},
	{name: "French decomposed accent", format: "%d %B %Y", value: "5 de\u0301cembre 2024", want: "2024-12-05T00:00:00Z"},
	{name: "%B reads an abbreviation", format: "%d %B %Y", value: "5 déc. 2024", want: "2024-12-05T00:00:00Z"},
	{name: "%b reads a full name", format: "%d %b %Y", value: "5 juillet 2024", want: "2024-07-05T00:00:00Z"},
	{name: "juin is June", format: "%d %b %Y", value: "5 juin 2024", want: "2024-06-05T00:00:00Z"},
	{name: "juil. is July", format: "%d %b %Y", value: "5 juil. 2024", want: "2024-07-05T00:00:00Z"},
	{name: "name before a literal dot", format: "%d.%b.%Y", value: "05.mars.2024", want: "2024-03-05T00:00:00Z"},
	{name: "name glued to year", format: "%d%b%Y", value: "05mar2024", want: "2024-03-05T00:00:00Z"},
	{name: "English weekday", format: "%a, %d %b %Y", value: "Tue, 05 Mar 2024", want: "2024-03-05T00:00:00Z"},
	{name: "French weekday", format: "%A %d %B %Y", value: "mardi 5 mars 2024", want: "2024-03-05T00:00:00Z"},
	{name: "weekday not checked", format: "%A %d %B %Y", value: "Sunday 5 March 2024", want: "2024-03-05T00:00:00Z"},

	// Zones.
	{name: "%z +hhmm", format: "%F %T %z", value: "2024-03-05 14:30:00 +0100", want: "2024-03-05T14:30:00+01:00"},
	{name: "%z +hh:mm", format: "%F %T %z", value: "2024-03-05 14:30:00 +05:30", want: "2024-03-05T14:30:00+05:30"},
	{name: "%z -hhmm", format: "%F %T %z", value: "2024-03-05 14:30:00 -0500", want: "2024-03-05T14:30:00-05:00"},
	{name: "%z +hh", format: "%F %T%z", value: "2024-03-05 14:30:00+01", want: "2024-03-05T14:30:00+01:00"},
	{name: "%z Z", format: "%FT%T%z", value: "2024-03-05T14:30:00Z", want: "2024-03-05T14:30:00Z"},
	{name: "%z zero is UTC", format: "%FT%T%z", value: "2024-03-05T14:30:00+00:00", want: "2024-03-05T14:30:00Z"},
	{name: "%Z UTC", format: "%F %T %Z", value: "2024-03-05 14:30:00 UTC", want: "2024-03-05T14:30:00Z"},
	{name: "%Z GMT", format: "%F %T %Z", value: "2024-03-05 14:30:00 gmt", want: "2024-03-05T14:30:00Z"},

	// Spaces.
	{name: "value trimmed", format: "%d/%m/%Y", value: " \t05/03/2024  ", want: "2024-03-05T00:00:00Z"},
	{name: "space matches several", format: "%d %m %Y", value: "05   03 2024", want: "2024-03-05T00:00:00Z"},

	// Errors.
	{name: "month 45", format: "%d/%m/%Y", value: "13/45/2016",
		err: `"13/45/2016" does not match %d/%m/%Y: month 45 out of range`},
	{name: "February 31", format: "%d/%m/%Y", value: "31/02/2024",
		err: `"31/02/2024" does not match %d/%m/%Y: day 31 out of range for February 2024`},
	{name: "February 29 of a common year", format: "%d/%m/%Y", value: "29/02/2023",
		err: `"29/02/2023" does not match %d/%m/%Y: day 29 out of range for February 2023`},
	{name: "February 29 1900", format: "%d/%m/%Y", value: "29/02/1900",
		err: `"29/02/1900" does not match %d/%m/%Y: day 29 out of range for February 1900`},
	{name: "day 0", format: "%d/%m/%Y", value: "00/02/2024",
		err: `"00/02/2024" does not match %d/%m/%Y: day 0 out of range for February 2024`},
	{name: "month 13", format: "%F", value: "2024-13-01",
		err: `"2024-13-01" does not match %F: month 13 out of range`},
	{name: "hour 24", format: "%F %R", value: "2024-03-05 24:00",
		err: `"2024-03-05 24:00" does not match %F %R: hour 24 out of range`},
	{name: "minute 60", format: "%H:%M", value: "12:60",
		err: `"12:60" does not match %H:%M: minute 60 out of range`},
	{name: "leap second", format: "%T", value: "23:59:60",
		err: `"23:59:60" does not match %T: second 60 out of range`},
	{name: "%I 13", format: "%I:%M %p", value: "13:00 PM",
		err: `"13:00 PM" does not match %I:%M %p: hour 13 out of range for %I`},
	{name: "%I 0", format: "%I:%M %p", value: "0:00 AM",
		err: `"0:00 AM" does not match %I:%M %p: hour 0 out of range for %I`},
	{name: "%j 366 of a common year", format: "%Y-%j", value: "2023-366",
		err: `"2023-366" does not match %Y-%j: day of year 366 out of range for 2023`},
	{name: "trailing garbage", format: "%Y-%m-%d", value: "2024-03-05x",
		err: `"2024-03-05x" does not match %Y-%m-%d: trailing "x"`},
	{name: "trailing time", format: "%Y-%m-%d", value: "2024-03-05 14:30",
		err: `"2024-03-05 14:30" does not match %Y-%m-%d: trailing " 14:30"`},
	{name: "three-digit day", format: "%d/%m/%Y", value: "123/03/2024",
		err: `"123/03/2024" does not match %d/%m/%Y: expected "/" at "3/03/2024"`},
	{name: "short value", format: "%Y-%m-%d", value: "2024-03",
		err: `"2024-03" does not match %Y-%m-%d: missing "-"`},
	{name: "short value in shorthand", format: "%F", value: "2024-03-",
		err: `"2024-03-" does not match %F: missing %d (in %F)`},
	{name: "letter for a digit", format: "%d/%m/%Y", value: "05/x3/2024",
		err: `"05/x3/2024" does not match %d/%m/%Y: expected %m at "x3/2024"`},
	{name: "two-digit %Y", format: "%d/%m/%Y", value: "05/03/24",
		err: `"05/03/24" does not match %d/%m/%Y: expected %Y at "24"`},
	{name: "missing space", format: "%d %m", value: "05/03",
		err: `"05/03" does not match %d %m: expected space at "/03"`},
	{name: "%f ten digits", format: "%T.%f", value: "14:30:00.1234567890",
		err: `"14:30:00.1234567890" does not match %T.%f: trailing "0"`},
	{name: "%L two digits", format: "%T.%L", value: "14:30:00.12",
		err: `"14:30:00.12" does not match %T.%L: expected %L at "12"`},
	{name: "unknown month", format: "%d %b %Y", value: "05 Mrz 2024",
		err: `"05 Mrz 2024" does not match %d %b %Y: expected %b at "Mrz 2024"`},
	{name: "no AM/PM", format: "%I:%M %p", value: "2:30 XM",
		err: `"2:30 XM" does not match %I:%M %p: expected %p at "XM"`},
	{name: "AM/PM cut short", format: "%I:%M %p", value: "2:30 P",
		err: `"2:30 P" does not match %I:%M %p: expected %p at "P"`},
	{name: "offset for %Z", format: "%T %Z", value: "14:30:00 +01",
		err: `"14:30:00 +01" does not match %T %Z: expected %Z at "+01"`},
	{name: "zone abbreviation", format: "%T %Z", value: "14:30:00 CET",
		err: `"14:30:00 CET" does not match %T %Z: unsupported zone abbreviation "CET" (use %z with an offset)`},
	{name: "offset out of range", format: "%T%z", value: "14:30:00+24:00",
		err: `"14:30:00+24:00" does not match %T%z: offset +24:00 out of range`},
	{name: "offset with one minute digit", format: "%T%z", value: "14:30:00+01:0",
		err: `"14:30:00+01:0" does not match %T%z: expected %z at "+01:0"`},
	{name: "unix out of range", format: "%s", value: "1709649000000",
		err: `"1709649000000" does not match %s: unix time out of range`},
	{name: "unix past int64", format: "%s", value: "99999999999999999999",
		err: `"99999999999999999999" does not match %s: unix time out of range`},
	{name: "%s reads every digit", format: "%s%L", value: "1709649000250",
		err: `"1709649000250" does not match %s%L: missing %L`},
	{name: "empty value", format: "%F", value: "  ",
		err: `"  " does not match %F: missing %Y (in %F)`},
	{name: "missing literal at end", format: "%Hh%M", value: "14",
		err: `"14" does not match %Hh%M: missing "h"`},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Compile(tt.format)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.format, err)
			}
			got, err := l.Parse(tt.value, nil)
			checkResult(t, got, err, tt.want, tt.err)
		})
	}
}

// checkResult compares a Parse result with want, the time in RFC 3339, or
// wantErr, the error message.
func checkResult(t *testing.T, got time.Time, err error, want, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil {
			t.Fatalf("got %s, want error %q", got.Format(time.RFC3339Nano), wantErr)
		}
		if err.Error() != wantErr {
			t.Errorf("got error %q, want %q", err, wantErr)
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("got error of type %T, want *ParseError", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("got error %q, want %s", err, want)
	}
	if s := got.Format(time.RFC3339Nano); s != want {
		t.Errorf("got %s, want %s", s, want)
	}
}

func TestParseInLocation(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, format, value string
		want                string // RFC 3339 and the zone abbreviation
	}{
		{"winter", "%F %T", "2024-03-05 14:30:00", "2024-03-05T14:30:00+01:00 CET"},
		{"summer", "%F %T", "2024-07-05 14:30:00", "2024-07-05T14:30:00+02:00 CEST"},
		{"before spring forward", "%F %T", "2024-03-31 01:59:59", "2024-03-31T01:59:59+01:00 CET"},
		{"skipped time moves forward", "%F %T", "2024-03-31 02:30:00", "2024-03-31T03:30:00+02:00 CEST"},
		{"after spring forward", "%F %T", "2024-03-31 03:00:00", "2024-03-31T03:00:00+02:00 CEST"},
		{"repeated time is the later", "%F %T", "2024-10-27 02:30:00", "2024-10-27T02:30:00+01:00 CET"},
		{"date only", "%d/%m/%Y", "31/03/2024", "2024-03-31T00:00:00+01:00 CET"},
		{"offset of loc stays in loc", "%F %T%z", "2024-07-05 14:30:00+02:00", "2024-07-05T14:30:00+02:00 CEST"},
		{"repeated time with summer offset", "%F %T%z", "2024-10-27 02:30:00+02:00", "2024-10-27T02:30:00+02:00 CEST"},
		{"other offset is fixed", "%F %T%z", "2024-07-05 14:30:00+01:00", "2024-07-05T14:30:00+01:00 +0100"},
		{"Z is UTC", "%F %T%z", "2024-07-05 14:30:00Z", "2024-07-05T14:30:00Z UTC"},
		{"unix is UTC", "%s", "1709649000", "2024-03-05T14:30:00Z UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Compile(tt.format)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.format, err)
			}
			got, err := l.Parse(tt.value, paris)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.value, err)
			}
			if s := got.Format(time.RFC3339 + " MST"); s != tt.want {
				t.Errorf("Parse(%q): got %s, want %s", tt.value, s, tt.want)
			}
		})
	}
}

func TestParseAllocs(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		format, value string
		loc           *time.Location
	}{
		{"%Y-%m-%d", "2024-03-05", nil},
		{"%d/%m/%Y %H:%M", "05/03/2024 14:30", paris},
		{"%d %b %Y %Hh%M", "5 août 2023 14h30", paris},
		{"%FT%T.%f%z", "2024-03-05T14:30:00.123+01:00", paris},
		{"%FT%T.%f%z", "2024-03-05T14:30:00.123-05:00", paris},
		{"%m/%d/%Y %I:%M %p", "1/5/2024 2:30 PM", nil},
		{"%s.%L", "1709649000.123", nil},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			l, err := Compile(tt.format)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.format, err)
			}
			allocs := testing.AllocsPerRun(100, func() {
				if _, err := l.Parse(tt.value, tt.loc); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("Parse(%q): got %v allocations, want 0", tt.value, allocs)
			}
		})
	}
}

// TestMatchAllocs checks that a value that does not read costs Match no
// allocation, where Parse builds its reason.
func TestMatchAllocs(t *testing.T) {
	for _, tt := range []struct{ format, value string }{
		{"%Y-%m-%d", "05/03/2024"},
		{"%d/%m/%Y", "2024-03-05"},
		{"%d/%m/%Y", "05/03/2024 trailing"},
		{"%FT%T%z", "2024-03-05T14:30:00+25:00"},
		{"%H:%M %Z", "14:30 CEST"},
		{"%s", "12a"},
		{"%m/%d/%Y", "25/03/2024"}, // a French date tried as American: no month 25
		{"%d/%m/%Y", "31/02/2024"},
		{"%H:%M:%S", "14:30:61"},
		{"%I:%M %p", "13:30 PM"},
		{"%Y-%j", "2023-366"},
	} {
		l, err := Compile(tt.format)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.format, err)
		}
		if _, err := l.Parse(tt.value, nil); err == nil {
			t.Fatalf("Parse(%q) with %q read it: not a failing value", tt.value, tt.format)
		}
		allocs := testing.AllocsPerRun(100, func() {
			if _, ok := l.Match(tt.value, nil); ok {
				t.Fatal("Match read it")
			}
		})
		if allocs != 0 {
			t.Errorf("Match(%q) with %q: %v allocations, want 0", tt.value, tt.format, allocs)
		}
	}
	for _, value := range []string{"05/03/2024", "2024-02-30", "2024-03-05T24:00:00"} {
		if _, ok := MatchISO8601(value, nil); ok {
			t.Fatalf("MatchISO8601(%q) read it", value)
		}
		if allocs := testing.AllocsPerRun(100, func() { MatchISO8601(value, nil) }); allocs != 0 {
			t.Errorf("MatchISO8601(%q): %v allocations, want 0", value, allocs)
		}
	}
}

func TestParseConcurrent(t *testing.T) {
	l, err := Compile("%d/%m/%Y %H:%M")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for i := 0; i < 8; i++ {
		go func() {
			var err error
			for j := 0; j < 1000 && err == nil; j++ {
				_, err = l.Parse("05/03/2024 14:30", nil)
			}
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
