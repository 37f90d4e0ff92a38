package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"csv2activity/internal/progress"
	"csv2activity/starter"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "print a starter mapping for a CSV export",
		ArgsUsage: "INPUT (- for standard input)",
		Description: "Reads the export as convert will (delimiter and encoding sniffed), types its columns from\n" +
			"their values (numbers, decimal commas, dates in every usual order, empty cells), recognises\n" +
			"the usual retail columns by name in English and French (order or ticket id, order date,\n" +
			"customer or loyalty card, e-mail, product, quantity, price, store, category) and prints a\n" +
			"mapping with a comment on each choice and its alternatives. When an order id repeats, the\n" +
			"rows of each order make one activity with one $transaction_confirmed event whose $items\n" +
			"are the order's lines. The first --sample rows are read, then the rest of the file, so\n" +
			"that a blank cell or a day past 12 far down the file types its column (--quick stops\n" +
			"after the sample; standard input is sampled only). When day and month cannot be told\n" +
			"apart, the mapping says so and shows both readings. Returns and cancellations (a quantity of\n" +
			"0 or less, a negative price, an order id prefix only negative lines carry) are left out by\n" +
			"where, with how to keep them as a custom event; unit prices are exact, never rounded; ids\n" +
			"written as floats (12472.0) are read without .0. Notes to look at go to standard error.\n\n" +
			"   csv2activity init orders.csv > mapping.yaml\n" +
			"   csv2activity preview -m mapping.yaml orders.csv\n" +
			"   csv2activity check -m mapping.yaml orders.csv",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "sample", Usage: "read the first `N` rows before the rest", Value: starter.DefaultSample},
			sheetFlag(),
			&cli.BoolFlag{Name: "quick", Usage: "type the columns from the sample alone (for a huge file; check reads the rest)"},
			quietFlag(),
		},
		Action: func(c *cli.Context) error {
			opts, err := initOptionsFrom(c)
			if err != nil {
				return err
			}
			if !c.Bool("quiet") {
				opts.read.Progress = new(progress.Meter)
				opts.progress = progress.Show(c.App.ErrWriter, "init", progress.Size([]string{opts.input}), opts.read.Progress)
			}
			return initMapping(c.Context, opts, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// initOptions is what init reads and how much of it.
type initOptions struct {
	input    string
	read     starter.Options
	progress *progress.Display // stopped before the mapping is printed
}

func initOptionsFrom(c *cli.Context) (initOptions, error) {
	if c.NArg() != 1 {
		return initOptions{}, usageError{"init: give exactly one INPUT (use - for standard input)"}
	}
	if c.Int("sample") < 1 {
		return initOptions{}, usageError{"--sample: want at least 1 row"}
	}
	return initOptions{input: c.Args().First(), read: starter.Options{Sample: c.Int("sample"), Quick: c.Bool("quick"), Sheet: c.String("sheet"), KeptMemory: addMemory}}, nil
}

// initMapping profiles the input and prints its starter mapping on stdout,
// and the notes that need a look on stderr.
func initMapping(ctx context.Context, opts initOptions, stdout, stderr io.Writer) error {
	tuneInitMemory()
	profile, src, err := starter.Read(ctx, opts.input, opts.read)
	opts.progress.Stop()
	if err != nil {
		return fail(err)
	}
	draft := profile.Draft(src)
	if err := draft.Write(stdout); err != nil {
		return fail(fmt.Errorf("write mapping: %w", err))
	}
	for _, n := range draft.Notes {
		fmt.Fprintln(stderr, "csv2activity init: note: "+n)
	}
	if draft.Choice != "" {
		fmt.Fprintln(stderr, "csv2activity init: "+draft.Choice)
	}
	fmt.Fprintf(stderr, "csv2activity init: %s, %s%s; next: csv2activity preview -m MAPPING %s\n",
		countOf(draft.Rows, "row"), countOf(len(draft.Columns), "column"), roleSummary(draft), opts.input)
	return nil
}

// roleSummary lists the columns init placed: "; order: Order ID, date: …".
func roleSummary(d *starter.Draft) string {
	var parts []string
	for _, r := range []starter.Role{starter.Order, starter.Date, starter.Customer, starter.Email, starter.Product, starter.Quantity} {
		if c := d.Role(r); c != nil {
			parts = append(parts, fmt.Sprintf("%s: %s", r, c.Name))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, ", ")
}
