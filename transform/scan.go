package transform

import "bytes"

// The record scanner finds where CSV records end without parsing their
// fields, so that the reader can cut the input into batches of whole records
// for parallel workers. It follows encoding/csv's own rules exactly: a quote
// opens a quoted field only at the start of a field; inside one, "" is a quote
// and newlines are data; a line whose quotes are wrong ends at its line break
// (encoding/csv rejects it there and goes on with the next line).

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
			default:
				s.state = badLine
			}
			i += q + 1
		case quoted:
			q := bytes.IndexByte(buf[i:], '"')
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
			if c == '"' {
				s.state = quoteInQuoted
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
