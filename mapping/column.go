package mapping

import (
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"csv2activity/internal/strftime"
)

// Type is a column's type: what each of its cells is converted to before any
// expression sees it.
type Type int

// The column types. String is the default: identifiers keep their leading zeros.
const (
	String  Type = iota // string, as read
	Int                 // int
	Float               // float64
	Decimal             // exact decimal (github.com/govalues/decimal)
	Bool                // bool
	Time                // time.Time
)

var typeNames = []string{"string", "int", "float", "decimal", "bool", "time"}

func (t Type) String() string { return typeNames[t] }

// Column is a column declared under columns:, and how its cells convert.
type Column struct {
	Name     string
	Type     Type
	Optional bool // an empty cell is nil instead of an error (or "" for strings)

	// Format is the time format: a strftime pattern, iso8601, unix or unix_ms.
	Format string
	// DecimalSeparator is '.' unless the mapping says "," (French exports).
	DecimalSeparator byte
	// ThousandsSeparator, if set, is removed from numbers before parsing.
	ThousandsSeparator string
	// Timezone applies to times without an offset; nil means the input's.
	Timezone *time.Location

	layout    *strftime.Layout
	line, col int
	typed     bool // the input's cells are typed: see TypedCells
}

var columnKeys = []string{"type", "format", "optional", "decimal_separator", "thousands_separator", "timezone"}

// columns reads the columns: section.
func (l *loader) columns(n ast.Node) {
	mn, ok := l.mapNode(n, "columns")
	if !ok {
		return
	}
	seen := map[string]bool{}
	for _, kv := range mn.Values {
		name, ok := l.key(kv, seen)
		if !ok {
			continue
		}
		c := &Column{Name: name, DecimalSeparator: '.'}
		c.line, c.col = position(kv.Key)
		if l.column(c, kv.Value) {
			l.m.Columns = append(l.m.Columns, c)
		}
	}
}

// column reads one column's spec: a bare type name or a map.
func (l *loader) column(c *Column, n ast.Node) bool {
	if s, ok := unwrap(n).(*ast.StringNode); ok {
		return l.columnType(c, n, s.Value) && l.columnFormat(c, n)
	}
	mn, ok := l.mapNode(n, "column "+c.Name)
	if !ok {
		return false
	}
	seen := map[string]bool{}
	okAll := true
	for _, kv := range mn.Values {
		key, ok := l.key(kv, seen)
		if !ok {
			okAll = false
			continue
		}
		okAll = l.columnKey(c, key, kv) && okAll
	}
	if !seen["type"] {
		c.Type = String
	}
	return okAll && l.columnFormat(c, n)
}

func (l *loader) columnKey(c *Column, key string, kv *ast.MappingValueNode) bool {
	switch key {
	case "type":
		s, ok := l.scalar(kv.Value, "type")
		return ok && l.columnType(c, kv.Value, s)
	case "format":
		s, ok := l.scalar(kv.Value, "format")
		c.Format = s
		return ok
	case "optional":
		b, ok := unwrap(kv.Value).(*ast.BoolNode)
		if !ok {
			l.errorAt(kv.Value, "optional must be true or false")
			return false
		}
		c.Optional = b.Value
	case "decimal_separator":
		s, ok := l.scalar(kv.Value, "decimal_separator")
		if !ok || (s != "." && s != ",") {
			l.errorAt(kv.Value, `decimal_separator must be "." or ","`)
			return false
		}
		c.DecimalSeparator = s[0]
	case "thousands_separator":
		s, _ := l.scalar(kv.Value, "thousands_separator")
		if s == "" || len(s) > 4 || strings.ContainsAny(s, "0123456789+-") {
			l.errorAt(kv.Value, `thousands_separator must be a separator such as " ", "," or "."`)
			return false
		}
		c.ThousandsSeparator = s
	case "timezone":
		loc, ok := l.timezone(kv.Value)
		c.Timezone = loc
		return ok
	default:
		l.unknownKey(kv.Key, key, "column "+c.Name, columnKeys)
		return false
	}
	return true
}

// typeAliases are other names people write for the column types.
var typeAliases = map[string]Type{
	"str": String, "text": String, "integer": Int, "number": Float, "double": Float,
	"money": Decimal, "numeric": Decimal, "boolean": Bool, "date": Time, "datetime": Time, "timestamp": Time,
}

func (l *loader) columnType(c *Column, n ast.Node, s string) bool {
	if t, ok := typeAliases[strings.ToLower(s)]; ok {
		c.Type = t
		return true
	}
	for i, name := range typeNames {
		if s == name {
			c.Type = Type(i)
			return true
		}
	}
	l.errorAt(n, "unknown column type %q%s (types: %s)", s, didYouMean(s, typeNames), strings.Join(typeNames, ", "))
	return false
}

// columnFormat checks the time format, compiling a strftime pattern once,
// and the separators of numbers.
func (l *loader) columnFormat(c *Column, n ast.Node) bool {
	if c.Type != Time {
		if c.Format != "" {
			l.errorAt(n, "format is for time columns; column %q is %s", c.Name, c.Type)
			return false
		}
		return l.separators(c, n)
	}
	switch c.Format {
	case "":
		c.Format = "iso8601"
	case "iso8601", "unix", "unix_ms":
	default:
		layout, err := strftime.Compile(c.Format)
		if err != nil {
			l.errorAt(n, "column %q: %v", c.Name, err)
			return false
		}
		c.layout = layout
	}
	if c.DecimalSeparator != '.' || c.ThousandsSeparator != "" {
		l.errorAt(n, "decimal_separator and thousands_separator are for numbers; column %q is a time", c.Name)
		return false
	}
	return true
}

// separators checks that a column's separators are for numbers and that a
// number reads one way only.
func (l *loader) separators(c *Column, n ast.Node) bool {
	switch {
	case c.Type != Int && c.Type != Float && c.Type != Decimal && (c.DecimalSeparator != '.' || c.ThousandsSeparator != ""):
		l.errorAt(n, "decimal_separator and thousands_separator are for numbers; column %q is %s", c.Name, c.Type)
	case c.Type != Int && c.ThousandsSeparator == string(c.DecimalSeparator):
		l.errorAt(n, "column %q: thousands_separator and decimal_separator are both %q", c.Name, c.ThousandsSeparator)
	default:
		return true
	}
	return false
}
