package progress

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestSize(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	os.WriteFile(a, []byte("12345"), 0o644)
	os.WriteFile(b, []byte("123"), 0o644)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		paths []string
		want  int64
	}{
		{"files", []string{a, b}, 8},
		{"standard input", []string{a, "-"}, -1},
		{"a pipe", []string{fifo, a}, -1},
		{"missing", []string{filepath.Join(dir, "nope")}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Size(tt.paths); got != tt.want {
				t.Errorf("Size: got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestMeterCounts(t *testing.T) {
	m := new(Meter)
	b, err := io.ReadAll(m.Reader(strings.NewReader("a,b\n1,2\n")))
	if err != nil || string(b) != "a,b\n1,2\n" {
		t.Fatalf("read through the meter: %q, %v", b, err)
	}
	m.Rows(1)
	m.Rows(2)
	if got := m.bytes.Load(); got != 8 {
		t.Errorf("bytes: got %d, want 8", got)
	}
	if got := m.rows.Load(); got != 3 {
		t.Errorf("rows: got %d, want 3", got)
	}
}

// A nil Meter counts nothing and hands readers back as they are; Show on
// anything but a terminal draws nothing, and its nil Display passes lines
// through.
func TestNothingToShow(t *testing.T) {
	var m *Meter
	m.Rows(5)
	r := strings.NewReader("x")
	if m.Reader(r) != io.Reader(r) {
		t.Error("a nil Meter wrapped the reader")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := Show(f, "convert", 10, new(Meter))
	if d != nil {
		t.Fatal("Show drew on a regular file")
	}
	d.Stop()
	if w := d.Lines(f); w != io.Writer(f) {
		t.Error("a nil Display wrapped the writer")
	}
	if fi, _ := f.Stat(); fi.Size() != 0 {
		t.Errorf("%d bytes written on a file that is not a terminal", fi.Size())
	}
}
