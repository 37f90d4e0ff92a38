package strftime

import "testing"

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, format, err string
	}{
		{"unknown directive", "%Q-%m", `unknown directive %Q in format "%Q-%m"`},
		{"unknown non-ASCII directive", "%é", `unknown directive %é in format "%é"`},
		{"percent at end", "%Y%", `incomplete directive % at end of format "%Y%"`},
		{"no directive", "date", `format "date" has no date or time directive`},
		{"empty", "", `format "" has no date or time directive`},
		{"only a percent", "%%", `format "%%" has no date or time directive`},
		{"only a zone", "%z", `format "%z" has no date or time directive`},
		{"only names", "%a %p", `format "%a %p" has no date or time directive`},
		{"year twice", "%Y %y", `%Y and %y both set the year in format "%Y %y"`},
		{"shorthand and its part", "%F %Y", `%F and %Y both set the year in format "%F %Y"`},
		{"month number and name", "%m %b", `%m and %b both set the month in format "%m %b"`},
		{"day of year and day", "%Y %j %d", `%j and %d both set the day in format "%Y %j %d"`},
		{"unix and zone", "%s %z", `%s and %z both set the time zone in format "%s %z"`},
		{"unix and year", "%Y %s", `%Y and %s both set the year in format "%Y %s"`},
		{"two fractions", "%S.%f%L", `%f and %L both set the fraction of a second in format "%S.%f%L"`},
		{"two zones", "%z %Z", `%z and %Z both set the time zone in format "%z %Z"`},
		{"12-hour without AM/PM", "%I:%M", `%I needs %p in format "%I:%M"`},
		{"AM/PM without 12-hour", "%H:%M %p", `%p needs %I in format "%H:%M %p"`},
		{"two hours", "%T %H", `%T and %H both set the hour in format "%T %H"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Compile(tt.format)
			if err == nil {
				t.Fatalf("Compile(%q): got layout %+v, want error %q", tt.format, l.steps, tt.err)
			}
			if err.Error() != tt.err {
				t.Errorf("Compile(%q): got error %q, want %q", tt.format, err, tt.err)
			}
		})
	}
}

func TestCompileSteps(t *testing.T) {
	tests := []struct {
		name, format string
		want         []step
	}{
		{"literals merge", "%Hh%Mmin", []step{
			{op: opHour24, dir: 'H', src: 'H'}, {op: opLiteral, lit: "h"},
			{op: opMinute, dir: 'M', src: 'M'}, {op: opLiteral, lit: "min"},
		}},
		{"spaces collapse and trim", "  %d   %m ", []step{
			{op: opDay, dir: 'd', src: 'd'}, {op: opSpace}, {op: opMonth, dir: 'm', src: 'm'},
		}},
		{"shorthand expands", "%R", []step{
			{op: opHour24, dir: 'H', src: 'R'}, {op: opLiteral, lit: ":"}, {op: opMinute, dir: 'M', src: 'R'},
		}},
		{"percent joins literals", "%d%%.", []step{
			{op: opDay, dir: 'd', src: 'd'}, {op: opLiteral, lit: "%."},
		}},
		{"name before a dot keeps it", "%b.%Y", []step{
			{op: opMonthName, dir: 'b', src: 'b', dot: true}, {op: opLiteral, lit: "."},
			{op: opYear4, dir: 'Y', src: 'Y'},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Compile(tt.format)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.format, err)
			}
			if len(l.steps) != len(tt.want) {
				t.Fatalf("Compile(%q): got steps %+v, want %+v", tt.format, l.steps, tt.want)
			}
			for i := range tt.want {
				if l.steps[i] != tt.want[i] {
					t.Errorf("Compile(%q) step %d: got %+v, want %+v", tt.format, i, l.steps[i], tt.want[i])
				}
			}
		})
	}
}

func TestString(t *testing.T) {
	for _, format := range []string{"%d/%m/%Y", " %F  %T ", "%d %b %Y %Hh%M"} {
		l, err := Compile(format)
		if err != nil {
			t.Fatalf("Compile(%q): %v", format, err)
		}
		if got := l.String(); got != format {
			t.Errorf("String(): got %q, want %q", got, format)
		}
	}
}
