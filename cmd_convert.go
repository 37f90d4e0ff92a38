package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

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
		Flags: []cli.Flag{
			mappingFlag(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write activities to `FILE` (written to a temporary name, renamed when complete)", Value: "-", DefaultText: "standard output"},
			&cli.StringFlag{Name: "rejects", Usage: "write rejected rows to `FILE` as ndjson (line, file, reason, raw)", DefaultText: "OUT.rejects.ndjson beside -o, standard error without -o"},
			&cli.StringFlag{Name: "split-size", Usage: "with -o OUT, write OUT-0001.ndjson, OUT-0002.ndjson… of at most `SIZE` each, cut between lines (100MB: one bulk import execution each)"},
			&cli.IntFlag{Name: "max-errors", Usage: "stop with exit 1 after more than `N` rejected rows (-1: no limit)", Value: 1000},
			&cli.IntFlag{Name: "workers", Usage: "parse and map rows on `N` goroutines", DefaultText: "one per core"},
			&cli.StringFlag{Name: "max-row-size", Usage: "reject a row longer than `SIZE` instead of buffering it", Value: "4MiB"},
			&cli.BoolFlag{Name: "sorted", Usage: "with group_by, the rows of a group stand together: write each group as soon as its key changes, in flat memory (a row of a group already written is rejected)"},
			&cli.StringFlag{Name: "max-memory", Usage: "with group_by, hold at most `SIZE` of rows in memory, spilling the rest to temporary files", Value: "256MiB"},
		},
		Action: func(c *cli.Context) error {
			opts, err := convertOptions(c)
			if err != nil {
				return err
			}
			return convert(c.Context, opts, c.App.ErrWriter)
		},
	}
}

func mappingFlag() cli.Flag {
	return &cli.StringFlag{Name: "mapping", Aliases: []string{"m"}, Usage: "the YAML mapping `FILE` (see mappings.example.yaml)", Required: true}
}

// convertOptions copies the command line into transform.Options.
func convertOptions(c *cli.Context) (transform.Options, error) {
	if c.NArg() == 0 {
		return transform.Options{}, usageError{"convert: no INPUT given (use - for standard input)"}
	}
	rowSize, err := bytesize.Parse(c.String("max-row-size"))
	if err != nil {
		return transform.Options{}, usageError{"--max-row-size: " + err.Error()}
	}
	maxMem, err := bytesize.Parse(c.String("max-memory"))
	if err != nil || maxMem < 1<<20 {
		return transform.Options{}, usageError{"--max-memory: give at least 1MiB, like 64MB or 1GiB"}
	}
	var split int64
	if c.IsSet("split-size") {
		if split, err = bytesize.Parse(c.String("split-size")); err != nil || split < 1024 {
			return transform.Options{}, usageError{"--split-size: give a size of at least 1KB, like 100MB"}
		}
		if out := c.String("output"); out == "" || out == "-" {
			return transform.Options{}, usageError{"--split-size needs -o OUT: the parts are named after it"}
		}
	}
	m, err := mapping.Load(c.String("mapping"))
	if err != nil {
		return transform.Options{}, err
	}
	return transform.Options{
		Config: transform.Config{
			Mapping:    m,
			MaxErrors:  c.Int("max-errors"),
			Workers:    c.Int("workers"),
			MaxRowSize: int(rowSize),
			MaxMemory:  maxMem,
			Sorted:     c.Bool("sorted"),
		},
		Inputs:    c.Args().Slice(),
		Output:    c.String("output"),
		Rejects:   c.String("rejects"),
		SplitSize: split,
	}, nil
}

// convert runs a conversion and prints its summary; SIGINT and SIGTERM stop it
// cleanly (temporary files removed).
func convert(ctx context.Context, opts transform.Options, stderr interface{ Write([]byte) (int, error) }) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	tuneMemory(opts.Mapping, opts.MaxMemory, opts.Sorted)
	sum, err := transform.Convert(ctx, opts)
	if sum.Read > 0 || err == nil {
		fmt.Fprintln(stderr, sum)
	}
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
