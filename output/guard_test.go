package output

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestGuard compares outputs with inputs by device and inode: the same name,
// a symlink and a hard link are caught; devices and FIFOs are accepted as
// direct outputs only; a directory never is.
func TestGuard(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	os.WriteFile(in, []byte("Order ID,Sales\nCA-1,12.50\n"), 0o644)
	mapping := filepath.Join(dir, "orders.yaml")
	os.WriteFile(mapping, []byte("version: 1\n"), 0o644)
	os.Symlink("orders.csv", filepath.Join(dir, "link.csv"))
	os.Link(in, filepath.Join(dir, "hard.csv"))
	os.WriteFile(filepath.Join(dir, "old.ndjson"), nil, 0o644)
	fifo := filepath.Join(dir, "pipe")
	syscall.Mkfifo(fifo, 0o644)
	null := mknodNull(t, dir)

	tests := []struct {
		name, flag, path string
		direct           bool
		want             error // nil, ErrSameFile or ErrNotRegular
		other            string
	}{
		{"the input", "-o", in, true, ErrSameFile, "input " + in},
		{"a symlink to the input", "-o", filepath.Join(dir, "link.csv"), true, ErrSameFile, "input " + in},
		{"a hard link to the input", "--rejects", filepath.Join(dir, "hard.csv"), true, ErrSameFile, "input " + in},
		{"the mapping", "--state", mapping, false, ErrSameFile, "mapping " + mapping},
		{"a directory", "-o", dir, true, ErrNotRegular, ""},
		{"a FIFO as a state", "--state", fifo, false, ErrNotRegular, ""},
		{"a FIFO as an output", "-o", fifo, true, nil, ""},
		{"a device", "-o", null, true, nil, ""},
		{"an existing output", "-o", filepath.Join(dir, "old.ndjson"), true, nil, ""},
		{"a new file", "-o", filepath.Join(dir, "new.ndjson"), true, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g Guard
			g.Reads("input", "-", in, filepath.Join(dir, "missing.csv"))
			g.Reads("mapping", mapping)
			err := g.Writes(tt.flag, tt.path, tt.direct)
			var oe *OutputError
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("got %v, want no error", err)
			case tt.want != nil && (!errors.Is(err, tt.want) || !errors.As(err, &oe)):
				t.Fatalf("got %v, want an *OutputError wrapping %v", err, tt.want)
			case oe != nil && (oe.Flag != tt.flag || oe.Other != tt.other):
				t.Errorf("got flag %q other %q, want %q %q", oe.Flag, oe.Other, tt.flag, tt.other)
			}
		})
	}
}

// TestGuardOutputsApart: two outputs may not be one file, unless it is a
// device written directly (--rejects /dev/null -o /dev/null).
func TestGuardOutputsApart(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "orders.ndjson")
	os.WriteFile(out, nil, 0o644)
	os.Symlink("orders.ndjson", filepath.Join(dir, "rejects.ndjson"))
	var g Guard
	if err := g.Writes("-o", out, true); err != nil {
		t.Fatal(err)
	}
	if err := g.Writes("--rejects", filepath.Join(dir, "rejects.ndjson"), true); !errors.Is(err, ErrSameFile) {
		t.Errorf("rejects through a symlink to -o: got %v, want ErrSameFile", err)
	}
	null := mknodNull(t, dir)
	var d Guard
	if err := d.Writes("-o", null, true); err != nil {
		t.Fatal(err)
	}
	if err := d.Writes("--rejects", null, true); err != nil {
		t.Errorf("both to one device: got %v, want no error", err)
	}
}

// TestGuardWritesTo catches standard output appended to an input.
func TestGuardWritesTo(t *testing.T) {
	in := filepath.Join(t.TempDir(), "orders.csv")
	os.WriteFile(in, []byte("a\n"), 0o644)
	f, err := os.OpenFile(in, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var g Guard
	g.Reads("input", in)
	if err := g.WritesTo("standard output", f); !errors.Is(err, ErrSameFile) {
		t.Errorf("got %v, want ErrSameFile", err)
	}
}

// TestGuardNewOutputs: outputs that do not exist yet are compared by where
// they will be created: the same name, through a symlinked folder or a
// dangling symlink, is one file; other names are not.
func TestGuardNewOutputs(t *testing.T) {
	dir := t.TempDir()
	os.Symlink(".", filepath.Join(dir, "here"))
	os.Symlink("new.ndjson", filepath.Join(dir, "dangling.json"))
	tests := []struct {
		name, path string
		want       error
	}{
		{"the same name", filepath.Join(dir, "new.ndjson"), ErrSameFile},
		{"another spelling", filepath.Join(dir, ".", "new.ndjson"), ErrSameFile},
		{"through a symlinked folder", filepath.Join(dir, "here", "new.ndjson"), ErrSameFile},
		{"a dangling symlink to it", filepath.Join(dir, "dangling.json"), ErrSameFile},
		{"another name", filepath.Join(dir, "sum.json"), nil},
		{"in a folder that does not exist", filepath.Join(dir, "none", "new.ndjson"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g Guard
			if err := g.Writes("-o", filepath.Join(dir, "new.ndjson"), true); err != nil {
				t.Fatal(err)
			}
			err := g.Writes("--summary-json", tt.path, true)
			var oe *OutputError
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("got %v, want no error", err)
			case tt.want != nil && !errors.As(err, &oe):
				t.Fatalf("got %v, want an *OutputError wrapping %v", err, tt.want)
			case oe != nil && oe.Other != "-o "+filepath.Join(dir, "new.ndjson"):
				t.Errorf("got other %q, want -o %s", oe.Other, filepath.Join(dir, "new.ndjson"))
			}
		})
	}
}
