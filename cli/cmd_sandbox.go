package cli

import (
	"context"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"csv2activity/sandbox"
)

func sandboxCommand() *cli.Command {
	return &cli.Command{
		Name:  "sandbox",
		Usage: "serve a local emulator of the bulk import API, to rehearse and test uploads",
		Description: "Serves the document import endpoints of the mediarithmics API on loopback: it checks the\n" +
			"token (401), the document import (any document type of the bulk import, USER_ACTIVITY,\n" +
			"USER_PROFILE, USER_SEGMENT…; APPLICATION_X_NDJSON; 400), the execution's Content-Type (415)\n" +
			"and size (413 over 100MB); it stores each accepted execution at\n" +
			"DIR/<datamart>/<import id>/<execution id>.ndjson, checks every line with the rules of its\n" +
			"import's type to fill total_success, total_failure and an error file, lists a datamart's\n" +
			"imports with their type (GET …/document_imports), and moves the\n" +
			"execution PENDING (WAITING_DEPENDENT_JOB when the one before it was running as it came) -> RUNNING ->\n" +
			"SUCCEEDED, serving its error file at /v1/data_file/data?uri=…. Errors carry an error_id.\n" +
			"--reject-rate refuses that share of the valid lines on the platform side (SUCCEEDED with\n" +
			"total_failure > 0); --no-single-get answers GET …/executions/{id} with 404, so clients list\n" +
			"the executions; --statuses forces the statuses of every execution (a test hook:\n" +
			"--statuses PENDING,RUNNING,FAILED). It can fail on purpose: --fail-rate answers\n" +
			"that share of requests with a 5xx (before reading the body, or after reading it and\n" +
			"storing nothing), --rate-limit answers 429 with Retry-After past N requests a second,\n" +
			"--latency delays every answer. It prints where it listens and one line per request;\n" +
			"Ctrl-C stops it. What it stored stays in DIR and is served again on the next start.\n\n" +
			"   export MICS_API_TOKEN=secret-for-the-sandbox\n" +
			"   csv2activity sandbox --dir /tmp/mics --fail-rate 0.3 --rate-limit 20 &\n" +
			"   MICS_API_URL=http://127.0.0.1:8089 csv2activity upload --datamart 1 --wait orders.ndjson\n" +
			"   cat /tmp/mics/1/*/*.ndjson | wc -l        # every line, stored once",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Usage: "listen on `HOST:PORT` (port 0: any free port, printed; fd:N: a listening socket inherited as descriptor N)", Value: "127.0.0.1:8089"},
			&cli.StringFlag{Name: "dir", Usage: "store the executions under `DIR`", Value: "sandbox-data"},
			&cli.StringFlag{Name: "token", Usage: "the `TOKEN` requests must carry in Authorization; empty: any", EnvVars: []string{"MICS_API_TOKEN"}, DefaultText: "MICS_API_TOKEN"},
			&cli.Float64Flag{Name: "fail-rate", Usage: "answer this share `F` (0 to 1) of requests with a 5xx"},
			&cli.IntFlag{Name: "rate-limit", Usage: "answer 429 with Retry-After past `N` requests a second (0: no limit)"},
			&cli.DurationFlag{Name: "latency", Usage: "delay every answer by `D` (e.g. 50ms)"},
			&cli.Float64Flag{Name: "reject-rate", Usage: "refuse this share `R` (0 to 1) of the valid lines, as the platform may (listed in the error file)"},
			&cli.BoolFlag{Name: "no-single-get", Usage: "answer GET …/executions/{id} with 404, as an API without that endpoint would"},
			&cli.StringFlag{Name: "statuses", Usage: "test hook: every execution goes through the statuses of `LIST` (comma-separated), one --step each, the last for good"},
			&cli.DurationFlag{Name: "step", Usage: "keep an execution in each status before the last for `D`", Value: sandbox.DefaultStep},
			&cli.Uint64Flag{Name: "seed", Usage: "seed the injected faults with `N` to repeat a run", DefaultText: "random"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "do not print a line per request"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError{"sandbox: takes no argument"}
			}
			opts := sandbox.Options{
				Dir:       c.String("dir"),
				Token:     c.String("token"),
				FailRate:  c.Float64("fail-rate"),
				RateLimit: c.Int("rate-limit"),
				Latency:   c.Duration("latency"),
				Step:      c.Duration("step"),
				Seed:      c.Uint64("seed"),

				RejectRate:  c.Float64("reject-rate"),
				NoSingleGet: c.Bool("no-single-get"),
			}
			if list := c.String("statuses"); list != "" {
				opts.Statuses = strings.Split(list, ",")
			}
			if !c.Bool("quiet") {
				opts.Log = c.App.Writer
			}
			return serveSandbox(c.Context, opts, c.String("addr"), c.App.Writer)
		},
	}
}

// serveSandbox serves until ctx is cancelled (SIGINT, SIGTERM).
func serveSandbox(ctx context.Context, opts sandbox.Options, addr string, stdout io.Writer) error {
	if opts.FailRate < 0 || opts.FailRate > 1 {
		return usageError{"--fail-rate must be between 0 and 1"}
	}
	if opts.RejectRate < 0 || opts.RejectRate > 1 {
		return usageError{"--reject-rate must be between 0 and 1"}
	}
	if err := sandbox.CheckStatuses(opts.Statuses); err != nil {
		return usageError{"--statuses: " + err.Error()}
	}
	return fail(sandbox.Serve(ctx, opts, addr, stdout))
}
