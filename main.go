// Command csv2activity converts retail CSV exports into mediarithmics user
// activities with a declarative YAML mapping, and writes them as ndjson. The
// commands are in package cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"csv2activity/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	// Every command stops cleanly on SIGINT and SIGTERM through its context.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args, version)
	stop()
	os.Exit(code)
}
