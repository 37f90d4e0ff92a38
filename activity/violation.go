package activity

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govalues/decimal"

	"csv2activity/internal/suggest"
)

// Violation is a rule an activity breaks, as Validate and Problems report it.
//
// Path locates the offending value from the top of the activity, keys joined by
// dots and array indexes in brackets: "$ts", "$events[0].$ts",
// "$events[1].$properties.$items[2].$qty". Path is the enclosing object's path
// for a rule about the object as a whole (a missing or unknown key, a repeated
// key, the identifier count), so it is empty for such a rule on the activity
// itself. Msg is short, lower-case and names the offending value. Key is,
// for a rule about one key of the object at Path (an unknown or repeated
// key), that key; it is empty otherwise.
type Violation struct {
	Path string
	Msg  string
	Key  string
}

// Error returns Path + ": " + Msg, or Msg alone when Path is empty.
func (v *Violation) Error() string {
	if v.Path == "" {
		return v.Msg
	}
	return v.Path + ": " + v.Msg
}

// FieldPath returns the path of the value under key in the object at path,
// spelt as Violation.Path spells it ("" is the activity itself).
func FieldPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// ElemPath returns the path of the i-th element of the array at path, spelt
// as Violation.Path spells it.
func ElemPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// path is the place of a value in an activity, built on the stack while the
// activity is walked and turned into text only when a rule is broken. A nil
// *path is the activity itself.
type path struct {
	parent *path
	key    string
	index  int // array index, or -1 for a key
	depth  int // number of segments: the nesting level of the value
}

// field returns the path of the value under key in the object at p.
func (p *path) field(key string) path {
	return path{parent: p, key: key, index: -1, depth: p.level() + 1}
}

// elem returns the path of the i-th element of the array at p.
func (p *path) elem(i int) path {
	return path{parent: p, index: i, depth: p.level() + 1}
}

// level returns the number of segments of p, 0 for the activity itself.
func (p *path) level() int {
	if p == nil {
		return 0
	}
	return p.depth
}

// String returns the path as Violation.Path spells it. It fills a buffer from
// the end, walking from the leaf up, so that no segment pointer is kept.
func (p *path) String() string {
	n := 0
	for s := p; s != nil; s = s.parent {
		n += s.width()
	}
	buf := make([]byte, n)
	for s := p; s != nil; s = s.parent {
		w := s.width()
		seg := buf[n-w : n]
		n -= w
		switch {
		case s.index >= 0:
			seg[0] = '['
			strconv.AppendInt(seg[1:1], int64(s.index), 10)
			seg[w-1] = ']'
		case s.parent != nil:
			seg[0] = '.'
			copy(seg[1:], s.key)
		default:
			copy(seg, s.key)
		}
	}
	return string(buf)
}

// width returns the length of the segment's text: "[i]", ".key", or "key"
// for the first segment.
func (p *path) width() int {
	switch {
	case p.index >= 0:
		return len(strconv.Itoa(p.index)) + 2
	case p.parent != nil:
		return len(p.key) + 1
	}
	return len(p.key)
}

// violation returns the Violation msg at p.
func (p *path) violation(msg string) *Violation {
	return &Violation{Path: p.String(), Msg: msg}
}

// violationf returns the Violation at p with a formatted message.
func (p *path) violationf(format string, args ...any) *Violation {
	return p.violation(fmt.Sprintf(format, args...))
}

// describe names a value in a message: its JSON type and, for scalars, the value
// itself: `string "2024-01-05"`, `number 1`, `bool true`, `null`, `array of 3`,
// `object`.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool " + strconv.FormatBool(v)
	case string:
		return "string " + quote(v)
	case int, int64, float64, decimal.Decimal, json.Number:
		return "number " + numberText(v)
	case []any:
		return "array of " + strconv.Itoa(len(v))
	case *Object:
		if v == nil {
			return "null"
		}
		return "object"
	case *Repeat:
		return "array"
	}
	return fmt.Sprintf("unsupported type %T", v)
}

// maxQuoted is the number of bytes of a value a message quotes before cutting.
const maxQuoted = 60

// quote returns s in Go quotes, cut after maxQuoted bytes (then followed by …);
// invalid UTF-8 shows as \x escapes.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	return strconv.Quote(cut(s)) + "…"
}

// shorten returns s cut after maxQuoted bytes, followed by … when it was cut.
func shorten(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	return cut(s) + "…"
}

// cut returns the first maxQuoted bytes of s, backed off to a rune boundary.
func cut(s string) string {
	n := maxQuoted
	for n > maxQuoted-utf8.UTFMax && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// keyLimit is the stricter did-you-mean of the activity's names: at most 2
// edits, and edits that change less than half of got less its "$" ("$a"
// is not "$ts" misspelt, nor "$tz").
func keyLimit(got string) int {
	return min(2, max(0, utf8.RuneCountInString(strings.TrimPrefix(got, "$"))-1)/2)
}

// closest returns the candidate closest to got, ignoring case, within
// keyLimit (suggest.Closest), or "".
func closest(got string, candidates []string) string {
	return suggest.Closest(got, candidates, keyLimit)
}

// suggestKey is closest for a key: a known synonym among the candidates
// ($quantity for $qty), else the closest candidate.
func suggestKey(got string, candidates []string) string {
	if s, ok := synonyms[strings.ToLower(got)]; ok && slices.Contains(candidates, s) {
		return s
	}
	return closest(got, candidates)
}

// didYouMean returns ` (did you mean "X"?)` for the suggestion for got, or "".
func didYouMean(got string, candidates []string) string {
	return suggest.DidYouMean(got, candidates, keyLimit)
}
