package transform

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"csv2activity/internal/bytesize"
)

// splitFile writes ndjson as numbered parts of at most size bytes, cut
// between lines: OUT-0001.ndjson, OUT-0002.ndjson… Every part is written
// under a temporary name and renamed only when the whole run is complete
// (commit), so that a failed run leaves none of them.
type splitFile struct {
	path  string // OUT, from which the parts are named
	size  int64
	parts []*atomicFile
	cur   int64 // bytes in the last part
}

// ErrLineTooLong is returned when one activity is larger than --split-size.
var ErrLineTooLong = errors.New("an activity is larger than --split-size")

func newSplitFile(path string, size int64) (*splitFile, error) {
	s := &splitFile{path: path, size: size}
	return s, s.next()
}

// PartName is the name of part n (1-based) of output path.
func PartName(path string, n int) string {
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s-%04d%s", strings.TrimSuffix(path, ext), n, ext)
}

// next starts a new part.
func (s *splitFile) next() error {
	f, err := createAtomic(PartName(s.path, len(s.parts)+1))
	if err != nil {
		return err
	}
	s.parts = append(s.parts, f)
	s.cur = 0
	return nil
}

// Write takes whole lines (a worker's output) and spreads them over parts.
func (s *splitFile) Write(p []byte) (int, error) {
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

// commit renames every part into place and removes the parts a previous,
// longer run left after the last one.
func (s *splitFile) commit() error {
	if last := s.parts[len(s.parts)-1]; s.cur == 0 && len(s.parts) > 1 {
		last.abort()
		s.parts = s.parts[:len(s.parts)-1]
	}
	for i, f := range s.parts {
		if err := f.commit(); err != nil {
			s.abortFrom(i + 1)
			return err
		}
	}
	for n := len(s.parts) + 1; ; n++ {
		if err := os.Remove(PartName(s.path, n)); err != nil {
			return nil
		}
	}
}

func (s *splitFile) abort() { s.abortFrom(0) }

func (s *splitFile) abortFrom(i int) {
	for _, f := range s.parts[i:] {
		f.abort()
	}
}
