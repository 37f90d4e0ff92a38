package transform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"csv2activity/output"
)

// Options is a whole conversion from files: Config plus where to read and
// write.
type Options struct {
	Config
	Inputs []string // paths; "-" is standard input
	// Output is the ndjson path; "" or "-" writes to Stdout.
	Output string
	// Rejects is the rejects path; "" means OUT.rejects.ndjson beside Output,
	// or Stderr when the output is standard output, a device or a FIFO.
	Rejects string
	Stdout  io.Writer // nil: os.Stdout
	Stderr  io.Writer // nil: os.Stderr
	// SplitSize, with an Output file, writes the activities as numbered
	// parts of at most that many bytes, cut between lines (PartName).
	SplitSize int64
}

// Convert runs a conversion from files. Before anything is read, it checks
// the paths (Options.Check). The output and the rejects file are written
// under temporary names and renamed when the run completes (a device or a
// FIFO is written directly); on error (or cancellation) neither is left at
// its path. An empty default rejects file is not kept.
func Convert(ctx context.Context, o Options) (Summary, error) {
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if err := o.Check(); err != nil {
		return Summary{}, err
	}
	out, err := openActivities(ctx, o)
	if err != nil {
		return Summary{}, err
	}
	rejPath := o.RejectsPath()
	rej, err := openOutput(ctx, rejPath, o.Stderr)
	if err != nil {
		out.Abort()
		return Summary{}, err
	}
	sum, err := Run(ctx, o.Config, o.Inputs, out, rej)
	if err != nil {
		out.Abort()
		// An interrupted run leaves nothing behind; a failed one keeps the
		// rejects that explain it.
		// A stop may surface as the context's error or as what it made
		// fail first (an expression stopped, a read cut short): the
		// context says which.
		interrupted := errors.Is(err, context.Canceled) || ctx.Err() != nil
		if interrupted && !errors.Is(err, context.Canceled) {
			err = ctx.Err()
		}
		keep := sum.Rejected > 0 && !interrupted
		if finishRejects(rej, keep, false) == nil && keep && rejPath != "-" {
			sum.RejectsFile = rejPath
		}
		if interrupted && rejPath != "-" {
			// The rejects file is gone with the rest: its rows are in no
			// place, so they count as not converted.
			sum.Unconverted += sum.Rejected
			sum.Rejected, sum.GroupsRejected = 0, 0
		}
		sum.Discarded = !toStdout(o)
		if interrupted {
			err = fmt.Errorf("interrupted after %d rows: nothing written: %w", sum.Read, err)
		}
		return sum, err
	}
	if err := out.Commit(); err != nil {
		rej.Abort()
		return sum, err
	}
	if parts, ok := out.(*output.Parts); ok {
		sum.Parts = parts.Count()
	}
	keep := sum.Rejected > 0 || o.Rejects != ""
	err = finishRejects(rej, keep, true)
	if err == nil && keep && rejPath != "-" {
		sum.RejectsFile = rejPath
	}
	return sum, err
}

// Check refuses, with an *output.OutputError, outputs that would destroy
// what the run reads or writes: an output, a split part or the rejects file
// that is the same file as an input, the mapping or another output (symlinks
// and hard links included), an output that is a directory, and numbered
// parts of an output that is not a regular file. Inputs "-" are skipped;
// outputs that do not exist yet are fine. It reads and creates nothing.
func (o Options) Check() error {
	var g output.Guard
	g.Reads("input", o.Inputs...)
	if o.Mapping != nil && o.Mapping.File != "" {
		g.Reads("mapping", o.Mapping.File)
	}
	if err := checkActivities(&g, o); err != nil {
		return err
	}
	rej := o.RejectsPath()
	if rej == "-" {
		return g.WritesTo("standard error", o.Stderr)
	}
	if o.split() {
		if n, ok := output.PartNumber(o.Output, rej); ok {
			return &output.OutputError{Flag: "--rejects", Path: rej, Other: fmt.Sprintf("part %d of -o %s", n, o.Output), Err: output.ErrSameFile}
		}
	}
	return g.Writes("--rejects", rej, true)
}

// checkActivities checks where the activities go: standard output, -o, or
// the numbered parts of -o, which must then be a regular file (or not exist).
func checkActivities(g *output.Guard, o Options) error {
	switch {
	case o.Output == "" || o.Output == "-":
		return g.WritesTo("standard output", o.Stdout)
	case !o.split():
		return g.Writes("-o", o.Output, true)
	}
	if err := new(output.Guard).Writes("-o (with --split-size)", o.Output, false); err != nil {
		return err
	}
	for _, part := range output.ExistingParts(o.Output) {
		if err := g.Writes("-o (with --split-size)", part, false); err != nil {
			return err
		}
	}
	return nil
}

// split says whether the activities are written as numbered parts.
func (o Options) split() bool {
	return o.SplitSize > 0 && o.Output != "" && o.Output != "-"
}

// activities is where activities go: a File (standard output or -o), or
// numbered parts with SplitSize.
type activities interface {
	io.Writer
	Commit() error
	Abort()
}

// openActivities opens the activities' output: standard output, a file, or
// parts of at most SplitSize.
func openActivities(ctx context.Context, o Options) (activities, error) {
	if o.split() {
		return output.CreateParts(o.Output, o.SplitSize)
	}
	return openOutput(ctx, o.Output, o.Stdout)
}

// toStdout says whether the activities go to standard output.
func toStdout(o Options) bool { return o.Output == "" || o.Output == "-" }

// RejectsPath is where a conversion's rejects go: Rejects when given, else
// OUT.rejects.ndjson beside Output, or "-" (Stderr) when the output is
// standard output, a device or a FIFO (-o /dev/null must not make
// /dev/null.rejects.ndjson).
func (o Options) RejectsPath() string {
	switch {
	case o.Rejects != "":
		return o.Rejects
	case toStdout(o):
		return "-"
	}
	if fi, err := os.Stat(o.Output); err == nil && output.Direct(fi.Mode()) && !o.split() {
		return "-"
	}
	return strings.TrimSuffix(o.Output, ".ndjson") + ".rejects.ndjson"
}

// openOutput opens path (output.Open), or w for "-".
func openOutput(ctx context.Context, path string, w io.Writer) (*output.File, error) {
	if path == "" || path == "-" {
		return output.Stream(w), nil
	}
	f, err := output.Open(ctx, path, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	return f, nil
}

// finishRejects keeps the rejects file when it holds something (or was asked
// for), and otherwise removes it and, when the run is complete, any stale one
// a previous run left at its path (a device or a FIFO is only closed).
func finishRejects(f *output.File, keep, complete bool) error {
	if keep {
		return f.Commit()
	}
	if !complete {
		f.Abort()
		return nil
	}
	if err := f.Discard(); err != nil {
		return fmt.Errorf("remove stale rejects file: %w", err)
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
	fmt.Fprintf(&b, "%d rows read: %d in %d %s", s.Read, s.InActivities, s.Activities, s.Lines())
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

// Lines names what a run writes: "activities", or the lines of another
// document type ("USER_PROFILE lines").
func (s Summary) Lines() string {
	if s.DocumentType != "" && s.DocumentType != "USER_ACTIVITY" {
		return s.DocumentType + " lines"
	}
	return "activities"
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
