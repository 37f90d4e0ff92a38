package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"csv2activity/internal/plural"
	"csv2activity/mapping"
	"csv2activity/transform"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check a mapping, and dry-run it on exports",
		ArgsUsage: "[INPUT...] (- for standard input)",
		Description: "Loads and compiles the mapping (exit 2 on a mistake, with its line and a caret, as convert).\n" +
			"With inputs, converts them completely without writing anything, and prints the summary and\n" +
			"the rejected rows grouped by reason (reasons that differ only by the offending value make\n" +
			"one group), with their count and first line numbers. Exit codes as convert: 0 nothing\n" +
			"rejected, 3 some rows rejected, 1 more than --max-errors rejected or an input unreadable.\n" +
			"Without inputs, the mapping is compiled against input.names or its declared columns when\n" +
			"that is enough (exit 0); otherwise its YAML and expressions are checked, and check exits 2\n" +
			"asking for an INPUT.\n\n" +
			"   csv2activity check -m mapping.yaml orders.csv\n" +
			"   csv2activity check -m mapping.yaml",
		Flags: conversionFlags(-1),
		Action: func(c *cli.Context) error {
			opts := checkOptions{report: newReport(c)}
			if err := opts.from(c); err != nil {
				return err
			}
			if len(opts.inputs) > 0 {
				if err := opts.report.start(&opts.config, ""); err != nil {
					return err
				}
			}
			return check(c.Context, opts, c.App.Writer)
		},
	}
}

// checkOptions is a check: the mapping, and the run without output.
type checkOptions struct {
	mapping *mapping.Mapping
	config  transform.Config
	inputs  []string
	report  *runReport
}

func (o *checkOptions) from(c *cli.Context) error {
	cfg, err := conversionConfig(c)
	if err != nil {
		return err
	}
	o.mapping, o.config, o.inputs = cfg.Mapping, cfg, c.Args().Slice()
	return nil
}

// check reports on the mapping alone, or dry-runs it on the inputs and
// reports the summary and the rejected rows by reason.
func check(ctx context.Context, opts checkOptions, stdout io.Writer) error {
	if len(opts.inputs) == 0 {
		return checkAlone(opts.mapping, stdout)
	}
	report := opts.report.byWhy
	sum, err := transform.Run(ctx, opts.config, opts.inputs, io.Discard, io.Discard)
	opts.report.keep(sum)
	if mapping.IsMappingError(err) {
		return err
	}
	if sum.Read > 0 || err == nil {
		fmt.Fprintln(stdout, sum)
		report.write(stdout, sum.Rejected)
	}
	var tooMany *transform.TooManyRejectsError
	switch {
	case errors.As(err, &tooMany):
		return fail(fmt.Errorf("more than %d rows rejected (--max-errors): stopped at %s line %d", tooMany.Max, tooMany.File, tooMany.Line))
	case err != nil:
		return fail(err)
	case sum.Rejected > 0:
		return errRejected
	}
	fmt.Fprintf(stdout, "no row rejected: convert would write %d %s\n", sum.Activities, sum.Lines())
	return nil
}

// checkAlone checks a mapping without an input: compiled against
// input.names, or against its declared columns when its expressions name
// no other; otherwise its YAML and expressions parse, and that is all.
func checkAlone(m *mapping.Mapping, stdout io.Writer) error {
	if !m.Input.Header {
		if _, err := m.Compile(m.Input.Names); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: the mapping compiles against the %d columns of input.names\n", m.File, len(m.Input.Names))
		return nil
	}
	var declared []string
	for _, c := range m.Columns {
		declared = append(declared, c.Name)
	}
	if _, err := m.Compile(declared); err == nil {
		fmt.Fprintf(stdout, "%s: the mapping compiles against its %d declared columns\n", m.File, len(declared))
		return nil
	}
	fmt.Fprintf(stdout, "%s: the YAML and the expressions parse; the columns they name could not be checked without an input\n", m.File)
	return usageError{fmt.Sprintf("check: give an INPUT to check the columns the mapping names: csv2activity check -m %s INPUT", m.File)}
}

// Limits of the reject report: line numbers shown per reason, reasons kept.
const (
	reportLines   = 5
	reportReasons = 1000
)

// rejectReport groups the rejected rows of a run by reason, as they come;
// memory is bounded by reportReasons and reportLines.
type rejectReport struct {
	byKey     map[transform.RejectKey]*reasonGroup
	groups    []*reasonGroup
	others    int  // rejects past reportReasons distinct reasons
	withFiles bool // several inputs: name the file of each line
}

type reasonGroup struct {
	key   transform.RejectKey
	first string // the first full reason
	count int
	lines []string
}

func newRejectReport(withFiles bool) *rejectReport {
	return &rejectReport{byKey: map[transform.RejectKey]*reasonGroup{}, withFiles: withFiles}
}

// add counts one reject under its reason's group.
func (r *rejectReport) add(rej *transform.Reject) {
	key := rej.Key()
	g := r.byKey[key]
	if g == nil {
		if len(r.groups) == reportReasons {
			r.others++
			return
		}
		g = &reasonGroup{key: key, first: rej.Reason}
		r.byKey[key] = g
		r.groups = append(r.groups, g)
	}
	g.count++
	if len(g.lines) < reportLines {
		where := fmt.Sprint(rej.Line)
		if r.withFiles {
			where = rej.File + ":" + where
		}
		g.lines = append(g.lines, where)
	}
}

// write prints the groups, largest first (ties in order of first
// appearance).
func (r *rejectReport) write(w io.Writer, total int) {
	if total == 0 {
		return
	}
	r.sort()
	fmt.Fprintf(w, "%s rejected, for %s:\n", countOf(total, "row"), countOf(len(r.groups), "reason"))
	for _, g := range r.groups {
		more := ""
		if g.count > len(g.lines) {
			more = ", …"
		}
		label := "lines "
		if g.count == 1 {
			label = "line "
		}
		fmt.Fprintf(w, "  %s: %s (%s%s%s)\n", countOf(g.count, "row"), g.first, label, strings.Join(g.lines, ", "), more)
	}
	if r.others > 0 {
		fmt.Fprintf(w, "  %s for other reasons\n", countOf(r.others, "row"))
	}
}

// sort puts the groups largest first (ties in order of first appearance).
func (r *rejectReport) sort() {
	sort.SliceStable(r.groups, func(i, j int) bool { return r.groups[i].count > r.groups[j].count })
}

// countOf writes n and the noun, in the plural unless n is 1 ("3 rows",
// "2 activities").
func countOf(n int, noun string) string { return plural.Count(n, noun) }
