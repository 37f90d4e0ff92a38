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
	out, outFile, err := openOutput(o.Output, o.Stdout)
	if err != nil {
		return Summary{}, err
	}
	rejPath := rejectsPath(o)
	rej, rejFile, err := openOutput(rejPath, o.Stderr)
	if err != nil {
		outFile.abortIfFile()
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
		outFile.abortIfFile()
		// An interrupted run leaves nothing behind; a failed one keeps the
		// rejects that explain it.
		interrupted := errors.Is(err, context.Canceled)
		rejFile.finish(rejPath, sum.Rejected > 0 && !interrupted, false)
		if interrupted {
			err = fmt.Errorf("interrupted after %d rows: nothing written: %w", sum.Read, err)
		}
		return sum, err
	}
	if err := outFile.commitIfFile(); err != nil {
		rejFile.abortIfFile()
		return sum, err
	}
	return sum, rejFile.finish(rejPath, sum.Rejected > 0 || o.Rejects != "", true)
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

func (a *atomicFile) commitIfFile() error {
	if a == nil {
		return nil
	}
	return a.commit()
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
func (s Summary) String() string {
	rate := 0.0
	if secs := s.Elapsed.Seconds(); secs > 0 {
		rate = float64(s.Read) / secs
	}
	return fmt.Sprintf("%d rows read: %d in %d activities written, %d filtered by where, %d rejected; %s (%s rows/s)",
		s.Read, s.InActivities, s.Activities, s.Filtered, s.Rejected, s.Elapsed.Round(time.Millisecond), thousands(int64(rate)))
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
