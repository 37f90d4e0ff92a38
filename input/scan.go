package input

import "bytes"

// The record scanner finds where CSV records end without parsing their
// fields, so that the reader can cut the input into batches of whole records
// for parallel workers. It follows encoding/csv's own rules exactly: a quote
// opens a quoted field only at the start of a field; inside one, "" is a quote
// and newlines are data; a line whose quotes are wrong ends at its line break
// (encoding/csv rejects it there and goes on with the next line). FuzzScanner
// and FuzzScannerChunked hold it to encoding/csv's record ends on any input.
//
// It also says when a record crossed a line break inside quotes (multi), for
// the reader's stray-quote rule (source.go), which is this:
//
//   - A record that spans several physical lines is kept whole only if it is
//     well-formed: its quotes close, it parses without error, it has as many
//     fields as the header, and it is no longer than --max-row-size. This is
//     how a legitimate multi-line cell (an address, a note typed with line
//     breaks) reads, as encoding/csv and spreadsheets read it.
//   - Otherwise (a quote never closed before the end of the input, a quote
//     that closes in a way that is not CSV, a field count that differs from
//     the header's, or a record still open after --max-row-size bytes) only
//     the physical line where the record starts is rejected, with a reason
//     that names the lines the quote would have swallowed, and reading starts
//     again at the next physical line, at the start of a record: each of those
//     lines is read as a row of its own (and rejected on its own if it is not
//     a good one). A stray quote costs one line, never the rest of the file.
//   - A record on one line is rejected (by the worker that parses it) when it
//     is malformed; reading goes on at the next line, as encoding/csv does. A
//     line longer than --max-row-size is rejected by the reader, which skips
//     it to its end without holding it.
//   - A stray quote that happens to close at a quote further down, leaving a
//     well-formed record with the header's number of fields, cannot be told
//     from a legitimate multi-line cell: it is read as one (its typed columns,
//     if any, usually reject it).
//   - The header line is not recovered: a malformed multi-line header is an
//     error, and so is a header longer than --max-row-size (an endless input
//     without a line break stops there).

type scanState uint8

const (
	fieldStart scanState = iota
	unquoted
	quoted
	quoteInQuoted // a quote inside a quoted field: closing, or the first of ""
	quoteCR       // a closing quote followed by \r
	badLine       // a quote error: the record ends at the line break
)

// scanner is the record-boundary state machine. In cr mode (old Mac files
// whose lines end with a lone \r) it rewrites line-ending \r to \n as it goes.
type scanner struct {
	comma byte
	cr    bool
	state scanState
	// multi is set when the record being scanned may span lines: a quoted
	// field crossed a line break, or its end was not in view when it opened.
	// Never false for a record that does span lines; the caller clears it.
	multi bool
}

// scan advances over buf from i and returns the index just past the first
// record end (the \n closing a record), or -1 if buf ends inside a record;
// scanning then resumes at len(buf) when more bytes have arrived. It may
// rewrite \r to \n in buf in cr mode.
//
// Outside quoted fields it jumps from quote to line break with
// bytes.IndexByte, so a line without quotes costs one memchr; quotes and cr
// mode go through the byte-at-a-time state machine of scanBytes.
func (s *scanner) scan(buf []byte, i int) int {
	if s.cr {
		return s.scanBytes(buf, i)
	}
	eol := -1 // the current line's \n, once found in this call
	for i < len(buf) {
		switch s.state {
		case fieldStart, unquoted:
			line := buf[i:]
			nl := bytes.IndexByte(line, '\n')
			if nl >= 0 {
				line = line[:nl]
			}
			q := bytes.IndexByte(line, '"')
			switch {
			case q < 0 && nl >= 0:
				s.state = fieldStart
				return i + nl + 1
			case q < 0:
				if n := len(line); n > 0 {
					s.state = unquoted
					if line[n-1] == s.comma {
						s.state = fieldStart
					}
				}
				return -1
			case (q == 0 && s.state == fieldStart) || (q > 0 && line[q-1] == s.comma):
				s.state = quoted
				eol = -1
				if nl >= 0 {
					eol = i + nl
				}
			default:
				s.state = badLine
			}
			i += q + 1
		case quoted:
			q := bytes.IndexByte(buf[i:], '"')
			if q < 0 || eol < 0 || i+q > eol {
				s.multi = true
			}
			if q < 0 {
				return -1
			}
			s.state = quoteInQuoted
			i += q + 1
		case badLine:
			nl := bytes.IndexByte(buf[i:], '\n')
			if nl < 0 {
				return -1
			}
			s.state = fieldStart
			return i + nl + 1
		default:
			if end := s.scanBytes(buf[:i+1], i); end >= 0 {
				return end
			}
			i++
		}
	}
	return -1
}

// scanBytes is scan one byte at a time: the whole state machine.
func (s *scanner) scanBytes(buf []byte, i int) int {
	for ; i < len(buf); i++ {
		c := buf[i]
		if c == '\r' && s.cr && s.state != quoted {
			buf[i], c = '\n', '\n'
		}
		switch s.state {
		case fieldStart, unquoted:
			switch {
			case c == '\n':
				s.state = fieldStart
				return i + 1
			case c == s.comma:
				s.state = fieldStart
			case c == '"' && s.state == fieldStart:
				s.state = quoted
			case c == '"':
				s.state = badLine
			default:
				s.state = unquoted
			}
		case quoted:
			switch c {
			case '"':
				s.state = quoteInQuoted
			case '\n', '\r':
				s.multi = true
			}
		case quoteInQuoted:
			switch c {
			case '"':
				s.state = quoted
			case s.comma:
				s.state = fieldStart
			case '\n':
				s.state = fieldStart
				return i + 1
			case '\r':
				s.state = quoteCR
			default:
				s.state = badLine
			}
		case quoteCR:
			if c == '\n' {
				s.state = fieldStart
				return i + 1
			}
			s.state = badLine
		case badLine:
			if c == '\n' {
				s.state = fieldStart
				return i + 1
			}
		}
	}
	return -1
}

// sniffDelimiter picks the delimiter of a header line: the most frequent of
// , ; tab | outside quotes (a comma when there is none: one column).
func sniffDelimiter(line []byte) rune {
	counts := map[byte]int{}
	inQuotes := false
	for _, c := range line {
		switch {
		case c == '"':
			inQuotes = !inQuotes
		case !inQuotes && (c == ',' || c == ';' || c == '\t' || c == '|'):
			counts[c]++
		}
	}
	best, n := byte(','), 0
	for _, c := range []byte{',', ';', '\t', '|'} {
		if counts[c] > n {
			best, n = c, counts[c]
		}
	}
	return rune(best)
}

// crLineEnds reports whether the first line break of head is a lone \r.
func crLineEnds(head []byte) bool {
	for i, c := range head {
		switch c {
		case '\n':
			return false
		case '\r':
			return i+1 < len(head) && head[i+1] != '\n'
		}
	}
	return false
}
