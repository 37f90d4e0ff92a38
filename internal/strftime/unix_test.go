package strftime

import (
	"testing"
	"time"
)

func TestParseUnix(t *testing.T) {
	tests := []struct {
		name, value string
		unit        time.Duration
		want, err   string // as in parseTests
	}{
		{name: "seconds", value: "1709649000", unit: time.Second, want: "2024-03-05T14:30:00Z"},
		{name: "seconds with fraction", value: "1709649000.5", unit: time.Second, want: "2024-03-05T14:30:00.5Z"},
		{name: "seconds with nanoseconds", value: "1709649000.000000001", unit: time.Second, want: "2024-03-05T14:30:00.000000001Z"},
		{name: "epoch", value: "0", unit: time.Second, want: "1970-01-01T00:00:00Z"},
		{name: "negative", value: "-86400", unit: time.Second, want: "1969-12-31T00:00:00Z"},
		{name: "negative with fraction", value: "-1.25", unit: time.Second, want: "1969-12-31T23:59:58.75Z"},
		{name: "trimmed", value: " 1709649000 ", unit: time.Second, want: "2024-03-05T14:30:00Z"},
		{name: "milliseconds", value: "1709649000123", unit: time.Millisecond, want: "2024-03-05T14:30:00.123Z"},
		{name: "negative milliseconds", value: "-1500", unit: time.Millisecond, want: "1969-12-31T23:59:58.5Z"},
		{name: "milliseconds with fraction", value: "1709649000123.5", unit: time.Millisecond, want: "2024-03-05T14:30:00.1235Z"},
		{name: "microseconds", value: "1709649000123456", unit: time.Microsecond, want: "2024-03-05T14:30:00.123456Z"},
		{name: "nanoseconds", value: "1709649000123456789", unit: time.Nanosecond, want: "2024-03-05T14:30:00.123456789Z"},
		{name: "year 9999", value: "253402300799", unit: time.Second, want: "9999-12-31T23:59:59Z"},
		{name: "year 1", value: "-62135596800", unit: time.Second, want: "0001-01-01T00:00:00Z"},

		{name: "letters", value: "abc", unit: time.Second, err: `"abc" is not a unix timestamp in seconds`},
		{name: "letters in ms", value: "abc", unit: time.Millisecond, err: `"abc" is not a unix timestamp in milliseconds`},
		{name: "empty", value: "", unit: time.Second, err: `"" is not a unix timestamp in seconds`},
		{name: "exponent", value: "1.709649E9", unit: time.Second, err: `"1.709649E9" is not a unix timestamp in seconds`},
		{name: "plus sign", value: "+1709649000", unit: time.Second, err: `"+1709649000" is not a unix timestamp in seconds`},
		{name: "empty fraction", value: "1709649000.", unit: time.Second, err: `"1709649000." is not a unix timestamp in seconds`},
		{name: "ten-digit fraction", value: "1.0123456789", unit: time.Second, err: `"1.0123456789" is not a unix timestamp in seconds`},
		{name: "trailing garbage", value: "1709649000s", unit: time.Second, err: `"1709649000s" is not a unix timestamp in seconds`},
		{name: "milliseconds as seconds", value: "1709649000123", unit: time.Second,
			err: `"1709649000123" is not a unix timestamp in seconds: unix time out of range`},
		{name: "before year 1", value: "-62135596800.5", unit: time.Second,
			err: `"-62135596800.5" is not a unix timestamp in seconds: unix time out of range`},
		{name: "past int64", value: "9223372036854775808", unit: time.Nanosecond,
			err: `"9223372036854775808" is not a unix timestamp in nanoseconds: out of range`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUnix(tt.value, tt.unit)
			checkResult(t, got, err, tt.want, tt.err)
		})
	}
}

func TestParseUnixUnit(t *testing.T) {
	_, err := ParseUnix("1", time.Minute)
	if want := "unix timestamp unit 1m0s is not s, ms, µs or ns"; err == nil || err.Error() != want {
		t.Errorf("got error %v, want %q", err, want)
	}
}

func TestParseUnixAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := ParseUnix("1709649000.5", time.Second); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("got %v allocations, want 0", allocs)
	}
}
