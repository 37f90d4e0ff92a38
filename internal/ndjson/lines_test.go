package ndjson

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     []string // "!" for a line too long
	}{
		{"lines", "a\nbb\r\n\nccc", 10, []string{"a", "bb", "", "ccc"}},
		{"no limit", strings.Repeat("x", 200000) + "\nz", 0, []string{strings.Repeat("x", 200000), "z"}},
		{"final line break", "a\n", 10, []string{"a"}},
		{"empty", "", 10, nil},
		{"too long, then on", "abcdef\nxy\n", 3, []string{"!", "xy"}},
		{"exactly the limit", "abc\n", 3, []string{"abc"}},
		{"longer than the buffer", strings.Repeat("x", 200000) + "\nz\n", 300000, []string{strings.Repeat("x", 200000), "z"}},
		{"too long past the buffer", strings.Repeat("x", 200000) + "\nz\n", 70000, []string{"!", "z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := NewReader(strings.NewReader(tt.in), 64<<10)
			lr.Max = tt.max
			var got []string
			for {
				l, err := lr.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				switch {
				case errors.Is(err, ErrLineTooLong):
					got = append(got, "!")
				case err != nil:
					t.Fatal(err)
				default:
					got = append(got, strings.TrimSuffix(strings.TrimSuffix(string(l), "\n"), "\r"))
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %d lines %.40q, want %d %.40q", len(got), got, len(tt.want), tt.want)
			}
		})
	}
}
