package mapping

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a mistake in a mapping file, found before any row is read. It names
// the file, the 1-based line and column of the fault, and carries the source
// line so that Error can show it with a caret under the column.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
	// Source is the text of line Line, without its line break ("" if unknown).
	Source string
}

// Error formats the error as "FILE:LINE:COL: message", followed by the source
// line and a caret under the column when the line is known.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	if e.Source != "" {
		src, col := snippet(e.Source, e.Col)
		b.WriteString("\n    ")
		b.WriteString(strings.ReplaceAll(src, "\t", " "))
		b.WriteString("\n    ")
		b.WriteString(caretPad(src, col))
		b.WriteString("^")
	}
	return b.String()
}

// snippetWidth is the most of a source line an error shows.
const snippetWidth = 100

// snippet is the part of a long line around the 1-based rune column col,
// marked with "…" where it is cut, and the column in it.
func snippet(line string, col int) (string, int) {
	r := []rune(line)
	if len(r) <= snippetWidth {
		return line, col
	}
	from := max(0, min(col-1-snippetWidth/2, len(r)-snippetWidth))
	to := min(len(r), from+snippetWidth)
	out := string(r[from:to])
	if to < len(r) {
		out += "…"
	}
	if from > 0 {
		return "…" + out, col - from + 1
	}
	return out, col
}

// caretPad returns the blanks that put a caret under the 1-based rune column
// col of line.
func caretPad(line string, col int) string {
	n := 0
	for range line {
		if n >= col-1 {
			break
		}
		n++
	}
	return strings.Repeat(" ", n)
}

// Errors is every mistake found in one mapping file, in file order. Load and
// Compile return it (never an empty one) so that a user fixes them all in one go.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap gives errors.As access to each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// IsMappingError reports whether err comes from a mapping file (exit code 2).
func IsMappingError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// source is a mapping file's text, split into lines for error snippets.
type source struct {
	file  string
	lines []string
	errs  Errors
}

func newSource(file string, text []byte) *source {
	return &source{file: file, lines: strings.Split(string(text), "\n")}
}

// errorAt records a mistake at a 1-based line and column.
func (s *source) errorAt(line, col int, format string, args ...any) {
	e := &Error{File: s.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
	if line >= 1 && line <= len(s.lines) {
		e.Source = strings.TrimRight(s.lines[line-1], "\r")
	}
	s.errs = append(s.errs, e)
}

// err returns the recorded mistakes, or nil.
func (s *source) err() error {
	if len(s.errs) == 0 {
		return nil
	}
	return s.errs
}
