package starter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"csv2activity/input"
	"csv2activity/internal/progress"
	"csv2activity/mapping"
	"csv2activity/transform"
)

// Options says how much of an input Read reads.
type Options struct {
	// Sample is how many rows are read first (0: DefaultSample).
	Sample int
	// Quick stops after the sample. Otherwise a file is read to its end, so
	// that a blank cell, a day past 12 or a decimal far down the file types
	// its column. Standard input is always sampled only.
	Quick bool
	// Progress, when set, counts the rows and bytes read past the sample.
	Progress *progress.Meter
	// Sheet is the Excel workbook's sheet to read ("": its first).
	Sheet string
}

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
	src := Source{Name: path, Delimiter: sample.Delimiter, Encoding: sample.Encoding, Sheet: sample.Sheet}
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

// sampled profiles the sample alone. Rows convert would reject whatever the
// mapping (malformed, or with another number of fields than the header) are
// counted, not profiled.
func sampled(sample *input.Sample, src *Source, n int) *Profile {
	p := NewProfile(sample.Header)
	var bad []int
	for i, row := range sample.Rows {
		if len(row) != len(sample.Header) {
			bad = append(bad, sample.Lines[i])
			continue
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

// readAll profiles every row of a file. It runs the file through convert's
// own pipeline with a probe mapping that writes each row's cells as a JSON
// list, so that the rows are decoded and split exactly as convert will, with
// memory bounded whatever the file's size; the probe's rejects are the rows
// that no mapping can read.
func readAll(ctx context.Context, path string, sample *input.Sample, src *Source, meter *progress.Meter) (*Profile, error) {
	probe, err := mapping.Parse("probe mapping", probeMapping(sample))
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	p := NewProfile(sample.Header)
	rows := &lineWriter{line: func(l []byte) error {
		var a struct{ C []string }
		if err := json.Unmarshal(l, &a); err != nil {
			return fmt.Errorf("profile %s: %w", path, err)
		}
		p.Add(a.C)
		return nil
	}}
	rejects := &lineWriter{line: func(l []byte) error {
		var r struct{ Line int }
		if err := json.Unmarshal(l, &r); err != nil {
			return fmt.Errorf("profile %s: %w", path, err)
		}
		src.malformed(r.Line)
		return nil
	}}
	cfg := transform.Config{Mapping: probe, MaxErrors: -1, Progress: meter}
	if _, err := transform.Run(ctx, cfg, []string{path}, rows, rejects); err != nil {
		return nil, err
	}
	return p, nil
}

// probeMapping writes a mapping whose activities carry every cell of their
// row, in header order, as the list "c" (a column named like an earlier one
// reads as blank: Draft leaves it alone).
func probeMapping(s *input.Sample) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "version: 1\ninput:\n  delimiter: %s\n  encoding: auto\n", quoted(string(s.Delimiter)))
	if s.Sheet != "" {
		fmt.Fprintf(&b, "  sheet: %s\n", quoted(s.Sheet))
	}
	names := mapping.DistinctNames(s.Header) // two columns alike, or one without a name
	if names != nil {
		fmt.Fprintf(&b, "  names: %s\n", flowList(names))
	}
	b.WriteString("activity:\n  $type: TOUCH\n  $ts: 1000000000000\n  $user_agent_id: probe\n  c:\n")
	if len(s.Header) == 0 {
		b.WriteString("    - none\n")
	}
	seen := map[string]bool{}
	for i, h := range s.Header {
		name := h
		if names != nil {
			name = names[i]
		}
		cell := expr("row[" + quoted(name) + "]")
		if seen[h] {
			cell = `""` // row[name] reads the first column of that name
		}
		seen[h] = true
		fmt.Fprintf(&b, "    - %s\n", cell)
	}
	return b.Bytes()
}

// lineWriter calls line for each complete line written to it; a last line
// without its line break is not seen.
type lineWriter struct {
	buf  []byte
	line func([]byte) error
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	rest := w.buf
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		if l := bytes.TrimSpace(rest[:i]); len(l) > 0 {
			if err := w.line(l); err != nil {
				return 0, err
			}
		}
		rest = rest[i+1:]
	}
	w.buf = append(w.buf[:0], rest...)
	return len(p), nil
}
