package starter

import (
	"fmt"
	"strings"
	"time"
)

// Source says where a profile's rows came from, for the draft's comments.
type Source struct {
	Name      string // the input as given on the command line
	Delimiter rune   // as sniffed, or named by a sep= line
	SepLine   bool   // the input started with Excel's "sep=;" line
	Encoding  string // as detected: ascii, utf-8, utf-8 (BOM), windows-1252…
	Sheet     string // an Excel workbook's sheet read ("" for other inputs)
	// Complete is true when every row of the input was profiled, false when
	// only a sample was (standard input, or --quick).
	Complete bool
	// Malformed counts the rows convert cannot read whatever the mapping
	// (broken quotes, a wrong number of fields); MalformedLines has the
	// first few.
	Malformed      int
	MalformedLines []int
}

// Draft is a starter mapping: the columns typed, the roles placed, the
// choices made. Write prints it as YAML.
type Draft struct {
	Source  Source
	Rows    int
	Columns []*Column
	French  bool // the export follows French conventions
	Group   bool // one activity per order: group_by the Order column
	// Combined is true when $ts reads the Date column together with the
	// TimeOfDay column (both kept as text).
	Combined bool
	// Notes are the things a user must look at (an ambiguous date, no user
	// identifier, malformed rows), also printed on standard error by init.
	Notes []string

	roles [numRoles]*Column
	names names
	lines *lineStats
	where []condition // the where clauses, set by shape
	// DocumentType is the type of the lines drafted: "" for activities, or
	// Profiles or Associations (document.go); Choice says why.
	DocumentType, Choice string

	// dayOrder says why an ambiguous date is read in the order it is:
	// "written day first, as French exports do".
	dayOrder string
}

// Draft concludes a profile: types, roles and the shape of the activity.
func (p *Profile) Draft(src Source) *Draft {
	d := &Draft{Source: src, Rows: p.Rows, lines: &p.lines}
	typed := p.columnsOnce()
	d.French = p.french(src, typed)
	dayFirst, why := dayFirstOf(typed(d.French), d.French)
	d.Columns, d.dayOrder = typed(dayFirst), why
	for _, c := range d.Columns {
		if c.Ambiguous != "" {
			c.Why += "; " + why
		}
	}
	d.names = newNames(d.Columns)
	d.assign()
	if d.chooseDocument() {
		d.noteAmbiguous()
		return d
	}
	d.shape()
	return d
}

// Role returns the column placed in role r, or nil.
func (d *Draft) Role(r Role) *Column { return d.roles[r] }

// columnsOnce returns Columns for a reading of ambiguous dates, each reading
// typed once: french, dayFirstOf and Draft ask in turn, and typing the
// columns (their names read for every role) is most of a wide export's
// draft.
func (p *Profile) columnsOnce() func(dayFirst bool) []*Column {
	var typed [2][]*Column // month first, day first
	return func(dayFirst bool) []*Column {
		i := 0
		if dayFirst {
			i = 1
		}
		if typed[i] == nil {
			typed[i] = p.Columns(dayFirst)
		}
		return typed[i]
	}
}

// french reports whether the export looks French: ";" between fields,
// decimal commas or French column names.
func (p *Profile) french(src Source, typed func(dayFirst bool) []*Column) bool {
	if src.Delimiter == ';' {
		return true
	}
	for _, name := range p.Header {
		if hasWord(name, frenchWords...) {
			return true
		}
	}
	for _, c := range typed(true) {
		if c.Decimal == "," {
			return true
		}
	}
	return false
}

// dayFirstOf decides how to read dates whose day and month cannot be told
// apart: like the export's other dates (cols, typed as a French export's
// when french) when one of them can tell, else day first for a French
// export and month first otherwise; why says which.
func dayFirstOf(cols []*Column, french bool) (bool, string) {
	for _, c := range cols {
		if c.Type == "time" && c.Ambiguous == "" && c.Evidence != "" {
			return strings.Index(c.Format, "%d") < strings.Index(c.Format, "%m"), "written as " + c.Name + " reads"
		}
	}
	if french {
		return true, "written day first, as French exports do"
	}
	return false, "written month first, for want of a hint"
}

// assign places each role on the column whose name says it best, among the
// columns whose values fit it; a column takes one role.
func (d *Draft) assign() {
	taken := map[*Column]bool{}
	for r := Role(1); r < numRoles; r++ {
		var best *Column
		bestScore := 0
		for _, c := range d.Columns {
			if s := recognise(r, c.Name); !taken[c] && !c.Duplicate && s > bestScore && (fits(r, c) || c.Near != nil && fits(r, c.Near)) {
				best, bestScore = c, s
			}
		}
		if best == nil && r == Date {
			best = d.anyDate(taken)
		}
		if best == nil {
			continue
		}
		if !fits(r, best) {
			d.adoptNear(best)
		}
		d.roles[r], best.Role, taken[best] = best, r, true
	}
}

// adoptNear types a text column that plays a role with the type nearly all
// its values have, and notes the rows its misfits will have rejected.
func (d *Draft) adoptNear(c *Column) {
	n := c.Near
	c.Type, c.Format, c.Decimal, c.Thousands, c.Optional = n.Type, n.Format, n.Decimal, n.Thousands, n.Optional
	c.Ambiguous, c.Evidence, c.Min, c.Max, c.Misfits, c.Misfit = n.Ambiguous, n.Evidence, n.Min, n.Max, n.Misfits, n.Misfit
	c.Why = fmt.Sprintf("%s, but for %s", n.Why, plural(n.Misfits, "value"))
	c.Near = nil
	what := c.Type
	if c.Format != "" {
		what = c.Format
	}
	example, verb := fmt.Sprintf("%q", c.Misfit), "does"
	if c.Misfits > 1 {
		example, verb = example+", …", "do"
	}
	d.note(fmt.Sprintf("column %q: %s (%s) %s not read as %s: their rows will be rejected (check lists them)",
		c.Name, plural(c.Misfits, "value"), example, verb, what))
}

// plural writes n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// anyDate returns a time column when none is named like a purchase date: one
// the date vetoes do not rule out if possible (a ship date is a last resort).
func (d *Draft) anyDate(taken map[*Column]bool) *Column {
	var fallback *Column
	for _, c := range d.Columns {
		if taken[c] || c.Type != "time" || c.Duplicate {
			continue
		}
		if !hasWord(c.Name, dateVeto...) {
			return c
		}
		if fallback == nil {
			fallback = c
		}
	}
	return fallback
}

// fits reports whether column c's values can play role r.
func fits(r Role, c *Column) bool {
	numeric := c.Type == "int" || c.Type == "decimal" || c.Type == "float"
	switch r {
	case Date:
		return c.Type == "time"
	case TimeOfDay:
		return c.TimeOfDay != ""
	case Quantity, UnitPrice, Amount, Discount:
		return numeric
	case Email:
		return c.Type == "string" && strings.Contains(c.Example, "@")
	case Currency:
		return c.Type == "string" && c.Blanks == 0 && allCurrencies(c.Distinct)
	case Event:
		return c.Type == "string" && c.Blanks == 0 && len(c.Distinct) > 0
	}
	return c.Type == "string" && (c.Values > 0 || c.Blanks == 0)
}

func allCurrencies(values []string) bool {
	for _, v := range values {
		if len(v) != 3 || strings.ToUpper(v) != v || strings.ToLower(v) == v {
			return false
		}
	}
	return len(values) > 0
}

// shape decides grouping and the timestamp, and notes what needs a look.
func (d *Draft) shape() {
	order, date, clock := d.roles[Order], d.roles[Date], d.roles[TimeOfDay]
	d.Group = order != nil && order.Repeats
	if date != nil && clock != nil && date.Format != "iso8601" && isDateOnly(date.Format) {
		d.Combined = true
	}
	switch {
	case date == nil:
		d.note("no column reads as the purchase date: $ts is a placeholder to replace")
	}
	d.noteAmbiguous()
	if d.identifier() == nil {
		d.note("no column reads as a customer id, an e-mail or a user agent id: the user identifier is a placeholder to replace")
	}
	if n := d.Source.Malformed; n > 0 {
		verb := "are"
		if n == 1 {
			verb = "is"
		}
		d.note(fmt.Sprintf("%s %s malformed and will be rejected whatever the mapping (%s): run check to see them",
			plural(n, "row"), verb, lineList(d.Source.MalformedLines, n)))
	}
	d.where = d.conditions()
	d.noteReturns()
	d.noteCodes()
	d.notePrice()
}

func (d *Draft) note(s string) { d.Notes = append(d.Notes, s) }

// noteAmbiguous says which date columns read as well day first as month
// first, how the mapping reads them and where it shows the other reading.
func (d *Draft) noteAmbiguous() {
	for _, c := range d.Columns {
		if c.Ambiguous == "" || c.Duplicate {
			continue
		}
		where := "on the line after it in columns"
		if d.Combined && c == d.roles[Date] {
			where = "under $ts"
		}
		d.note(fmt.Sprintf("column %q: AMBIGUOUS dates: no value has a day past 12, so day and month cannot be told apart: "+
			"read as %s (%s); the other reading, %s, is %s: check which is right", c.Name, c.Format, d.dayOrder, c.Ambiguous, where))
	}
}

// noteCodes says which codes the draft reads otherwise than as written (ids
// written as floats) or would need a look (postal codes without their
// leading zeros).
func (d *Draft) noteCodes() {
	for _, c := range d.Columns {
		switch {
		case c.Role == None:
		case c.FloatID:
			d.note(fmt.Sprintf(`column %q: every value ends in ".0" (%q), as ids written as floats do: the mapping reads them without it: %s`,
				c.Name, c.Example, expr(d.names.value(c))))
		case c.Role == Zip && c.Short > 0:
			d.note(fmt.Sprintf("column %q: %s shorter than the %d digits of the others (%q): leading zeros lost by a spreadsheet? "+
				"The comment beside $zip_code shows how to put them back", c.Name, plural(c.Short, "value"), c.Width, c.ShortExample))
		}
	}
}

// identifier returns the column that identifies the user: a customer id,
// else an e-mail, else a user agent id; nil when there is none.
func (d *Draft) identifier() *Column {
	for _, r := range []Role{Customer, Email, UserAgent} {
		if c := d.roles[r]; c != nil {
			return c
		}
	}
	return nil
}

func isDateOnly(format string) bool {
	for _, f := range timeFormats() {
		if f.format == format {
			return f.dateOnly
		}
	}
	return false
}

// earliest is the first $ts the platform takes for milliseconds (below, it
// reads seconds): dates before it are filtered out.
var earliest = time.UnixMilli(1e11)

// conditions are the where clauses that keep rows that cannot make a valid
// activity out of the conversion (counted as filtered), with why.
func (d *Draft) conditions() []condition {
	var cs []condition
	add := func(expr, what, why string) { cs = append(cs, condition{expr: expr, what: what, why: why}) }
	if id := d.identifier(); id != nil && id.Blanks > 0 {
		add(fmt.Sprintf(`trim(%s) != ""`, d.names.ref(id)), fmt.Sprintf("%s without %s", plural(id.Blanks, "row"), id.Name), "they cannot be attributed to anyone")
	}
	if o := d.roles[Order]; d.Group && o.Blanks > 0 {
		add(fmt.Sprintf(`trim(%s) != ""`, d.names.ref(o)), fmt.Sprintf("%s without %s", plural(o.Blanks, "row"), o.Name), "they belong to no order")
	}
	date := d.roles[Date]
	switch {
	case date == nil:
	case d.Combined:
		clock := d.roles[TimeOfDay]
		if date.Blanks+clock.Blanks > 0 {
			add(fmt.Sprintf(`%s != "" && %s != ""`, d.names.ref(date), d.names.ref(clock)), "rows without a date or a time", "they have no $ts")
		}
	case date.Optional:
		add(d.names.ref(date)+" != nil", fmt.Sprintf("%s without %s", plural(date.Blanks, "row"), date.Name), "they have no $ts")
	}
	if date != nil && !d.Combined && !date.Min.IsZero() && date.Min.Before(earliest) {
		add(fmt.Sprintf("millis(%s) >= 100000000000", d.names.ref(date)), "dates before March 1973", "they would read as seconds: the platform refuses them")
	}
	return append(cs, d.itemConditions()...)
}

// lineList writes the first line numbers, with … when there are more.
func lineList(lines []int, total int) string {
	var b strings.Builder
	b.WriteString("line")
	if total > 1 {
		b.WriteString("s")
	}
	for i, l := range lines {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %d", l)
	}
	if total > len(lines) {
		b.WriteString(", …")
	}
	return b.String()
}
