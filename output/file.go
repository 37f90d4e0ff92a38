// Package output is where files are written: an output (activities, parts,
// rejects, state) is a File, written so that a crash, a kill -9 or a power
// loss never leaves a partial one under its name: the data goes to a
// temporary file in the same folder, which is synced, closed and renamed into
// place by Commit, and the folder is synced so that the rename itself is
// durable. Abort leaves the path as it was.
//
// Only a regular file is replaced so: a symlink is followed (its target is
// replaced, the link kept), Open writes a character device, FIFO or socket
// directly, Stream writes an open stream (standard output), and a directory
// or a block device is refused. Parts writes numbered parts of bounded size.
// Guard checks, before a run reads anything, that none of its outputs is one
// of its inputs.
package output

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
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

// ErrNotRegular is wrapped by the error of Create for a path that names
// something other than a regular file (a directory, a device, a FIFO): it is
// never renamed over.
var ErrNotRegular = errors.New("not a regular file")

// File is an output being written, buffered: a file written under a
// temporary name in the folder of its final path (Commit renames it into
// place, Abort removes it); a device, FIFO or socket from Open, written
// directly (Commit and Abort flush and close it); or a stream from Stream
// (Commit and Abort flush it). A File is not safe for concurrent use.
type File struct {
	w      *bufio.Writer
	f      *os.File // nil for a stream
	path   string   // as given, for messages
	target string   // path with its symlinks followed: what Commit replaces
	direct bool
}

// bufSize is a File's buffer: small, since a batch's output (larger) bypasses it.
const bufSize = 64 << 10

func newFile(f *os.File, path, target string, direct bool) *File {
	return &File{w: bufio.NewWriterSize(f, bufSize), f: f, path: path, target: target, direct: direct}
}

// Stream is a File that writes w (standard output or error), buffered.
func Stream(w io.Writer) *File {
	return &File{w: bufio.NewWriterSize(w, 256<<10), path: "-", direct: true}
}

// Write writes p to the buffer, the buffer to the file when it is full.
func (f *File) Write(p []byte) (int, error) { return f.w.Write(p) }

// Name is the file being written: the temporary file, or the file itself
// when it is written directly ("-" for a stream).
func (f *File) Name() string {
	if f.f == nil {
		return f.path
	}
	return f.f.Name()
}

// Create starts writing path: its symlinks are followed, and the temporary
// file is made in the folder of the file they lead to. An existing file keeps
// its permissions (and, when the process may, its owner); a new one gets perm
// minus the umask, as with the shell's >. It fails at once if the folder is
// not writable or path names something other than a regular file
// (ErrNotRegular). Temporary files for path left by processes that no longer
// run are removed first.
func Create(path string, perm os.FileMode) (*File, error) {
	target, err := resolve(path)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	old, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	case err != nil:
		return nil, fmt.Errorf("create %s: %w", path, err)
	case !old.Mode().IsRegular():
		return nil, fmt.Errorf("create %s: %w (%s)", path, ErrNotRegular, describe(old.Mode()))
	}
	RemoveStale(target)
	f, err := createTemp(target, perm)
	if err == nil && old != nil {
		err = keepOwnerAndMode(f, old)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return newFile(f, path, target, false), nil
}

// createTemp creates .tmp-BASE-PID-RANDOM beside target with mode perm
// (minus the umask: the kernel applies it to O_CREAT).
func createTemp(target string, perm os.FileMode) (*os.File, error) {
	dir, base := split(target)
	prefix := fmt.Sprintf("%s%s-%d-", TempPrefix, base, os.Getpid())
	for range 100 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("no free temporary name in %s", dir)
}

// keepOwnerAndMode gives the temporary file the owner and permissions of the
// file it replaces. The owner is kept only when the process may set it
// (root rewriting another user's file); otherwise the file is the writer's,
// as with any editor that saves by renaming.
func keepOwnerAndMode(f *os.File, old os.FileInfo) error {
	if st, ok := old.Sys().(*syscall.Stat_t); ok && (int(st.Uid) != os.Geteuid() || int(st.Gid) != os.Getegid()) {
		f.Chown(int(st.Uid), int(st.Gid)) // best effort, see above
	}
	if err := f.Chmod(old.Mode().Perm()); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	return nil
}

// Path is the final path, as given.
func (f *File) Path() string { return f.path }

// Commit flushes the buffer, syncs and closes the file and renames it into
// place; on error the temporary file is removed and path is untouched. A
// direct File is flushed and closed, a stream flushed.
func (f *File) Commit() error {
	if err := f.w.Flush(); err != nil {
		f.Abort()
		return fmt.Errorf("write output %s: %w", f.path, err)
	}
	switch {
	case f.f == nil:
		return nil
	case f.direct:
		if err := f.f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", f.path, err)
		}
		return nil
	}
	err := f.f.Sync()
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.f.Name(), f.target)
	}
	if err != nil {
		os.Remove(f.f.Name())
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	syncDir(filepath.Dir(f.target))
	return nil
}

// Abort closes and removes the temporary file; path is untouched. A direct
// File or a stream cannot take back what it wrote: it is flushed (and
// closed).
func (f *File) Abort() {
	if f.f == nil || f.direct {
		f.w.Flush()
	}
	f.close()
	if f.f != nil && !f.direct {
		os.Remove(f.f.Name())
	}
}

// close closes the file, if there is one.
func (f *File) close() {
	if f.f != nil {
		f.f.Close()
	}
}

// Discard aborts the file and removes the regular file at its final path, if
// there is one: the output is to be absent (an empty rejects file). A device
// or a FIFO is only closed.
func (f *File) Discard() error {
	f.Abort()
	if f.direct {
		return nil
	}
	if fi, err := os.Stat(f.target); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	if err := os.Remove(f.target); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", f.path, err)
	}
	return nil
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
	f.Write(data) // a write error stays in the buffer, for Commit
	return f.Commit()
}

// RemoveStale removes the temporary files of path whose process no longer
// runs (a Create or WriteFile killed midway); those of running processes are
// left alone, so it is safe while others write path.
func RemoveStale(path string) {
	dir, base := split(path)
	RemoveStaleFunc(dir, func(b string) bool { return b == base })
}

// RemoveStaleFunc removes the temporary files in dir whose final name
// satisfies match and whose process no longer runs.
func RemoveStaleFunc(dir string, match func(base string) bool) {
	names, _ := filepath.Glob(filepath.Join(escapeGlob(dir), escapeGlob(TempPrefix)+"*"))
	for _, name := range names {
		base, pid, ok := parseTemp(filepath.Base(name))
		if ok && match(base) && !alive(pid) {
			os.Remove(name)
		}
	}
}

// parseTemp reads .tmp-BASE-PID-RANDOM. A name that has no number where the
// PID goes is not one of this package's, except .tmp-BASE-RANDOM written by
// versions that put no PID in it: the PID is then 0 (no process).
func parseTemp(name string) (base string, pid int, ok bool) {
	rest, ok := strings.CutPrefix(name, TempPrefix)
	i := strings.LastIndexByte(rest, '-')
	if !ok || i < 0 {
		return "", 0, false
	}
	rest = rest[:i]
	j := strings.LastIndexByte(rest, '-')
	if j < 0 {
		return rest, 0, true
	}
	if pid, err := strconv.Atoi(rest[j+1:]); err == nil {
		return rest[:j], pid, true
	}
	return rest, 0, true
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
