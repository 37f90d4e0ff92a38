package transform

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"csv2activity/input"
	"csv2activity/internal/bufpool"
	"csv2activity/mapping"
)

// result is what a worker made of one batch (or one run of groups).
type result struct {
	out          []byte   // ndjson, one activity a line
	origins      []uint32 // with Config.Origins: per activity, its rows (origin.go)
	keys         []string // with Config.Keys: per activity, its dedupe key (keys.go)
	rejects      []Reject
	rows         []groupRow // with group_by: the rows, keyed, in input order (rejected ones too)
	recs         []byte     // the stored records of rows (rowrec.go), end to end
	read         int
	filtered     int
	activities   int
	inActivities int

	// With group_by, the accounting of rows read but not yet written:
	// held is how many rows this result leaves waiting for the rest of
	// their group, settled how many waiting rows it writes (in activities
	// or rejected).
	held, settled  int
	groupsRejected int // groups rejected whole
}

// groupRow is a row with its group key; vals and raw are kept only for
// previews and --sorted: convert otherwise keeps the row's stored record,
// at rec in the result's recs, and types it again when its group is whole.
// A row with a why is rejected (with its raw); with a key too, its group
// falls with it.
type groupRow struct {
	key   string
	hash  uint64 // the key's keyHash, computed by the worker
	vals  []any
	file  string
	input uint32
	line  int
	raw   string
	rec   [2]int // where its stored record stands in the result's recs
	why   *why
}

// record is the stored record of one of the result's rows.
func (res *result) record(row *groupRow) []byte { return res.recs[row.rec[0]:row.rec[1]] }

// reject is the row rejected for y.
func (g *groupRow) reject(y *why) Reject {
	return y.reject(g.file, g.line, g.raw)
}

// worker turns batches into results. It owns an Evaluator and an output
// buffer, so each goroutine has its own.
type worker struct {
	p           *mapping.Program
	ev          *mapping.Evaluator
	collect     bool     // keep keyed rows (for groups) instead of building activities
	keepVals    bool     // with collect: keep the typed values too (previews)
	rejectGroup bool     // with collect: key rejected rows, so that their group falls
	maxLine     int      // the longest activity line written (its newline included)
	width       int      // fields per record: the header's
	trace       bool     // record the rows of each activity (origin.go)
	origin      []uint32 // the rows of the activity being built: input, line…
	records     recordWriter
	fields      []string            // the fields of the stored records being read back
	rows        []mapping.StoredRow // the rows of the stored group being built
	vals        [][]any             // with keys: their typed values
	batchRows   int                 // with collect: the rows of the last batch, to size the next one's
	keys        bool                // compute each activity's dedupe key (keys.go)
	key         string              // the dedupe key of the activity being built
}

func newWorker(p *mapping.Program) *worker {
	return &worker{p: p, ev: p.NewEvaluator(), collect: p.GroupBy != nil, width: len(p.Header),
		rejectGroup: p.GroupBy != nil && p.OnRejectedRow != mapping.DropRow, maxLine: DefaultMaxLineSize}
}

// batch processes one batch of records.
func (w *worker) batch(b *batch) *result {
	res := &result{}
	if b.Malformed != nil {
		res.read = 1
		w.reject(res, b.input, b.malformed(), nil)
		return res
	}
	if w.collect { // the activities are built once the groups are whole
		res.rows = make([]groupRow, 0, w.batchRows+w.batchRows/8)
	} else {
		res.out = bufpool.Get(3 * len(b.Data))
	}
	input.Parse(b.Data, b.Line, b.Comma, func(rec *input.Record) {
		res.read++
		if y := w.safeRow(b, rec, res); y != nil {
			w.rejectRecord(res, b, rec, y)
		}
	})
	w.batchRows = len(res.rows)
	bufpool.Put(b.Data)
	b.Data = nil
	return res
}

// rejectRecord rejects a record for y; with group_by, its group falls
// with it when its key can be computed (GroupOfRejected).
func (w *worker) rejectRecord(res *result, b *batch, rec *input.Record, y *why) {
	var fields []string
	if rec.Err == nil && len(rec.Fields) == w.width {
		fields = rec.Fields
	}
	w.reject(res, b.input, y.reject(b.File, rec.Line, string(rec.Raw)), fields)
}

// reject files a rejected row: in the rejects, or with group_by among the
// rows, in input order, keyed when fields (nil for a malformed record) give
// its group.
func (w *worker) reject(res *result, input uint32, rej Reject, fields []string) {
	if !w.collect {
		res.rejects = append(res.rejects, rej)
		return
	}
	y := why(rej)
	row := groupRow{file: rej.File, input: input, line: rej.Line, raw: rej.Raw, why: &y}
	if w.rejectGroup && fields != nil {
		row.key = w.ev.GroupOfRejected(fields)
		row.hash = keyHash(row.key)
	}
	res.rows = append(res.rows, row)
}

// safeRow is row, turning a panic (a bug) into the row's rejection, so that
// it names the row and the run goes on.
func (w *worker) safeRow(b *batch, rec *input.Record, res *result) (y *why) {
	defer func() {
		if r := recover(); r != nil {
			y = because(RejectInternal, "internal error on this row (please report it): %v", r)
		}
	}()
	return w.row(b, rec, res)
}

// row takes one record through typing, where, and either grouping or the
// activity; it returns why the row is rejected, or nil.
func (w *worker) row(b *batch, rec *input.Record, res *result) *why {
	if y := w.malformed(b, rec); y != nil {
		return y
	}
	if w.collect {
		return w.keyed(b, rec, res)
	}
	w.originOf(b.input, rec.Line)
	start := len(res.out)
	// Every row read is valid UTF-8: checked by malformed when the input
	// passes through, made so by the decoder otherwise.
	out, written, err := w.ev.AppendRow(res.out, rec.Fields)
	res.out = out
	switch {
	case err != nil:
		return whyOf(err)
	case !written:
		res.filtered++
		return nil
	}
	if y := w.keyRow(rec.Fields); y != nil {
		res.out = res.out[:start]
		return y
	}
	return w.written(res, start, 1)
}

// malformed says why a record cannot be mapped at all, or nil.
func (w *worker) malformed(b *batch, rec *input.Record) *why {
	switch {
	case rec.Err != nil:
		return because(RejectCSV, "%s", rec.Reason())
	case len(rec.Fields) != w.width:
		return because(RejectFields, "row has %d fields, the header has %d", len(rec.Fields), w.width)
	case b.CheckUTF8 && !utf8.Valid(rec.Raw):
		return invalidUTF8(rec, w.p.Header)
	}
	return nil
}

// keyed keeps a row that where lets through among the rows, with its group
// key, for its group to be built once whole: its stored record (its typed
// values written by KeyCells), or for previews its values.
func (w *worker) keyed(b *batch, rec *input.Record, res *result) *why {
	if w.keepVals {
		key, vals, pass, err := w.ev.KeyRow(rec.Fields, true)
		if y := w.verdict(res, pass, err); y != nil || !pass {
			return y
		}
		res.rows = append(res.rows, groupRow{key: key, hash: keyHash(key), file: b.File, input: b.input, line: rec.Line, vals: vals, raw: string(rec.Raw)})
		return nil
	}
	if res.recs == nil {
		res.recs = bufpool.Get(len(b.Data) + len(b.Data)/2)
	}
	start := len(res.recs)
	out, key, pass, err := w.ev.KeyCells(w.records.append(res.recs, rec.Raw, rec.Fields, b.Comma), rec.Fields)
	if y := w.verdict(res, pass, err); y != nil || !pass {
		res.recs = out[:start]
		return y
	}
	res.recs = out
	res.rows = append(res.rows, groupRow{key: key, hash: keyHash(key), file: b.File, input: b.input, line: rec.Line, rec: [2]int{start, len(res.recs)}})
	return nil
}

// verdict is why a row keyed with err is rejected, or nil; a row where
// leaves out (pass false) is counted.
func (w *worker) verdict(res *result, pass bool, err error) *why {
	switch {
	case err != nil:
		return whyOf(err)
	case !pass:
		res.filtered++
	}
	return nil
}

// safeActivity is activity, turning a panic into the group's rejection.
func (w *worker) safeActivity(group [][]any, res *result) (y *why) {
	defer func() {
		if r := recover(); r != nil {
			y = because(RejectInternal, "internal error on this group (please report it): %v", r)
		}
	}()
	return w.activity(group, res)
}

// activity builds, checks and writes the activity of a group of rows; it
// returns why it was refused, or nil.
func (w *worker) activity(group [][]any, res *result) *why {
	start := len(res.out)
	out, err := w.ev.AppendGroup(res.out, group)
	if err != nil {
		return whyOf(err)
	}
	if y := w.keyGroup(group); y != nil {
		return y
	}
	res.out = out
	return w.written(res, start, len(group))
}

// written counts the activity line just written at res.out[start:], from
// rows rows, or takes it back when it is too long (overLong).
func (w *worker) written(res *result, start, rows int) *why {
	if y := w.overLong(res, start); y != nil {
		return y
	}
	w.traced(res)
	w.keyWritten(res)
	res.activities++
	res.inActivities += rows
	return nil
}

// overLong takes back the activity line written at res.out[start:] when it
// is longer than an upload execution may hold, and says so.
func (w *worker) overLong(res *result, start int) *why {
	n := len(res.out) - start
	if n <= w.maxLine {
		return nil
	}
	res.out = res.out[:start]
	return because(RejectLineSize, "the activity is %s bytes, more than the %s bytes an upload execution may hold (the bulk import API's 100 MB, or import's --chunk-size)",
		thousands(int64(n)), thousands(int64(w.maxLine)))
}

// groups builds the activities of a run of complete groups from their
// stored records: the typed values written when they were read, or, for a
// row whose values have no binary form, its fields typed again. The rows of
// a group that fell are rejected, each with the reason.
func (w *worker) groups(unit []storedGroup, inputs []inputInfo) *result {
	size := 0
	for i := range unit {
		size += len(unit[i].data)
	}
	// An activity takes about as many bytes as its rows' records.
	res := &result{out: bufpool.Get(max(64<<10, size+size/4))}
	for i := range unit {
		g := &unit[i]
		res.settled += len(g.rows)
		if g.fall != nil {
			if g.part == 0 && g.fall.line == 0 {
				res.groupsRejected++ // a group a row made fall was counted then
			}
			w.rejectWhole(res, g, inputs, g.fall)
			continue
		}
		originOfGroup(w, g.rows, func(r storedRow) (uint32, int) { return r.input, r.line })
		if y := w.safeStored(g, res); y != nil {
			res.groupsRejected++
			w.rejectWhole(res, g, inputs, &fall{why: y})
		}
	}
	return res
}

// safeStored is stored, turning a panic into the group's rejection.
func (w *worker) safeStored(g *storedGroup, res *result) (y *why) {
	defer func() {
		if r := recover(); r != nil {
			y = because(RejectInternal, "internal error on this group (please report it): %v", r)
		}
	}()
	return w.stored(g, res)
}

// stored builds, checks and writes the activity of a stored group; it
// returns why it was refused, or nil. Its rows are typed by the mapping as
// it needs them (mapping.Evaluator.AppendStoredGroup), or, for a dedupe
// key, in full.
func (w *worker) stored(g *storedGroup, res *result) *why {
	w.fields = w.fields[:0]
	w.rows = w.rows[:0]
	for _, r := range g.rows {
		start := len(w.fields)
		var cells []byte
		w.fields, cells = recordFields(w.fields, g.rec(r))
		w.rows = append(w.rows, mapping.StoredRow{Fields: w.fields[start:len(w.fields):len(w.fields)], Cells: cells})
	}
	if w.keys {
		w.vals = w.vals[:0]
		for _, r := range w.rows {
			vals, err := w.storedVals(r)
			if err != nil {
				return whyOf(err)
			}
			w.vals = append(w.vals, vals)
		}
		return w.activity(w.vals, res)
	}
	start := len(res.out)
	out, err := w.ev.AppendStoredGroup(res.out, w.rows)
	if err != nil {
		return whyOf(err)
	}
	res.out = out
	return w.written(res, start, len(g.rows))
}

// storedVals is the typed values of a stored row: those written when it
// was read, or its fields typed again.
func (w *worker) storedVals(r mapping.StoredRow) ([]any, error) {
	if r.Cells != nil {
		return w.p.CellsRow(r.Fields, r.Cells)
	}
	return w.p.Row(r.Fields)
}

// rejectWhole rejects every row of a group that fell.
func (w *worker) rejectWhole(res *result, g *storedGroup, inputs []inputInfo, f *fall) {
	key := w.storedKey(g)
	var y *why // the rows of one input share their reason: formatted once
	last := ""
	for _, r := range g.rows {
		file := inputs[r.input].name
		if y == nil || file != last {
			y, last = f.rowReason(key, file), file
		}
		res.rejects = append(res.rejects, y.reject(file, r.line, string(recordRaw(g.rec(r)))))
	}
}

// storedKey computes again the key of a stored group from its first row,
// which was keyed when it was read.
func (w *worker) storedKey(g *storedGroup) string {
	w.fields, _ = recordFields(w.fields[:0], g.rec(g.rows[0]))
	if len(w.fields) == w.width {
		if k, err := w.ev.GroupKey(w.fields); err == nil {
			return strings.Clone(k) // it may point into the group's records
		}
	}
	return "?"
}

// invalidUTF8 names the first invalid byte of a row and its column.
func invalidUTF8(rec *input.Record, header []string) *why {
	off := 0
	for off < len(rec.Raw) {
		r, size := utf8.DecodeRune(rec.Raw[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	y := because(RejectEncoding, "invalid UTF-8: byte 0x%02x at offset %d of the row", rec.Raw[off], off)
	y.Value = fmt.Sprintf("0x%02x", rec.Raw[off])
	for i, f := range rec.Fields {
		if !utf8.ValidString(f) && i < len(header) {
			y.Column = header[i]
			y.Reason += fmt.Sprintf(" (column %q)", header[i])
			break
		}
	}
	y.Reason += "; declare the right input.encoding"
	return y
}

// errTooManyRejects is the cause of a TooManyRejectsError.
var errTooManyRejects = errors.New("too many rejected rows")
