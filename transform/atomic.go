package transform

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// atomicFile is an output written under a temporary name in the destination's
// folder and renamed into place only when complete, so that a crash, a kill or
// a failed run never leaves a half file that looks whole at the destination.
type atomicFile struct {
	*bufio.Writer
	f    *os.File
	path string
}

// tempPrefix starts the name of every temporary output, so that a stale one
// left by a kill -9 is recognisable (and never mistaken for output).
const tempPrefix = ".csv2activity-"

// createAtomic opens a temporary file beside path. It fails at once, before
// any input is read, if the folder is not writable.
func createAtomic(path string) (*atomicFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, tempPrefix+base+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create output %s: %w", path, err)
	}
	return &atomicFile{Writer: bufio.NewWriterSize(f, 1<<20), f: f, path: path}, nil
}

// commit flushes, syncs and renames the file into place.
func (a *atomicFile) commit() error {
	err := a.Flush()
	if err == nil {
		err = a.f.Sync()
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.path)
	}
	if err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write output %s: %w", a.path, err)
	}
	return nil
}

// abort removes the temporary file.
func (a *atomicFile) abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

// isTemp reports whether name is one of our temporary outputs.
func isTemp(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, tempPrefix) && strings.HasSuffix(base, ".tmp")
}
