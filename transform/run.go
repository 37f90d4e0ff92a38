package transform

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"csv2activity/input"
	"csv2activity/internal/bufpool"
	"csv2activity/internal/progress"
	"csv2activity/mapping"
	"csv2activity/upload"
)

// DefaultMaxRowSize is the longest row read: a longer one (an unterminated
// quote swallowing the rest of a file, say) is rejected, not buffered.
// MinRowSize is the smallest limit the command line accepts: a smaller one is
// a slip (--max-row-size 1, meant as 1MiB) that would reject every row.
const (
	DefaultMaxRowSize = input.DefaultMaxRowSize
	MinRowSize        = 64
)

// Config says how to run a conversion. Its zero value, with a Mapping, works.
type Config struct {
	Mapping *mapping.Mapping
	// MaxErrors is how many rejected rows a run tolerates before it stops
	// (exit 1); negative means no limit.
	MaxErrors int
	// Workers is how many goroutines parse and map rows; 0 means one per core.
	Workers int
	// MaxRowSize bounds the bytes of one row (as UTF-8, line break
	// excluded), the header's included; 0 means DefaultMaxRowSize.
	MaxRowSize int
	// MaxMemory bounds the rows group_by holds in memory before spilling
	// them to temporary files; 0 means DefaultMaxMemory.
	MaxMemory int64
	// Sorted promises that the rows of a group stand together: groups are
	// written as soon as their key changes (sorted.go); a row of a group
	// already written is rejected.
	Sorted bool
	// MaxLineSize bounds the bytes of one activity line, its newline
	// included: a longer activity is rejected, never written, since no
	// upload execution could hold it. 0 means DefaultMaxLineSize.
	MaxLineSize int64
	// Stdin is read for the input "-"; nil means os.Stdin.
	Stdin io.Reader
	// Origins, when set, is called once per activity written, in output
	// order, with the rows it was built from (origin.go); its error stops
	// the run. The slice is reused: copy what must outlive the call.
	Origins func(rows []RowRef) error
	// Keys, when set, is given the dedupe key of every activity
	// (mapping.Mapping.KeyExpr), in output order, a result at a time, just
	// before its lines are written to the output: one key per line
	// (keys.go). Its error stops the run.
	Keys func(keys []string) error
	// Rejected, when set, is given each rejected row, typed, after its
	// line is written to the rejects: in the same order, on the goroutine
	// that writes them.
	Rejected func(*Reject)
	// Progress, when set, counts the rows converted and the bytes of the
	// inputs read, for a progress display.
	Progress *progress.Meter
	// KeptMemory, when set, is told of the memory a run keeps to its end
	// beyond its pipeline, as it grows, n bytes at a time: with Sorted, the
	// keys of the groups already complete (about 20 bytes a key besides its
	// text); otherwise, with group_by, what the index of group keys takes
	// past three quarters of MaxMemory (the rows held keep a quarter); and,
	// once the first input's header is read, what its columns take
	// (headerMemory: next to nothing for a few dozen columns). A caller that
	// limits the heap raises the limit by as much.
	KeptMemory func(n int64)
}

// DefaultMaxLineSize is the bulk import API's limit on one execution, and so
// on one line (upload.DefaultChunkSize).
const DefaultMaxLineSize = upload.DefaultChunkSize

// Summary counts what a run did. Read = InActivities + Filtered + Rejected +
// Unconverted, whether the run completed or stopped.
type Summary struct {
	Read         int // data rows read (blank lines are not rows)
	Activities   int // activities written
	InActivities int // rows that went into them
	Filtered     int // rows the where expression skipped
	Rejected     int // rows in the rejects file
	// GroupsRejected is how many groups were rejected whole (their rows are
	// among Rejected).
	GroupsRejected int
	// Stopped is set when the run stopped before the end of its input
	// (--max-errors, an interruption, an error); Unconverted is then how
	// many of the rows read were neither written nor rejected.
	Stopped     bool
	Unconverted int
	// Discarded is set when the activities written were not kept (an output
	// file removed because the run stopped).
	Discarded bool
	// RejectsFile is the rejects file's path when one was kept.
	RejectsFile string
	Parts       int // files written with Options.SplitSize
	Elapsed     time.Duration
	// DocumentType is the mapping's document_type: the summary counts
	// activities, or the lines of another type.
	DocumentType string
}

// TooManyRejectsError stops a run whose rejected rows exceed MaxErrors.
type TooManyRejectsError struct {
	Max  int
	File string
	Line int // the row that went over the limit
}

func (e *TooManyRejectsError) Error() string {
	return fmt.Sprintf("more than %d rows rejected (--max-errors): stopped at %s line %d; the rejects file says why", e.Max, e.File, e.Line)
}

func (e *TooManyRejectsError) Unwrap() error { return errTooManyRejects }

// Run converts inputs (paths, "-" for Stdin) read one after another as one
// stream, writing activities to out and rejected rows as ndjson to rejects,
// both in input order. The mapping is compiled against the first input's
// header before any row is read (a *mapping.Errors then). On error the
// output written so far is incomplete; callers that write files discard it.
// It first removes the spill folders that runs killed with -9 left behind.
func Run(ctx context.Context, cfg Config, inputs []string, out, rejects io.Writer) (Summary, error) {
	start := time.Now()
	removeStaleSpills()
	r := &run{ctx: ctx, cfg: cfg, out: out, rejects: rejects}
	r.defaults()
	first, prog, err := r.open(inputs[0], nil)
	if err != nil {
		return Summary{}, err
	}
	if err := r.checkHeaders(inputs[1:], prog); err != nil {
		first.Close()
		return Summary{}, err
	}
	prog.StopWhen(ctx) // a long expression gives up when the run is stopped
	r.sum.DocumentType = string(prog.DocumentType)
	err = r.convert(ctx, first, prog, inputs[1:])
	switch {
	case err != nil:
		r.sum.Stopped, r.sum.Unconverted = true, r.pending+r.unwritten
	case r.pending != 0:
		err = fmt.Errorf("internal error (please report it): %d rows read were neither written nor rejected", r.pending)
	}
	r.sum.Elapsed = time.Since(start)
	return r.sum, err
}

type run struct {
	ctx     context.Context // stops reading the inputs
	cfg     Config
	out     io.Writer
	rejects io.Writer
	sum     Summary
	buf     []byte
	inputs  []inputInfo // appended by the producer, read after the first pass
	refs    []RowRef    // reused by reportOrigins
	// pending counts the rows read that wait for the rest of their group
	// (Summary.Unconverted when the run stops); unwritten, the rejects of
	// the last result that a stop left unwritten.
	pending, unwritten int
}

// newWorker returns a worker for the run's program and limits.
func (r *run) newWorker(p *mapping.Program) *worker {
	w := newWorker(p)
	w.maxLine = int(r.cfg.MaxLineSize)
	return w
}

func (r *run) defaults() {
	if r.cfg.Workers <= 0 {
		r.cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if r.cfg.MaxRowSize <= 0 {
		r.cfg.MaxRowSize = DefaultMaxRowSize
	}
	if r.cfg.MaxMemory <= 0 {
		r.cfg.MaxMemory = DefaultMaxMemory
	}
	if r.cfg.Stdin == nil {
		r.cfg.Stdin = os.Stdin
	}
	if r.cfg.MaxLineSize <= 0 {
		r.cfg.MaxLineSize = DefaultMaxLineSize
	}
}

// open opens an input; for the first one (prog nil) it compiles the mapping
// against its header.
func (r *run) open(path string, prog *mapping.Program) (*input.Reader, *mapping.Program, error) {
	m := r.cfg.Mapping
	in, err := input.Open(r.ctx, path, input.Options{Encoding: m.Input.Encoding, Delimiter: m.Input.Delimiter,
		Header: m.Input.Header, Names: m.Input.Names, MaxRowSize: r.cfg.MaxRowSize, Stdin: r.cfg.Stdin, Progress: r.cfg.Progress, Sheet: m.Input.Sheet,
		TextColumns: m.TypedColumns})
	if err != nil {
		return nil, nil, err
	}
	header := in.Header()
	if !m.Input.Header {
		header = m.Input.Names
	}
	if prog != nil {
		if err := sameKind(path, in.Typed(), prog.Typed()); err != nil {
			in.Close()
			return nil, nil, err
		}
		return in, prog, sameHeader(path, header, prog.InputHeader)
	}
	if r.cfg.KeptMemory != nil {
		r.cfg.KeptMemory(headerMemory(header))
	}
	prog, err = m.Compile(header)
	if err != nil {
		in.Close()
		return nil, nil, err
	}
	if in.Typed() {
		prog.TypedCells()
	}
	return in, prog, nil
}

// perColumn is about what a run keeps for each column of its header beyond
// its name: the compiled mapping's tables (the column, its identifier, its
// masks) and each worker's typed row. A pipeline's memory (Config.KeptMemory)
// is counted for rows of a few dozen columns; a header of hundreds of
// thousands (wide_header.txtar: 480,000) keeps tens of MiB on top of it.
const perColumn = 256

// headerMemory is what a run keeps to its end for the columns of header.
func headerMemory(header []string) int64 {
	n := int64(len(header)) * perColumn
	for _, h := range header {
		n += int64(len(h))
	}
	return n
}

// checkHeaders reads the header of every further input that is a regular
// file before any row is read, so that one that differs from the first
// input's (or one that cannot be opened) is found at once, not after the
// inputs before it are converted.
// Standard input and pipes, which cannot be read twice, are checked when
// their turn comes.
func (r *run) checkHeaders(rest []string, prog *mapping.Program) error {
	meter := r.cfg.Progress
	r.cfg.Progress = nil // the header is read again in its turn: count it once
	defer func() { r.cfg.Progress = meter }()
	for _, path := range rest {
		if fi, err := os.Stat(path); path == "-" || (err == nil && !fi.Mode().IsRegular()) {
			continue
		}
		in, _, err := r.open(path, prog)
		if in != nil {
			in.Close()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// inputInfo is what the second pass over groups needs of an input.
type inputInfo struct {
	name  string
	comma rune
}

// convert streams every input through the workers. With group_by, the first
// pass keys the rows into a groupStore and a second pass builds the groups'
// activities.
func (r *run) convert(ctx context.Context, first *input.Reader, prog *mapping.Program, rest []string) error {
	produce := func(emit func(*batch) bool) error {
		return r.produce(first, prog, rest, emit)
	}
	newW := func() func(*batch) *result { return r.tracer(r.newWorker(prog)).batch }
	if prog.GroupBy == nil {
		return ordered(ctx, r.cfg.Workers, produce, newW, r.consume)
	}
	if r.cfg.Sorted {
		return r.convertSorted(ctx, prog, produce)
	}
	store := newGroupStore(r.cfg.MaxMemory)
	store.grew = r.cfg.KeptMemory
	defer store.close()
	consume := func(res *result) error {
		if err := r.file(store, res); err != nil {
			return err
		}
		return r.consume(res)
	}
	if err := ordered(ctx, r.cfg.Workers, produce, newW, consume); err != nil {
		return err
	}
	// The groups' producer reads only the store's own files, so it is
	// waited for, unlike the input's: a run that stops early returns once
	// the producer has left the store (and closed it), never while it
	// still reads the files the store's closing removes.
	produced := make(chan struct{})
	produceGroups := func(emit func([]storedGroup) bool) error {
		defer close(produced)
		return store.groups(emit)
	}
	newG := func() func([]storedGroup) *result {
		w := r.tracer(r.newWorker(prog))
		return func(unit []storedGroup) *result { return w.groups(unit, r.inputs) }
	}
	err := ordered(ctx, r.cfg.Workers, produceGroups, newG, r.consume)
	<-produced
	return err
}

// file files the keyed rows of a result in the store: a row waits there for
// the rest of its group; a rejected row is rejected (in input order), and
// makes its group fall when it has one.
func (r *run) file(store *groupStore, res *result) error {
	for i := range res.rows {
		row := &res.rows[i]
		switch {
		case row.why == nil:
			if err := store.add(row.key, row.hash, row.input, row.line, res.record(row)); err != nil {
				return err
			}
			res.held++
		case row.key == "":
			res.rejects = append(res.rejects, row.reject(row.why))
		default:
			if store.fail(row.key, row.hash, row.file, row.line, row.why) {
				res.groupsRejected++
			}
			res.rejects = append(res.rejects, row.reject(row.why.fellWith(row.key)))
		}
	}
	res.rows = nil
	if res.recs != nil {
		bufpool.Put(res.recs)
		res.recs = nil
	}
	return nil
}

// produce reads the inputs one after another and emits their batches.
func (r *run) produce(in *input.Reader, prog *mapping.Program, rest []string, emit func(*batch) bool) error {
	for {
		err := r.emitAll(in, emit)
		in.Close()
		if err != nil || len(rest) == 0 {
			return err
		}
		if in, _, err = r.open(rest[0], prog); err != nil {
			return err
		}
		rest = rest[1:]
	}
}

func (r *run) emitAll(in *input.Reader, emit func(*batch) bool) error {
	idx := uint32(len(r.inputs))
	r.inputs = append(r.inputs, inputInfo{name: in.Name(), comma: in.Comma()})
	for {
		b, err := in.Next(batchSize)
		if err != nil || b == nil {
			return err
		}
		if !emit(&batch{Batch: b, input: idx}) {
			return nil
		}
	}
}

// consume writes a result, in input order, and enforces MaxErrors.
func (r *run) consume(res *result) error {
	r.sum.Read += res.read
	r.cfg.Progress.Rows(res.read)
	r.sum.Filtered += res.filtered
	r.sum.GroupsRejected += res.groupsRejected
	r.pending += res.held - res.settled
	r.unwritten = len(res.rejects) + res.inActivities
	if err := r.reportKeys(res); err != nil {
		return err
	}
	if len(res.out) > 0 {
		if _, err := r.out.Write(res.out); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	r.sum.Activities += res.activities
	r.sum.InActivities += res.inActivities
	r.unwritten -= res.inActivities
	bufpool.Put(res.out)
	res.out = nil
	if r.cfg.Origins != nil {
		if err := r.reportOrigins(res); err != nil {
			return err
		}
	}
	for i := range res.rejects {
		rej := &res.rejects[i]
		r.buf = appendReject(r.buf[:0], rej)
		if _, err := r.rejects.Write(r.buf); err != nil {
			return fmt.Errorf("write rejects: %w", err)
		}
		if r.cfg.Rejected != nil {
			r.cfg.Rejected(rej)
		}
		r.sum.Rejected++
		r.unwritten--
		if r.cfg.MaxErrors >= 0 && r.sum.Rejected > r.cfg.MaxErrors {
			return &TooManyRejectsError{Max: r.cfg.MaxErrors, File: rej.File, Line: rej.Line}
		}
	}
	return nil
}
