package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"csv2activity/internal/ndjson"
	"csv2activity/internal/plural"
	"csv2activity/output"
)

// The error file of an execution lists the lines the platform refused. Its
// format is not documented: it is kept raw beside the state file (the token
// blanked out should it appear, an entry longer than maxEntrySize replaced
// by a line saying so), and what can be read of each entry — a
// line number in the execution's body, the line's text, a reason — is read
// from JSON objects under the usual names; any other entry is a reason in
// itself. Reading it never fails the run.

// shownReasons is how many entries of an error file are printed.
const shownReasons = 10

// errorFilePath names the copy of an execution's error file kept beside
// the state file: orders.state.json -> orders.state.execution-17.errors.
func errorFilePath(statePath, executionID string) string {
	safe := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, executionID)
	return strings.TrimSuffix(statePath, ".json") + ".execution-" + safe + ".errors"
}

// dataFilePath is the endpoint that serves a data file by its URI.
const dataFilePath = "/v1/data_file/data"

// fetchErrorFile downloads the data file at uri (GET
// /v1/data_file/data?uri=…, URL-encoded, with the token) to path, written
// atomically.
func (c *client) fetchErrorFile(ctx context.Context, uri, path string) error {
	resp, err := c.send(ctx, http.MethodGet, dataFilePath, url.Values{"uri": {uri}}, "", nil, 0)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return c.apiError(http.MethodGet, dataFilePath, resp, raw)
	}
	output.RemoveStale(path)
	f, err := output.Create(path, 0o600)
	if err != nil {
		return fmt.Errorf("keep the error file: %w", err)
	}
	if err := c.copyRedacted(f, resp.Body); err != nil {
		f.Abort()
		return &NetError{Method: http.MethodGet, Path: dataFilePath, Err: err}
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("keep the error file: %w", err)
	}
	return nil
}

// copyRedacted copies an error file to w an entry at a time (eachLine),
// the token blanked out (client.redact).
func (c *client) copyRedacted(w io.Writer, r io.Reader) error {
	return eachLine(r, func(line []byte) error {
		_, err := io.WriteString(w, c.redact(string(line)))
		return err
	})
}

// maxEntrySize bounds the entry of an error file held in memory, in bytes:
// one refused line, quoted with its reason.
const maxEntrySize = 1 << 20

// entryTooLong stands for an entry longer than maxEntrySize, in the copy
// kept and as its reason.
var entryTooLong = fmt.Sprintf("(an entry of more than %d bytes, left out by csv2activity)\n", maxEntrySize)

// eachLine calls fn with every line of an error file, its line break
// included, through an ndjson.Reader bounded to maxEntrySize: a longer line
// is given as entryTooLong.
func eachLine(r io.Reader, fn func(line []byte) error) error {
	lr := ndjson.NewReader(r, 64<<10)
	lr.Max = maxEntrySize
	for {
		line, err := lr.Next()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, ndjson.ErrLineTooLong):
			line = []byte(entryTooLong)
		case err != nil:
			return err
		}
		if err := fn(line); err != nil {
			return err
		}
	}
}

// bringErrorFile downloads the error file of chunk c's execution when it
// counts refused lines and no copy is kept yet, records the copy in the
// state, and explains it. A download that fails is said, not fatal: the
// result is in the state and `status --state` fetches the file later.
func (s *session) bringErrorFile(ctx context.Context, c *Chunk, rf *refusedFile) error {
	r := c.Result
	if r == nil || r.TotalFailure == 0 || r.ErrorFileURI == "" {
		return nil
	}
	if _, err := os.Stat(r.ErrorFile); r.ErrorFile == "" || err != nil {
		path := errorFilePath(s.o.StatePath, c.ExecutionID)
		err := s.retry(ctx, func() error { return s.api.fetchErrorFile(ctx, r.ErrorFileURI, path) })
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			fmt.Fprintf(s.o.Stdout, "execution %s: %s refused; its error file could not be downloaded: %v\n", c.ExecutionID, plural.Count(r.TotalFailure, "line"), err)
			return nil
		}
		r.ErrorFile = path
		if err := s.save(); err != nil {
			return err
		}
	}
	return s.explain(c, rf)
}

// errorEntry is what could be read of one entry of an error file: the
// line's number in the execution's body (0 if not given), its text, and the
// reason.
type errorEntry struct {
	line         int
	text, reason string
}

// Names under which an entry may hold its line number, its text, its reason.
var (
	lineKeys   = []string{"line", "line_number", "lineNumber", "line_index", "row"}
	textKeys   = []string{"raw", "line_content", "content", "document", "input", "record"}
	reasonKeys = []string{"error", "message", "reason", "error_message", "errors", "cause"}
)

// eachEntry calls fn with every entry of an error file (its non-blank
// lines, entryTooLong for one too long to hold), in order, and returns how
// many there were.
func eachEntry(path string, fn func(errorEntry) error) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	err = eachLine(f, func(line []byte) error {
		if len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		n++
		return fn(parseEntry(string(line)))
	})
	return n, err
}

// parseEntry reads one entry: a JSON object under the usual names, or a
// line of text taken as the reason.
func parseEntry(line string) errorEntry {
	line = strings.TrimSpace(line)
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(line), &obj) != nil {
		return errorEntry{reason: clip(line)}
	}
	e := errorEntry{}
	for _, k := range lineKeys {
		if n, err := strconv.Atoi(strings.Trim(string(obj[k]), `"`)); err == nil && n > 0 {
			e.line = n
			break
		}
	}
	e.text = firstText(obj, textKeys)
	if e.reason = clip(firstText(obj, reasonKeys)); e.reason == "" {
		e.reason = clip(line)
	}
	return e
}

// firstText returns the first of keys obj holds: a string as it is, any
// other value as its JSON.
func firstText(obj map[string]json.RawMessage, keys []string) string {
	for _, k := range keys {
		raw, ok := obj[k]
		if !ok || string(raw) == "null" {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return string(raw)
	}
	return ""
}

// clip shortens a text to one printable line of at most 300 bytes.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// explain prints how many lines of chunk c's execution were refused,
// where its error file is kept, and its first entries, each traced back to
// the line sent and, for import, to the rows of the export; every entry,
// traced, goes to the refused file.
func (s *session) explain(c *Chunk, rf *refusedFile) error {
	r := c.Result
	tr := s.tracer(c)
	var shown []string
	n, err := eachEntry(r.ErrorFile, func(e errorEntry) error {
		where := tr.trace(e)
		if len(shown) < shownReasons {
			shown = append(shown, fmt.Sprintf("  %s: %s", tr.name(where), e.reason))
		}
		return rf.add(tr, where, e)
	})
	if err != nil && errors.Is(err, errRefusedFile) {
		return err
	}
	fmt.Fprintf(s.o.Stdout, "execution %s: %s refused by the platform; error file kept at %s (%s)\n", c.ExecutionID, plural.Count(r.TotalFailure, "line"), r.ErrorFile, plural.Count(n, "entry"))
	if err != nil {
		fmt.Fprintf(s.o.Stdout, "  (the error file could not be read to the end: %v)\n", err)
	}
	for _, l := range shown {
		fmt.Fprintln(s.o.Stdout, l)
	}
	if n > len(shown) {
		fmt.Fprintf(s.o.Stdout, "  … and %d more: every entry, traced, is in %s\n", n-len(shown), rf.path)
	}
	return nil
}
