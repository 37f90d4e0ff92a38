package transform

import (
	"errors"
	"fmt"
	"strings"

	"csv2activity/activity"
	"csv2activity/mapping"
)

// Reject is a row that did not become (part of) an activity, with why: the
// reason as the rejects file words it, and its parts as fields, so that a
// reader groups or counts rejects without parsing the reason.
type Reject struct {
	File   string // the input it came from ("-" for standard input)
	Line   int    // where the row starts, 1-based, the header being line 1
	Reason string // names the column and the value where there is one
	Raw    string // the row's text as read (decoded to UTF-8), without its line break

	Kind   RejectKind // what rejected it
	Column string     // the input column at fault, when one is
	Value  string     // the offending value (a cell, a byte), when there is one
	// Place is where the fault sits: the mapping path of an expression that
	// failed (activity.$ts), or the activity path of a value that breaks a
	// rule ($events[0].$properties.$items[2].$qty).
	Place string
	// Group is, with group_by, the key of the group rejected whole with the
	// row; ByOther says that another row (or the group as a whole) made it
	// fall, Kind, Column, Value and Place being that fault's.
	Group   string
	ByOther bool
}

// RejectKind says what rejected a row.
type RejectKind string

// The kinds of rejection.
const (
	RejectCSV        RejectKind = "csv"         // malformed CSV
	RejectFields     RejectKind = "fields"      // not as many fields as the header
	RejectEncoding   RejectKind = "encoding"    // invalid UTF-8 in a UTF-8 input
	RejectRowSize    RejectKind = "row-size"    // longer than --max-row-size
	RejectCell       RejectKind = "cell"        // a cell that does not convert to its column's type
	RejectExpression RejectKind = "expression"  // an expression that failed
	RejectRule       RejectKind = "rule"        // an activity that breaks a rule of the API
	RejectLineSize   RejectKind = "line-size"   // an activity line longer than an upload execution may hold
	RejectGroupSize  RejectKind = "group-size"  // a group larger than its share of --max-memory
	RejectGroupOrder RejectKind = "group-order" // with --sorted, a group's rows apart
	RejectInternal   RejectKind = "internal"    // a bug, caught on the row
)

// why is what rejects a row or a group: a Reject less its row (File, Line,
// Raw). A nil *why rejects nothing.
type why Reject

// because is a rejection of kind, worded by format.
func because(kind RejectKind, format string, args ...any) *why {
	return &why{Kind: kind, Reason: fmt.Sprintf(format, args...)}
}

// whyOf is the rejection an error of the mapping stands for, typed by the
// errors mapping returns; any other error is an expression's.
func whyOf(err error) *why {
	y := &why{Kind: RejectExpression, Reason: err.Error()}
	var cell *mapping.CellError
	var rule *activity.Violation
	var eval *mapping.EvalError
	switch {
	case errors.As(err, &cell):
		y.Kind, y.Column, y.Value = RejectCell, cell.Column, cell.Value
	case errors.As(err, &rule):
		y.Kind, y.Place = RejectRule, rule.Path
		if rule.Key != "" { // a rule on one key of the object at Path
			y.Place = strings.TrimPrefix(rule.Path+"."+rule.Key, ".")
		}
	case errors.As(err, &eval):
		y.Place = eval.Path
	}
	return y
}

// reject is the rejection of a row.
func (y *why) reject(file string, line int, raw string) Reject {
	r := Reject(*y)
	r.File, r.Line, r.Raw = file, line, raw
	return r
}

// fellWith is the rejection of a row whose group, key, falls with it.
func (y *why) fellWith(key string) *why {
	c := *y
	c.Reason = fmt.Sprintf("%s; group %q rejected whole", y.Reason, key)
	c.Group = key
	return &c
}

// appendReject appends the reject as one ndjson line:
// {"line":…,"file":…,"reason":…,"raw":…}.
func appendReject(dst []byte, r *Reject) []byte {
	obj := &activity.Object{Fields: []activity.Field{
		{Key: "line", Value: int64(r.Line)},
		{Key: "file", Value: r.File},
		{Key: "reason", Value: r.Reason},
		{Key: "raw", Value: r.Raw},
	}}
	dst = activity.AppendJSON(dst, obj)
	return append(dst, '\n')
}

// RejectKey is what the rejects whose reasons differ only by the offending
// value (or by the row, its group, its place in a list) have in common:
// the kind of fault, the column or the place at fault, and the part the
// row's group played.
type RejectKey struct {
	Kind   RejectKind
	Column string
	Place  string    // with the indexes of lists left out: $items[] for $items[2]
	Group  GroupPart // the part the row's group played
}

// GroupPart is the part a reject's group plays in it.
type GroupPart uint8

const (
	NoGroup  GroupPart = iota
	FellWith           // the row made its group fall
	FellFor            // the row fell with its group, for another row or the group whole
)

// String names the part, "" for none.
func (g GroupPart) String() string {
	return [...]string{NoGroup: "", FellWith: "made its group fall", FellFor: "fell with its group"}[g]
}

// Key is the reject's key: rejects with equal keys make one group in the
// reports (check, --summary-json).
func (r *Reject) Key() RejectKey {
	k := RejectKey{Kind: r.Kind, Column: r.Column, Place: withoutIndexes(r.Place)}
	switch {
	case r.ByOther:
		k.Group = FellFor
	case r.Group != "":
		k.Group = FellWith
	}
	return k
}

// withoutIndexes is an activity path with its list indexes left out:
// "$events[0].$items[12].$qty" -> "$events[].$items[].$qty".
func withoutIndexes(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		b.WriteByte(path[i])
		if path[i] == '[' {
			for i+1 < len(path) && '0' <= path[i+1] && path[i+1] <= '9' {
				i++
			}
		}
	}
	return b.String()
}
