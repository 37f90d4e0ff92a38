package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"csv2activity/internal/bytesize"
	"csv2activity/output"
	"csv2activity/upload"
)

func uploadCommand() *cli.Command {
	return &cli.Command{
		Name:      "upload",
		Usage:     "send activity ndjson files to the mediarithmics bulk import API, exactly once",
		ArgsUsage: "FILE.ndjson...",
		Description: "Checks every line of every FILE against the activity rules (an invalid line stops\n" +
			"with FILE:LINE: reason, exit 2, before anything is sent), creates a USER_ACTIVITY document\n" +
			"import and sends the lines as executions of at most --chunk-size, cut between lines.\n" +
			"429, 5xx and dropped connections are retried with backoff; other 4xx stop the run.\n" +
			"The token comes from MICS_API_TOKEN or --token-file, never from a flag value.\n\n" +
			"A state file (FILE.ndjson" + upload.StateSuffix + " by default) records every chunk\n" +
			"sent. After a crash, Ctrl-C or kill -9, run the same command again: it sends only what is\n" +
			"missing, looking up a chunk that was in flight among the import's executions first.\n\n" +
			"   export MICS_API_TOKEN=…  MICS_DATAMART_ID=1162\n" +
			"   csv2activity upload --dry-run orders.ndjson          # the plan: chunks, sizes, lines\n" +
			"   csv2activity upload --wait orders.ndjson             # send, then follow the executions\n" +
			"   csv2activity upload --import-id 4242 more.ndjson     # add to an existing import\n\n" +
			"Rehearse against the local sandbox first (csv2activity sandbox --help):\n" +
			"   csv2activity sandbox --dir /tmp/mics &\n" +
			"   MICS_API_URL=http://127.0.0.1:8089 csv2activity upload --datamart 1 --wait orders.ndjson\n\n" +
			"Exit codes: 0 sent (and, with --wait, every line accepted); 1 the upload failed or was\n" +
			"refused (rerun to resume); 2 bad flags, an invalid line or a mismatching state file,\n" +
			"before anything was sent; 3 with --wait, the platform refused some lines: their reasons are\n" +
			"printed, traced to FILE:LINE, and each error file is kept beside the state file.\n" +
			"With --wait, a status csv2activity does not know is waited on, up to --wait-timeout;\n" +
			"csv2activity status shows where an import stands at any time.\n" +
			"--document-type uploads the lines of another document type (USER_PROFILE, USER_SEGMENT…):\n" +
			"they are checked against that type's rules and the import is created with that type.",
		Flags: append(append(uploadFlags(), allowKeyFlag(), documentTypeFlag("upload"), dedupeFieldFlag()), nightlyFlags("the first FILE")...),
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usageError{"upload: no FILE.ndjson given"}
			}
			opts, err := uploadOptions(c, c.Args().Slice())
			if err != nil {
				return err
			}
			if opts.Rules, err = allowedKeys(c); err != nil {
				return err
			}
			if opts.DocumentType, err = documentType(c); err != nil {
				return err
			}
			return uploadNightly(c, opts)
		},
	}
}

// uploadFlags are the flags of upload, shared by import.
func uploadFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "datamart", Usage: "the datamart `ID` to import into", EnvVars: []string{"MICS_DATAMART_ID"}},
		&cli.StringFlag{Name: "import-id", Usage: "add the executions to the existing document import `ID` instead of creating one"},
		&cli.StringFlag{Name: "name", Usage: "the `NAME` of the document import created", DefaultText: "csv2activity FIRST_INPUT DATE"},
		&cli.StringFlag{Name: "api-url", Usage: "the API's base `URL`; https, or http to a loopback host only", Value: upload.DefaultAPIURL, EnvVars: []string{"MICS_API_URL"}},
		&cli.StringFlag{Name: "token-file", Usage: "read the API token from `FILE` instead of MICS_API_TOKEN"},
		&cli.StringFlag{Name: "chunk-size", Usage: "send executions of at most `SIZE` (256KB, 64MB…; at most 100MB)", Value: "100MB"},
		&cli.StringFlag{Name: "state", Usage: "the state `FILE` that makes a rerun resume", DefaultText: "FIRST_INPUT" + upload.StateSuffix},
		&cli.BoolFlag{Name: "wait", Usage: "follow every execution to its end and print status, total_success, total_failure, error_file_uri"},
		&cli.BoolFlag{Name: "dry-run", Usage: "check the lines and print the plan (import, chunks, sizes, lines); send nothing"},
		&cli.DurationFlag{Name: "wait-timeout", Usage: "with --wait, stop following executions not finished after `D`", Value: upload.DefaultWaitTimeout},
		&cli.IntFlag{Name: "max-retries", Usage: "retry a request `N` times at most (429, 5xx, dropped connection; 0: never)", Value: upload.DefaultMaxRetries},
		&cli.DurationFlag{Name: "retry-wait", Usage: "wait `D` before the first retry, doubled each time with ±50% jitter (at least Retry-After)", Value: upload.DefaultRetryWait},
		&cli.DurationFlag{Name: "settle", Usage: "give a dropped chunk `D` to show among the import's executions before sending it again", Value: upload.DefaultSettle},
		pollIntervalFlag(),
	}
}

// uploadOptions copies the upload flags into upload.Options.
func uploadOptions(c *cli.Context, inputs []string) (upload.Options, error) {
	size, err := bytesize.Parse(c.String("chunk-size"))
	if err != nil {
		return upload.Options{}, usageError{"--chunk-size: " + err.Error()}
	}
	token, err := apiToken(c.String("token-file"))
	if err != nil {
		return upload.Options{}, err
	}
	retries, err := maxRetries(c)
	if err != nil {
		return upload.Options{}, err
	}
	return upload.Options{
		Inputs:       inputs,
		APIURL:       c.String("api-url"),
		Token:        token,
		Datamart:     c.String("datamart"),
		ImportID:     c.String("import-id"),
		Name:         c.String("name"),
		ChunkSize:    size,
		StatePath:    c.String("state"),
		Wait:         c.Bool("wait"),
		DryRun:       c.Bool("dry-run"),
		MaxRetries:   retries,
		WaitTimeout:  c.Duration("wait-timeout"),
		PollInterval: c.Duration("poll-interval"),
		RetryWait:    c.Duration("retry-wait"),
		Settle:       c.Duration("settle"),
		Stdout:       c.App.Writer,
		Stderr:       c.App.ErrWriter,
	}, nil
}

// pollIntervalFlag is --poll-interval, of upload, import and status.
func pollIntervalFlag() cli.Flag {
	return &cli.DurationFlag{Name: "poll-interval", Usage: "with --wait, look at the executions every `D` at first (then half as long again each time, up to 15s)", Value: upload.DefaultPollInterval}
}

// maxRetries reads --max-retries: 0 means no retry (upload.Options says
// so with a negative number, its zero value being the default).
func maxRetries(c *cli.Context) (int, error) {
	n := c.Int("max-retries")
	switch {
	case n < 0:
		return 0, usageError{fmt.Sprintf("--max-retries %d: give 0 (no retry) or more", n)}
	case n == 0:
		return -1, nil
	}
	return n, nil
}

// apiToken reads the token from --token-file when given, else from
// MICS_API_TOKEN. Errors never quote the file's content.
func apiToken(file string) (string, error) {
	if file == "" {
		return strings.TrimSpace(os.Getenv("MICS_API_TOKEN")), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", usageError{"--token-file: " + err.Error()}
	}
	token := strings.TrimSpace(string(b))
	if token == "" || strings.ContainsAny(token, "\r\n") {
		return "", usageError{"--token-file " + file + ": the file must hold the token alone, on one line"}
	}
	return token, nil
}

// uploadFiles runs an upload; a cancelled ctx (SIGINT, SIGTERM) stops it
// with its state saved.
func uploadFiles(ctx context.Context, opts upload.Options, stderr io.Writer) error {
	if err := checkUploadPaths(new(output.Guard), opts); err != nil {
		return err
	}
	sum, err := upload.Upload(ctx, opts)
	return uploadOutcome(sum, err, opts, stderr)
}

// uploadOutcome prints the summary of an upload and turns its outcome into
// the command's error: rows the API refused end with exit 3.
func uploadOutcome(sum upload.Summary, err error, opts upload.Options, stderr io.Writer) error {
	if sum.Chunks > 0 && !sum.DryRun {
		fmt.Fprintln(stderr, "upload:", sum)
	}
	switch {
	case err == nil && sum.TotalFailure > 0:
		fmt.Fprintf(stderr, "upload: the platform refused %d lines: see the reasons above and the error files kept beside the state\n", sum.TotalFailure)
		return errRejected
	case err == nil || upload.IsUsage(err):
		return err
	case errors.Is(err, upload.ErrExecutionFailed), errors.Is(err, upload.ErrWaitTimeout):
	case !stateExists(opts):
		fmt.Fprintln(stderr, "upload: stopped before anything was sent; once the cause is fixed, run the command again")
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "upload: interrupted; run the same command again to resume (state %s)\n", stateOf(opts))
	default:
		fmt.Fprintf(stderr, "upload: stopped; once the cause is fixed, run the same command again to resume (state %s)\n", stateOf(opts))
	}
	return fail(err)
}

// checkUploadPaths records the inputs in g and refuses a --state that is one
// of them (or a file g already holds), a directory, a device or a FIFO: it
// is replaced by each save.
func checkUploadPaths(g *output.Guard, opts upload.Options) error {
	g.Reads("input", opts.Inputs...)
	return g.Writes("--state", stateOf(opts), false)
}

// stateExists reports whether an upload's state file exists: a run that
// stopped before it created the document import wrote none.
func stateExists(opts upload.Options) bool {
	_, err := os.Stat(stateOf(opts))
	return err == nil
}

// stateOf returns the state file an upload uses.
func stateOf(opts upload.Options) string {
	if opts.StatePath != "" {
		return opts.StatePath
	}
	return opts.Inputs[0] + upload.StateSuffix
}
