package output

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Open starts writing an output at path. A regular file, or a path that
// does not exist yet, is written with Create (atomically, symlinks
// followed). A character device, a FIFO or a socket (/dev/null, a named
// pipe a reader waits on) is written directly, as the shell's > does: no
// temporary file, no rename, and it stays what it is. Opening a FIFO waits
// for its reader until ctx is done. Anything else (a directory, a block
// device) is refused with ErrNotRegular.
func Open(ctx context.Context, path string, perm os.FileMode) (*File, error) {
	fi, err := os.Stat(path)
	if err != nil || !Direct(fi.Mode()) {
		return Create(path, perm)
	}
	var f *os.File
	switch {
	case fi.Mode()&fs.ModeNamedPipe != 0:
		f, err = openFIFO(ctx, path)
	case fi.Mode()&fs.ModeSocket != 0:
		f, err = openSocket(path)
	default:
		f, err = os.OpenFile(path, os.O_WRONLY, 0)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return newFile(f, path, path, true), nil
}

// Direct reports whether a file of mode m is written directly by Open: a
// character device, a FIFO or a socket.
func Direct(m fs.FileMode) bool {
	return m&(fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0
}

// fifoPoll is how often opening a FIFO looks again for a reader.
const fifoPoll = 50 * time.Millisecond

// openFIFO opens a FIFO for writing once a reader has it open. It opens
// without blocking and tries again while there is no reader, so that a
// cancelled ctx (Ctrl-C) is not stuck in open(2).
func openFIFO(ctx context.Context, path string) (*os.File, error) {
	for {
		f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		if !errors.Is(err, syscall.ENXIO) {
			return f, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(fifoPoll):
		}
	}
}

// openSocket connects to a Unix socket and returns the connection as a file.
func openSocket(path string) (*os.File, error) {
	c, err := net.Dial("unix", path)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.(*net.UnixConn).File()
}

// describe names what a non-regular file is, for messages.
func describe(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}

// maxLinks bounds the symlinks followed, as the kernel does (ELOOP).
const maxLinks = 40

// resolve follows path's symlinks, if it is one, to the file they name. That
// file need not exist: a dangling link is written through, as with the
// shell's >. The result is not cleaned lexically, so that a link's ".."
// means what it means to the kernel.
func resolve(path string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Dir(path) + string(filepath.Separator) + dest
		}
		path = dest
	}
	return "", syscall.ELOOP
}
