package output

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"csv2activity/internal/bytesize"
)

// Parts writes ndjson as numbered parts of at most size bytes, cut between
// lines: OUT-0001.ndjson, OUT-0002.ndjson… Every part is a File, written
// under a temporary name and renamed only when the whole run is complete
// (Commit), so that a failed run leaves none of them.
type Parts struct {
	path  string // OUT, from which the parts are named
	size  int64
	parts []*File
	cur   int64 // bytes in the last part
}

// ErrLineTooLong is returned when one activity is larger than --split-size.
var ErrLineTooLong = errors.New("an activity is larger than --split-size")

// CreateParts starts part 1 of path, after removing the temporary files of
// any part that runs which no longer run left (a kill -9).
func CreateParts(path string, size int64) (*Parts, error) {
	RemoveStaleFunc(filepath.Dir(path), func(base string) bool {
		_, ok := partOf(path, base)
		return ok
	})
	s := &Parts{path: path, size: size}
	return s, s.next()
}

// PartName is the name of part n (1-based) of output path.
func PartName(path string, n int) string {
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s-%04d%s", strings.TrimSuffix(path, ext), n, ext)
}

// PartNumber returns n when the file at name is PartName(path, n) for some
// n: the file that is or would be created there (whereNew: the symlinks of
// its folders, and itself if it is one, followed; a bare name is in the
// working folder) has the part's name in the folder of path.
func PartNumber(path, name string) (int, bool) {
	at := whereNew(name)
	if filepath.Dir(at) != whereNew(filepath.Dir(path)) {
		return 0, false
	}
	return partOf(path, filepath.Base(at))
}

// partOf returns n when name, a base name in the folder of path, is
// PartName(path, n)'s.
func partOf(path, name string) (int, bool) {
	ext := filepath.Ext(path)
	digits, ok := strings.CutPrefix(name, strings.TrimSuffix(filepath.Base(path), ext)+"-")
	if digits, ok = strings.CutSuffix(digits, ext); !ok || len(digits) < 4 || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	return n, err == nil && n > 0 && filepath.Base(PartName(path, n)) == name
}

// ExistingParts lists the parts of path that exist, in any order.
func ExistingParts(path string) []string {
	entries, _ := os.ReadDir(filepath.Dir(path))
	var parts []string
	for _, e := range entries {
		if _, ok := partOf(path, e.Name()); ok {
			parts = append(parts, filepath.Join(filepath.Dir(path), e.Name()))
		}
	}
	return parts
}

// next starts a new part.
func (s *Parts) next() error {
	f, err := Create(PartName(s.path, len(s.parts)+1), 0o644)
	if err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	s.parts = append(s.parts, f)
	s.cur = 0
	return nil
}

// Write takes whole lines (a worker's output) and spreads them over parts.
func (s *Parts) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		room := s.size - s.cur
		n := len(p)
		if int64(n) > room {
			n = bytes.LastIndexByte(p[:room], '\n') + 1
		}
		if n == 0 {
			if s.cur == 0 {
				return written, fmt.Errorf("write output: %w (%s)", ErrLineTooLong, bytesize.Format(s.size))
			}
			if err := s.next(); err != nil {
				return written, err
			}
			continue
		}
		if _, err := s.parts[len(s.parts)-1].Write(p[:n]); err != nil {
			return written, fmt.Errorf("write output: %w", err)
		}
		s.cur += int64(n)
		written += n
		p = p[n:]
	}
	return written, nil
}

// Commit renames every part into place and removes the parts a previous,
// longer run left after the last one (removeLeftovers).
func (s *Parts) Commit() error {
	if last := s.parts[len(s.parts)-1]; s.cur == 0 && len(s.parts) > 1 {
		last.Abort()
		s.parts = s.parts[:len(s.parts)-1]
	}
	for i, f := range s.parts {
		if err := f.Commit(); err != nil {
			s.abortFrom(i + 1)
			return err
		}
	}
	return removeLeftovers(s.path, len(s.parts))
}

// removeLeftovers removes parts n+1, n+2… of path that an earlier, longer
// run wrote, up to the first missing number. It removes the last one first,
// so that a run killed midway leaves the rest numbered without a gap, for
// the next run to find. Only files (and symlinks) are removed.
func removeLeftovers(path string, n int) error {
	last := n
	for {
		fi, err := os.Lstat(PartName(path, last+1))
		if err != nil || !(fi.Mode().IsRegular() || fi.Mode()&os.ModeSymlink != 0) {
			break
		}
		last++
	}
	for ; last > n; last-- {
		if err := os.Remove(PartName(path, last)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove part %d of an earlier run: %w", last, err)
		}
	}
	return nil
}

// Count is how many parts there are: after Commit, how many were written.
func (s *Parts) Count() int { return len(s.parts) }

// Abort removes every part's temporary file; no part is written.
func (s *Parts) Abort() { s.abortFrom(0) }

func (s *Parts) abortFrom(i int) {
	for _, f := range s.parts[i:] {
		f.Abort()
	}
}
