package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"csv2activity/internal/ndjson"
	"csv2activity/journal"
	"csv2activity/output"
	"csv2activity/transform"
	"csv2activity/upload"
)

// Nightly uploads: upload journals its runs like import. Files already
// converted carry no mapping, so the key of a line is read from the line:
// the value at --dedupe-field (the field where the mapping writes its
// dedupe_key or group_by key, such as $events.0.$properties.order_id), or
// else the line's checksum (then only the very same line is found sent
// before). With --only-new, each FILE is filtered into FILE's state file +
// ".only-new-N.ndjson", and those are uploaded: a rerun filters again to the
// same lines (the journal leaves out what the run itself recorded), so the
// state file resumes it.

func dedupeFieldFlag() cli.Flag {
	return &cli.StringFlag{Name: "dedupe-field", Usage: "with the journal, a line's key is the value at `PATH` in it, such as $events.0.$properties.order_id (where the mapping writes its dedupe_key)", DefaultText: "the line's checksum"}
}

// uploadNightly runs upload with its journal, or as a plain upload when the
// run is not journaled.
func uploadNightly(c *cli.Context, opts upload.Options) error {
	stderr := c.App.ErrWriter
	path := journalPath(c, filepath.Dir(opts.Inputs[0]))
	if path == "" {
		return uploadFiles(c.Context, opts, stderr)
	}
	if err := checkUploadPaths(new(output.Guard), opts); err != nil {
		return err
	}
	opts.StatePath = stateOf(opts)
	n, err := newNightly(c, "upload", path, &opts, stderr)
	if err != nil {
		return err
	}
	n.key = journal.KeySpec{Column: lineKeyColumn}
	if field := c.String("dedupe-field"); field != "" {
		n.key = journal.KeySpec{Column: field, Personal: personal(field)}
		n.keyOfLine = fieldKey(field)
	}
	if err := n.start(&opts); err != nil {
		return err
	}
	originals := opts.Inputs
	if opts.Name == "" && opts.ImportID == "" {
		opts.Name = "csv2activity " + filepath.Base(originals[0]) + " " + time.Now().Format("2006-01-02 15:04")
	}
	if opts.Inputs, err = n.readFiles(opts); err != nil {
		return errors.Join(err, n.finish(err, opts, stderr))
	}
	sum, err := upload.Upload(c.Context, opts)
	if nerr := n.finish(err, opts, stderr); err == nil {
		err = fail(nerr)
	}
	if n.dryRun {
		removeFiltered(opts.Inputs, originals)
	}
	if err = uploadOutcome(sum, err, opts, stderr); err == nil && n.refused() {
		return errRejected
	}
	return err
}

// readFiles reads every line of the inputs through the nightly filter and
// returns the files to upload: the inputs themselves, or with --only-new
// the new lines of each, written beside the state file.
func (n *nightly) readFiles(opts upload.Options) ([]string, error) {
	files := make([]string, len(opts.Inputs))
	for i, in := range opts.Inputs {
		files[i] = in
		if n.onlyNew {
			files[i] = fmt.Sprintf("%s.only-new-%d.ndjson", opts.StatePath, i+1)
		}
		if err := n.readFile(i, in, files[i]); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// readFile passes the lines of the input i, in, through the filter; with
// --only-new, those sent on are written to the file to, else discarded
// (the input is sent as it is).
func (n *nightly) readFile(i int, in, to string) error {
	f, err := os.Open(in)
	if err != nil {
		return fail(fmt.Errorf("read %s: %w", in, err))
	}
	defer f.Close()
	n.next, n.file = io.Discard, in
	var out *os.File
	if n.onlyNew {
		if out, err = os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
			return fail(fmt.Errorf("write the new lines of %s: %w", in, err))
		}
		defer out.Close()
		n.next, n.file = out, to
	}
	lr := ndjson.NewReader(f, 1<<20)
	for line := 1; ; line++ {
		b, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(fmt.Errorf("read %s: %w", in, err))
		}
		if len(b) > 0 && b[len(b)-1] != '\n' {
			b = append(b[:len(b):len(b)], '\n') // a copy: b is the reader's buffer
		}
		if _, err := n.Write(b); err != nil {
			return fail(fmt.Errorf("%s:%d: %w", in, line, err))
		}
		if err := n.rowsOf([]transform.RowRef{{Input: i, Line: line}}); err != nil {
			return fail(err)
		}
	}
	if err := n.flush(); err != nil {
		return fail(err)
	}
	if out != nil {
		return fail(out.Close())
	}
	return nil
}

// removeFiltered removes the files a dry run filtered into.
func removeFiltered(files, originals []string) {
	for i, f := range files {
		if f != originals[i] {
			os.Remove(f)
		}
	}
}

// fieldKey reads the key of a line at path: object keys and list indexes
// separated by dots.
func fieldKey(path string) func(line []byte) (string, error) {
	steps := strings.Split(path, ".")
	return func(line []byte) (string, error) {
		var v any
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return "", fmt.Errorf("--dedupe-field %s: %w", path, err)
		}
		for _, step := range steps {
			switch x := v.(type) {
			case map[string]any:
				v = x[step]
			case []any:
				i, err := strconv.Atoi(step)
				if err != nil || i < 0 || i >= len(x) {
					return "", fmt.Errorf("--dedupe-field %s: no element %s in a list of %d", path, step, len(x))
				}
				v = x[i]
			default:
				v = nil
			}
		}
		switch x := v.(type) {
		case string:
			if x != "" {
				return x, nil
			}
		case json.Number:
			return x.String(), nil
		}
		return "", fmt.Errorf("--dedupe-field %s: the line has no text or number there", path)
	}
}
