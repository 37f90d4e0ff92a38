package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"csv2activity/journal"
)

func historyCommand() *cli.Command {
	return &cli.Command{
		Name:      "history",
		Usage:     "list the runs of import and upload the journal recorded, or when an order was sent",
		ArgsUsage: " ",
		Description: "Reads the import journal (" + JournalName + " in the current folder, or --journal FILE)\n" +
			"that import and upload write with --only-new or --journal (or whenever it exists), and lists every run: when it started,\n" +
			"its files, the document import, the lines sent, skipped as already imported, refused as\n" +
			"sent before with other content (conflicts), refused by the platform, and its final status\n" +
			"(a run still \"running\" was cut short: run its command again to resume it). --key KEY says\n" +
			"when, and in which run and document import, the activity with that dedupe key was sent\n" +
			"(exit 1 when it never was). A table, or ndjson with --json.\n\n" +
			"   csv2activity history\n" +
			"   csv2activity history --key CA-2016-152156\n" +
			"   csv2activity history --json --journal nightly/" + JournalName,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "journal", Usage: "the import journal `FILE`", Value: JournalName, EnvVars: []string{"CSV2ACTIVITY_JOURNAL"}},
			&cli.StringFlag{Name: "key", Usage: "say when the activity with the dedupe key `KEY` was sent"},
			&cli.BoolFlag{Name: "json", Usage: "print ndjson, one run (or one sending) a line"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError{"history: takes no argument (give --key KEY to look for an order)"}
			}
			return history(c, c.String("journal"), c.String("key"), c.Bool("json"))
		},
	}
}

// history prints the journal's runs, or the sendings of key. The journal is
// never created here: a missing one is an error naming it.
func history(c *cli.Context, path, key string, jsonLines bool) error {
	j, err := journal.OpenExisting(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fail(fmt.Errorf("history: no journal %s (import or upload with --only-new or --journal FILE writes it): %w", path, err))
	}
	if err != nil {
		return fail(err)
	}
	defer j.Close()
	out := c.App.Writer
	if key != "" {
		sendings, err := j.KeyHistory(c.Context, key)
		if err != nil {
			return fail(err)
		}
		if len(sendings) == 0 {
			return fail(fmt.Errorf("history: key %s was never sent (journal %s)", key, path))
		}
		if jsonLines {
			return writeJSONLines(out, sendings)
		}
		for _, s := range sendings {
			fmt.Fprintf(out, "%s sent %s in run %d (document import %s), line sha256 %s…\n",
				key, s.When.Format(time.RFC3339), s.RunID, orNone(s.ImportID), strings.ToLower(s.Sum[:12]))
		}
		return nil
	}
	runs, err := j.Runs(c.Context)
	if err != nil {
		return fail(err)
	}
	if jsonLines {
		return writeJSONLines(out, runs)
	}
	return runsTable(out, runs)
}

func writeJSONLines[T any](w io.Writer, items []T) error {
	enc := json.NewEncoder(w)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return fail(fmt.Errorf("history: write: %w", err))
		}
	}
	return nil
}

// runsTable prints runs as an aligned table, oldest first.
func runsTable(w io.Writer, runs []journal.RunSummary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTARTED (UTC)\tCOMMAND\tFILES\tIMPORT\tSENT\tSKIPPED\tCONFLICTS\tREFUSED\tSTATUS")
	for _, r := range runs {
		files := make([]string, len(r.Files))
		for i, f := range r.Files {
			files[i] = f.Path
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", r.ID, r.Started.Format("2006-01-02 15:04:05"),
			r.Command, strings.Join(files, ","), orNone(r.ImportID), r.Sent, r.Skipped, r.Conflicts, r.Refused, r.Status)
	}
	if err := tw.Flush(); err != nil {
		return fail(fmt.Errorf("history: write: %w", err))
	}
	return nil
}
