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
	"bytes"
	"context"
	"csv2activity/document"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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

// nightlyFlags are --only-new and --journal; beside says where the journal
// is by default.
func nightlyFlags(beside string) []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "only-new", Usage: "send only the activities the journal has not seen: one sent before with the same content is skipped, one sent with other content is refused (see the rejects)"},
		&cli.StringFlag{Name: "journal", Usage: "the import journal `FILE` (SQLite) recording every run; used when given, with --only-new, or when the default one exists", DefaultText: JournalName + " beside " + beside, EnvVars: []string{"CSV2ACTIVITY_JOURNAL"}},
	}
}

// journalPath is the journal a run uses: --journal, else JournalName in
// dir when --only-new is given or it exists; "" when the run is not
// journaled.
func journalPath(c *cli.Context, dir string) string {
	if path := c.String("journal"); path != "" {
		return path
	}
	path := filepath.Join(dir, JournalName)
	if _, err := os.Stat(path); err != nil && !c.Bool("only-new") {
		return ""
	}
	return path
}

// newNightly makes the journal side of a run of command, opening the
// journal at path (none in a dry run before it exists).
func newNightly(c *cli.Context, command, path string, opts *upload.Options, rejects io.Writer) (*nightly, error) {
	n := &nightly{command: command, onlyNew: c.Bool("only-new"), dryRun: opts.DryRun, ctx: c.Context, rejects: rejects, stderr: c.App.ErrWriter,
		inputs: opts.Inputs, docType: opts.DocumentType, sentNow: map[string]journal.LineSum{}, pending: map[string][]journal.Entry{}}
	open := journal.Open
	if opts.DryRun {
		open = journal.OpenExisting // a dry run creates nothing
	}
	j, err := open(path)
	if opts.DryRun && errors.Is(err, fs.ErrNotExist) {
		return n, nil // nothing sent yet: everything is new
	}
	if err != nil {
		return nil, fail(err)
	}
	n.j = j
	addMemory(journal.MemoryBytes)
	return n, nil
}

// start begins (or resumes) the run, unless it is a dry run, and makes
// opts tell it of every chunk an execution holds.
func (n *nightly) start(opts *upload.Options) error {
	if err := n.sameKeys(); err != nil {
		n.close()
		return err
	}
	if n.dryRun || n.j == nil {
		return nil
	}
	var err error
	if n.run, err = n.begin(opts); err != nil {
		n.j.Close()
		return fail(err)
	}
	opts.Accepted = n.accepted
	return nil
}

// nightly is the journal side of one import run; nil when the run is not
// journaled.
type nightly struct {
	j       *journal.Journal // nil: a dry run before any journal exists
	run     *journal.Run     // nil in a dry run
	command string           // import or upload
	key     journal.KeySpec
	keyed   bool // the mapping has a key expression; else a line's key is its checksum
	onlyNew bool
	dryRun  bool
	docType document.Type // of the lines: why a changed one is refused (changedReason)
	ctx     context.Context
	rejects io.Writer
	stderr  io.Writer
	inputs  []string

	next                     io.Writer                         // the upload's chunk writer
	origins                  func([]transform.RowRef) error    // the origins file's, nil without
	keyq                     []string                          // keys of lines not yet written
	items                    []nightlyItem                     // activities waiting for their verdict
	traced                   int                               // items whose rows are known
	partial                  []byte                            // a line not yet whole
	inflight                 chan verdicts                     // the batch being looked up
	sentNow                  map[string]journal.LineSum        // keys this run sends (--only-new)
	pending                  map[string][]journal.Entry        // per file sent ("" for import's stream), lines passed on not yet held by an execution
	file                     string                            // the file the lines passed on go to
	keyOfLine                func(line []byte) (string, error) // the key of a line, when it is read from the line (upload)
	sent, skipped, conflicts int64
	importID                 string
}

type nightlyItem struct {
	key  string
	line []byte
	sum  journal.LineSum // of line, hashed once for its key and its entry
	rows []transform.RowRef
}

// openNightly opens the journal of an import run: when --only-new or
// --journal is given, or the default journal exists. It begins the run, or
// resumes the one the state file's import names, makes cfg give it each
// activity's key and opts tell it of every chunk held by an execution. nil
// when the run is not journaled.
func openNightly(c *cli.Context, cfg *transform.Config, opts *upload.Options, rejects io.Writer) (*nightly, error) {
	m := cfg.Mapping
	path := journalPath(c, filepath.Dir(m.File))
	if path == "" {
		return nil, nil
	}
	if c.Bool("only-new") && m.KeyExpr() == nil {
		return nil, usageError{fmt.Sprintf("--only-new: the mapping %s says neither what an order is (group_by: ${ Order_ID }) nor what makes two activities the same (dedupe_key: ${ … }): add one of them", m.File)}
	}
	n, err := newNightly(c, "import", path, opts, rejects)
	if err != nil {
		return nil, err
	}
	n.key, n.keyed = keySpecOf(m)
	if n.keyed {
		cfg.Keys = n.keysOf
	}
	return n, n.start(opts)
}

// lineKeyColumn is the key column of runs whose keys are their lines'
// checksums (lineKey).
const lineKeyColumn = "line sha256"

// sameKeys refuses --only-new when the journal's lines were sent under
// keys of another kind (line checksums and named keys): every key would be
// new, and every line sent again.
func (n *nightly) sameKeys() error {
	if !n.onlyNew || n.j == nil {
		return nil
	}
	cols, err := n.j.KeyColumns(n.ctx)
	if err != nil {
		return fail(err)
	}
	for _, c := range cols {
		if (c == lineKeyColumn) != (n.key.Column == lineKeyColumn) {
			return usageError{fmt.Sprintf("--only-new: the journal %s keys the lines it holds by %q, this run by %q: nothing would be found sent; "+
				"use the same key (upload: --dedupe-field PATH, where the mapping writes it; import: the mapping's dedupe_key or group_by), or another --journal",
				n.j.Path(), c, n.key.Column)}
		}
	}
	return nil
}

// keySpecOf says what the journal keys of a mapping are: its dedupe_key (or
// group_by) expression, hashed when it reads personal data.
func keySpecOf(m *mapping.Mapping) (journal.KeySpec, bool) {
	e := m.KeyExpr()
	if e == nil {
		return journal.KeySpec{Column: lineKeyColumn}, false
	}
	src := strings.TrimSpace(e.Source)
	return journal.KeySpec{Column: src, Personal: personal(src)}, true
}

// begin resumes the run of the import the state file names, or begins one.
func (n *nightly) begin(opts *upload.Options) (*journal.Run, error) {
	info := journal.RunInfo{Command: n.command, Datamart: opts.Datamart, ImportID: opts.ImportID, Key: n.key}
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
	st, err := n.currentState(stateOf(*opts), info.Files)
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
		info.ImportID = st.ImportID
	}
	n.importID = info.ImportID
	return n.j.Begin(n.ctx, info)
}

// currentState reads the state file at path, unless it is an earlier
// night's: the journal records its run as succeeded with other files (a
// nightly export written under the same name every night). That one is
// kept as PATH.import-ID, and a new upload starts.
func (n *nightly) currentState(path string, files []journal.File) (*upload.State, error) {
	st, err := upload.ReadState(path)
	if err != nil || st == nil || st.ImportID == "" {
		return st, err
	}
	runs, err := n.j.Runs(n.ctx)
	if err != nil {
		return nil, err
	}
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		if r.ImportID != st.ImportID {
			continue
		}
		if r.Status != journal.StatusSucceeded || sameFiles(r.Files, files) {
			return st, nil
		}
		kept := path + ".import-" + st.ImportID
		if err := os.Rename(path, kept); err != nil {
			return nil, fmt.Errorf("set aside the state of an earlier night: %w", err)
		}
		fmt.Fprintf(n.stderr, "%s: %s was the state of run %d (document import %s, finished with other files): kept as %s; a new document import starts\n",
			n.command, path, r.ID, st.ImportID, kept)
		return nil, nil
	}
	return st, nil
}

// sameFiles reports whether two runs read the same files, by checksum.
func sameFiles(a, b []journal.File) bool {
	return slices.EqualFunc(a, b, func(x, y journal.File) bool { return x.SHA256 == y.SHA256 })
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

// Write takes the conversion's lines. The whole lines of p are read where
// they are (each copied once, as an item); only a line not yet whole is kept.
func (n *nightly) Write(p []byte) (int, error) {
	buf := p
	if len(n.partial) > 0 {
		buf = append(n.partial, p...)
	}
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			break
		}
		line := append([]byte(nil), buf[:i]...)
		buf = buf[i+1:]
		it := nightlyItem{line: line, sum: journal.Sum(line)}
		switch {
		case n.keyOfLine != nil:
			key, err := n.keyOfLine(line)
			if err != nil {
				return 0, err
			}
			it.key = key
		case !n.keyed:
			it.key = lineKey(it.sum)
		case len(n.keyq) == 0:
			return 0, errors.New("journal: a line came without its dedupe key")
		default:
			it.key, n.keyq = n.keyq[0], n.keyq[1:]
		}
		n.items = append(n.items, it)
	}
	n.partial = append(n.partial[:0], buf...) // p is not kept
	return len(p), nil
}

// lineKey is the key of a line when nothing names one: its checksum sum, so
// that only the very same line is found sent before.
func lineKey(sum journal.LineSum) string {
	return "sha256:" + hex.EncodeToString(sum[:])
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
		v.entries[i] = journal.Entry{Key: it.key, Sum: it.sum}
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
		if n.activities() {
			return n.refuse(it, "an activity with this key was already sent by this run, with other content: it is not sent twice")
		}
		return n.refuse(it, "a line with this key was already sent by this run, with other content: "+n.changedReason())
	}
	switch a.Verdict {
	case journal.Same:
		n.skipped++
		return nil
	case journal.Changed:
		return n.refuse(it, fmt.Sprintf("already imported on %s in document import %s (run %d) with other content: %s",
			a.When.UTC().Format(time.RFC3339), orNone(a.ImportID), a.RunID, n.changedReason()))
	}
	if n.onlyNew {
		n.sentNow[e.Key] = e.Sum
	}
	n.sent++
	if n.run != nil { // a dry run records nothing
		n.pending[n.file] = append(n.pending[n.file], e)
	}
	if _, err := n.next.Write(append(it.line, '\n')); err != nil {
		return err
	}
	if n.origins != nil {
		return n.origins(it.rows)
	}
	return nil
}

// changedReason says why a line whose key was sent before with other
// content is not sent: an activity would count twice; another document's
// key names what it updates, and the key is what --only-new sends once
// (the mapping's dedupe_key, or upload's --dedupe-field).
func (n *nightly) changedReason() string {
	if n.activities() {
		return "activities cannot be corrected in place, so it is not sent twice; send it under another key, or without --only-new, if it must go"
	}
	if n.command == "upload" { // no mapping, so no dedupe_key: the key is --dedupe-field's
		return fmt.Sprintf("--only-new sends each key once; for %s lines that may change, leave --dedupe-field out, in a journal of their own: "+
			"each line is then keyed by its checksum, and a changed one is new (or send without --only-new)", n.docType)
	}
	return fmt.Sprintf("--only-new sends each key once; for %s lines that may change, make the dedupe_key hold what may change (or send without --only-new)", n.docType)
}

func (n *nightly) activities() bool {
	return n.docType == "" || n.docType == document.UserActivity
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
	pending := n.pending[c.File]
	if c.Lines > len(pending) {
		return fmt.Errorf("journal: chunk %d holds %d lines, %d are waiting", c.Index+1, c.Lines, len(pending))
	}
	if err := n.run.Record(n.ctx, time.Now(), pending[:c.Lines]); err != nil {
		return err
	}
	n.pending[c.File] = pending[c.Lines:]
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
