package cli

import (
	"context"
	"os"

	"github.com/urfave/cli/v2"

	"csv2activity/internal/bytesize"
	"csv2activity/mapping"
	"csv2activity/transform"
)

func convertCommand() *cli.Command {
	return &cli.Command{
		Name:      "convert",
		Usage:     "convert CSV exports to activity ndjson",
		ArgsUsage: "INPUT... (- for standard input)",
		Description: "Reads every INPUT one after another as one stream (same header required), builds one\n" +
			"activity per row (or per group with group_by), checks it against the activity rules and\n" +
			"writes it as one ndjson line, in input order. Rejected rows go to the rejects file with\n" +
			"their line and the reason; a summary goes to standard error.\n\n" +
			"   csv2activity convert -m mappings.example.yaml -o orders.ndjson orders.csv\n" +
			"   zcat orders.csv.gz | csv2activity convert -m mapping.yaml - > orders.ndjson",
		Flags: append(conversionFlags(1000),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write activities to `FILE` (written to a temporary name, renamed when complete; a device or FIFO is written directly; never an input or the mapping)", Value: "-", DefaultText: "standard output"},
			&cli.StringFlag{Name: "rejects", Usage: "write rejected rows to `FILE` as ndjson (line, file, reason, raw)", DefaultText: "OUT.rejects.ndjson beside -o, standard error without -o or when -o is a device or FIFO"},
			&cli.StringFlag{Name: "split-size", Usage: "with -o OUT, write OUT-0001.ndjson, OUT-0002.ndjson… of at most `SIZE` each, cut between lines (100MB: one bulk import execution each)"},
		),
		Action: func(c *cli.Context) error {
			rep := newReport(c)
			opts, err := convertOptions(c)
			if err != nil {
				return err
			}
			if err := rep.start(&opts.Config, opts.Output, convertWrites(opts)...); err != nil {
				return err
			}
			opts.Stderr = rep.display.Lines(os.Stderr) // rejects, when they go there
			return convert(c.Context, opts, rep)
		},
	}
}

// convertOptions copies the command line into transform.Options.
func convertOptions(c *cli.Context) (transform.Options, error) {
	if c.NArg() == 0 {
		return transform.Options{}, usageError{"convert: no INPUT given (use - for standard input)"}
	}
	var split int64
	var err error
	if c.IsSet("split-size") {
		if split, err = bytesize.Parse(c.String("split-size")); err != nil || split < 1024 {
			return transform.Options{}, usageError{"--split-size: give a size of at least 1KB, like 100MB"}
		}
		if out := c.String("output"); out == "" || out == "-" {
			return transform.Options{}, usageError{"--split-size needs -o OUT: the parts are named after it"}
		}
	}
	cfg, err := conversionConfig(c)
	if err != nil {
		return transform.Options{}, err
	}
	return transform.Options{
		Config:    cfg,
		Inputs:    c.Args().Slice(),
		Output:    c.String("output"),
		Rejects:   c.String("rejects"),
		SplitSize: split,
	}, nil
}

// convert runs a conversion and reports it; a cancelled ctx (SIGINT,
// SIGTERM) stops it cleanly, temporary files removed.
func convert(ctx context.Context, opts transform.Options, rep *runReport) error {
	sum, err := transform.Convert(ctx, opts)
	rep.done(sum, err == nil)
	if err != nil {
		if mapping.IsMappingError(err) {
			return err
		}
		return fail(err)
	}
	if sum.Rejected > 0 {
		return errRejected
	}
	return nil
}
