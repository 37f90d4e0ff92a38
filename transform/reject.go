package transform

import (
	"csv2activity/activity"
)

// Reject is a row that did not become (part of) an activity, with why.
type Reject struct {
	File   string // the input it came from ("-" for standard input)
	Line   int    // where the row starts, 1-based, the header being line 1
	Reason string // names the column and the value where there is one
	Raw    string // the row's text as read (decoded to UTF-8), without its line break
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
