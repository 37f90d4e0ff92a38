package mapping

import (
	"fmt"

	"csv2activity/activity"
)

// The one door of a mapping, for a caller that turns rows into ndjson:
// AppendRow for a mapping without group_by, KeyRow then AppendGroup with
// it. Behind them the package chooses between the compiled template
// (template.go; grouped.go for a for_each over rows) and the general path
// (Apply, activity.Validate, activity.AppendJSON), and types only the cells
// each needs. A rejected
// row or group comes back as a typed error: a *CellError (a cell that does
// not convert), an *EvalError (an expression that failed) or a *RuleError
// (an activity that breaks the rules of MEDIARITHMICS.md).

// RuleError is an activity (or, Line, a line of another document type)
// that breaks a rule; Err is the *activity.Violation.
type RuleError struct {
	Err  error
	Line bool
}

func (e *RuleError) Error() string {
	if e.Line {
		return "line breaks a rule: " + e.Err.Error()
	}
	return "activity breaks a rule: " + e.Err.Error()
}
func (e *RuleError) Unwrap() error { return e.Err }

// AppendRow maps one row of a mapping without group_by (its cells, one per
// header column, valid UTF-8): it appends the row's activity and a line
// break to dst and reports written, or returns dst and written false when
// where leaves the row out, or dst and the typed error that rejects it.
func (ev *Evaluator) AppendRow(dst []byte, fields []string) (out []byte, written bool, err error) {
	p := ev.p
	var text []bool
	if p.direct != nil {
		text = p.text
	}
	vals, err := p.rowInto(ev.scratch, fields, text)
	if err != nil {
		return dst, false, err
	}
	ev.scratch = vals
	if pass, err := ev.where(vals); err != nil || !pass {
		return dst, false, err
	}
	if p.direct != nil {
		out, done, err := ev.appendLine(dst, vals, fields, true)
		if err != nil || done {
			return out, done, err
		}
		p.complete(vals, fields)
	}
	out, err = ev.AppendGroup(dst, ev.single(vals))
	return out, err == nil, err
}

// KeyRow types a row of a mapping with group_by (or read for a preview)
// and returns whether where keeps it and its group key ("" without
// group_by). With keep, vals are the row's typed values, for AppendGroup;
// without, the row is checked as AppendGroup will need it but vals are the
// Evaluator's scratch memory, valid until its next call.
func (ev *Evaluator) KeyRow(fields []string, keep bool) (key string, vals []any, pass bool, err error) {
	if keep {
		vals, err = ev.p.Row(fields)
	} else {
		vals, err = ev.p.rowInto(ev.scratch, fields, ev.p.keyText)
		ev.scratch = vals
	}
	if err != nil {
		return "", nil, false, err
	}
	if key, pass, err = ev.whereKey(vals); err != nil || !pass {
		return "", nil, false, err
	}
	return key, vals, true, nil
}

// whereKey reports whether where keeps the row of vals, and its group key
// ("" without group_by).
func (ev *Evaluator) whereKey(vals []any) (key string, pass bool, err error) {
	if pass, err = ev.where(vals); err != nil || !pass {
		return "", false, err
	}
	if ev.p.GroupBy != nil {
		if key, err = ev.keyOf(vals); err != nil {
			return "", false, err
		}
	}
	return key, true, nil
}

// KeyCells is KeyRow for a row that waits for the rest of its group as a
// stored record: it types the row, as KeyRow does, and appends to dst the
// binary form of its typed values (AppendCells) after a byte 1, or a byte
// 0 when they have none (the row is then typed again with Row). The cells
// that neither where nor group_by read are typed straight into their
// binary form, without boxing their values. It returns dst as it was with
// an error, or when where leaves the row out.
func (ev *Evaluator) KeyCells(dst []byte, fields []string) (out []byte, key string, pass bool, err error) {
	p := ev.p
	if p.keyBoxed == nil { // where or group_by reads the whole row
		var vals []any
		if key, vals, pass, err = ev.KeyRow(fields, false); err != nil || !pass {
			return dst, "", pass, err
		}
		if out, ok := p.AppendCells(append(dst, 1), vals); ok {
			return out, key, true, nil
		}
		return append(dst, 0), key, true, nil
	}
	start := len(dst)
	vals, out, ok, err := p.keyCellsInto(ev.scratch, append(dst, 1), fields)
	if err != nil {
		return dst, "", false, err
	}
	ev.scratch = vals
	if key, pass, err = ev.whereKey(vals); err != nil || !pass {
		return dst, "", false, err
	}
	if !ok {
		out = append(out[:start], 0)
	}
	return out, key, true, nil
}

// keyCellsInto types the cells of a row, in order, for KeyCells: the
// columns of keyBoxed into vals, the others that are not text straight into
// their binary form, appended to dst; ok is false when a value has no
// binary form.
func (p *Program) keyCellsInto(vals []any, dst []byte, fields []string) ([]any, []byte, bool, error) {
	if cap(vals) < len(p.cols) {
		vals = make([]any, len(p.cols))
	}
	vals = vals[:len(p.cols)]
	clear(vals)
	ok := true
	for i, c := range p.cols {
		if p.skip[i] || c.Type == String && !p.keyBoxed[i] {
			continue
		}
		var err error
		if p.keyBoxed[i] {
			var v any
			if v, err = c.parse(fields[i]); err == nil {
				vals[i] = v
				if c.Type != String && ok {
					dst, ok = c.appendValue(dst, v)
				}
			}
		} else if ok {
			dst, ok, err = c.appendCell(dst, fields[i])
		} else {
			_, err = c.parse(fields[i]) // checked all the same
		}
		if err != nil {
			return vals, dst, false, p.cellError(i, fields, err)
		}
	}
	return vals, dst, ok, nil
}

// AppendGroup builds the activity of a group of typed rows (Row), in input
// order, checks it and appends it and a line break to dst; or returns dst
// and the typed error that rejects the group.
func (ev *Evaluator) AppendGroup(dst []byte, group [][]any) ([]byte, error) {
	if out, done, err := ev.appendTemplated(dst, group); done || err != nil {
		return out, err
	}
	obj, err := ev.Apply(group)
	if err != nil {
		return dst, err
	}
	if err := ev.p.Check(obj); err != nil {
		return dst, &RuleError{Err: err, Line: ev.p.Doc != nil}
	}
	dst = activity.AppendJSON(dst, obj)
	return append(dst, '\n'), nil
}

// GroupOfRejected returns the group of a row rejected for a cell or an
// expression: its key, computed from the cells group_by reads alone, or ""
// when they give none. A row that where, computed from the cells it reads,
// leaves out belongs to no group: a filtered row makes no group fall. When
// where cannot tell, the row is taken to belong to its group, which falls:
// a partial order is the worse mistake.
func (ev *Evaluator) GroupOfRejected(fields []string) (key string) {
	defer func() {
		if recover() != nil {
			key = ""
		}
	}()
	vals, err := ev.p.cellsInto(fields, ev.p.keyCells)
	if err != nil {
		return ""
	}
	if key, err = ev.keyOf(vals); err != nil {
		return ""
	}
	if ev.p.Where == nil {
		return key
	}
	if vals, err := ev.p.cellsInto(fields, ev.p.whereCells); err == nil {
		if pass, err := ev.where(vals); err == nil && !pass {
			return ""
		}
	}
	return key
}

// GroupKey computes again the group key of a row that was keyed when read:
// from the cells group_by reads when it can, else from the whole row.
func (ev *Evaluator) GroupKey(fields []string) (string, error) {
	if vals, err := ev.p.cellsInto(fields, ev.p.keyCells); err == nil {
		if k, err := ev.keyOf(vals); err == nil {
			return k, nil
		}
	}
	vals, err := ev.p.Row(fields)
	if err != nil {
		return "", fmt.Errorf("group key: %w", err)
	}
	return ev.keyOf(vals)
}
