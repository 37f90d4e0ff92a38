package mapping

import (
	"fmt"
	"strconv"
	"strings"
)

// The header names the columns, and a name must tell them apart: with two
// columns "email", or a column without a name, an expression (and row)
// would read one of them silently. Such a header is a mapping error, unless
// input.names names the columns instead. Names that differ but make the
// same identifier ("a b", "a-b", "a_b") are allowed, and reachable as
// row["a b"]…; the bare identifier they share is an error where an
// expression uses it.

// header is the header the mapping is bound to: the input's, or
// input.names in its place (then line, the header line read, must have as
// many columns; without a header line, line is input.names already).
func (m *Mapping) header(line []string) []string {
	names := m.names(line)
	if len(names) != len(line) {
		m.inputError("input.names gives %d names, the header line has %d columns", len(names), len(line))
	}
	return names
}

// names is the header the mapping is bound to, as header says, without
// checking that input.names fit the header line.
func (m *Mapping) names(line []string) []string {
	if len(m.Input.Names) == 0 || !m.Input.Header {
		return line
	}
	return m.Input.Names
}

// declaredAt returns the column of header each declared column is bound to:
// the first of that name, or -1 when none has it.
func declaredAt(declared []*Column, header []string) map[string]int {
	at := make(map[string]int, len(declared))
	for _, c := range declared {
		at[c.Name] = -1
	}
	for i, h := range header {
		if j, ok := at[h]; ok && j < 0 {
			at[h] = i
		}
	}
	return at
}

// inputError records a mistake about the input's header at input: in the
// mapping file, or at its top, without a snippet, when it has none.
func (m *Mapping) inputError(format string, args ...any) {
	if m.Input.Line > 0 {
		m.src.errorAt(m.Input.Line, 1, format, args...)
		return
	}
	m.src.errs = append(m.src.errs, &Error{File: m.src.file, Line: 1, Col: 1, Msg: fmt.Sprintf(format, args...)})
}

// checkHeader reports the names of the header that several columns share,
// and the columns without a name.
func (p *Program) checkHeader() {
	first := make(map[string]int, len(p.Header))
	positions := map[string][]int{} // the names that are not alone
	var order []string
	for i, h := range p.Header {
		j, seen := first[h]
		switch {
		case !seen && h != "":
			first[h] = i
			continue
		case !seen:
			first[h] = i
			positions[h] = []int{i + 1}
			order = append(order, h)
			continue
		case len(positions[h]) == 0:
			positions[h] = []int{j + 1}
			order = append(order, h)
		}
		positions[h] = append(positions[h], i+1)
	}
	bad := false
	for _, h := range order {
		cols := positions[h]
		switch {
		case h == "":
			p.inputError("the input's header has no name for column%s %s", plural(cols), positionList(cols))
		case len(cols) > 1:
			p.inputError("the input's header has %d columns named %q (columns %s)", len(cols), h, positionList(cols))
		default:
			continue
		}
		bad = true
	}
	if bad {
		p.inputError("name the columns with input.names, which then replaces the header line%s", suggestNames(p.Header))
	}
}

func plural(cols []int) string {
	if len(cols) > 1 {
		return "s"
	}
	return ""
}

// positionList is "2", "2 and 5" or "2, 5 and 9".
func positionList(cols []int) string {
	s := make([]string, len(cols))
	for i, c := range cols {
		s[i] = strconv.Itoa(c)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// DistinctNames returns, for a header whose names do not tell the columns
// apart, names that do, to give as input.names: the second "email" becomes
// "email_2", a column without a name "column_4" ("column_4_2" if that is
// taken). It returns nil when the header's names are fine as they are.
func DistinctNames(header []string) []string {
	seen := make(map[string]bool, len(header))
	var names []string
	for i, h := range header {
		name := h
		if name == "" {
			name = "column_" + strconv.Itoa(i+1)
		}
		for base, n := name, 2; seen[name]; n++ {
			name = base + "_" + strconv.Itoa(n)
		}
		seen[name] = true
		if name != h && names == nil {
			names = append(make([]string, 0, len(header)), header[:i]...)
		}
		if names != nil {
			names = append(names, name)
		}
	}
	return names
}

// suggestNames proposes input.names for a header of a few columns.
func suggestNames(header []string) string {
	names := DistinctNames(header)
	if len(header) > 40 || names == nil {
		return ""
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}
	return fmt.Sprintf(":\n      input:\n        names: [%s]", strings.Join(quoted, ", "))
}

// sharedIdent is the error for an identifier that several columns make.
func (c *compiler) sharedIdent(name string) string {
	cols := c.p.shared[name]
	rows := make([]string, len(cols))
	for i, col := range cols {
		rows[i] = fmt.Sprintf("row[%q]", c.p.Header[col])
	}
	return fmt.Sprintf("%s is the name of %d columns: write %s", name, len(cols), strings.Join(rows, " or "))
}
