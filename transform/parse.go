package transform

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// record is one CSV record of a batch.
type record struct {
	line   int      // where it starts in its file
	raw    []byte   // its text, without the line break (points into the batch)
	fields []string // nil when err is set
	err    error    // a *csv.ParseError
}

// parseBatch parses the records of a batch with encoding/csv and calls fn for
// each, in order. Blank lines are skipped, as encoding/csv does.
func parseBatch(b *batch, comma rune, fn func(*record)) {
	cr := csv.NewReader(bytes.NewReader(b.data))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var rec record
	prev := int64(0)
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			return
		}
		off := cr.InputOffset()
		rec = record{raw: trimRecord(b.data[prev:off]), fields: fields, err: err}
		prev = off
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rec.line = b.line + pe.StartLine - 1
			rec.fields = nil
			if errors.Is(err, csv.ErrBareQuote) {
				if fields, lerr := bareQuotes(rec.raw, comma); lerr == nil {
					rec.fields, rec.err = fields, nil
				}
			}
		} else {
			line, _ := cr.FieldPos(0)
			rec.line = b.line + line - 1
			if bytes.Contains(rec.raw, []byte("\r\n")) {
				rec.fields = splitRecord(rec.raw, byte(comma))
			}
		}
		fn(&rec)
	}
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
