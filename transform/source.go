package transform

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"csv2activity/internal/bytesize"
)

// batch is a run of whole CSV records from one input, the unit of work of the
// parallel workers.
type batch struct {
	seq  int
	file string
	line int    // line number of data's first byte (the header is line 1)
	data []byte // whole records, decoded to UTF-8

	input     uint32 // index of the input among the run's inputs
	comma     rune   // the input's delimiter
	checkUTF8 bool   // the input passes through undecoded: check each row

	oversize *Reject // instead of data: a row longer than the row size limit
}

// batchSize is how many bytes of records a batch holds (at least one record).
// Tests lower it to cut inputs into many batches.
var batchSize = 128 << 10

// ErrEmptyInput is returned for an input without even a header line.
var ErrEmptyInput = errors.New("input is empty: no header line")

// source cuts one decoded input into batches of whole records.
type source struct {
	name   string
	r      io.Reader
	maxRow int

	sc      scanner
	buf     []byte
	start   int // first byte not yet handed out
	scanned int // bytes before this are scanned
	lastEnd int // end of the last whole record found
	end     int // bytes read
	line    int // line number at start
	eof     bool
}

func newSource(name string, r io.Reader, maxRow int) *source {
	return &source{name: name, r: r, maxRow: maxRow, line: 1, buf: make([]byte, 0, batchSize*2)}
}

// fill reads more input, growing the buffer when it is full.
func (s *source) fill() error {
	if s.end == cap(s.buf) {
		nb := make([]byte, s.end-s.start, max(2*(s.end-s.start), batchSize*2))
		copy(nb, s.buf[s.start:s.end])
		s.scanned -= s.start
		s.lastEnd -= s.start
		s.end -= s.start
		s.start = 0
		s.buf = nb
	}
	n, err := s.r.Read(s.buf[s.end:cap(s.buf)])
	s.end += n
	s.buf = s.buf[:s.end]
	if err == io.EOF {
		s.eof = true
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", s.name, err)
	}
	return nil
}

// head returns up to n bytes of the input's beginning, for sniffing.
func (s *source) head(n int) ([]byte, error) {
	for s.end-s.start < n && !s.eof {
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
	return s.buf[s.start:min(s.end, s.start+n)], nil
}

// next returns the next batch of whole records holding at least target bytes
// (fewer at the end of the input), or nil at the end.
func (s *source) next(target int) (*batch, error) {
	for {
		for s.scanned < s.end {
			e := s.sc.scan(s.buf[:s.end], s.scanned)
			if e < 0 {
				s.scanned = s.end
				break
			}
			s.scanned, s.lastEnd = e, e
			if e-s.start >= target {
				return s.cut(), nil
			}
		}
		if s.maxRow > 0 && s.end-s.lastEnd > s.maxRow {
			if s.lastEnd > s.start {
				return s.cut(), nil
			}
			return s.skipOversize()
		}
		if s.eof {
			s.lastEnd = s.end
			if s.lastEnd > s.start {
				return s.cut(), nil
			}
			return nil, nil
		}
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
}

// cut hands out the whole records found so far as a batch.
func (s *source) cut() *batch {
	b := &batch{file: s.name, line: s.line, data: s.buf[s.start:s.lastEnd:s.lastEnd]}
	s.line += bytes.Count(b.data, []byte{'\n'})
	rest := s.buf[s.lastEnd:s.end]
	nb := getBuf(max(2*len(rest), batchSize*2))[:len(rest)] // not cap(s.buf): a long row must not make every batch as big
	copy(nb, rest)
	s.scanned -= s.lastEnd
	s.end -= s.lastEnd
	s.start, s.lastEnd = 0, 0
	s.buf = nb
	return b
}

// skipOversize rejects a record longer than maxRow without holding it: it keeps
// its first bytes for the rejects file and drops input up to the next line
// break, where reading resumes with a fresh record.
func (s *source) skipOversize() (*batch, error) {
	preview := string(s.buf[s.start:min(s.end, s.start+1024)])
	first, skipped := s.line, int64(0)
	s.scanned = min(s.end, s.start+s.maxRow) // resume at the first line break past the limit
	for {
		i := bytes.IndexByte(s.buf[s.scanned:s.end], '\n')
		if i >= 0 {
			s.scanned += i + 1
			break
		}
		s.scanned = s.end
		if s.eof {
			break
		}
		skipped += int64(s.end - s.start)
		s.line += bytes.Count(s.buf[s.start:s.end], []byte{'\n'})
		s.start, s.scanned, s.lastEnd, s.end = 0, 0, 0, 0
		s.buf = s.buf[:0]
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
	skipped += int64(s.scanned - s.start)
	s.line += bytes.Count(s.buf[s.start:s.scanned], []byte{'\n'})
	s.start, s.lastEnd = s.scanned, s.scanned
	s.sc.state = fieldStart
	rej := &Reject{File: s.name, Line: first, Raw: preview,
		Reason: fmt.Sprintf("row is longer than the %s row size limit (--max-row-size): %d bytes skipped, up to line %d", bytesize.Format(int64(s.maxRow)), skipped, s.line-1)}
	return &batch{file: s.name, line: first, oversize: rej}, nil
}
