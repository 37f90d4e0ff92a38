package transform

import (
	"bufio"
	"context"
	"fmt"

	"csv2activity/internal/atomicfile"
)

// atomicFile is an output written under a temporary name in the
// destination's folder and renamed into place only when complete
// (internal/atomicfile), so that a crash, a kill or a failed run never leaves
// a half file that looks whole at the destination. An output that is a
// device or a FIFO (-o /dev/null) is written directly instead, and stays
// what it is. It buffers writes.
type atomicFile struct {
	*bufio.Writer
	f *atomicfile.File
}

// openFile opens the output path: atomically when it is a regular file (or
// does not exist), directly when it is a device, a FIFO or a socket. It fails
// at once, before any input is read, if the folder is not writable.
func openFile(ctx context.Context, path string) (*atomicFile, error) {
	return newAtomicFile(atomicfile.Open(ctx, path, 0o644))
}

// createAtomic opens a temporary file beside path, which must be a regular
// file or not exist (a part of a split output).
func createAtomic(path string) (*atomicFile, error) {
	return newAtomicFile(atomicfile.Create(path, 0o644))
}

func newAtomicFile(f *atomicfile.File, err error) (*atomicFile, error) {
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	return &atomicFile{Writer: bufio.NewWriterSize(f, 64<<10), f: f}, nil // small: a batch's output (larger) bypasses it
}

// commit flushes the buffer and renames the file into place.
func (a *atomicFile) commit() error {
	if err := a.Flush(); err != nil {
		a.f.Abort()
		return fmt.Errorf("write output %s: %w", a.f.Path(), err)
	}
	return a.f.Commit()
}

// abort removes the temporary file.
func (a *atomicFile) abort() { a.f.Abort() }
