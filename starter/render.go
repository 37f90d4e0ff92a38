package starter

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"csv2activity/mapping"
)

// yamlOut builds the YAML text line by line, comments aligned.
type yamlOut struct{ bytes.Buffer }

// commentColumn is where end-of-line comments start when the line is short.
const commentColumn = 40

// line writes text at indent, with an end-of-line comment if given.
func (y *yamlOut) line(indent int, text, comment string) {
	s := strings.Repeat("  ", indent) + text
	if comment != "" {
		pad := max(2, commentColumn-len([]rune(s)))
		s += strings.Repeat(" ", pad) + "# " + comment
	}
	y.WriteString(s)
	y.WriteByte('\n')
}

// kv writes "key: value".
func (y *yamlOut) kv(indent int, key, value, comment string) {
	y.line(indent, key+": "+value, comment)
}

// comment writes whole-line comments at indent.
func (y *yamlOut) comment(indent int, lines ...string) {
	for _, l := range lines {
		y.WriteString(strings.TrimRight(strings.Repeat("  ", indent)+"# "+l, " ") + "\n")
	}
}

// Write prints the draft as a YAML mapping with a comment for each choice and
// its alternatives. The mapping loads and compiles against the export's
// header; unless a note says otherwise, it converts every row that is a
// well-formed record without rejecting any.
func (d *Draft) Write(w io.Writer) error {
	var y yamlOut
	d.writeHeader(&y)
	d.writeInput(&y)
	d.writeColumns(&y)
	if d.DocumentType != "" {
		d.writeDocument(&y)
	} else {
		d.writeWhere(&y)
		d.writeGroupBy(&y)
		d.writeActivity(&y)
		d.writeUnused(&y)
	}
	_, err := w.Write(y.Bytes())
	return err
}

func (d *Draft) writeHeader(y *yamlOut) {
	src := d.Source
	name := src.Name
	if name == "-" {
		name = "standard input"
	}
	y.comment(0, "Starter mapping for "+name+", written by csv2activity init.")
	read := fmt.Sprintf("every one of its %d rows was read to type the columns", d.Rows)
	if !src.Complete {
		read = fmt.Sprintf("its first %d rows were read to type the columns (check reads the rest)", d.Rows)
	}
	y.comment(0, "  "+read+".", "  Every choice is explained beside it, with its alternatives. Change what is wrong, then:",
		"    csv2activity preview -m mapping.yaml "+src.Name+"    # the first activities, under their rows",
		"    csv2activity check -m mapping.yaml "+src.Name+"      # every row: rejected ones grouped by reason",
		"    csv2activity convert -m mapping.yaml -o activities.ndjson "+src.Name)
	if len(d.Notes) > 0 {
		y.comment(0, "", "LOOK AT THIS FIRST:")
		for _, n := range d.Notes {
			y.comment(0, "  - "+n)
		}
	}
	y.line(0, "version: 1", "")
	if d.DocumentType != "" {
		y.kv(0, "document_type", d.DocumentType, d.Choice)
	}
	y.WriteByte('\n')
}

func (d *Draft) writeInput(y *yamlOut) {
	src := d.Source
	y.line(0, "input:", "")
	delim := strings.Trim(strconv.QuoteRune(src.Delimiter), "'") // as YAML escapes it: "\t"
	why := "sniffed from the header line"
	if src.SepLine {
		why = "named by the file's first line, sep=" + delim + " (skipped: the header is line 2)"
	}
	y.kv(1, "delimiter", `"`+delim+`"`, why)
	if src.Sheet != "" {
		y.kv(1, "sheet", quoted(src.Sheet), "the Excel workbook's sheet read (default its first); its cells keep their types")
	}
	if names := mapping.DistinctNames(d.header()); names != nil {
		y.kv(1, "names", flowList(names), "the header names two columns alike (or one not at all): each its own name here")
	}
	switch src.Encoding {
	case "windows-1252":
		y.kv(1, "encoding", "windows-1252", "detected: bytes that are not UTF-8 after plain ASCII (Excel, tills)")
	case "ascii":
		y.kv(1, "encoding", "auto", "detected: plain ASCII so far; auto reads UTF-8, or windows-1252 from a first non-UTF-8 byte")
	default:
		y.kv(1, "encoding", "auto", "detected: "+src.Encoding+"; or utf-8, windows-1252, iso-8859-1, utf-16")
	}
	if d.French {
		y.kv(1, "timezone", "Europe/Paris", "the zone of times without an offset: assumed from the French conventions")
	} else {
		y.kv(1, "timezone", "UTC", "the zone of times without an offset: the stores' own, e.g. America/New_York")
	}
	y.WriteByte('\n')
}

func (d *Draft) writeColumns(y *yamlOut) {
	y.comment(0, "Column types, inferred from the values. Untyped columns are strings (identifiers keep their",
		"leading zeros). A cell that does not convert rejects its row; optional: true reads an empty cell as nil.")
	y.line(0, "columns:", "")
	for _, c := range d.Columns {
		if c.Duplicate {
			y.comment(1, fmt.Sprintf("%s: a second column of that name: only the first is typed and named", scalar(c.Name)))
			continue
		}
		spec, why := d.spec(c), c.Why
		if c.Optional {
			why += "; " + plural(c.Blanks, "empty cell")
		}
		combined := d.Combined && c == d.roles[Date]
		if combined {
			why = fmt.Sprintf("%s dates, read with %s in $ts below: kept as text", c.Format, d.roles[TimeOfDay].Name)
			if c.Ambiguous != "" {
				why = "AMBIGUOUS " + why + "; the other reading is under $ts"
			}
		}
		y.kv(1, scalar(c.Name), spec, why)
		if c.Ambiguous != "" && !combined {
			alt := *c
			alt.Format, alt.Ambiguous = c.Ambiguous, ""
			y.comment(1, scalar(c.Name)+": "+alt.spec()+"   # the other reading: use it if these dates are "+dateOrder(c.Ambiguous))
		}
	}
	y.WriteByte('\n')
}

// spec writes a column's type and options as the columns section reads
// them; the date read with a time of day stays text.
func (d *Draft) spec(c *Column) string {
	if d.Combined && c == d.roles[Date] {
		return "string"
	}
	return c.spec()
}

// spec writes the column's type and options as the columns section reads
// them: "decimal", "{type: time, format: "%d/%m/%Y", optional: true}".
func (c *Column) spec() string {
	if c.Type == "string" {
		return "string"
	}
	var opts []string
	if c.Format != "" {
		f := c.Format
		if f != "iso8601" && f != "unix" && f != "unix_ms" {
			f = quoted(f)
		}
		opts = append(opts, "format: "+f)
	}
	if c.Decimal != "" {
		opts = append(opts, `decimal_separator: ","`)
	}
	if c.Thousands != "" {
		opts = append(opts, "thousands_separator: "+quoted(c.Thousands))
	}
	if c.Optional {
		opts = append(opts, "optional: true")
	}
	if len(opts) == 0 {
		return c.Type
	}
	return "{type: " + c.Type + ", " + strings.Join(opts, ", ") + "}"
}

// dateOrder names the day-month order of a format.
func dateOrder(format string) string {
	if strings.Index(format, "%m") < strings.Index(format, "%d") {
		return "month first (American)"
	}
	return "day first (European)"
}

func (d *Draft) writeWhere(y *yamlOut) {
	if len(d.where) == 0 {
		example := "Quantity > 0"
		if q := d.roles[Quantity]; q != nil {
			example = d.names.ref(q) + " > 0"
		}
		y.comment(0, "where: ${ "+example+" }    a filter run on every row before grouping: false leaves the row out",
			"(counted as filtered, not rejected). Nothing needs filtering here.")
		y.WriteByte('\n')
		return
	}
	y.comment(0, "Rows left out of the conversion (counted as filtered by where, not rejected):")
	conds := make([]string, len(d.where))
	for i, c := range d.where {
		y.comment(0, "  "+c.what+": "+c.why)
		conds[i] = c.expr
	}
	y.kv(0, "where", expr(strings.Join(conds, " && ")), "")
	d.writeReturns(y)
	y.WriteByte('\n')
}

func (d *Draft) writeGroupBy(y *yamlOut) {
	order := d.roles[Order]
	switch {
	case order == nil:
		y.comment(0, "No column reads as an order or ticket id: one activity per row.",
			"group_by: ${ Order_ID }    would make the rows with the same key one activity.")
	case d.Group:
		y.comment(0, fmt.Sprintf("%s repeats: an order spans several lines. The rows of each order make one activity,", order.Name),
			"wherever they are in the file; bare column names then read the order's first row.")
		y.kv(0, "group_by", expr(d.names.ref(order)), "")
	default:
		y.comment(0, fmt.Sprintf("Every %s seen is on one line only: one activity per row. If an order can span", order.Name),
			"several lines, group them into one activity:",
			"group_by: "+expr(d.names.ref(order)))
	}
	y.WriteByte('\n')
}

func (d *Draft) writeUnused(y *yamlOut) {
	var unused []string
	var example *Column
	for _, c := range d.Columns {
		if c.Role == None && c.TimeOfDay == "" && !c.Duplicate {
			unused = append(unused, c.Name)
			if example == nil {
				example = c
			}
		}
	}
	if len(unused) == 0 {
		return
	}
	y.WriteByte('\n')
	y.comment(0, "Not used above: "+strings.Join(unused, ", ")+".",
		"Add any as a custom property (a key without $), on the activity or on each item, e.g.",
		"  "+propertyKey(example.Name)+": "+expr(d.names.ref(example)))
}

// propertyKey turns a column name into a custom property key: "Ship Mode"
// -> ship_mode.
func propertyKey(name string) string {
	key := strings.Join(words(name), "_")
	if key == "" || strings.HasPrefix(key, "$") {
		return "column"
	}
	return scalar(key)
}

// header is the export's header: its columns' names.
func (d *Draft) header() []string {
	h := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		h[i] = c.Name
	}
	return h
}
