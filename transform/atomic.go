package transform

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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
// left by a kill -9 is recognisable (and never mistaken for output). The full
// name is .csv2activity-BASE.PID.RANDOM.tmp.
const tempPrefix = ".csv2activity-"

// createAtomic opens a temporary file beside path. It fails at once, before
// any input is read, if the folder is not writable. It first removes the
// temporary files that runs killed before they could clean up left for the
// same output (their process is gone).
func createAtomic(path string) (*atomicFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base)
	f, err := os.CreateTemp(dir, fmt.Sprintf("%s%s.%d.*.tmp", tempPrefix, base, os.Getpid()))
	if err != nil {
		return nil, fmt.Errorf("create output %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil { // CreateTemp makes it private; outputs are read by others
		f.Close()
		os.Remove(f.Name())
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

// removeStale removes dir's temporary files for output base whose process is
// no longer running.
func removeStale(dir, base string) {
	matches, _ := filepath.Glob(filepath.Join(dir, tempPrefix+base+".*.tmp"))
	for _, m := range matches {
		rest := strings.TrimPrefix(filepath.Base(m), tempPrefix+base+".")
		pidText, _, _ := strings.Cut(rest, ".")
		pid, err := strconv.Atoi(pidText)
		if err == nil && pid > 0 && !alive(pid) {
			os.Remove(m)
		}
	}
}

// alive reports whether process pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
