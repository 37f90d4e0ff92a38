package output

import "testing"

// TestPartNumber recognises the names PartName gives, and only those: a
// user's file beside the parts is never taken for one.
func TestPartNumber(t *testing.T) {
	tests := []struct {
		name string
		want int
	}{
		{"orders-0001.ndjson", 1},
		{"orders-0042.ndjson", 42},
		{"orders-12345.ndjson", 12345},
		{"exports/orders-0003.ndjson", 3},
		{"orders-001.ndjson", 0},
		{"orders-00001.ndjson", 0},
		{"orders-0000.ndjson", 0},
		{"orders-notes.ndjson", 0},
		{"orders-0001.ndjson.bak", 0},
		{"other/orders-0001.ndjson", 0},
		{"orders.ndjson", 0},
	}
	for _, tt := range tests {
		n, ok := PartNumber("exports/orders.ndjson", tt.name)
		if !ok {
			n = 0
		}
		if n != tt.want {
			t.Errorf("PartNumber(%q) = %d, %v; want %d", tt.name, n, ok, tt.want)
		}
	}
}
