package output

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// mknodNull makes a character device with /dev/null's numbers (1, 3) in dir:
// writing to it discards, as /dev/null does, without touching /dev.
func mknodNull(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "null")
	if err := syscall.Mknod(p, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("cannot make a device node here: %v", err)
	}
	return p
}

func writeAll(t *testing.T, f *File, data string) {
	t.Helper()
	if _, err := io.WriteString(f, data); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestOpenDeviceWritesThrough writes to a character device: it stays a
// device, and no temporary file is made beside it.
func TestOpenDeviceWritesThrough(t *testing.T) {
	dir := t.TempDir()
	dev := mknodNull(t, dir)
	f, err := Open(context.Background(), dev, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, f, "{\"$type\":\"TOUCH\"}\n")
	fi, err := os.Lstat(dev)
	if err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("after writing, %s is %v (%v), want a character device", dev, fi.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("got %d entries in the folder, want the device alone", len(entries))
	}
}

// TestOpenFIFOWritesToReader writes to a named pipe with a reader: the reader
// gets the bytes and the pipe stays a pipe.
func TestOpenFIFOWritesToReader(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		r, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		defer r.Close()
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	f, err := Open(context.Background(), fifo, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, f, "line 1\nline 2\n")
	if s := <-got; s != "line 1\nline 2\n" {
		t.Errorf("the reader got %q", s)
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("after writing, the FIFO is %v", fi.Mode())
	}
}

// TestOpenFIFOWithoutReaderStopsOnCancel: opening a FIFO nobody reads waits,
// but gives up when its context is cancelled instead of hanging in open(2).
func TestOpenFIFOWithoutReaderStopsOnCancel(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Open(ctx, fifo, 0o644)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open still waits for a reader 10s after the cancel")
	}
}

// TestOpenSocketWritesToListener writes to a Unix socket's listener.
func TestOpenSocketWritesToListener(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan string, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(c)
		c.Close()
		got <- string(b)
	}()
	f, err := Open(context.Background(), sock, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, f, "x\n")
	if s := <-got; s != "x\n" {
		t.Errorf("the listener got %q", s)
	}
}

// TestCreateRefusesNonRegular: a directory, a FIFO or a device is never
// renamed over by Create (WriteFile: a state file).
func TestCreateRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, fifo, mknodNull(t, dir)} {
		before, _ := os.Lstat(p)
		err := WriteFile(p, []byte("x"), 0o600)
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("WriteFile(%s): got %v, want ErrNotRegular", p, err)
		}
		if after, _ := os.Lstat(p); after.Mode() != before.Mode() {
			t.Errorf("%s: mode %v became %v", p, before.Mode(), after.Mode())
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, TempPrefix+"*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// TestCreateFollowsSymlinks replaces a symlink's target, made in the
// target's folder, and keeps the link; a dangling link is written through.
func TestCreateFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "data")
	os.Mkdir(other, 0o755)
	target := filepath.Join(other, "orders.ndjson")
	os.WriteFile(target, []byte("old\n"), 0o600)
	link := filepath.Join(dir, "latest.ndjson")
	if err := os.Symlink("data/orders.ndjson", link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "next.ndjson")
	os.Symlink("data/next.ndjson", dangling)
	for _, l := range []string{link, dangling} {
		if err := WriteFile(l, []byte("new\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(l); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symlink", l)
		}
	}
	for _, p := range []string{target, filepath.Join(other, "next.ndjson")} {
		if b, _ := os.ReadFile(p); string(b) != "new\n" {
			t.Errorf("%s holds %q, want %q", p, b, "new\n")
		}
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("the target's mode became %v, want 0600 kept", fi.Mode().Perm())
	}
}

// TestCreateModes: an existing file keeps its mode; a new one gets perm
// minus the umask.
func TestCreateModes(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old")
	os.WriteFile(old, []byte("x"), 0o600)
	os.Chmod(old, 0o640)
	if err := WriteFile(old, []byte("y"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(old); fi.Mode().Perm() != 0o640 {
		t.Errorf("existing file: mode %v, want 0640 kept", fi.Mode().Perm())
	}
	mask := syscall.Umask(0o027)
	defer syscall.Umask(mask)
	fresh := filepath.Join(dir, "new")
	if err := WriteFile(fresh, []byte("y"), 0o666); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o640 {
		t.Errorf("new file under umask 027: mode %v, want 0640", fi.Mode().Perm())
	}
}

func TestParseTemp(t *testing.T) {
	tests := []struct {
		name, base string
		pid        int
		ok         bool
	}{
		{".tmp-orders.ndjson-4242-12345", "orders.ndjson", 4242, true},
		{".tmp-orders-0003.ndjson-4242-12345", "orders-0003.ndjson", 4242, true},
		{".tmp-orders-0003.ndjson-99", "orders-0003.ndjson", 0, true},
		{".tmp-x", "", 0, false},
		{"orders.ndjson", "", 0, false},
	}
	for _, tt := range tests {
		base, pid, ok := parseTemp(tt.name)
		if base != tt.base || pid != tt.pid || ok != tt.ok {
			t.Errorf("parseTemp(%q) = %q, %d, %v; want %q, %d, %v", tt.name, base, pid, ok, tt.base, tt.pid, tt.ok)
		}
	}
}
