package transform

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"csv2activity/mapping"
)

// DefaultMaxRowSize is the longest row read: a longer one (an unterminated
// quote swallowing the rest of a file, say) is rejected, not buffered.
const DefaultMaxRowSize = 4 << 20

// Config says how to run a conversion. Its zero value, with a Mapping, works.
type Config struct {
	Mapping *mapping.Mapping
	// MaxErrors is how many rejected rows a run tolerates before it stops
	// (exit 1); negative means no limit.
	MaxErrors int
	// Workers is how many goroutines parse and map rows; 0 means one per core.
	Workers int
	// MaxRowSize bounds the bytes of one row; 0 means DefaultMaxRowSize.
	MaxRowSize int
	// MaxMemory bounds the rows group_by holds in memory before spilling
	// them to temporary files; 0 means DefaultMaxMemory.
	MaxMemory int64
	// Sorted promises that the rows of a group stand together: groups are
	// written as soon as their key changes (sorted.go); a row of a group
	// already written is rejected.
	Sorted bool
	// Stdin is read for the input "-"; nil means os.Stdin.
	Stdin io.Reader
	// Origins, when set, is called once per activity written, in output
	// order, with the rows it was built from (origin.go); its error stops
	// the run. The slice is reused: copy what must outlive the call.
	Origins func(rows []RowRef) error
}

// Summary counts what a run did. Read = InActivities + Filtered + Rejected.
type Summary struct {
	Read         int // data rows read (blank lines are not rows)
	Activities   int // activities written
	InActivities int // rows that went into them
	Filtered     int // rows the where expression skipped
	Rejected     int // rows in the rejects file
	Parts        int // files written with Options.SplitSize
	Elapsed      time.Duration
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
func Run(ctx context.Context, cfg Config, inputs []string, out, rejects io.Writer) (Summary, error) {
	start := time.Now()
	r := &run{cfg: cfg, out: out, rejects: rejects}
	r.defaults()
	first, prog, err := r.open(inputs[0], nil)
	if err != nil {
		return Summary{}, err
	}
	err = r.convert(ctx, first, prog, inputs[1:])
	r.sum.Elapsed = time.Since(start)
	return r.sum, err
}

type run struct {
	cfg     Config
	out     io.Writer
	rejects io.Writer
	sum     Summary
	buf     []byte
	inputs  []inputInfo // appended by the producer, read after the first pass
	refs    []RowRef    // reused by reportOrigins
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
}

// open opens an input; for the first one (prog nil) it compiles the mapping
// against its header.
func (r *run) open(path string, prog *mapping.Program) (*input, *mapping.Program, error) {
	m := r.cfg.Mapping
	in, err := openInput(path, r.cfg.Stdin, m.Input, r.cfg.MaxRowSize)
	if err != nil {
		return nil, nil, err
	}
	header := in.header
	if !m.Input.Header {
		header = m.Input.Names
	}
	if prog != nil {
		return in, prog, sameHeader(path, header, prog.Header)
	}
	prog, err = m.Compile(header)
	if err != nil {
		in.closer.Close()
		return nil, nil, err
	}
	return in, prog, nil
}

// inputInfo is what the second pass over groups needs of an input.
type inputInfo struct {
	name  string
	comma rune
}

// convert streams every input through the workers. With group_by, the first
// pass keys the rows into a groupStore and a second pass builds the groups'
// activities.
func (r *run) convert(ctx context.Context, first *input, prog *mapping.Program, rest []string) error {
	produce := func(emit func(*batch) bool) error {
		return r.produce(first, prog, rest, emit)
	}
	newW := func() func(*batch) *result { return r.tracer(newWorker(prog)).batch }
	if prog.GroupBy == nil {
		return ordered(ctx, r.cfg.Workers, produce, newW, r.consume)
	}
	if r.cfg.Sorted {
		return r.convertSorted(ctx, prog, produce)
	}
	store := newGroupStore(r.cfg.MaxMemory)
	defer store.close()
	consume := func(res *result) error {
		for _, row := range res.rows {
			if err := store.add(row.key, row.input, row.line, row.raw); err != nil {
				return err
			}
		}
		return r.consume(res)
	}
	if err := ordered(ctx, r.cfg.Workers, produce, newW, consume); err != nil {
		return err
	}
	produceGroups := func(emit func([][]storedRow) bool) error {
		return store.groups(emit)
	}
	newG := func() func([][]storedRow) *result {
		w := r.tracer(newWorker(prog))
		return func(unit [][]storedRow) *result { return w.groups(unit, r.inputs) }
	}
	return ordered(ctx, r.cfg.Workers, produceGroups, newG, r.consume)
}

// produce reads the inputs one after another and emits their batches.
func (r *run) produce(in *input, prog *mapping.Program, rest []string, emit func(*batch) bool) error {
	for {
		err := r.emitAll(in, emit)
		in.closer.Close()
		if err != nil || len(rest) == 0 {
			return err
		}
		if in, _, err = r.open(rest[0], prog); err != nil {
			return err
		}
		rest = rest[1:]
	}
}

func (r *run) emitAll(in *input, emit func(*batch) bool) error {
	idx := uint32(len(r.inputs))
	r.inputs = append(r.inputs, inputInfo{name: in.name, comma: in.comma})
	for {
		b, err := in.src.next(batchSize)
		if err != nil || b == nil {
			return err
		}
		b.input, b.comma, b.checkUTF8 = idx, in.comma, in.utf8
		if !emit(b) {
			return nil
		}
	}
}

// consume writes a result, in input order, and enforces MaxErrors.
func (r *run) consume(res *result) error {
	r.sum.Read += res.read
	r.sum.Filtered += res.filtered
	r.sum.Activities += res.activities
	r.sum.InActivities += res.inActivities
	if len(res.out) > 0 {
		if _, err := r.out.Write(res.out); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	putBuf(res.out)
	res.out = nil
	if r.cfg.Origins != nil {
		if err := r.reportOrigins(res); err != nil {
			return err
		}
	}
	for i := range res.rejects {
		rej := &res.rejects[i]
		r.sum.Rejected++
		r.buf = appendReject(r.buf[:0], rej)
		if _, err := r.rejects.Write(r.buf); err != nil {
			return fmt.Errorf("write rejects: %w", err)
		}
		if r.cfg.MaxErrors >= 0 && r.sum.Rejected > r.cfg.MaxErrors {
			return &TooManyRejectsError{Max: r.cfg.MaxErrors, File: rej.File, Line: rej.Line}
		}
	}
	return nil
}
