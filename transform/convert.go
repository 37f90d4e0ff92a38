package transform

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Options is a whole conversion from files: Config plus where to read and
// write.
type Options struct {
	Config
	Inputs []string // paths; "-" is standard input
	// Output is the ndjson path; "" or "-" writes to Stdout.
	Output string
	// Rejects is the rejects path; "" means OUT.rejects.ndjson beside Output,
	// or Stderr when the output is standard output.
	Rejects string
	Stdout  io.Writer // nil: os.Stdout
	Stderr  io.Writer // nil: os.Stderr
	// SplitSize, with an Output file, writes the activities as numbered
	// parts of at most that many bytes, cut between lines (PartName).
	SplitSize int64
}

// Convert runs a conversion from files. The output and the rejects file are
// written under temporary names and renamed when the run completes; on error
// (or cancellation) neither is left at its path. An empty default rejects file
// is not kept.
func Convert(ctx context.Context, o Options) (Summary, error) {
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	out, outFile, err := openActivities(o)
	if err != nil {
		return Summary{}, err
	}
	rejPath := rejectsPath(o)
	rej, rejFile, err := openOutput(rejPath, o.Stderr)
	if err != nil {
		outFile.abort()
		return Summary{}, err
	}
	sum, err := Run(ctx, o.Config, o.Inputs, out, rej)
	if ferr := flush(out); err == nil {
		err = ferr
	}
	if ferr := flush(rej); err == nil {
		err = ferr
	}
	if err != nil {
		outFile.abort()
		// An interrupted run leaves nothing behind; a failed one keeps the
		// rejects that explain it.
		interrupted := errors.Is(err, context.Canceled)
		keep := sum.Rejected > 0 && !interrupted
		if rejFile.finish(rejPath, keep, false) == nil && keep && rejFile != nil {
			sum.RejectsFile = rejPath
		}
		_, toStdout := outFile.(stdoutFile)
		sum.Discarded = !toStdout
		if interrupted {
			err = fmt.Errorf("interrupted after %d rows: nothing written: %w", sum.Read, err)
		}
		return sum, err
	}
	if err := outFile.commit(); err != nil {
		rejFile.abortIfFile()
		return sum, err
	}
	if sf, ok := outFile.(*splitFile); ok {
		sum.Parts = len(sf.parts)
	}
	keep := sum.Rejected > 0 || o.Rejects != ""
	err = rejFile.finish(rejPath, keep, true)
	if err == nil && keep && rejFile != nil {
		sum.RejectsFile = rejPath
	}
	return sum, err
}

// outputFile is where activities go when they go to files: one file, or
// numbered parts with SplitSize.
type outputFile interface {
	commit() error
	abort()
}

// stdoutFile is the outputFile of standard output: nothing to commit.
type stdoutFile struct{}

func (stdoutFile) commit() error { return nil }
func (stdoutFile) abort()        {}

// openActivities opens the activities' output: standard output, a file, or
// parts of at most SplitSize.
func openActivities(o Options) (io.Writer, outputFile, error) {
	if o.SplitSize > 0 && o.Output != "" && o.Output != "-" {
		s, err := newSplitFile(o.Output, o.SplitSize)
		if err != nil {
			return nil, nil, err
		}
		return s, s, nil
	}
	w, f, err := openOutput(o.Output, o.Stdout)
	if err != nil || f == nil {
		return w, stdoutFile{}, err
	}
	return w, f, nil
}

func rejectsPath(o Options) string {
	switch {
	case o.Rejects != "":
		return o.Rejects
	case o.Output == "" || o.Output == "-":
		return "-"
	}
	return strings.TrimSuffix(o.Output, ".ndjson") + ".rejects.ndjson"
}

// openOutput opens path atomically, or w (buffered) for "-".
func openOutput(path string, w io.Writer) (io.Writer, *atomicFile, error) {
	if path == "" || path == "-" {
		return bufio.NewWriterSize(w, 256<<10), nil, nil
	}
	f, err := createAtomic(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f, nil
}

func flush(w io.Writer) error {
	if bw, ok := w.(*bufio.Writer); ok {
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	return nil
}

func (a *atomicFile) abortIfFile() {
	if a != nil {
		a.abort()
	}
}

// finish keeps the rejects file when it holds something (or was asked for),
// and otherwise removes it and any stale one a previous run left at path.
func (a *atomicFile) finish(path string, keep, complete bool) error {
	if a == nil {
		return nil
	}
	if keep {
		return a.commit()
	}
	a.abort()
	if complete {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove stale rejects file: %w", err)
		}
	}
	return nil
}

// String is the human summary printed on standard error at the end of a run.
// Its counts add up whether the run completed or stopped: rows read = in
// activities + filtered + rejected (+ not converted, when it stopped).
func (s Summary) String() string {
	rate := 0.0
	if secs := s.Elapsed.Seconds(); secs > 0 {
		rate = float64(s.Read) / secs
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows read: %d in %d activities", s.Read, s.InActivities, s.Activities)
	switch {
	case s.Discarded:
		b.WriteString(" (not kept: the output was removed)")
	case s.Parts > 0:
		fmt.Fprintf(&b, " written in %d parts", s.Parts)
	default:
		b.WriteString(" written")
	}
	fmt.Fprintf(&b, ", %d filtered by where, %d rejected", s.Filtered, s.Rejected)
	switch s.GroupsRejected {
	case 0:
	case 1:
		b.WriteString(" (1 group rejected whole)")
	default:
		fmt.Fprintf(&b, " (%d groups rejected whole)", s.GroupsRejected)
	}
	if s.Stopped {
		fmt.Fprintf(&b, ", %d not converted because the run stopped", s.Unconverted)
	}
	if s.RejectsFile != "" {
		fmt.Fprintf(&b, "; rejects in %s", s.RejectsFile)
	}
	fmt.Fprintf(&b, "; %s (%s rows/s)", s.Elapsed.Round(time.Millisecond), thousands(int64(rate)))
	return b.String()
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
