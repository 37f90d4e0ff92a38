package strftime

import "testing"

func TestMonthNames(t *testing.T) {
	tests := []struct {
		month int
		names []string
	}{
		{1, []string{"Jan", "January", "janv.", "janv", "janvier", "JANVIER"}},
		{2, []string{"Feb", "February", "févr.", "fevr.", "févr", "fév.", "février", "fevrier", "FÉVR.", "Février"}},
		{3, []string{"Mar", "March", "mars", "MARS", "Mars."}},
		{4, []string{"Apr", "April", "avr.", "avr", "avril"}},
		{5, []string{"May", "mai", "MAI"}},
		{6, []string{"Jun", "June", "juin"}},
		{7, []string{"Jul", "July", "juil.", "juil", "juillet"}},
		{8, []string{"Aug", "August", "août", "aout", "AOÛT", "Aou\u0302t"}},
		{9, []string{"Sep", "Sept", "September", "sept.", "septembre"}},
		{10, []string{"Oct", "October", "oct.", "octobre"}},
		{11, []string{"Nov", "November", "nov.", "novembre"}},
		{12, []string{"Dec", "December", "déc.", "dec.", "décembre", "DÉCEMBRE", "decembre"}},
	}
	for _, tt := range tests {
		for _, name := range tt.names {
			t.Run(name, func(t *testing.T) {
				got, n := monthNames.match(name, false)
				if n != len(name) || got != tt.month {
					t.Errorf("match(%q): got month %d reading %d bytes, want month %d reading %d", name, got, n, tt.month, len(name))
				}
			})
		}
	}
}

func TestNameMatch(t *testing.T) {
	tests := []struct {
		name, s string
		keepDot bool
		value   int
		n       int
	}{
		{"longest name wins", "mars 2024", false, 3, 4},
		{"prefix of a longer word", "marzo", false, 3, 3},
		{"dot kept for the format", "févr.", true, 2, 5},
		{"no name", "2024", false, 0, 0},
		{"empty", "", false, 0, 0},
		{"non-Latin letter", "мар", false, 0, 0},
		{"sharp s", "ßep", false, 0, 0},
		{"lone lead byte", "\xc3", false, 0, 0},
		{"accent cut short", "f\xc3", false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value, n := monthNames.match(tt.s, tt.keepDot)
			if value != tt.value || n != tt.n {
				t.Errorf("match(%q, %v): got %d reading %d bytes, want %d reading %d", tt.s, tt.keepDot, value, n, tt.value, tt.n)
			}
		})
	}
}

func TestWeekdayNames(t *testing.T) {
	names := []string{
		"Sun", "Sunday", "dim.", "dimanche", "Mon", "lundi", "Tue", "Tues", "mardi", "mar.",
		"Wed", "mercredi", "Thu", "Thurs", "jeudi", "Fri", "vendredi", "Sat", "samedi", "SAM.",
	}
	for _, name := range names {
		if _, n := weekdayNames.match(name, false); n != len(name) {
			t.Errorf("match(%q): got %d bytes read, want %d", name, n, len(name))
		}
	}
}
