// Package ndjson reads ndjson one line at a time, holding one line, for the
// commands that read activities back (validate) and for the upload's chunks.
package ndjson

import (
	"bufio"
	"errors"
	"io"
)

// ErrLineTooLong is returned by Next for a line longer than Reader.Max: the
// line is skipped to its end, and the next call goes on after it.
var ErrLineTooLong = errors.New("line too long")

// Reader reads the lines of r. It is not safe for concurrent use.
type Reader struct {
	r   *bufio.Reader
	buf []byte
	// Max is the longest line returned, in bytes, its line break excluded;
	// 0 means no limit.
	Max int
}

// NewReader reads r through a buffer of size bytes: a line that fits in it
// is returned without a copy.
func NewReader(r io.Reader, size int) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, size)}
}

// Next returns the next line with its line break (none for a last line
// without one), valid until the next call; io.EOF after the last line;
// ErrLineTooLong for a line longer than Max; or the read error.
func (l *Reader) Next() ([]byte, error) {
	l.buf = l.buf[:0]
	for {
		frag, err := l.r.ReadSlice('\n')
		if l.Max > 0 && len(l.buf)+len(frag) > l.Max+1 {
			return nil, l.skip(err)
		}
		if err == nil && len(l.buf) == 0 {
			return frag, nil
		}
		l.buf = append(l.buf, frag...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(l.buf) == 0:
			return nil, io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			return nil, err
		}
		return l.buf, nil
	}
}

// skip reads to the end of an over-long line.
func (l *Reader) skip(err error) error {
	for errors.Is(err, bufio.ErrBufferFull) {
		_, err = l.r.ReadSlice('\n')
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return ErrLineTooLong
}
