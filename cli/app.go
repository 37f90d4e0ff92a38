// Package cli is the command line of csv2activity: the urfave/cli app and
// one file per command, each copying its flags into an options struct and
// calling the package that does the work. Exit codes and error hints are
// decided in one place (exit.go) from typed errors.
package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"csv2activity/internal/buildinfo"
)

// Run runs the command line args (args[0] being the program's name) and
// returns the process's exit code; every command stops cleanly once ctx is
// done (SIGINT, SIGTERM). Errors are printed on standard error. It makes a
// fatal error of the Go runtime end the process with SIGABRT (crashOnFatal),
// so it is meant to be called once, from main.
func Run(ctx context.Context, args []string, version string) int {
	crashOnFatal()
	app := newApp(version)
	stopProfile := startProfile()
	err := app.RunContext(ctx, args)
	stopProfile()
	code := exitCode(err)
	if err != nil && code != exitRejected {
		fmt.Fprintf(os.Stderr, "csv2activity: %v\n", err)
	}
	if err := finishReport(app, code, err); err != nil {
		fmt.Fprintf(os.Stderr, "csv2activity: %v\n", err)
		if code != exitUsage { // a usage error stays one
			code = exitFailed
		}
	}
	return code
}

func newApp(version string) *cli.App {
	app := &cli.App{
		Name:    "csv2activity",
		Usage:   "turn retail CSV exports into mediarithmics user activities (ndjson)",
		Version: buildinfo.Version(version),
		Description: "A YAML mapping file says how each row (or group of rows) of a CSV export becomes a\n" +
			"mediarithmics user activity. Start from mappings.example.yaml, convert, read the summary\n" +
			"and the rejects file, and fix the mapping until nothing is rejected.\n\n" +
			"Exit codes: 0 everything converted; 1 the run failed (I/O, too many rejected rows);\n" +
			"2 usage or mapping error, before any row was read; 3 finished, some rows rejected.",
		Commands:       []*cli.Command{initCommand(), previewCommand(), checkCommand(), convertCommand(), validateCommand(), uploadCommand(), importCommand(), statusCommand(), historyCommand(), sandboxCommand(), completionCommand(), helpCommand()},
		Action:         appAction,
		OnUsageError:   onUsageError,
		ExitErrHandler: func(*cli.Context, error) {}, // exit codes are decided in run
	}
	for _, c := range app.Commands {
		c.OnUsageError = onUsageError
		requireFlags(c)
	}
	return app
}
