package strftime

import (
	"testing"
	"time"
)

func TestParseISO8601(t *testing.T) {
	tests := []struct {
		name, value string
		want, err   string // as in parseTests
	}{
		{name: "date", value: "2024-03-05", want: "2024-03-05T00:00:00Z"},
		{name: "minutes", value: "2024-03-05T14:30", want: "2024-03-05T14:30:00Z"},
		{name: "seconds", value: "2024-03-05T14:30:07", want: "2024-03-05T14:30:07Z"},
		{name: "lower-case t", value: "2024-03-05t14:30:07", want: "2024-03-05T14:30:07Z"},
		{name: "space for T", value: "2024-03-05 14:30:00", want: "2024-03-05T14:30:00Z"},
		{name: "dot fraction", value: "2024-03-05T14:30:00.123", want: "2024-03-05T14:30:00.123Z"},
		{name: "comma fraction", value: "2024-03-05T14:30:00,5", want: "2024-03-05T14:30:00.5Z"},
		{name: "nine-digit fraction", value: "2024-03-05T14:30:00.123456789", want: "2024-03-05T14:30:00.123456789Z"},
		{name: "Z", value: "2024-03-05T14:30:00Z", want: "2024-03-05T14:30:00Z"},
		{name: "+01:00", value: "2024-03-05T14:30:00+01:00", want: "2024-03-05T14:30:00+01:00"},
		{name: "+0100", value: "2024-03-05T14:30:00+0100", want: "2024-03-05T14:30:00+01:00"},
		{name: "+01", value: "2024-03-05 14:30:00+01", want: "2024-03-05T14:30:00+01:00"},
		{name: "-05:30", value: "2024-03-05T14:30:00-05:30", want: "2024-03-05T14:30:00-05:30"},
		{name: "minutes and zone", value: "2024-03-05T14:30Z", want: "2024-03-05T14:30:00Z"},
		{name: "fraction and zone", value: "2024-03-05T14:30:00.5+01:00", want: "2024-03-05T14:30:00.5+01:00"},
		{name: "trimmed", value: " 2024-03-05T14:30:00Z\t", want: "2024-03-05T14:30:00Z"},
		{name: "leap day", value: "2024-02-29", want: "2024-02-29T00:00:00Z"},

		{name: "French date", value: "05/03/2024", err: `"05/03/2024" is not an ISO 8601 date-time`},
		{name: "one-digit month", value: "2024-3-05", err: `"2024-3-05" is not an ISO 8601 date-time`},
		{name: "hour only", value: "2024-03-05T14", err: `"2024-03-05T14" is not an ISO 8601 date-time`},
		{name: "one-digit minute", value: "2024-03-05T14:3", err: `"2024-03-05T14:3" is not an ISO 8601 date-time`},
		{name: "one-digit second", value: "2024-03-05T14:30:0", err: `"2024-03-05T14:30:0" is not an ISO 8601 date-time`},
		{name: "T and nothing", value: "2024-03-05T", err: `"2024-03-05T" is not an ISO 8601 date-time`},
		{name: "zone on a date", value: "2024-03-05Z", err: `"2024-03-05Z" is not an ISO 8601 date-time`},
		{name: "fraction without seconds", value: "2024-03-05T14:30.5", err: `"2024-03-05T14:30.5" is not an ISO 8601 date-time`},
		{name: "empty fraction", value: "2024-03-05T14:30:00.", err: `"2024-03-05T14:30:00." is not an ISO 8601 date-time`},
		{name: "ten-digit fraction", value: "2024-03-05T14:30:00.1234567890", err: `"2024-03-05T14:30:00.1234567890" is not an ISO 8601 date-time`},
		{name: "trailing garbage", value: "2024-03-05T14:30:00Zx", err: `"2024-03-05T14:30:00Zx" is not an ISO 8601 date-time`},
		{name: "two spaces", value: "2024-03-05  14:30", err: `"2024-03-05  14:30" is not an ISO 8601 date-time`},
		{name: "February 30", value: "2024-02-30", err: `"2024-02-30" is not an ISO 8601 date-time: day 30 out of range for February 2024`},
		{name: "February 29 of a common year", value: "2023-02-29T10:00", err: `"2023-02-29T10:00" is not an ISO 8601 date-time: day 29 out of range for February 2023`},
		{name: "month 13", value: "2024-13-05", err: `"2024-13-05" is not an ISO 8601 date-time: month 13 out of range`},
		{name: "hour 24", value: "2024-03-05T24:00", err: `"2024-03-05T24:00" is not an ISO 8601 date-time: hour 24 out of range`},
		{name: "leap second", value: "2016-12-31T23:59:60Z", err: `"2016-12-31T23:59:60Z" is not an ISO 8601 date-time: second 60 out of range`},
		{name: "offset out of range", value: "2024-03-05T14:30+25:00", err: `"2024-03-05T14:30+25:00" is not an ISO 8601 date-time: offset +25:00 out of range`},
		{name: "empty", value: "", err: `"" is not an ISO 8601 date-time`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseISO8601(tt.value, nil)
			checkResult(t, got, err, tt.want, tt.err)
		})
	}
}

func TestParseISO8601InLocation(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ value, want string }{
		{"2024-03-05 14:30:00", "2024-03-05T14:30:00+01:00 CET"},
		{"2024-03-31T02:30", "2024-03-31T03:30:00+02:00 CEST"},
		{"2024-10-27T02:30", "2024-10-27T02:30:00+01:00 CET"},
		{"2024-07-05T14:30:00+02:00", "2024-07-05T14:30:00+02:00 CEST"},
		{"2024-07-05T14:30:00Z", "2024-07-05T14:30:00Z UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, err := ParseISO8601(tt.value, paris)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format(time.RFC3339 + " MST"); s != tt.want {
				t.Errorf("got %s, want %s", s, tt.want)
			}
		})
	}
}

func TestParseISO8601Allocs(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, value := range []string{"2024-03-05", "2024-03-05T14:30:00.123+01:00", "2024-03-05 14:30:00"} {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := ParseISO8601(value, paris); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("ParseISO8601(%q): got %v allocations, want 0", value, allocs)
		}
	}
}
