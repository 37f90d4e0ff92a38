package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"csv2activity/activity"
	"csv2activity/document"
	"csv2activity/internal/bytesize"
	"csv2activity/internal/ndjson"
)

func validateCommand() *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check activity ndjson against the mediarithmics rules",
		ArgsUsage: "FILE.ndjson... (- for standard input)",
		Description: "Checks every line of existing ndjson (hand-made, or from another tool) against the rules\n" +
			"convert applies before it writes an activity: $ts in milliseconds, exactly one user\n" +
			"identifier, a known $type, no unknown $ key at any depth, items with $id, $qty and $price,\n" +
			"no return counted as a purchase… Prints one line per problem, FILE:LINE: reason, on\n" +
			"standard output (every problem of a line, up to " + strconv.Itoa(maxLineProblems) + ", then how many more), and a count\n" +
			"on standard error. A line that is not JSON is a problem like any other; empty lines are\n" +
			"skipped (and counted). Files are streamed: memory holds one line at a time, up to\n" +
			"--max-line-size. --allow-key lets through a $ key the platform reads that no page lists,\n" +
			"as a mapping's allow_keys does. Exit 0 when every line is valid, 3 when some are not,\n" +
			"1 when a file cannot be read. --document-type checks the lines of another document type\n" +
			"(USER_PROFILE, USER_SEGMENT…) against that type's rules.\n\n" +
			"   csv2activity validate activities.ndjson\n" +
			"   csv2activity validate --allow-key '$events[].$properties.$items[].$discount' activities.ndjson\n" +
			"   zcat export.ndjson.gz | csv2activity validate -",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "max-line-size", Usage: "report a line longer than `SIZE` instead of reading it whole", Value: "100MiB"},
			allowKeyFlag(),
			documentTypeFlag("check"),
		},
		Action: func(c *cli.Context) error {
			opts, err := validateOptionsFrom(c)
			if err != nil {
				return err
			}
			return validate(opts, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// validateOptions is a validation: the files, the longest line read, and
// the rules the lines are checked against.
type validateOptions struct {
	files   []string
	maxLine int
	rules   *activity.Rules
	docType document.Type
	stdin   io.Reader
}

// maxLineProblems is how many problems validate prints for one line; it
// counts the others.
const maxLineProblems = 10

func validateOptionsFrom(c *cli.Context) (validateOptions, error) {
	if c.NArg() == 0 {
		return validateOptions{}, usageError{"validate: no FILE given (use - for standard input)"}
	}
	size, err := bytesize.Parse(c.String("max-line-size"))
	if err != nil || size < 1 {
		return validateOptions{}, usageError{fmt.Sprintf("--max-line-size: %q is not a size", c.String("max-line-size"))}
	}
	rules, err := allowedKeys(c)
	if err != nil {
		return validateOptions{}, err
	}
	docType, err := documentType(c)
	if err != nil {
		return validateOptions{}, err
	}
	return validateOptions{files: c.Args().Slice(), maxLine: int(size), rules: rules, docType: docType, stdin: os.Stdin}, nil
}

// allowKeyFlag is --allow-key, for the commands that check activities
// without a mapping.
func allowKeyFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "allow-key", Usage: "let the $ key `PLACE.KEY` through, spelled like a mapping's allow_keys ($foo, " +
		"$events[].$properties.$foo, $events[].$properties.$items[].$foo…); repeat it for more"}
}

// allowedKeys returns the rules with the keys of --allow-key allowed.
func allowedKeys(c *cli.Context) (*activity.Rules, error) {
	rules := &activity.Rules{}
	for _, key := range c.StringSlice("allow-key") {
		if err := rules.Allow(key); err != nil {
			return nil, usageError{"--allow-key: " + err.Error()}
		}
	}
	return rules, nil
}

// validateCount is what a validation saw.
type validateCount struct {
	lines, invalid, empty int
}

// validate checks every line of every file, printing each problem on stdout
// and the count on stderr. A file that cannot be read is reported and the
// others still checked; the run then fails (exit 1).
func validate(opts validateOptions, stdout, stderr io.Writer) error {
	var n validateCount
	unreadable := 0
	out := bufio.NewWriter(stdout)
	for _, name := range opts.files {
		if err := validateFile(name, opts, out, &n); err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "csv2activity: %v\n", err)
			unreadable++
		}
	}
	if err := out.Flush(); err != nil {
		return fail(fmt.Errorf("write report: %w", err))
	}
	fmt.Fprintf(stderr, "%d of %d lines invalid", n.invalid, n.lines)
	if n.empty > 0 {
		fmt.Fprintf(stderr, " (%s skipped)", countOf(n.empty, "empty line"))
	}
	fmt.Fprintln(stderr)
	switch {
	case unreadable > 0:
		return fail(fmt.Errorf("%d of %d files could not be read", unreadable, len(opts.files)))
	case n.invalid > 0:
		return errRejected
	}
	return nil
}

// validateFile checks one file ("-": standard input) line by line.
func validateFile(name string, opts validateOptions, out io.Writer, n *validateCount) error {
	r, closeFile, err := openNDJSON(name, opts.stdin)
	if err != nil {
		return err
	}
	defer closeFile()
	lr := ndjson.NewReader(r, 64<<10)
	lr.Max = opts.maxLine
	for lineNo := 1; ; lineNo++ {
		line, err := lr.Next()
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, ndjson.ErrLineTooLong):
			err = fmt.Errorf("%w: longer than %d bytes (--max-line-size)", err, opts.maxLine)
		case err != nil:
			return fmt.Errorf("read %s line %d: %w", name, lineNo, err)
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		if err == nil && len(bytes.TrimSpace(line)) == 0 {
			n.empty++
			continue
		}
		n.lines++
		if err != nil {
			n.invalid++
			fmt.Fprintf(out, "%s:%d: %v\n", name, lineNo, err)
			continue
		}
		if reportLine(out, name, lineNo, line, opts.problems()) {
			n.invalid++
		}
	}
}

// reportLine prints every problem of one line, up to maxLineProblems and
// then how many more, and reports whether it has any.
func reportLine(out io.Writer, name string, lineNo int, line []byte, problems problemsFunc) bool {
	o, err := activity.Parse(line)
	if err != nil {
		fmt.Fprintf(out, "%s:%d: %v\n", name, lineNo, err)
		return true
	}
	found, more := problems(o, maxLineProblems)
	for _, v := range found {
		fmt.Fprintf(out, "%s:%d: %v\n", name, lineNo, v)
	}
	if more > 0 {
		fmt.Fprintf(out, "%s:%d: and %s on this line\n", name, lineNo, countOf(more, "more problem"))
	}
	return len(found) > 0
}

// openNDJSON opens a file, or returns stdin for "-".
func openNDJSON(name string, stdin io.Reader) (io.Reader, func() error, error) {
	if name == "-" {
		return stdin, func() error { return nil }, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("read ndjson: %w", err)
	}
	return f, f.Close, nil
}
