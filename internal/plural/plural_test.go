package plural

import "testing"

func TestCount(t *testing.T) {
	tests := []struct {
		n          int
		noun, want string
	}{
		{1, "row", "1 row"}, {0, "row", "0 rows"}, {3, "line", "3 lines"},
		{1, "entry", "1 entry"}, {2, "activity", "2 activities"},
	}
	for _, tt := range tests {
		if got := Count(tt.n, tt.noun); got != tt.want {
			t.Errorf("Count(%d, %q): got %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}
