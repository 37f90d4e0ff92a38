package starter

import (
	"context"
	"sort"

	"csv2activity/input"
	"csv2activity/internal/progress"
)

// Options says how much of an input Read reads.
type Options struct {
	// Sample is how many rows are read first (0: DefaultSample).
	Sample int
	// Quick stops after the sample. Otherwise a file is read to its end, so
	// that a blank cell, a day past 12 or a decimal far down the file types
	// its column. Standard input is always sampled only.
	Quick bool
	// Progress, when set, counts the rows and the bytes of the file read as
	// the whole file is read (not the sample).
	Progress *progress.Meter
	// Sheet is the Excel workbook's sheet to read ("": its first).
	Sheet string
	// KeptMemory, when set, is told once the header is read of what the
	// profile keeps for its columns to its end (columnBytes each): a
	// caller that limits the heap raises the limit by as much, or the
	// collector would run without end over a header of thousands of
	// columns.
	KeptMemory func(n int64)
}

// columnBytes is about what a profile keeps for a column: its counts and
// the state of every time and number format it tries (4,952 bytes measured
// on a header of 20,000 columns).
const columnBytes = 5 << 10

// DefaultSample is the number of rows Read samples.
const DefaultSample = 1000

// maxMalformedLines is how many malformed rows Read names by line.
const maxMalformedLines = 5

// Read profiles the input at path ("-" for standard input) as convert reads
// it (same decoding and delimiter sniffing): a sample of rows, then, for a
// file, every row. It returns the profile and where it came from.
func Read(ctx context.Context, path string, opts Options) (*Profile, Source, error) {
	if opts.Sample <= 0 {
		opts.Sample = DefaultSample
	}
	sample, err := input.ReadSample(ctx, path, input.Options{Encoding: "auto", Header: true, Sheet: opts.Sheet}, opts.Sample)
	if err != nil {
		return nil, Source{}, err
	}
	if opts.KeptMemory != nil {
		opts.KeptMemory(int64(len(sample.Header)) * columnBytes)
	}
	src := Source{Name: path, Delimiter: sample.Delimiter, SepLine: sample.SepLine, Encoding: sample.Encoding, Sheet: sample.Sheet}
	if path == "-" || opts.Quick {
		return sampled(sample, &src, opts.Sample), src, nil
	}
	p, err := readAll(ctx, path, sample, &src, opts.Progress)
	if err != nil {
		return nil, Source{}, err
	}
	src.Complete = true
	return p, src, nil
}

// sampled profiles the sample alone, as readAll profiles the whole file. Rows
// convert would reject whatever the mapping (malformed, or with another number
// of fields than the header) are counted, not profiled; a column named like an
// earlier one reads as blank, as mapping reads it. It blanks those cells of
// sample.Rows in place.
func sampled(sample *input.Sample, src *Source, n int) *Profile {
	p := NewProfile(sample.Header)
	dup := duplicates(sample.Header)
	var bad []int
	for i, row := range sample.Rows {
		if len(row) != len(sample.Header) {
			bad = append(bad, sample.Lines[i])
			continue
		}
		for _, c := range dup {
			row[c] = ""
		}
		p.Add(row)
	}
	for _, r := range sample.Rejected {
		bad = append(bad, r.Line)
	}
	sort.Ints(bad)
	for _, l := range bad {
		src.malformed(l)
	}
	src.Complete = len(sample.Rows)+len(sample.Rejected) < n
	return p
}

func (s *Source) malformed(line int) {
	s.Malformed++
	if len(s.MalformedLines) < maxMalformedLines {
		s.MalformedLines = append(s.MalformedLines, line)
	}
}
