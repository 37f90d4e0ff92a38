package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"csv2activity/upload"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "show where a document import's executions stand (status, counts, dates, error files)",
		Description: "Lists the executions of a document import: status, total_success, total_failure,\n" +
			"dates and error file URI, as a table (ndjson with --json). --wait follows those not\n" +
			"finished until they end (or --wait-timeout). With --state FILE, the state of an upload\n" +
			"or import gives the datamart, the import and the API URL, names the lines each execution\n" +
			"holds, records the results, and the error files are downloaded beside it and explained.\n\n" +
			"   csv2activity status --datamart 1162 --import-id 4242\n" +
			"   csv2activity status --state orders.ndjson.upload-state.json --wait\n\n" +
			"Exit codes: 0 no execution failed and no line was refused; 1 an execution finished badly,\n" +
			"or the request failed, or --wait timed out; 2 bad flags; 3 the platform refused some lines.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "datamart", Usage: "the datamart `ID`", EnvVars: []string{"MICS_DATAMART_ID"}},
			&cli.StringFlag{Name: "import-id", Usage: "the document import `ID`"},
			&cli.StringFlag{Name: "state", Usage: "the state `FILE` of an upload or import"},
			&cli.BoolFlag{Name: "wait", Usage: "follow the executions not finished until they end"},
			&cli.DurationFlag{Name: "wait-timeout", Usage: "with --wait, stop after `D`", Value: upload.DefaultWaitTimeout},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per execution"},
			&cli.StringFlag{Name: "api-url", Usage: "the API's base `URL`", DefaultText: "the state's, else " + upload.DefaultAPIURL, EnvVars: []string{"MICS_API_URL"}},
			&cli.StringFlag{Name: "token-file", Usage: "read the API token from `FILE` instead of MICS_API_TOKEN"},
			&cli.IntFlag{Name: "max-retries", Usage: "retry a request `N` times at most (0: never)", Value: upload.DefaultMaxRetries},
			&cli.DurationFlag{Name: "retry-wait", Usage: "wait `D` before the first retry", Value: upload.DefaultRetryWait},
			pollIntervalFlag(),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError{"status: takes no argument (give --import-id or --state)"}
			}
			token, err := apiToken(c.String("token-file"))
			if err != nil {
				return err
			}
			retries, err := maxRetries(c)
			if err != nil {
				return err
			}
			opts := upload.Options{
				APIURL: c.String("api-url"), Token: token, Datamart: c.String("datamart"),
				ImportID: c.String("import-id"), StatePath: c.String("state"),
				Wait: c.Bool("wait"), WaitTimeout: c.Duration("wait-timeout"),
				MaxRetries: retries, RetryWait: c.Duration("retry-wait"), PollInterval: c.Duration("poll-interval"),
				Stdout: c.App.Writer, Stderr: c.App.ErrWriter,
			}
			return showStatus(c.Context, opts, c.Bool("json"), c.App.ErrWriter)
		},
	}
}

// showStatus runs Status and turns its outcome into the command's error:
// lines the platform refused end with exit 3.
func showStatus(ctx context.Context, opts upload.Options, jsonLines bool, stderr io.Writer) error {
	sum, err := upload.Status(ctx, opts, jsonLines)
	switch {
	case err == nil && sum.TotalFailure > 0:
		fmt.Fprintf(stderr, "status: the platform refused %d lines\n", sum.TotalFailure)
		return errRejected
	case err == nil || upload.IsUsage(err):
		return err
	}
	return fail(err)
}
