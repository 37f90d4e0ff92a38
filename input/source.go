package input

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"csv2activity/internal/bufpool"
	"csv2activity/internal/bytesize"
)

// Batch is a run of whole CSV records from one input, the unit of work of the
// parallel workers: either Data holds records, or Malformed holds a line that
// could not be read as one.
type Batch struct {
	File      string // the input's name ("-" for standard input)
	Line      int    // line number of Data's first byte (the header is line 1)
	Data      []byte // whole records, decoded to UTF-8, from bufpool: Put it back once parsed
	Comma     rune   // the input's delimiter
	CheckUTF8 bool   // the input passes through undecoded: check each row is UTF-8

	Malformed *Malformed
}

// Malformed is a line rejected while reading: a row longer than the row size
// limit, or the first line of a record a stray quote made malformed (scan.go
// says the rule). Reading goes on at the next line.
type Malformed struct {
	Line   int    // where it starts, 1-based, the header being line 1
	Reason string // why, naming the column where the quote opened
	Raw    string // the line as read (a long row: its first KiB)
	// TooLong says the row was longer than the row size limit; otherwise
	// the CSV itself could not be read there.
	TooLong bool
}

// bufSize is the starting size of an input's read buffer: two batches of
// records as run hands them out.
const bufSize = 256 << 10

// Errors of reading an input's beginning:
//
//	ErrEmptyInput      the input has not even a header line
//	ErrHeaderTooLong   its header line is longer than the row size limit
//	ErrMixedEncoding   with encoding: auto, it mixes UTF-8 and windows-1252 (a *MixedEncodingError)
var (
	ErrEmptyInput    = errors.New("input is empty: no header line")
	ErrHeaderTooLong = errors.New("the header line is longer than the row size limit")
)

// source cuts one decoded input into batches of whole records. Everything it
// reads goes through fill, which stops once ctx is done.
type source struct {
	ctx      context.Context
	name     string
	r        io.Reader
	maxRow   int
	names    []string // the columns (the header's, or the mapping's names)
	inHeader bool     // the header line is being read: nothing is recovered

	sc      scanner
	buf     []byte
	start   int // first byte not yet handed out
	scanned int // bytes before this are scanned
	lastEnd int // end of the last whole record found
	end     int // bytes read
	line    int // line number at start
	eof     bool
}

func newSource(ctx context.Context, name string, r io.Reader, maxRow int) *source {
	return &source{ctx: ctx, name: name, r: r, maxRow: maxRow, line: 1, buf: make([]byte, 0, bufSize)}
}

// fill reads more input, growing the buffer when it is full.
func (s *source) fill() error {
	if err := s.ctx.Err(); err != nil {
		return fmt.Errorf("read %s: %w", s.name, err)
	}
	if s.end == cap(s.buf) {
		nb := make([]byte, s.end-s.start, max(2*(s.end-s.start), bufSize))
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
// (fewer at the end of the input or before a rejected line), a batch holding
// one rejected line, or nil at the end.
//
// Records on one line are handed out as they are (a worker rejects a
// malformed one). A record that may span lines, or that is longer than the
// limit, is checked here first; a record still open at the end of the input
// or past the limit is malformed too. A malformed record costs only its first
// line: see malformed.
func (s *source) next(target int) (*Batch, error) {
	for {
		for s.scanned < s.end {
			e := s.sc.scan(s.buf[:s.end], s.scanned)
			if e < 0 {
				s.scanned = s.end
				break
			}
			if s.sc.multi || e-s.lastEnd > s.maxRow {
				s.sc.multi = false
				if p := s.check(e); p != nil {
					return s.malformed(p)
				}
			}
			s.scanned, s.lastEnd = e, e
			if e-s.start >= target {
				return s.cut(), nil
			}
		}
		if s.eof {
			return s.rest()
		}
		if s.end-s.lastEnd > s.maxRow {
			return s.malformed(s.tooLong())
		}
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
}

// rest hands out what is left at the end of the input: the last record, when
// no line break ends it, checked as next checks records; or nil.
func (s *source) rest() (*Batch, error) {
	if s.lastEnd < s.end {
		if s.end-s.lastEnd > s.maxRow {
			return s.malformed(s.tooLong())
		}
		if s.sc.state == quoted && !s.inHeader {
			return s.malformed(&problem{kind: neverClosed, end: s.end})
		}
		if s.sc.multi {
			s.sc.multi = false
			if p := s.check(s.end); p != nil {
				return s.malformed(p)
			}
		}
	}
	s.lastEnd = s.end
	if s.lastEnd > s.start {
		return s.cut(), nil
	}
	return nil, nil
}

// cut hands out the whole records found so far as a batch.
func (s *source) cut() *Batch {
	b := &Batch{File: s.name, Line: s.line, Data: s.buf[s.start:s.lastEnd:s.lastEnd]}
	s.line += bytes.Count(b.Data, []byte{'\n'})
	rest := s.buf[s.lastEnd:s.end]
	if len(b.Data) < len(rest) {
		// A short batch (the records before a rejected line): copy it out
		// rather than the rest, so that a file full of stray quotes does
		// not copy its buffer once per line.
		b.Data = append(bufpool.Get(len(b.Data)), b.Data...)
		s.start = s.lastEnd
		return b
	}
	nb := bufpool.Get(max(2*len(rest), bufSize))[:len(rest)] // not cap(s.buf): a long row must not make every batch as big
	copy(nb, rest)
	// The batch takes the rest of the buffer too: put back once parsed, it
	// is of the size the reader asks for (else each batch is a new buffer).
	b.Data = s.buf[s.start:s.lastEnd]
	s.scanned -= s.lastEnd
	s.end -= s.lastEnd
	s.start, s.lastEnd = 0, 0
	s.buf = nb
	return b
}

// resume starts reading again at buf[i], the start of a line.
func (s *source) resume(i, lines int) {
	s.start, s.scanned, s.lastEnd = i, i, i
	s.line += lines
	s.sc.state, s.sc.multi = fieldStart, false
}

// malformed handles the record at lastEnd, which cannot be read whole. The
// records before it are handed out first; then its first physical line is
// rejected and reading resumes at the next one, at the start of a record.
// The header is not recovered: a header that is too long is an error, and a
// malformed one is left to the header's parser.
func (s *source) malformed(p *problem) (*Batch, error) {
	if s.lastEnd > s.start {
		s.scanned = s.lastEnd
		s.sc.state, s.sc.multi = fieldStart, false
		return s.cut(), nil
	}
	if s.inHeader {
		return nil, fmt.Errorf("%s: %w (--max-row-size %s)", s.name, ErrHeaderTooLong, bytesize.Format(int64(s.maxRow)))
	}
	n := lineLen(s.buf[s.start:s.end], s.sc.cr)
	if n < 0 && s.eof {
		n = s.end - s.start // the input's last line
	}
	if n < 0 || rowLen(s.buf[s.start:s.start+n]) > s.maxRow {
		return s.skipLong()
	}
	first := s.buf[s.start : s.start+n]
	m := &Malformed{Line: s.line, Raw: string(trimRecord(first)), Reason: p.reason(s, first)}
	s.resume(s.start+n, 1)
	return &Batch{File: s.name, Line: m.Line, Malformed: m}, nil
}

// skipLong rejects a line longer than maxRow without holding it: it keeps
// its first bytes for the rejects file and drops input up to the line's end,
// where reading resumes with a fresh record.
func (s *source) skipLong() (*Batch, error) {
	preview := s.buf[s.start:min(s.end, s.start+1024)]
	if i := lineLen(preview, s.sc.cr); i >= 0 {
		preview = preview[:rowLen(preview[:i])]
	}
	skipped := int64(0)
	for {
		if i := lineLen(s.buf[s.start:s.end], s.sc.cr); i >= 0 {
			skipped += int64(rowLen(s.buf[s.start : s.start+i]))
			s.resume(s.start+i, 0)
			break
		}
		if s.eof {
			skipped += int64(s.end - s.start)
			s.resume(s.end, 0)
			break
		}
		skipped += int64(s.end - s.start)
		s.start, s.scanned, s.lastEnd, s.end = 0, 0, 0, 0
		s.buf = s.buf[:0]
		if err := s.fill(); err != nil {
			return nil, err
		}
	}
	m := &Malformed{Line: s.line, Raw: string(preview), TooLong: true,
		Reason: fmt.Sprintf("row is longer than the %s row size limit (--max-row-size): %d bytes, the first KiB of them in raw", bytesize.Format(int64(s.maxRow)), skipped)}
	s.line++
	return &Batch{File: s.name, Line: m.Line, Malformed: m}, nil
}

// check says why the whole record buf[lastEnd:e] cannot be read as one row
// (too long; or, spanning lines, not well-formed or not as wide as the
// header), or nil. The record is parsed as a worker would parse it.
func (s *source) check(e int) *problem {
	rec := s.buf[s.lastEnd:e]
	if rowLen(rec) > s.maxRow {
		return s.tooLong()
	}
	body := rec[:rowLen(rec)]
	if s.inHeader || (bytes.IndexByte(body, '\n') < 0 && (!s.sc.cr || bytes.IndexByte(body, '\r') < 0)) {
		return nil
	}
	p := &problem{end: e, fields: -1}
	Parse(rec, 1, rune(s.sc.comma), func(r *Record) {
		var pe *csv.ParseError
		switch {
		case p.fields >= 0 || p.kind != 0:
			p.kind = badClose // more than one record: not one row
		case errors.As(r.Err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
			p.kind, p.errLine = badClose, pe.Line
		case r.Err != nil:
			p.kind = badClose
		case len(s.names) > 0 && len(r.Fields) != len(s.names):
			p.kind, p.fields = fieldCount, len(r.Fields)
		default:
			p.fields = len(r.Fields)
		}
	})
	if p.kind == 0 {
		return nil
	}
	return p
}

// tooLong is the problem of the record at lastEnd, longer than maxRow. Its
// extent is counted up to the limit, whether its end was read or not, so that
// the reason does not depend on how the input arrived.
func (s *source) tooLong() *problem {
	return &problem{kind: tooLong, end: s.lastEnd + s.maxRow + 1}
}

// problemKind is why a record cannot be read whole.
type problemKind uint8

const (
	neverClosed problemKind = iota + 1 // its quote is open at the end of the input
	badClose                           // its quote closes in a way that is not CSV
	fieldCount                         // it is well-formed but not as wide as the header
	tooLong                            // it is longer than the row size limit
)

// problem is a malformed record: why, and how far it reaches.
type problem struct {
	kind    problemKind
	end     int // where the record ends in buf (tooLong: the first byte past the limit)
	errLine int // badClose: the line of the record where the quote closes wrongly
	fields  int // fieldCount: how many fields the record makes
}

// reason words the rejection of a malformed record's first line, naming the
// lines the quote would have swallowed (now read again as rows) and the fix.
func (p *problem) reason(s *source, first []byte) string {
	at := s.line
	where := fmt.Sprintf("a quote opened on line %d", at)
	if f := openField(first, s.sc.comma); f >= 0 && f < len(s.names) {
		where += fmt.Sprintf(" (column %q)", s.names[f])
	} else if f >= 0 {
		where += fmt.Sprintf(" (field %d)", f+1)
	}
	span := s.buf[s.start:p.end]
	last := at + lineBreaks(span[:rowLen(span)], s.sc.cr) // the line of the record's (or the limit's) last byte
	fix := `close the quote, or write a " that is part of the text as ""`
	var what string
	switch p.kind {
	case neverClosed:
		what = "is never closed"
	case badClose:
		what = "is not closed properly"
		if p.errLine > 0 {
			what = fmt.Sprintf("is closed by a quote on line %d with text after it, which is not CSV", at+p.errLine-1)
		}
	case fieldCount:
		what = fmt.Sprintf("closes on line %d, making one row of %d fields where the header has %d", last, p.fields, len(s.names))
	case tooLong:
		what = fmt.Sprintf("is still open on line %d, past the %s row size limit (--max-row-size)", last, bytesize.Format(int64(s.maxRow)))
		fix += ", or raise --max-row-size if the cell is really that long"
	}
	switch {
	case p.kind == tooLong:
		what += fmt.Sprintf("; the lines from %d on, which it would have swallowed, were read again as rows", at+1)
	case last == at+1:
		what += fmt.Sprintf("; line %d, which it would have swallowed, was read again as a row", at+1)
	case last > at+1:
		what += fmt.Sprintf("; lines %d–%d, which it would have swallowed, were read again as rows", at+1, last)
	}
	return fmt.Sprintf("malformed CSV: %s %s: %s", where, what, fix)
}

// openField is the index of the field of a record's first line whose quote
// is still open at the line's end, or -1.
func openField(line []byte, comma byte) int {
	sc := scanner{comma: comma}
	field, opened := 0, -1
	for i, c := range line {
		before := sc.state
		if sc.scanBytes(line[:i+1], i) >= 0 {
			break
		}
		switch {
		case c == comma && sc.state == fieldStart:
			field++
		case before == fieldStart && sc.state == quoted:
			opened = field
		}
	}
	if sc.state != quoted {
		return -1
	}
	return opened
}

// lineLen is the length of data's first physical line with its line break
// (\n, \r\n, or in cr mode a lone \r), or -1 if data holds no line break.
func lineLen(data []byte, cr bool) int {
	i := bytes.IndexByte(data, '\n')
	if cr {
		if j := bytes.IndexByte(data, '\r'); j >= 0 && (i < 0 || j < i) {
			if j+1 < len(data) && data[j+1] == '\n' {
				return j + 2
			}
			i = j
		}
	}
	if i < 0 {
		return -1
	}
	return i + 1
}

// lineBreaks counts the line breaks of data (with the lone \r of cr mode).
func lineBreaks(data []byte, cr bool) int {
	n := bytes.Count(data, []byte{'\n'})
	if cr {
		n += bytes.Count(data, []byte{'\r'}) - bytes.Count(data, []byte("\r\n"))
	}
	return n
}

// rowLen is the length of a record without its line break: what the row size
// limit bounds.
func rowLen(rec []byte) int {
	n := len(rec)
	if n > 0 && rec[n-1] == '\n' {
		n--
	}
	if n > 0 && rec[n-1] == '\r' {
		n--
	}
	return n
}
