package cli

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"csv2activity/internal/bytesize"
	"csv2activity/mapping"
	"csv2activity/transform"
)

// The flags of every command that converts (convert, check, import), and the
// one function that turns them into a transform.Config.

func mappingFlag() cli.Flag {
	return &cli.StringFlag{Name: "mapping", Aliases: []string{"m"}, Usage: "the YAML mapping `FILE` (see mappings.example.yaml)", Required: true}
}

// sheetFlag chooses an Excel workbook's sheet, over the mapping's input.sheet.
func sheetFlag() cli.Flag {
	return &cli.StringFlag{Name: "sheet", Usage: "read the sheet `NAME` of an Excel workbook (over the mapping's input.sheet)", DefaultText: "the first"}
}

// withSheet sets the mapping's sheet from --sheet, when given.
func withSheet(c *cli.Context, m *mapping.Mapping) {
	if c.IsSet("sheet") {
		m.Input.Sheet = c.String("sheet")
	}
}

// conversionFlags are the mapping, the run's limits and the report's flags
// (reportFlags); maxErrors is the command's default for --max-errors.
func conversionFlags(maxErrors int) []cli.Flag {
	return append([]cli.Flag{
		mappingFlag(),
		sheetFlag(),
		&cli.IntFlag{Name: "max-errors", Usage: "stop with exit 1 after more than `N` rejected rows (-1: no limit)", Value: maxErrors},
		&cli.IntFlag{Name: "workers", Usage: "parse and map rows on `N` goroutines", DefaultText: "one per core"},
		&cli.StringFlag{Name: "max-row-size", Usage: "reject a row longer than `SIZE` instead of buffering it", Value: "4MiB"},
		&cli.BoolFlag{Name: "sorted", Usage: "with group_by, the rows of a group stand together: write each group as soon as its key changes, in flat memory (a row of a group already complete is rejected)"},
		&cli.StringFlag{Name: "max-memory", Usage: "with group_by, hold at most `SIZE` of rows in memory, spilling the rest to temporary files; a group larger than 1/16 of it is rejected whole", Value: "256MiB"},
	}, reportFlags()...)
}

// conversionConfig loads the mapping and copies the conversion flags into a
// transform.Config; it also sets the garbage collector for that run
// (tuneMemory).
func conversionConfig(c *cli.Context) (transform.Config, error) {
	rowSize, err := bytesize.Parse(c.String("max-row-size"))
	if err != nil {
		return transform.Config{}, usageError{"--max-row-size: " + err.Error()}
	}
	if rowSize < transform.MinRowSize {
		return transform.Config{}, usageError{fmt.Sprintf("--max-row-size: give at least %dB, like 64KiB or 16MiB (a longer row is rejected; the default is 4MiB)", transform.MinRowSize)}
	}
	maxMem, err := bytesize.Parse(c.String("max-memory"))
	if err != nil || maxMem < 1<<20 {
		return transform.Config{}, usageError{"--max-memory: give at least 1MiB, like 64MB or 1GiB"}
	}
	m, err := mapping.Load(c.String("mapping"))
	if err != nil {
		return transform.Config{}, err
	}
	withSheet(c, m)
	cfg := transform.Config{
		Mapping:    m,
		MaxErrors:  c.Int("max-errors"),
		Workers:    c.Int("workers"),
		MaxRowSize: int(rowSize),
		MaxMemory:  maxMem,
		Sorted:     c.Bool("sorted"),
		KeptMemory: addMemory,
	}
	tuneMemory(m, maxMem, cfg.Sorted)
	return cfg, nil
}
