package input

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strings"
)

// Record is one CSV record of a batch. It is only valid during the call it is
// handed to: Raw and Fields point into the batch and into reused memory.
type Record struct {
	Line   int      // where it starts in its file
	Raw    []byte   // its text, without the line break (points into the batch)
	Fields []string // nil when Err is set
	Err    error    // a *csv.ParseError: the record is malformed (Reason words it)
}

// Parse parses the whole records in data, the first starting on line, and
// calls fn for each, in order. Blank lines are skipped, as encoding/csv does.
//
// Well-formed records go through split, which cuts fields with bytes.IndexByte
// and allocates one string per record. Anything it does not accept (a quote
// error, a bare quote) is handed, one record at a time, to encoding/csv, whose
// rules and error messages stay the reference: FuzzParseBatch checks that both
// give the same records.
func Parse(data []byte, line int, comma rune, fn func(*Record)) {
	var sp splitter
	sp.comma = byte(comma)
	var rec Record
	for len(data) > 0 {
		if n := blankLine(data); n > 0 {
			data, line = data[n:], line+1
			continue
		}
		fields, n, lines, ok := sp.split(data)
		if ok {
			rec = Record{Line: line, Raw: trimRecord(data[:n]), Fields: fields}
		} else {
			rec, n = parseOne(data, comma)
			rec.Line += line - 1
			lines = bytes.Count(data[:n], []byte{'\n'})
		}
		fn(&rec)
		data, line = data[n:], line+lines
	}
}

// blankLine returns the length of the blank line at the start of data ("\n",
// "\r\n", or a last "\r"), or 0.
func blankLine(data []byte) int {
	switch {
	case data[0] == '\n':
		return 1
	case data[0] == '\r' && (len(data) == 1 || data[1] == '\n'):
		return min(2, len(data))
	}
	return 0
}

// parseOne reads the record at the start of data with encoding/csv and
// returns it with the length it took; its line is counted from 1.
func parseOne(data []byte, comma rune) (Record, int) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	fields, err := cr.Read()
	n := int(cr.InputOffset())
	rec := Record{Raw: trimRecord(data[:n]), Fields: fields, Err: err, Line: 1}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		rec.Line = pe.StartLine
		rec.Fields = nil
		if errors.Is(err, csv.ErrBareQuote) {
			if fields, lerr := bareQuotes(rec.Raw, comma); lerr == nil {
				rec.Fields, rec.Err = fields, nil
			}
		}
	} else if err == nil && bytes.Contains(rec.Raw, []byte("\r\n")) {
		rec.Fields = splitRecord(rec.Raw, byte(comma))
	}
	return rec, n
}

// splitter cuts well-formed records into fields. Quoted fields keep their
// text as written, line breaks included (a CR LF inside quotes stays CR LF,
// as splitRecord explains).
type splitter struct {
	comma  byte
	spans  []span   // each field of the record being split, in data
	fields []string // reused from record to record, as encoding/csv's ReuseRecord
}

// span is where a field's text lies in the record; escaped when it holds ""
// pairs that stand for one quote.
type span struct {
	start, end int
	escaped    bool
}

// split parses the record at the start of data (not a blank line). It
// returns its fields, the bytes it took (line break included) and the line
// breaks among them; ok is false when the record is not well-formed, or has
// a quote inside an unquoted field, and needs encoding/csv.
//
// Fields are found in place, so a record costs one string: the text of its
// line, which the fields are slices of. Only a field with "" is copied.
func (s *splitter) split(data []byte) (fields []string, n, lines int, ok bool) {
	s.spans = s.spans[:0]
	i, multiline := 0, false
	eol := lineEnd(data, 0)
	q := quoteIn(data, 0, eol)
	for {
		if q == i { // a quoted field
			start, escaped := i+1, false
			i++
			for {
				c := bytes.IndexByte(data[i:], '"')
				if c < 0 {
					return nil, 0, 0, false
				}
				i += c + 1
				if i < len(data) && data[i] == '"' {
					escaped = true
					i++
					continue
				}
				break
			}
			s.spans = append(s.spans, span{start, i - 1, escaped})
			if i > eol {
				multiline = true
				eol = lineEnd(data, i)
			}
			end := i // where the record's text ends, when it does here
			switch {
			case i == len(data):
			case data[i] == s.comma:
				i++
				q = quoteIn(data, i, eol)
				continue
			case data[i] == '\n':
				i++
			case data[i] == '\r' && (i+1 == len(data) || data[i+1] == '\n'):
				i = min(i+2, len(data))
			default:
				return nil, 0, 0, false
			}
			return s.record(data[:end]), i, s.count(data[:i], multiline), true
		}
		// Unquoted fields, up to the next quote or the line end: each
		// delimiter ends one.
		stop := eol
		if q >= 0 {
			stop = q
		}
		i = s.unquoted(data, i, stop)
		if q >= 0 {
			if q != i {
				return nil, 0, 0, false // a quote inside an unquoted field
			}
			continue
		}
		end := eol
		if end > i && data[end-1] == '\r' {
			end--
		}
		s.spans = append(s.spans, span{start: i, end: end})
		n := min(eol+1, len(data))
		return s.record(data[:end]), n, s.count(data[:n], multiline), true
	}
}

// unquoted adds a span for each field of data[i:stop] that a delimiter ends,
// and returns where the field after the last delimiter starts. It looks for
// delimiters eight bytes at a time: fields are short, and a loop over bytes
// or a call to bytes.IndexByte per field costs several times more.
func (s *splitter) unquoted(data []byte, i, stop int) int {
	const low7, ones = 0x7f7f7f7f7f7f7f7f, 0x0101010101010101
	pattern := ones * uint64(s.comma)
	w := i
	for ; w+8 <= stop; w += 8 {
		x := binary.LittleEndian.Uint64(data[w:]) ^ pattern
		// The high bit of each byte of x that is zero: a delimiter. (Exact:
		// no carry crosses from one byte to the next.)
		m := ^(((x & low7) + low7) | x | low7)
		for m != 0 {
			c := w + bits.TrailingZeros64(m)/8
			s.spans = append(s.spans, span{start: i, end: c})
			i = c + 1
			m &= m - 1
		}
	}
	for ; w < stop; w++ {
		if data[w] == s.comma {
			s.spans = append(s.spans, span{start: i, end: w})
			i = w + 1
		}
	}
	return i
}

// record makes the fields of the record just split from text: one string,
// sliced.
func (s *splitter) record(text []byte) []string {
	str := string(text)
	s.fields = s.fields[:0]
	for _, sp := range s.spans {
		f := str[sp.start:sp.end]
		if sp.escaped {
			f = strings.ReplaceAll(f, `""`, `"`)
		}
		s.fields = append(s.fields, f)
	}
	return s.fields
}

// count is the number of line breaks in a record: one, unless a quoted
// field spans lines.
func (s *splitter) count(rec []byte, multiline bool) int {
	if multiline {
		return bytes.Count(rec, []byte{'\n'})
	}
	if len(rec) > 0 && rec[len(rec)-1] == '\n' {
		return 1
	}
	return 0
}

// lineEnd is the index of the first \n of data from i, or len(data).
func lineEnd(data []byte, i int) int {
	if nl := bytes.IndexByte(data[i:], '\n'); nl >= 0 {
		return i + nl
	}
	return len(data)
}

// quoteIn is the index of the first quote of data[i:end], or -1.
func quoteIn(data []byte, i, end int) int {
	if q := bytes.IndexByte(data[i:end], '"'); q >= 0 {
		return i + q
	}
	return -1
}

// trimRecord removes the blank lines encoding/csv skipped before a record and
// the line break after it.
func trimRecord(raw []byte) []byte {
	for len(raw) > 0 && (raw[0] == '\n' || (raw[0] == '\r' && len(raw) > 1 && raw[1] == '\n')) {
		if raw[0] == '\r' {
			raw = raw[1:]
		}
		raw = raw[1:]
	}
	raw = bytes.TrimSuffix(raw, []byte{'\n'})
	return bytes.TrimSuffix(raw, []byte{'\r'})
}

// splitRecord re-splits a well-formed record that holds a CR LF inside a
// quoted field. encoding/csv turns such a CR LF into LF; RFC 4180 says the
// field's text is kept as is, and a till note or an address typed on Windows
// should arrive as it was typed, so these rare records are split again here.
func splitRecord(raw []byte, comma byte) []string {
	var fields []string
	var f strings.Builder
	inQuotes := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inQuotes && c == '"' && i+1 < len(raw) && raw[i+1] == '"':
			f.WriteByte('"')
			i++
		case c == '"' && (inQuotes || f.Len() == 0):
			inQuotes = !inQuotes
		case c == comma && !inQuotes:
			fields = append(fields, f.String())
			f.Reset()
		default:
			f.WriteByte(c)
		}
	}
	return append(fields, f.String())
}

// bareQuotes re-reads a record that encoding/csv refused for a quote inside
// an unquoted field (12" pizza, 37°36'37.8"N). Like Excel, Python's csv and
// most exports' readers, csv2activity takes such a quote for a literal
// character; quoted fields keep RFC 4180's strict rules, so a quoted field
// that is not closed properly is still an error.
func bareQuotes(raw []byte, comma rune) ([]string, error) {
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	fields, err := cr.Read()
	if err != nil {
		return nil, err
	}
	if _, err := cr.Read(); err != io.EOF {
		return nil, &csv.ParseError{StartLine: 1, Line: 1, Err: csv.ErrBareQuote}
	}
	return fields, nil
}

// Reason words a malformed record's Err for the rejects file ("" when the
// record is well-formed).
func (r *Record) Reason() string {
	if r.Err == nil {
		return ""
	}
	return csvReason(r.Err)
}

// csvReason words a parse error for the rejects file.
func csvReason(err error) string {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return "malformed CSV: " + err.Error()
	}
	what := pe.Err.Error()
	if errors.Is(pe.Err, csv.ErrQuote) {
		what = `a quoted field is not closed properly (a " inside it must be written "")`
	} else if errors.Is(pe.Err, csv.ErrBareQuote) {
		what = `a " appears inside an unquoted field (quote the field and write the " as "")`
	}
	return fmt.Sprintf("malformed CSV: %s", what)
}
