package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"csv2activity/mapping"
	"csv2activity/output"
	"csv2activity/transform"
	"csv2activity/upload"
)

func importCommand() *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "convert CSV exports and upload the activities in one run (convert + upload)",
		ArgsUsage: "INPUT... (- for standard input, with --state)",
		Description: "Converts every INPUT like convert does and streams the activities to the bulk import\n" +
			"API: each chunk of --chunk-size is sent as an execution as soon as it is full, so nothing\n" +
			"is written to disk but the state file and the rejects. The conversion is deterministic,\n" +
			"so running the same command again after a failure, Ctrl-C or kill -9 converts again,\n" +
			"skips the chunks the state file records as sent (matched by checksum), looks up the\n" +
			"one that was in flight, and sends the rest. Rejected rows go to --rejects, as with convert.\n\n" +
			"   export MICS_API_TOKEN=…\n" +
			"   csv2activity import -m mappings.example.yaml --datamart 1162 --wait samples/us-orders.csv\n" +
			"   csv2activity import -m mapping.yaml --datamart 1162 --dry-run orders.csv   # plan only\n" +
			"   zcat orders.csv.gz | csv2activity import -m mapping.yaml --datamart 1162 --state orders.state.json -\n\n" +
			"Exit codes: 0 converted and sent; 1 the run failed (rerun to resume); 2 usage or mapping\n" +
			"error, before any row was read; 3 sent, but some rows were rejected (by the mapping or,\n" +
			"with --wait, by the platform: each refused line is traced to the rows of the INPUT it\n" +
			"came from, kept in FILE.origins beside the state file).",
		Flags: append(append(conversionFlags(1000),
			&cli.StringFlag{Name: "rejects", Usage: "write rejected rows to `FILE` as ndjson (line, file, reason, raw)", DefaultText: "standard error"},
		), append(uploadFlags(), nightlyFlags("the mapping")...)...),
		Action: func(c *cli.Context) error {
			rep := newReport(c)
			if c.NArg() == 0 {
				return usageError{"import: no INPUT given (use - for standard input)"}
			}
			cfg, err := conversionConfig(c)
			if err != nil {
				return err
			}
			opts, err := uploadOptions(c, c.Args().Slice())
			if err != nil {
				return err
			}
			opts.Rules = &cfg.Mapping.Rules // the keys its allow_keys lets through
			opts.DocumentType = cfg.Mapping.DocumentType
			if err := rep.start(&cfg, "", importWrites(c, cfg, opts)...); err != nil {
				return err
			}
			opts.Stderr = rep.display.Lines(opts.Stderr) // the upload's lines, between the conversion's progress draws
			return importRun(c, cfg, opts, rep)
		},
	}
}

// importRun converts and uploads in one stream, with its journal
// (openNightly), then prints both summaries; a cancelled context (SIGINT,
// SIGTERM) stops it with its state saved.
func importRun(c *cli.Context, cfg transform.Config, opts upload.Options, rep *runReport) error {
	ctx, rejectsPath, stderr := c.Context, c.String("rejects"), rep.display.Lines(c.App.ErrWriter)
	if err := checkImportPaths(cfg, opts, rejectsPath, stderr); err != nil {
		return err
	}
	rej, err := openRejects(ctx, rejectsPath)
	if err != nil {
		return err
	}
	var rejects io.Writer = stderr // as the rows come, between the upload's lines
	if rej != nil {
		rejects = rej
	}
	if opts.ChunkSize > 0 {
		cfg.MaxLineSize = opts.ChunkSize // a longer activity could not be sent
	}
	n, err := openNightly(c, &cfg, &opts, rejects)
	if err != nil {
		closeRejects(rej, false)
		return err
	}
	var conv transform.Summary
	var convErr error
	usum, err := upload.Stream(ctx, opts, func(w io.Writer) error {
		origins, err := traceOrigins(&cfg, opts)
		if err != nil {
			convErr = err
			return err
		}
		w = n.filter(&cfg, w)
		conv, convErr = transform.Run(ctx, cfg, opts.Inputs, w, rejects)
		if convErr == nil && n != nil {
			convErr = fail(n.flush())
		}
		if err := origins.close(convErr == nil); convErr == nil {
			convErr = err
		}
		return convErr
	})
	// A failed conversion keeps the rejects that explain it; an
	// interrupted one leaves nothing behind.
	keep := convErr == nil || (conv.Rejected > 0 && !errors.Is(convErr, context.Canceled))
	if rerr := closeRejects(rej, keep); err == nil {
		err = rerr
	}
	if keep && rej != nil {
		conv.RejectsFile = rejectsPath
	}
	rep.done(conv, convErr == nil)
	if nerr := n.finish(err, opts, stderr); err == nil {
		err = fail(nerr)
	}
	if mapping.IsMappingError(err) {
		return err
	}
	if err = uploadOutcome(usum, err, opts, stderr); err == nil && (conv.Rejected > 0 || n.refused()) {
		return errRejected
	}
	return err
}

// checkImportPaths refuses, before anything is read, a --state or --rejects
// that is the same file as an input, the mapping or the other one, and a
// --state that is not a regular file (output.Guard).
func checkImportPaths(cfg transform.Config, opts upload.Options, rejectsPath string, stderr io.Writer) error {
	var g output.Guard
	g.Reads("mapping", cfg.Mapping.File)
	if err := checkUploadPaths(&g, opts); err != nil {
		return err
	}
	if rejectsPath == "" || rejectsPath == "-" {
		return g.WritesTo("standard error", stderr)
	}
	return g.Writes("--rejects", rejectsPath, true)
}

// originsFile records which rows each activity came from, beside the
// state file (upload.OriginsPath), for tracing the lines the platform
// refuses back to the export; nil with --dry-run.
type originsFile struct {
	w    *upload.OriginsWriter
	rows [][2]int
}

// traceOrigins opens the origins file and makes cfg report to it.
func traceOrigins(cfg *transform.Config, opts upload.Options) (*originsFile, error) {
	if opts.DryRun {
		return nil, nil
	}
	w, err := upload.CreateOrigins(stateOf(opts))
	if err != nil {
		return nil, fail(err)
	}
	o := &originsFile{w: w}
	cfg.Origins = func(rows []transform.RowRef) error {
		o.rows = o.rows[:0]
		for _, r := range rows {
			o.rows = append(o.rows, [2]int{r.Input, r.Line})
		}
		return o.w.Add(o.rows)
	}
	return o, nil
}

// close puts the file in place when the conversion completed, and removes
// it otherwise (an earlier complete one stays: the conversion is the same).
func (o *originsFile) close(complete bool) error {
	if o == nil {
		return nil
	}
	if !complete {
		o.w.Abort()
		return nil
	}
	return fail(o.w.Commit())
}

// openRejects opens the rejects file, written under a temporary name and
// renamed when the conversion ends (a device or a FIFO is written directly);
// nil for standard error ("" or "-").
func openRejects(ctx context.Context, path string) (*output.File, error) {
	if path == "" || path == "-" {
		return nil, nil
	}
	f, err := output.Open(ctx, path, 0o644)
	if err != nil {
		return nil, fail(fmt.Errorf("create rejects file: %w", err))
	}
	return f, nil
}

// closeRejects renames the rejects file into place when it is to be kept, and
// removes it otherwise.
func closeRejects(f *output.File, keep bool) error {
	switch {
	case f == nil:
		return nil
	case !keep:
		f.Abort()
		return nil
	}
	if err := f.Commit(); err != nil {
		return fail(fmt.Errorf("write rejects file: %w", err))
	}
	return nil
}
