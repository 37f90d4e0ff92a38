package output

import "testing"

// TestPartNumber recognises the names PartName gives, and only those: a
// user's file beside the parts, or of a part's name in another folder, is
// never taken for one.
func TestPartNumber(t *testing.T) {
	tests := []struct {
		name string
		want int
	}{
		{"exports/orders-0001.ndjson", 1},
		{"exports/orders-0042.ndjson", 42},
		{"exports/orders-12345.ndjson", 12345},
		{"./exports/orders-0003.ndjson", 3},
		{"exports/orders-001.ndjson", 0},
		{"exports/orders-00001.ndjson", 0},
		{"exports/orders-0000.ndjson", 0},
		{"exports/orders-notes.ndjson", 0},
		{"exports/orders-0001.ndjson.bak", 0},
		{"other/orders-0001.ndjson", 0},
		{"orders-0001.ndjson", 0}, // in the working folder, not in exports
		{"exports/orders.ndjson", 0},
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
