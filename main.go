// Command csv2activity converts retail CSV exports into mediarithmics user
// activities with a declarative YAML mapping, and writes them as ndjson.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	crashOnFatal()
	os.Exit(run(os.Args))
}

// run runs the app and turns its outcome into an exit code.
func run(args []string) int {
	app := newApp()
	stopProfile := startProfile()
	// Every command stops cleanly on SIGINT and SIGTERM through its context.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.RunContext(ctx, args)
	stop()
	stopProfile()
	code := exitCode(err)
	if err != nil && code != exitRejected {
		fmt.Fprintf(os.Stderr, "csv2activity: %v\n", err)
	}
	return code
}

func newApp() *cli.App {
	return &cli.App{
		Name:    "csv2activity",
		Usage:   "turn retail CSV exports into mediarithmics user activities (ndjson)",
		Version: version,
		Description: "A YAML mapping file says how each row (or group of rows) of a CSV export becomes a\n" +
			"mediarithmics user activity. Start from mappings.example.yaml, convert, read the summary\n" +
			"and the rejects file, and fix the mapping until nothing is rejected.\n\n" +
			"Exit codes: 0 everything converted; 1 the run failed (I/O, too many rejected rows);\n" +
			"2 usage or mapping error, before any row was read; 3 finished, some rows rejected.",
		Commands:        []*cli.Command{initCommand(), previewCommand(), checkCommand(), convertCommand(), validateCommand(), uploadCommand(), importCommand(), statusCommand(), sandboxCommand()},
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {}, // exit codes are decided in run
	}
}
