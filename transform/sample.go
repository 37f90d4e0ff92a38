package transform

import (
	"context"
	"fmt"

	"csv2activity/mapping"
)

// Sample is the beginning of an input as convert reads it, for inferring a
// starter mapping.
type Sample struct {
	Header    []string   // the column names, exactly as written
	Rows      [][]string // up to the number of rows asked for
	Lines     []int      // where each row starts
	Delimiter rune       // as sniffed
	Encoding  string     // as detected: utf-8, windows-1252, utf-16…
	Rejected  []Reject   // malformed records met on the way
}

// ReadSample reads the header and up to n records of path ("-" for
// standard input) with the same decoding, delimiter sniffing and row size
// limit as convert; it stops with ctx's error once ctx is done.
func ReadSample(ctx context.Context, path string, in mapping.Input, n int) (*Sample, error) {
	r := &run{ctx: ctx}
	r.defaults()
	inp, err := openInput(ctx, path, r.cfg.Stdin, in, DefaultMaxRowSize)
	if err != nil {
		return nil, err
	}
	defer inp.closer.Close()
	s := &Sample{Header: inp.header, Delimiter: inp.comma}
	for len(s.Rows) < n {
		b, err := inp.src.next(batchSize)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if b == nil {
			break
		}
		if b.reject != nil {
			s.Rejected = append(s.Rejected, *b.reject)
			continue
		}
		parseBatch(b, inp.comma, func(rec *record) {
			if len(s.Rows) >= n {
				return
			}
			if rec.err != nil {
				s.Rejected = append(s.Rejected, Reject{File: path, Line: rec.line, Reason: csvReason(rec.err), Raw: string(rec.raw), Kind: RejectCSV})
				return
			}
			s.Rows = append(s.Rows, append([]string(nil), rec.fields...))
			s.Lines = append(s.Lines, rec.line)
		})
	}
	s.Encoding = inp.encoding()
	return s, nil
}
