package mapping

import "errors"

// Dedupe keys: what makes two activities "the same" for nightly imports
// (csv2activity import --only-new). The key is the mapping's dedupe_key, or
// its group_by key without one.

// KeyExpr returns the expression of an activity's dedupe key: dedupe_key,
// else group_by; nil when the mapping has neither.
func (m *Mapping) KeyExpr() *Expr {
	if m.DedupeKey != nil {
		return m.DedupeKey
	}
	return m.GroupBy
}

// errEmptyDedupeKey is the cause of an EvalError for an activity whose
// dedupe key is empty.
var errEmptyDedupeKey = errors.New("the dedupe key is empty")

// DedupeKeyOf returns the dedupe key (KeyExpr) of the activity of group,
// its typed rows (Program.Row) in input order: bare column names read the
// first row, rows is the group. An empty or nil key is an *EvalError; so is
// a mapping without a key expression.
func (ev *Evaluator) DedupeKeyOf(group [][]any) (string, error) {
	e := ev.p.KeyExpr()
	if e == nil {
		return "", &EvalError{Path: "dedupe_key", Err: errors.New("the mapping has neither dedupe_key nor group_by")}
	}
	return ev.keyWith(e, group[0], group, errEmptyDedupeKey)
}

// DedupeKeyRow is DedupeKeyOf for the activity of one row (no group_by):
// the row is typed in full into the Evaluator's reused memory, so that a
// conversion that keys every activity allocates nothing more per row.
func (ev *Evaluator) DedupeKeyRow(fields []string) (string, error) {
	vals, err := ev.p.rowInto(ev.scratch, fields, nil)
	if err != nil {
		return "", err
	}
	ev.scratch = vals
	return ev.DedupeKeyOf(ev.single(vals))
}
