package strftime

import (
	"testing"
	"time"
)

// benchValues are typical cells of the exports, with the location they are read in.
var benchValues = []struct {
	name, format, value string
	paris               bool
}{
	{"Y-m-d", "%Y-%m-%d", "2024-03-05", false},
	{"d/m/Y_H:M", "%d/%m/%Y %H:%M", "05/03/2024 14:30", false},
	{"d/m/Y_H:M_Paris", "%d/%m/%Y %H:%M", "05/03/2024 14:30", true},
	{"US_12-hour", "%m/%d/%Y %I:%M %p", "1/5/2024 2:30 PM", false},
	{"French_month", "%d %b %Y %Hh%M", "5 août 2023 14h30", false},
	{"offset", "%FT%T.%f%z", "2024-03-05T14:30:00.123+01:00", false},
}

func BenchmarkParse(b *testing.B) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		b.Fatal(err)
	}
	for _, bb := range benchValues {
		l, err := Compile(bb.format)
		if err != nil {
			b.Fatal(err)
		}
		loc := time.UTC
		if bb.paris {
			loc = paris
		}
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.Parse(bb.value, loc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, value := range []string{"2024-03-05", "2024-03-05T14:30:00.123+01:00"} {
		b.Run("ISO8601_"+value, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseISO8601(value, time.UTC); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("unix_ms", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParseUnix("1709649000123", time.Millisecond); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTimeParse is the standard library's time.Parse on the same kind of
// cells, for comparison.
func BenchmarkTimeParse(b *testing.B) {
	cells := []struct{ name, layout, value string }{
		{"Y-m-d", "2006-01-02", "2024-03-05"},
		{"d/m/Y_H:M", "02/01/2006 15:04", "05/03/2024 14:30"},
		{"RFC3339", time.RFC3339Nano, "2024-03-05T14:30:00.123+01:00"},
	}
	for _, c := range cells {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := time.Parse(c.layout, c.value); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
