package output

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrSameFile is the Err of an *OutputError whose output is a file the run
// reads or writes under another name.
var ErrSameFile = errors.New("the same file")

// OutputError is an output path a run must not write, found by Guard before
// anything is read or created: the same file as an input, the mapping or
// another output (Err is ErrSameFile, Other names that file), or something
// that cannot be written safely, such as a directory (Err wraps
// ErrNotRegular).
type OutputError struct {
	Flag  string // the flag that names the output: -o, --rejects, --state
	Path  string
	Other string // with ErrSameFile: "input orders.csv", "-o orders.ndjson"
	Err   error
}

func (e *OutputError) Error() string {
	if errors.Is(e.Err, ErrSameFile) {
		return fmt.Sprintf("%s %s is the same file as %s, which would be overwritten: choose another path", e.Flag, e.Path, e.Other)
	}
	return fmt.Sprintf("%s %s: %v", e.Flag, e.Path, e.Err)
}

func (e *OutputError) Unwrap() error { return e.Err }

// Guard checks the paths of a run before it reads or writes anything: no
// output may be a file the run reads (an input, the mapping) or another of
// its outputs. Files are compared by device and inode with symlinks
// followed, so that a symlink or a hard link is caught as well as the same
// name; an output that does not exist yet is compared by where it will be
// created, the symlinks on its way followed. Only regular files are
// compared: writing to a device or a FIFO that is also read (/dev/stdin and
// /dev/stdout on one terminal) destroys nothing. The zero Guard is ready to
// use.
type Guard struct {
	seen []seenFile
}

type seenFile struct {
	name string      // role and path, for messages
	fi   os.FileInfo // nil for an output that does not exist yet
	at   string      // for an output that does not exist yet: where it will be (whereNew)
}

// Reads records files the run reads, named role in messages ("input",
// "mapping"). "-" and paths that cannot be read are skipped: reading them
// fails later, with its own error.
func (g *Guard) Reads(role string, paths ...string) {
	for _, p := range paths {
		if fi, err := os.Stat(p); p != "-" && err == nil && fi.Mode().IsRegular() {
			g.seen = append(g.seen, seenFile{name: role + " " + p, fi: fi})
		}
	}
}

// Writes checks the output path named by flag and records it. A path that
// does not exist yet is an *OutputError when another output recorded will
// be created at the same place, and is recorded by that place. A directory,
// a block device, or a regular file already recorded is an *OutputError. A
// character device, a FIFO or a socket is accepted when direct is true
// (Open writes it directly) and refused otherwise (the output must be a
// regular file: a state file, numbered parts).
func (g *Guard) Writes(flag, path string, direct bool) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return g.writeNew(flag, path)
	case err != nil:
		return nil // cannot be looked at: Create says why
	case fi.Mode().IsRegular():
		return g.write(flag, path, fi)
	case direct && Direct(fi.Mode()):
		return nil
	}
	return &OutputError{Flag: flag, Path: path, Err: fmt.Errorf("it is %s, %w", describe(fi.Mode()), ErrNotRegular)}
}

// WritesTo checks an output that is already open, when it is an *os.File:
// standard output redirected to a file (`>> orders.csv`), say. It is not
// recorded: standard output and standard error may well share a file
// (`> log 2>&1`), which destroys nothing.
func (g *Guard) WritesTo(name string, w io.Writer) error {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		return g.check(name, f.Name(), fi)
	}
	return nil
}

func (g *Guard) write(flag, path string, fi os.FileInfo) error {
	if err := g.check(flag, path, fi); err != nil {
		return err
	}
	g.seen = append(g.seen, seenFile{name: flag + " " + path, fi: fi})
	return nil
}

func (g *Guard) check(flag, path string, fi os.FileInfo) error {
	for _, s := range g.seen {
		if s.fi != nil && os.SameFile(s.fi, fi) {
			return &OutputError{Flag: flag, Path: path, Other: s.name, Err: ErrSameFile}
		}
	}
	return nil
}

// writeNew checks and records an output that does not exist yet.
func (g *Guard) writeNew(flag, path string) error {
	at := whereNew(path)
	for _, s := range g.seen {
		if s.fi == nil && s.at == at {
			return &OutputError{Flag: flag, Path: path, Other: s.name, Err: ErrSameFile}
		}
	}
	g.seen = append(g.seen, seenFile{name: flag + " " + path, at: at})
	return nil
}

// maxSymlinks is how many symlinks whereNew follows, as Linux does.
const maxSymlinks = 40

// whereNew is where a file that does not exist yet will be created: its
// absolute path, the symlinks of its folders followed, and the symlink it
// may itself be (dangling, or it would exist) followed to its target.
func whereNew(path string) string {
	p, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	for range maxSymlinks {
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if err != nil {
			return p // no such folder: it will not be created at all
		}
		p = filepath.Join(dir, filepath.Base(p))
		target, err := os.Readlink(p)
		if err != nil {
			return p // not a symlink
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		p = target
	}
	return p
}
