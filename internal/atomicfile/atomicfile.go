// Package atomicfile writes a file so that a crash, a kill -9 or a power loss
// never leaves a partial one under its name: the data goes to a temporary
// file in the same folder, which is synced, closed and renamed into place,
// and the folder is synced so that the rename itself is durable.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// TempPrefix starts the name of every temporary file WriteFile creates, so
// that one left by a kill is recognisable; it never ends in the final name's
// extension.
const TempPrefix = ".tmp-"

// WriteFile writes data to path with permissions perm, atomically: after it
// returns, path holds either its old content or all of data, whatever
// happens to the process. On error the temporary file is removed and path is
// untouched.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, TempPrefix+base+"-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// RemoveStale removes the temporary files that a WriteFile of path killed
// midway left behind. Call it only when no other process writes path.
func RemoveStale(path string) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	stale, _ := filepath.Glob(filepath.Join(dir, TempPrefix+escapeGlob(base)+"-*"))
	for _, f := range stale {
		os.Remove(f)
	}
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
