package starter

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr/builtin"

	"csv2activity/mapping"
)

// How the draft names columns in expressions and writes YAML scalars, so that
// whatever an export calls its columns ("N° ticket", "2024 sales", "date",
// "Prix (€)", "#ref") the mapping loads and compiles.

// names decides how expressions reach each column: by its identifier when
// that is a plain expr name that no other column, keyword or function
// claims, else as row["name"].
type names struct {
	ident map[*Column]string // usable identifiers only
}

// exprWords are expr's keywords and the names the mapping language defines:
// a column called like one of them is reached as row["…"].
var exprWords = map[string]bool{"in": true, "and": true, "or": true, "not": true, "matches": true, "contains": true,
	"startsWith": true, "endsWith": true, "let": true, "if": true, "else": true, "nil": true, "true": true, "false": true,
	mapping.NameRows: true, mapping.NameRow: true, mapping.NameItem: true, mapping.NameIndex: true}

func newNames(cols []*Column) names {
	taken := map[string]bool{}
	n := names{ident: map[*Column]string{}}
	for _, c := range cols {
		id := mapping.Ident(c.Name)
		first := !taken[id]
		taken[id] = true
		if first && plainIdent(id) {
			n.ident[c] = id
		}
	}
	return n
}

// plainIdent reports whether id can be written bare in an expression.
func plainIdent(id string) bool {
	if exprWords[id] || isFunction(id) {
		return false
	}
	letter := false
	for i, r := range id {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case r == '_':
		case unicode.IsDigit(r) && i > 0:
		default:
			return false
		}
	}
	return letter
}

func isFunction(name string) bool {
	for _, f := range mapping.Functions {
		if f == name {
			return true
		}
	}
	for _, f := range builtin.Builtins {
		if f.Name == name {
			return true
		}
	}
	return false
}

// ref is how an expression reads column c of the current row.
func (n names) ref(c *Column) string {
	if id, ok := n.ident[c]; ok {
		return id
	}
	return "row[" + strconv.Quote(c.Name) + "]"
}

// value is how an expression reads the value of column c that goes out in
// the activity: ids written as floats without their ".0".
func (n names) value(c *Column) string {
	if c.FloatID {
		return "trimSuffix(" + n.ref(c) + `, ".0")`
	}
	return n.ref(c)
}

// elem is how a closure over rows (#) reads column c.
func (n names) elem(c *Column) string {
	if id, ok := n.ident[c]; ok {
		return "#." + id
	}
	return "#[" + strconv.Quote(c.Name) + "]"
}

// expr returns the YAML scalar of a value that is exactly one expression.
func expr(src string) string { return scalar("${ " + src + " }") }

// scalar returns s as a YAML scalar that reads back as the string s: plain
// when nothing in it means something to YAML, else single-quoted, or
// double-quoted when it holds control characters.
func scalar(s string) string {
	switch {
	case plainScalar(s):
		return s
	case strings.IndexFunc(s, unicode.IsControl) < 0 && utf8.ValidString(s):
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return strconv.Quote(s)
}

// yamlWords read as something other than a string when plain.
var yamlWords = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "y": true, "n": true, "on": true,
	"off": true, "null": true, "~": true}

// plainScalar reports whether s can be written unquoted. It is cautious: a
// scalar it refuses is only quoted when it need not be.
func plainScalar(s string) bool {
	if s == "" || s != strings.TrimSpace(s) || !utf8.ValidString(s) || yamlWords[strings.ToLower(s)] {
		return false
	}
	if strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`0123456789.+=<", rune(s[0])) {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") || strings.ContainsAny(s, "\t\\") {
		return false
	}
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// quoted returns s as a double-quoted YAML (and expr) string.
func quoted(s string) string { return strconv.Quote(s) }

// flowList is a YAML list of strings on one line: ["a", "b"].
func flowList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = quoted(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
