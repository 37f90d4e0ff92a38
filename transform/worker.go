package transform

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"csv2activity/activity"
	"csv2activity/mapping"
)

// result is what a worker made of one batch (or one run of groups).
type result struct {
	out          []byte // ndjson, one activity a line
	rejects      []Reject
	rows         []groupRow // with group_by: the rows that passed where, keyed
	read         int
	filtered     int
	activities   int
	inActivities int
}

// groupRow is a typed row waiting for the rest of its group.
type groupRow struct {
	key  string
	vals []any
	file string
	line int
	raw  string
}

// worker turns batches into results. It owns an Evaluator and an output
// buffer, so each goroutine has its own.
type worker struct {
	p       *mapping.Program
	ev      *mapping.Evaluator
	collect bool  // keep typed rows (for groups) instead of building activities
	vals    []any // the row being mapped, reused when rows are not kept
	width   int   // fields per record: the header's
}

func newWorker(p *mapping.Program) *worker {
	return &worker{p: p, ev: p.NewEvaluator(), collect: p.GroupBy != nil, width: len(p.Header)}
}

// batch processes one batch of records.
func (w *worker) batch(b *batch) *result {
	res := &result{}
	if b.oversize != nil {
		res.read = 1
		res.rejects = append(res.rejects, *b.oversize)
		return res
	}
	res.out = getBuf(3 * len(b.data))
	parseBatch(b, b.comma, func(rec *record) {
		res.read++
		if reason := w.row(b, rec, res); reason != "" {
			res.rejects = append(res.rejects, Reject{File: b.file, Line: rec.line, Reason: reason, Raw: string(rec.raw)})
		}
	})
	putBuf(b.data)
	b.data = nil
	return res
}

// row takes one record through typing, where, and either grouping or the
// activity; it returns why the row is rejected, or "".
func (w *worker) row(b *batch, rec *record, res *result) string {
	if rec.err != nil {
		return csvReason(rec.err)
	}
	if len(rec.fields) != w.width {
		return fmt.Sprintf("row has %d fields, the header has %d", len(rec.fields), w.width)
	}
	if b.checkUTF8 && !utf8.Valid(rec.raw) {
		return invalidUTF8(rec, w.p.Header)
	}
	var vals []any
	var err error
	if w.collect {
		vals, err = w.p.Row(rec.fields) // kept until the group is complete
	} else {
		vals, err = w.p.RowInto(w.vals, rec.fields)
		w.vals = vals
	}
	if err != nil {
		return err.Error()
	}
	pass, err := w.ev.Where(vals)
	if err != nil {
		return err.Error()
	}
	if !pass {
		res.filtered++
		return ""
	}
	if w.collect {
		key := ""
		if w.p.GroupBy != nil {
			if key, err = w.ev.Key(vals); err != nil {
				return err.Error()
			}
		}
		res.rows = append(res.rows, groupRow{key: key, vals: vals, file: b.file, line: rec.line, raw: string(rec.raw)})
		return ""
	}
	return w.activity([][]any{vals}, res)
}

// activity builds, checks and writes the activity of a group of rows; it
// returns why it was refused, or "".
func (w *worker) activity(group [][]any, res *result) string {
	obj, err := w.ev.Apply(group)
	if err != nil {
		return err.Error()
	}
	if err := activity.Validate(obj); err != nil {
		return "activity breaks a rule: " + err.Error()
	}
	res.out = activity.AppendJSON(res.out, obj)
	res.out = append(res.out, '\n')
	res.activities++
	res.inActivities += len(group)
	return ""
}

// groups builds the activities of a run of complete groups.
func (w *worker) groups(gs []*group) *result {
	res := &result{out: getBuf(64 << 10)}
	vals := make([][]any, 0, 8)
	for _, g := range gs {
		vals = vals[:0]
		for i := range g.rows {
			vals = append(vals, g.rows[i].vals)
		}
		reason := w.activity(vals, res)
		if reason == "" {
			continue
		}
		for _, r := range g.rows {
			res.rejects = append(res.rejects, Reject{File: r.file, Line: r.line, Raw: r.raw,
				Reason: fmt.Sprintf("group %q (%s): %s", g.rows[0].key, g.lines(), reason)})
		}
	}
	return res
}

// invalidUTF8 names the first invalid byte of a row and its column.
func invalidUTF8(rec *record, header []string) string {
	off := 0
	for off < len(rec.raw) {
		r, size := utf8.DecodeRune(rec.raw[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	col := ""
	for i, f := range rec.fields {
		if !utf8.ValidString(f) && i < len(header) {
			col = fmt.Sprintf(" (column %q)", header[i])
			break
		}
	}
	return fmt.Sprintf("invalid UTF-8: byte 0x%02x at offset %d of the row%s; declare the right input.encoding", rec.raw[off], off, col)
}

// errTooManyRejects is the cause of a TooManyRejectsError.
var errTooManyRejects = errors.New("too many rejected rows")
