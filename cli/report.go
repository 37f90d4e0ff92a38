package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"csv2activity/internal/progress"
	"csv2activity/output"
	"csv2activity/transform"
	"csv2activity/upload"
)

// What a converting command (convert, check, import) tells about its run
// beside its output: a progress display on a terminal, the human summary on
// standard error (both left out with --quiet), and with --summary-json one
// JSON object that scripts can read, written once the exit code is known.

// reportFlags are the flags of every command that converts.
func reportFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "summary-json", Usage: "write the run's summary to `FILE` as one JSON object (counts, rejects by reason, output and rejects paths, parts, elapsed, exit code); - for standard error"},
		quietFlag(),
	}
}

func quietFlag() cli.Flag {
	return &cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "show no progress on a terminal, and no summary on standard error (errors still are)"}
}

// runReport follows one run of a converting command.
type runReport struct {
	command string
	quiet   bool
	stderr  io.Writer
	json    string        // --summary-json, "" for none
	byWhy   *rejectReport // the rejects by reason, for the JSON summary
	meter   *progress.Meter
	display *progress.Display // nil when none shows
	sum     transform.Summary
	inputs  []string
	output  string
	started time.Time
}

// reportKey is where Run finds the run's report in the app's Metadata.
const reportKey = "report"

// newReport registers the report of c's run, over its arguments, for Run to
// finish: from then on, --summary-json is written whatever happens, a usage
// or mapping error included.
func newReport(c *cli.Context) *runReport {
	r := &runReport{command: c.Command.Name, quiet: c.Bool("quiet"), stderr: c.App.ErrWriter, json: c.String("summary-json"),
		inputs: c.Args().Slice(), started: time.Now(), byWhy: newRejectReport(c.NArg() > 1)}
	if r.stderr == nil {
		r.stderr = os.Stderr
	}
	c.App.Metadata[reportKey] = r
	return r
}

// runFile is a file a run writes, named by its flag; parts says it is
// written as numbered parts (--split-size).
type runFile struct {
	flag, path string
	parts      bool
}

// convertWrites are the files convert writes: -o (or its parts) and the
// rejects file.
func convertWrites(o transform.Options) []runFile {
	return []runFile{{flag: "-o", path: o.Output, parts: o.SplitSize > 0}, {flag: "--rejects", path: o.RejectsPath()}}
}

// importWrites are the files import writes: the rejects file, the state
// and the journal.
func importWrites(c *cli.Context, cfg transform.Config, o upload.Options) []runFile {
	return []runFile{{flag: "--rejects", path: c.String("rejects")}, {flag: "--state", path: stateOf(o)},
		{flag: "--journal", path: journalPath(c, filepath.Dir(cfg.Mapping.File))}}
}

// start begins following the conversion cfg sets up, writing to out ("" when
// it writes nothing, "-" for standard output): it hooks the progress display
// and the count of rejects by reason into cfg. No progress is drawn over
// activities written to the same terminal. Before anything is read, it
// refuses (an *output.OutputError) a --summary-json that is an input, the
// mapping, or one of the files the run writes.
func (r *runReport) start(cfg *transform.Config, out string, writes ...runFile) error {
	if err := r.guard(cfg.Mapping.File, writes); err != nil {
		r.json = "" // refused: never written
		return err
	}
	if out != "-" {
		r.output = out
	}
	if !r.quiet && (out != "-" || !progress.Terminal(os.Stdout)) {
		r.meter = new(progress.Meter)
		cfg.Progress = r.meter
		r.display = progress.Show(r.stderr, r.command, progress.Size(r.inputs), r.meter)
	}
	if prev := cfg.Rejected; prev != nil {
		cfg.Rejected = func(rej *transform.Reject) { prev(rej); r.byWhy.add(rej) }
	} else {
		cfg.Rejected = r.byWhy.add
	}
	return nil
}

// guard puts the --summary-json path through the output.Guard of what the
// run reads and writes. The run's own files are only recorded here: the
// command refuses those itself, with its own guard.
func (r *runReport) guard(mappingFile string, writes []runFile) error {
	if r.json == "" || r.json == "-" {
		return nil
	}
	var g output.Guard
	g.Reads("input", r.inputs...)
	g.Reads("mapping", mappingFile)
	for _, w := range writes {
		switch {
		case w.path == "" || w.path == "-":
		case w.parts:
			if n, ok := output.PartNumber(w.path, r.json); ok {
				return &output.OutputError{Flag: "--summary-json", Path: r.json, Other: fmt.Sprintf("part %d of %s %s", n, w.flag, w.path), Err: output.ErrSameFile}
			}
		default:
			g.Writes(w.flag, w.path, true) // its refusal is the command's to say
		}
	}
	return g.Writes("--summary-json", r.json, true)
}

// done ends the progress display and keeps the run's summary; it prints
// the summary on standard error unless quiet or the run read nothing and
// failed.
func (r *runReport) done(sum transform.Summary, ok bool) {
	r.keep(sum)
	if !r.quiet && (sum.Read > 0 || ok) {
		fmt.Fprintln(r.stderr, sum)
	}
}

// keep ends the progress display and keeps the run's summary.
func (r *runReport) keep(sum transform.Summary) {
	r.display.Stop()
	r.sum = sum
}

// jsonSummary is the object --summary-json writes.
type jsonSummary struct {
	Command        string       `json:"command"`
	Inputs         []string     `json:"inputs"`
	Read           int          `json:"rows_read"`
	Activities     int          `json:"activities"`
	InActivities   int          `json:"rows_in_activities"`
	Filtered       int          `json:"rows_filtered"`
	Rejected       int          `json:"rows_rejected"`
	GroupsRejected int          `json:"groups_rejected"`
	Unconverted    int          `json:"rows_unconverted"`
	Stopped        bool         `json:"stopped"`
	Rejects        []jsonReason `json:"rejects_by_reason"`
	OtherRejects   int          `json:"rejects_other_reasons,omitempty"`
	Output         string       `json:"output,omitempty"`
	Discarded      bool         `json:"output_discarded,omitempty"`
	Parts          []string     `json:"parts,omitempty"`
	RejectsFile    string       `json:"rejects_file,omitempty"`
	ElapsedSeconds float64      `json:"elapsed_seconds"`
	ExitCode       int          `json:"exit_code"`
	Error          string       `json:"error,omitempty"`
}

// jsonReason is one group of rejects: their kind, column and place, how
// many, the first one's reason and where the first ones are.
type jsonReason struct {
	Kind   transform.RejectKind `json:"kind"`
	Column string               `json:"column,omitempty"`
	Place  string               `json:"place,omitempty"`
	Group  string               `json:"group,omitempty"` // the part the row's group played
	Count  int                  `json:"count"`
	Reason string               `json:"first_reason"`
	Lines  []string             `json:"first_lines"`
}

// finishReport writes the JSON summary of the run app made, if it made one
// and was asked for it, with its exit code and error.
func finishReport(app *cli.App, code int, runErr error) error {
	r, _ := app.Metadata[reportKey].(*runReport)
	if r == nil {
		return nil
	}
	r.display.Stop() // a run that failed before done
	if r.json == "" {
		return nil
	}
	b, err := json.Marshal(r.summary(code, runErr))
	if err != nil {
		return fmt.Errorf("--summary-json: %w", err)
	}
	b = append(b, '\n')
	if r.json == "-" {
		if _, err := r.stderr.Write(b); err != nil {
			return fmt.Errorf("--summary-json: write standard error: %w", err)
		}
		return nil
	}
	f, err := output.Open(context.Background(), r.json, 0o644)
	if err == nil {
		_, err = f.Write(b)
		if cerr := f.Commit(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("--summary-json: %w", err)
	}
	return nil
}

func (r *runReport) summary(code int, runErr error) jsonSummary {
	s := r.sum
	j := jsonSummary{Command: r.command, Inputs: r.inputs, Read: s.Read, Activities: s.Activities, InActivities: s.InActivities,
		Filtered: s.Filtered, Rejected: s.Rejected, GroupsRejected: s.GroupsRejected, Unconverted: s.Unconverted, Stopped: s.Stopped,
		Rejects: []jsonReason{}, Output: r.output, Discarded: s.Discarded, RejectsFile: s.RejectsFile,
		ElapsedSeconds: time.Since(r.started).Seconds(), ExitCode: code}
	if runErr != nil && code != exitRejected {
		j.Error = runErr.Error()
	}
	for i := 1; i <= s.Parts; i++ {
		j.Parts = append(j.Parts, output.PartName(r.output, i))
	}
	r.byWhy.sort()
	for _, g := range r.byWhy.groups {
		j.Rejects = append(j.Rejects, jsonReason{Kind: g.key.Kind, Column: g.key.Column, Place: g.key.Place, Group: g.key.Group.String(),
			Count: g.count, Reason: g.first, Lines: g.lines})
	}
	j.OtherRejects = r.byWhy.others
	return j
}
