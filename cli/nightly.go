package cli

// Nightly imports: import records every run in the import journal (package
// journal) and, with --only-new, sends only the activities whose dedupe key
// the journal has not seen. The nightly filter sits between the conversion
// and the upload's chunk writer: it pairs each line with its key
// (transform.Config.Keys) and its rows (Config.Origins), asks the journal
// about a batch at a time, passes the new lines on, counts the ones already
// sent and refuses the ones sent before with other content; the upload then
// tells it which lines an execution holds (upload.Options.Accepted), and
// those are recorded.

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"csv2activity/journal"
	"csv2activity/mapping"
	"csv2activity/transform"
	"csv2activity/upload"
)

// JournalName is the journal's file name when --journal is not given: beside
// the mapping for import, in the current folder for history.
const JournalName = "csv2activity.journal"

// nightlyBatch is how many activities the filter looks up at once.
const nightlyBatch = 4096

func nightlyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "only-new", Usage: "send only the activities the journal has not seen: one sent before with the same content is skipped, one sent with other content is refused (see the rejects)"},
		&cli.StringFlag{Name: "journal", Usage: "the import journal `FILE` (SQLite) recording every run", DefaultText: JournalName + " beside the mapping", EnvVars: []string{"CSV2ACTIVITY_JOURNAL"}},
	}
}

// nightly is the journal side of one import run; nil when the run is not
// journaled.
type nightly struct {
	j       *journal.Journal // nil: a dry run before any journal exists
	run     *journal.Run     // nil in a dry run
	key     journal.KeySpec
	keyed   bool // the mapping has a key expression; else a line's key is its checksum
	onlyNew bool
	dryRun  bool
	ctx     context.Context
	rejects io.Writer
	inputs  []string

	next                     io.Writer                      // the upload's chunk writer
	origins                  func([]transform.RowRef) error // the origins file's, nil without
	keyq                     []string                       // keys of lines not yet written
	items                    []nightlyItem                  // activities waiting for their verdict
	traced                   int                            // items whose rows are known
	partial                  []byte                         // a line not yet whole
	inflight                 chan verdicts                  // the batch being looked up
	sentNow                  map[string]journal.LineSum     // keys this run sends (--only-new)
	pending                  []journal.Entry                // lines passed on, not yet held by an execution
	sent, skipped, conflicts int64
	importID                 string
}

type nightlyItem struct {
	key  string
	line []byte
	rows []transform.RowRef
}

// openNightly opens the journal of an import run: when --only-new or
// --journal is given, or the default journal exists. It begins the run, or
// resumes the one the state file's import names, and makes opts tell it of
// every chunk held by an execution. nil when the run is not journaled.
func openNightly(c *cli.Context, cfg *transform.Config, opts *upload.Options, rejects io.Writer) (*nightly, error) {
	path, onlyNew := c.String("journal"), c.Bool("only-new")
	if path == "" {
		path = filepath.Join(filepath.Dir(cfg.Mapping.File), JournalName)
		if _, err := os.Stat(path); err != nil && !onlyNew {
			return nil, nil
		}
	}
	m := cfg.Mapping
	if onlyNew && m.KeyExpr() == nil {
		return nil, usageError{fmt.Sprintf("--only-new: the mapping %s says neither what an order is (group_by: ${ Order_ID }) nor what makes two activities the same (dedupe_key: ${ … }): add one of them", m.File)}
	}
	n := &nightly{onlyNew: onlyNew, dryRun: opts.DryRun, ctx: c.Context, rejects: rejects, inputs: opts.Inputs, sentNow: map[string]journal.LineSum{}}
	n.key, n.keyed = keySpecOf(m)
	if n.keyed {
		cfg.Keys = n.keysOf
	}
	if opts.DryRun {
		if _, err := os.Stat(path); err != nil {
			return n, nil // nothing sent yet: everything is new
		}
	}
	j, err := journal.Open(path)
	if err != nil {
		return nil, fail(err)
	}
	n.j = j
	if opts.DryRun {
		return n, nil
	}
	if n.run, err = n.begin(opts); err != nil {
		j.Close()
		return nil, fail(err)
	}
	opts.Accepted = n.accepted
	return n, nil
}

// keySpecOf says what the journal keys of a mapping are: its dedupe_key (or
// group_by) expression, hashed when it reads personal data.
func keySpecOf(m *mapping.Mapping) (journal.KeySpec, bool) {
	e := m.KeyExpr()
	if e == nil {
		return journal.KeySpec{Column: "line sha256"}, false
	}
	src := strings.TrimSpace(e.Source)
	return journal.KeySpec{Column: src, Personal: personal(src)}, true
}

// begin resumes the run of the import the state file names, or begins one.
func (n *nightly) begin(opts *upload.Options) (*journal.Run, error) {
	st, err := upload.ReadState(stateOf(*opts))
	if err != nil {
		return nil, err
	}
	if st != nil && st.ImportID != "" {
		r, err := n.j.Resume(n.ctx, st.ImportID)
		if err == nil {
			n.importID = st.ImportID
			r.Key = n.key
			return r, nil
		}
		if !errors.Is(err, journal.ErrNoRun) {
			return nil, err
		}
	}
	info := journal.RunInfo{Command: "import", Datamart: opts.Datamart, ImportID: opts.ImportID, Key: n.key}
	if st != nil {
		info.ImportID = st.ImportID
	}
	n.importID = info.ImportID
	for _, in := range opts.Inputs {
		if in == "-" {
			info.Files = append(info.Files, journal.File{Path: "-"})
			continue
		}
		f, err := journal.FileOf(in)
		if err != nil {
			return nil, err
		}
		info.Files = append(info.Files, f)
	}
	return n.j.Begin(n.ctx, info)
}

// filter puts the nightly filter between the conversion and w, taking over
// cfg's origins; nil n gives w back.
func (n *nightly) filter(cfg *transform.Config, w io.Writer) io.Writer {
	if n == nil {
		return w
	}
	n.next, n.origins = w, cfg.Origins
	cfg.Origins = n.rowsOf // the rows of a refused activity name it in the rejects
	return n
}

// keysOf takes the keys of the lines about to be written.
func (n *nightly) keysOf(keys []string) error {
	n.keyq = append(n.keyq, keys...)
	return nil
}

// Write takes the conversion's lines.
func (n *nightly) Write(p []byte) (int, error) {
	n.partial = append(n.partial, p...)
	for {
		i := indexNL(n.partial)
		if i < 0 {
			break
		}
		line := append([]byte(nil), n.partial[:i]...)
		n.partial = n.partial[i+1:]
		it := nightlyItem{line: line}
		switch {
		case !n.keyed:
			sum := journal.Sum(line)
			it.key = "sha256:" + hex.EncodeToString(sum[:])
		case len(n.keyq) == 0:
			return 0, errors.New("journal: a line came without its dedupe key")
		default:
			it.key, n.keyq = n.keyq[0], n.keyq[1:]
		}
		n.items = append(n.items, it)
	}
	if len(n.partial) == 0 {
		n.partial = n.partial[:0:0]
	}
	return len(p), nil
}

func indexNL(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

// rowsOf takes the rows of the next activity written.
func (n *nightly) rowsOf(rows []transform.RowRef) error {
	if n.traced >= len(n.items) {
		return errors.New("journal: rows came for no activity")
	}
	n.items[n.traced].rows = append([]transform.RowRef(nil), rows...)
	n.traced++
	if n.traced == len(n.items) && len(n.items) >= nightlyBatch {
		return n.batch()
	}
	return nil
}

// personal reports whether a key expression reads personal data (an e-mail
// address, a phone number): its keys are then journaled as their sha256.
func personal(source string) bool {
	s := strings.ToLower(source)
	return strings.Contains(s, "mail") || strings.Contains(s, "phone")
}

// verdicts is a batch of activities with the journal's answers.
type verdicts struct {
	items   []nightlyItem
	entries []journal.Entry
	answers []journal.Answer
	err     error
}

// batch starts the lookup of the waiting activities, then decides on the
// batch before them: the journal answers one batch while the conversion
// makes the next.
func (n *nightly) batch() error {
	if len(n.items) == 0 {
		return n.settle()
	}
	v := verdicts{items: n.items, entries: make([]journal.Entry, len(n.items))}
	for i, it := range v.items {
		v.entries[i] = journal.Entry{Key: it.key, Sum: journal.Sum(it.line)}
	}
	n.items, n.traced = make([]nightlyItem, 0, nightlyBatch), 0
	done := make(chan verdicts, 1)
	go func() {
		v.answers, v.err = n.lookup(v.entries)
		done <- v
	}()
	err := n.settle()
	n.inflight = done
	return err
}

// settle decides on the batch being looked up, if any.
func (n *nightly) settle() error {
	if n.inflight == nil {
		return nil
	}
	v := <-n.inflight
	n.inflight = nil
	if v.err != nil {
		return v.err
	}
	for i := range v.items {
		if err := n.decide(&v.items[i], v.entries[i], v.answers[i]); err != nil {
			return err
		}
	}
	return nil
}

// flush decides on every activity converted: sent on, skipped or refused.
func (n *nightly) flush() error {
	if err := n.batch(); err != nil {
		return err
	}
	return n.settle()
}

// lookup asks the journal about entries; all are new without --only-new or
// without a journal yet.
func (n *nightly) lookup(entries []journal.Entry) ([]journal.Answer, error) {
	switch {
	case !n.onlyNew || n.j == nil:
		return make([]journal.Answer, len(entries)), nil
	case n.run != nil:
		return n.run.Lookup(n.ctx, entries)
	}
	return n.j.Lookup(n.ctx, n.key, entries)
}

// decide sends an activity on, or counts it skipped, or refuses it.
func (n *nightly) decide(it *nightlyItem, e journal.Entry, a journal.Answer) error {
	if sum, ok := n.sentNow[e.Key]; ok && a.Verdict == journal.New {
		if sum == e.Sum {
			n.skipped++
			return nil
		}
		return n.refuse(it, "an activity with this key was already sent by this run, with other content: it is not sent twice")
	}
	switch a.Verdict {
	case journal.Same:
		n.skipped++
		return nil
	case journal.Changed:
		return n.refuse(it, fmt.Sprintf("already imported on %s in document import %s (run %d) with other content: "+
			"activities cannot be corrected in place, so it is not sent twice; send it under another key, or without --only-new, if it must go",
			a.When.UTC().Format(time.RFC3339), orNone(a.ImportID), a.RunID))
	}
	if n.onlyNew {
		n.sentNow[e.Key] = e.Sum
	}
	n.sent++
	n.pending = append(n.pending, e)
	if _, err := n.next.Write(append(it.line, '\n')); err != nil {
		return err
	}
	if n.origins != nil {
		return n.origins(it.rows)
	}
	return nil
}

func orNone(id string) string {
	if id == "" {
		return "(not known)"
	}
	return id
}

// conflict is a refused activity, as a line of the rejects.
type conflict struct {
	Line   int    `json:"line"`
	File   string `json:"file"`
	Reason string `json:"reason"`
	Raw    string `json:"raw"` // the activity that was not sent
	Key    string `json:"dedupe_key"`
}

// refuse writes a refused activity to the rejects: one line per row it
// was built from.
func (n *nightly) refuse(it *nightlyItem, reason string) error {
	n.conflicts++
	for _, r := range it.rows {
		c := conflict{Line: r.Line, Reason: "dedupe key " + it.key + ": " + reason, Raw: string(it.line), Key: it.key}
		if r.Input < len(n.inputs) {
			c.File = n.inputs[r.Input]
		}
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if _, err := n.rejects.Write(append(b, '\n')); err != nil {
			return fmt.Errorf("write rejects: %w", err)
		}
	}
	return nil
}

// accepted records the lines of chunk c, held by an execution of importID.
func (n *nightly) accepted(importID string, c upload.Chunk) error {
	if importID != n.importID {
		if err := n.run.SetImportID(n.ctx, importID); err != nil {
			return err
		}
		n.importID = importID
	}
	if c.Lines > len(n.pending) {
		return fmt.Errorf("journal: chunk %d holds %d lines, %d are waiting", c.Index+1, c.Lines, len(n.pending))
	}
	entries := n.pending[:c.Lines]
	if err := n.run.Record(n.ctx, time.Now(), entries); err != nil {
		return err
	}
	n.pending = n.pending[c.Lines:]
	return nil
}

// finish records how the run ended (its executions, status and counts),
// prints what was skipped and refused, and closes the journal; err is the
// run's error.
func (n *nightly) finish(err error, opts upload.Options, stderr io.Writer) error {
	if n == nil {
		return nil
	}
	if n.onlyNew && (err == nil || n.sent+n.skipped+n.conflicts > 0) {
		p := message.NewPrinter(language.English)
		verb := "sent"
		if n.dryRun {
			verb = "to send"
		}
		fmt.Fprint(stderr, p.Sprintf("only-new: %d %s, %d already imported, skipped", n.sent, verb, n.skipped))
		if n.conflicts > 0 {
			fmt.Fprint(stderr, p.Sprintf(", %d refused: sent before with other content (see the rejects)", n.conflicts))
		}
		fmt.Fprintln(stderr)
	}
	if n.run == nil {
		return n.close()
	}
	ctx := context.WithoutCancel(n.ctx)
	werr := n.executions(ctx, opts)
	status := journal.StatusSucceeded
	switch {
	case errors.Is(err, context.Canceled):
		status = journal.StatusInterrupted
	case err != nil:
		status = journal.StatusFailed
	}
	if werr == nil {
		werr = n.run.Finish(ctx, journal.Outcome{Status: status, Skipped: n.skipped, Conflicts: n.conflicts})
	}
	return errors.Join(werr, n.close())
}

// executions records the executions the state file holds, as last seen.
func (n *nightly) executions(ctx context.Context, opts upload.Options) error {
	st, err := upload.ReadState(stateOf(opts))
	if err != nil || st == nil {
		return err
	}
	for _, c := range st.Chunks {
		if c.ExecutionID == "" {
			continue
		}
		e := journal.Execution{ID: c.ExecutionID, Status: c.Status}
		if r := c.Result; r != nil {
			e.Status, e.TotalSuccess, e.TotalFailure, e.ErrorFile = r.Status, int64(r.TotalSuccess), int64(r.TotalFailure), r.ErrorFile
		}
		if err := n.run.Execution(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

func (n *nightly) close() error {
	if n.j == nil {
		return nil
	}
	return n.j.Close()
}

// refused reports whether --only-new refused activities sent before with
// other content.
func (n *nightly) refused() bool { return n != nil && n.conflicts > 0 }

// nightOpener opens the journal side of an import run (openNightly), once
// the rejects are open.
type nightOpener func(cfg *transform.Config, opts *upload.Options, rejects io.Writer) (*nightly, error)

// importNightly runs import with its journal.
func importNightly(c *cli.Context, cfg transform.Config, opts upload.Options) error {
	open := func(cfg *transform.Config, opts *upload.Options, rejects io.Writer) (*nightly, error) {
		return openNightly(c, cfg, opts, rejects)
	}
	return importRun(c.Context, cfg, opts, c.String("rejects"), c.App.ErrWriter, open)
}
