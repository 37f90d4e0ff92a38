package bytesize

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"100MB", 100e6, true},
		{"64MiB", 64 << 20, true},
		{"256KB", 256e3, true},
		{"256KiB", 256 << 10, true},
		{"512k", 512 << 10, true},
		{"1.5GB", 1.5e9, true},
		{"1.5GiB", 3 << 29, true},
		{"4096", 4096, true},
		{" 10 mib ", 10 << 20, true},
		{"12B", 12, true},
		{"", 0, false},
		{"MB", 0, false},
		{"-1MB", 0, false},
		{"ten", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("Parse(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{812, "812B"},
		{1 << 10, "1KiB"},
		{100 << 20, "100MiB"},
		{3 << 29, "1.5GiB"},
		{(1 << 20) - 1, "1024KiB"},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.want {
			t.Errorf("Format(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
