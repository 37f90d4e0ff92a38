package input

import (
	"context"
	"fmt"
)

// Sample is the beginning of an input as convert reads it, for inferring a
// starter mapping.
type Sample struct {
	Header    []string    // the column names, exactly as written
	Rows      [][]string  // up to the number of rows asked for
	Lines     []int       // where each row starts
	Delimiter rune        // as sniffed, or named by a sep= line
	SepLine   bool        // the input started with Excel's "sep=;" line (Reader.SepLine)
	Encoding  string      // as detected: utf-8, windows-1252, utf-16…
	Sheet     string      // an Excel workbook's sheet read ("" for other inputs)
	Rejected  []Malformed // malformed records met on the way
}

// ReadSample reads the header and up to n records of path ("-" for
// standard input) as Open and Next read them; it stops with ctx's error once
// ctx is done.
func ReadSample(ctx context.Context, path string, opts Options, n int) (*Sample, error) {
	rd, err := Open(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	s := &Sample{Header: rd.header, Delimiter: rd.comma, SepLine: rd.sep, Sheet: rd.sheet}
	for len(s.Rows) < n {
		b, err := rd.Next(batchTarget)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if b == nil {
			break
		}
		if b.Malformed != nil {
			s.Rejected = append(s.Rejected, *b.Malformed)
			continue
		}
		Parse(b.Data, b.Line, rd.comma, func(rec *Record) {
			if len(s.Rows) >= n {
				return
			}
			if rec.Err != nil {
				s.Rejected = append(s.Rejected, Malformed{Line: rec.Line, Reason: rec.Reason(), Raw: string(rec.Raw)})
				return
			}
			s.Rows = append(s.Rows, append([]string(nil), rec.Fields...))
			s.Lines = append(s.Lines, rec.Line)
		})
	}
	s.Encoding = rd.Encoding()
	return s, nil
}

// batchTarget is how many bytes of records ReadSample asks Next for.
const batchTarget = 128 << 10
