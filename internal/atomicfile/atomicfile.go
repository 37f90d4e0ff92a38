// Package atomicfile writes a file so that a crash, a kill -9 or a power loss
// never leaves a partial one under its name: the data goes to a temporary
// file in the same folder, which is synced, closed and renamed into place,
// and the folder is synced so that the rename itself is durable.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// TempPrefix starts the name of every temporary file of this package:
// .tmp-BASE-PID-RANDOM, so that one left by a kill is recognisable (it never
// ends in the final name's extension) and can be told from one a running
// process is still writing.
const TempPrefix = ".tmp-"

// File is a file being written under a temporary name in the folder of its
// final path: Commit renames it into place, Abort removes it.
type File struct {
	*os.File
	path string
}

// Create starts writing path (mode perm). It fails at once if the folder is
// not writable. Temporary files for path left by processes that no longer
// run are removed first.
func Create(path string, perm os.FileMode) (*File, error) {
	dir, base := split(path)
	RemoveStale(path)
	f, err := os.CreateTemp(dir, fmt.Sprintf("%s%s-%d-*", TempPrefix, base, os.Getpid()))
	if err == nil {
		if err = f.Chmod(perm); err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{File: f, path: path}, nil
}

// Path is the final path.
func (f *File) Path() string { return f.path }

// Commit syncs and closes the file and renames it into place; on error the
// temporary file is removed and path is untouched.
func (f *File) Commit() error {
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// Abort closes and removes the temporary file; path is untouched.
func (f *File) Abort() {
	f.Close()
	os.Remove(f.Name())
}

// WriteFile writes data to path with permissions perm, atomically: after it
// returns, path holds either its old content or all of data, whatever
// happens to the process. On error the temporary file is removed and path is
// untouched.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// RemoveStale removes the temporary files of path whose process no longer
// runs (a Create or WriteFile killed midway); those of running processes are
// left alone, so it is safe while others write path.
func RemoveStale(path string) {
	dir, base := split(path)
	prefix := TempPrefix + base + "-"
	stale, _ := filepath.Glob(filepath.Join(dir, escapeGlob(prefix)+"*"))
	for _, name := range stale {
		pidText, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(name), prefix), "-")
		if pid, err := strconv.Atoi(pidText); err != nil || !alive(pid) {
			os.Remove(name)
		}
	}
}

// alive reports whether process pid exists.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func split(path string) (dir, base string) {
	dir, base = filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	return dir, base
}

// escapeGlob quotes the characters filepath.Match treats specially.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// syncDir makes a rename in dir durable. Some systems cannot sync a
// folder; the rename is then as durable as the system makes it.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
