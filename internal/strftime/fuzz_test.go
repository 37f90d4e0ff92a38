package strftime

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzParse compiles a format and parses a value with it; neither may panic.
// When the format has an equivalent Go layout (numbers, AM/PM, %z, %Z), a
// parsed time formatted back with that layout must parse to the same time.
// The value also goes through ParseISO8601 and ParseUnix, whose results must
// round-trip the same way.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.format, tt.value)
	}
	f.Add("%e%m%Y", " 5032024")
	f.Add("%FT%T.%f%z", "2024-03-05T14:30:00.5+05:30")
	f.Add("%I:%M:%S %p %Z", "12:00:00 AM UTC")
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, format, value string) {
		iso, err := ParseISO8601(value, paris)
		if m, ok := MatchISO8601(value, paris); ok != (err == nil) || !sameTime(m, iso) {
			t.Fatalf("MatchISO8601(%q) = %s, %v; ParseISO8601: %s, %v", value, m, ok, iso, err)
		}
		checkISO8601RoundTrip(t, value, time.UTC) // Paris before 1911 is +00:09:21, which RFC 3339 cannot write
		checkUnixRoundTrip(t, value)
		l, err := Compile(format)
		if err != nil {
			return
		}
		if l.String() != format {
			t.Fatalf("String(): got %q, want %q", l.String(), format)
		}
		inParis, err := l.Parse(value, paris)
		if m, ok := l.Match(value, paris); ok != (err == nil) || !sameTime(m, inParis) {
			t.Fatalf("Match(%q) with %q = %s, %v; Parse: %s, %v", value, format, m, ok, inParis, err)
		}
		got, err := l.Parse(value, time.UTC)
		if err != nil {
			return
		}
		layout, ok := goLayout(format)
		if !ok {
			return
		}
		s := got.Format(layout)
		back, err := l.Parse(s, time.UTC)
		if err != nil {
			t.Fatalf("Parse(%q) with %q (Go %q) = %s; Parse(%q): %v", value, format, layout, got, s, err)
		}
		if !sameTime(back, got) {
			t.Fatalf("Parse(%q) with %q (Go %q) = %s; Parse(%q) = %s", value, format, layout, got, s, back)
		}
	})
}

func checkISO8601RoundTrip(t *testing.T, value string, loc *time.Location) {
	got, err := ParseISO8601(value, loc)
	if err != nil {
		return
	}
	s := got.Format(time.RFC3339Nano)
	back, err := ParseISO8601(s, loc)
	if err != nil || !sameTime(back, got) {
		t.Fatalf("ParseISO8601(%q) = %s; ParseISO8601(%q) = %s, %v", value, got, s, back, err)
	}
}

func checkUnixRoundTrip(t *testing.T, value string) {
	got, err := ParseUnix(value, time.Second)
	if err != nil {
		return
	}
	s := strconv.FormatInt(got.Unix(), 10) + "." + strconv.Itoa(1e9 + got.Nanosecond())[1:]
	back, err := ParseUnix(s, time.Second)
	if got.Unix() < 0 && got.Nanosecond() > 0 {
		return // Unix() rounds down: -1.5 is -2 + .5, which reads as -2.5
	}
	if err != nil || !back.Equal(got) {
		t.Fatalf("ParseUnix(%q) = %s; ParseUnix(%q) = %s, %v", value, got, s, back, err)
	}
}

// sameTime reports whether a and b are the same instant with the same offset.
func sameTime(a, b time.Time) bool {
	_, aoff := a.Zone()
	_, boff := b.Zone()
	return a.Equal(b) && aoff == boff
}

// goLayouts maps the directives with a Go layout equivalent; %f and %L need
// a "." or "," before them.
var goLayouts = map[byte]string{
	'Y': "2006", 'y': "06", 'm': "01", 'd': "02", 'e': "_2", 'j': "002",
	'H': "15", 'I': "03", 'p': "PM", 'M': "04", 'S': "05",
	'f': "000000000", 'L': "000", 'z': "-0700", 'Z': "MST",
	'T': "15:04:05", 'F': "2006-01-02", 'D': "01/02/06", 'R': "15:04", '%': "%",
}

// goLayout returns the Go layout equivalent to format, if there is one that
// formats values format reads back: literals may only be punctuation, "T" or
// "h" (which are in no Go layout element), and %e, %f, %L and %z, whose Go
// elements would merge with a number right after them, must not be followed
// by a number directive.
func goLayout(format string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			if !strings.ContainsRune(" -/:.,;Th", rune(c)) {
				return "", false
			}
			b.WriteByte(c)
			continue
		}
		if i+1 == len(format) {
			return "", false
		}
		i++
		d := format[i]
		elem, ok := goLayouts[d]
		if !ok {
			return "", false
		}
		if strings.IndexByte("efLz", d) >= 0 && i+2 < len(format) && format[i+1] == '%' {
			if next := goLayouts[format[i+2]]; next != "" && strings.IndexByte("0123456789_", next[0]) >= 0 {
				return "", false
			}
		}
		if s := b.String(); (d == 'f' || d == 'L') && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ",") {
			return "", false
		}
		b.WriteString(elem)
	}
	return b.String(), true
}

// TestRoundTrip runs FuzzParse's round trip on the parse tests, so that the
// check is known to apply, and checks goLayout on a few formats.
func TestRoundTrip(t *testing.T) {
	layouts := []struct{ format, want string }{
		{"%d/%m/%Y %H:%M", "02/01/2006 15:04"},
		{"%FT%T.%f%z", "2006-01-02T15:04:05.000000000-0700"},
		{"%d %b %Y", ""},
		{"%S%f", ""},
		{"%z%j", ""},
	}
	for _, tt := range layouts {
		got, ok := goLayout(tt.format)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("goLayout(%q): got %q, %v, want %q", tt.format, got, ok, tt.want)
		}
	}
	checked := 0
	for _, tt := range parseTests {
		layout, ok := goLayout(tt.format)
		if tt.want == "" || !ok {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			l, err := Compile(tt.format)
			if err != nil {
				t.Fatal(err)
			}
			got, err := l.Parse(tt.value, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			s := got.Format(layout)
			back, err := l.Parse(s, time.UTC)
			if err != nil || !sameTime(back, got) {
				t.Errorf("Parse(%q) = %s, %v; want %s", s, back, err, got)
			}
		})
		checked++
	}
	if checked < 30 {
		t.Errorf("got %d parse tests with a Go layout, want at least 30", checked)
	}
}
