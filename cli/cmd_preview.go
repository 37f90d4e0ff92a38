package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"csv2activity/activity"
	"csv2activity/document"
	"csv2activity/internal/progress"
	"csv2activity/mapping"
	"csv2activity/transform"
)

func previewCommand() *cli.Command {
	return &cli.Command{
		Name:      "preview",
		Usage:     "show the first activities of an export, under the rows they come from",
		ArgsUsage: "INPUT (- for standard input)",
		Description: "Builds the first N activities as convert would and prints each one, pretty-printed, under\n" +
			"its source rows and their line numbers; a rule an activity breaks is shown beside the\n" +
			"offending key, and the rows rejected on the way are listed with their reason. It reads\n" +
			"only as much input as N activities need (with group_by, up to the first row of the next\n" +
			"group: rows of one order are taken to be contiguous, as exports write them). Colour on a\n" +
			"terminal only, and never when NO_COLOR is set. Exit 0, or 3 when something shown would be\n" +
			"rejected by convert.\n\n" +
			"   csv2activity preview -m mapping.yaml orders.csv\n" +
			"   csv2activity preview -m mapping.yaml -n 2 orders.csv | less",
		Flags: []cli.Flag{
			mappingFlag(),
			sheetFlag(),
			&cli.IntFlag{Name: "n", Usage: "show the first `N` activities", Value: 5},
		},
		Action: func(c *cli.Context) error {
			opts, err := previewOptionsFrom(c)
			if err != nil {
				return err
			}
			return preview(c.Context, opts, c.App.Writer)
		},
	}
}

// previewOptions is a preview: what to build, and how many.
type previewOptions struct {
	config transform.Config
	input  string
	n      int
}

func previewOptionsFrom(c *cli.Context) (previewOptions, error) {
	if c.NArg() != 1 {
		return previewOptions{}, usageError{"preview: give exactly one INPUT (use - for standard input)"}
	}
	if c.Int("n") < 1 {
		return previewOptions{}, usageError{"-n: want at least 1 activity"}
	}
	m, err := mapping.Load(c.String("mapping"))
	if err != nil {
		return previewOptions{}, err
	}
	withSheet(c, m)
	return previewOptions{config: transform.Config{Mapping: m}, input: c.Args().First(), n: c.Int("n")}, nil
}

// preview prints the first activities of the input under their rows, and the
// rows rejected on the way, in input order.
func preview(ctx context.Context, opts previewOptions, stdout io.Writer) error {
	res, err := transform.Previews(ctx, opts.config, []string{opts.input}, opts.n)
	if err != nil {
		if mapping.IsMappingError(err) {
			return err
		}
		return fail(err)
	}
	pal := paletteFor(stdout)
	noun := "activity" // or, for another document type, "USER_PROFILE line"
	if t := opts.config.Mapping.DocumentType; t != "" && t != document.UserActivity {
		noun = string(t) + " line"
	}
	broken, fallen := 0, 0
	for _, it := range previewItems(res) {
		var ge *transform.GroupError
		switch {
		case it.reject != nil:
			writeRejected(stdout, pal, it.reject)
			continue
		case errors.As(it.preview.Err, &ge):
			fallen++
		case it.preview.Err != nil:
			broken++
		}
		writePreview(stdout, pal, noun, it.index, it.preview)
	}
	whole := ""
	if fallen > 0 {
		whole = fmt.Sprintf(", %d rejected whole", fallen)
	}
	fmt.Fprintf(stdout, "%s shown (%d breaking a rule%s); %d rows read, %d filtered by where, %d rejected\n",
		countOf(len(res.Activities), noun), broken, whole, res.Read, res.Filtered, len(res.Rejected))
	writeContiguity(stdout, pal, res)
	if broken > 0 || fallen > 0 || len(res.Rejected) > 0 {
		return errRejected
	}
	return nil
}

// writeContiguity says, with group_by, how far preview's reading of groups
// as contiguous goes: where it stopped, and any group seen scattered.
func writeContiguity(w io.Writer, pal palette, res *transform.PreviewResult) {
	if s := res.Scattered; s != nil {
		fmt.Fprintln(w, pal.warn(fmt.Sprintf("⚠ the groups of this input are not contiguous: group %q has rows at lines %d and %d with another group between.\n"+
			"  preview stops reading at the first row of the group after the last one shown, so a group may be shown without its rows\n"+
			"  further down; convert gathers every group from the whole input (check -m MAPPING INPUT shows what it would write).", s.Key, s.Lines[0], s.Lines[1])))
		return
	}
	if res.NextGroup > 0 {
		fmt.Fprintln(w, pal.dim(fmt.Sprintf("groups taken as contiguous: preview read up to line %d, where the next group starts; rows of the groups above that stand further down, if any, are not shown (convert gathers them).", res.NextGroup)))
	}
}

// previewItem is an activity or a rejected row, placed by its first line.
type previewItem struct {
	line    int
	index   int // of the activity, from 1
	preview *transform.Preview
	reject  *transform.Reject
}

func previewItems(res *transform.PreviewResult) []previewItem {
	var items []previewItem
	for i := range res.Activities {
		p := &res.Activities[i]
		line := 0
		if len(p.Rows) > 0 {
			line = p.Rows[0].Line
		}
		items = append(items, previewItem{line: line, index: i + 1, preview: p})
	}
	for i := range res.Rejected {
		items = append(items, previewItem{line: res.Rejected[i].Line, reject: &res.Rejected[i]})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].line < items[j].line })
	return items
}

func writeRejected(w io.Writer, pal palette, r *transform.Reject) {
	fmt.Fprintln(w, pal.warn(fmt.Sprintf("✗ line %d rejected: %s", r.Line, r.Reason)))
	fmt.Fprintln(w, pal.dim(sourceLine(r.Line, r.Raw)))
	fmt.Fprintln(w)
}

func writePreview(w io.Writer, pal palette, noun string, index int, p *transform.Preview) {
	fmt.Fprintln(w, pal.bold(fmt.Sprintf("%s %d, from %s", noun, index, rowsLabel(p.Rows))))
	for _, r := range p.Rows {
		fmt.Fprintln(w, pal.dim(sourceLine(r.Line, r.Raw)))
	}
	var v *activity.Violation
	errors.As(p.Err, &v)
	if p.Activity != nil {
		for _, l := range prettyLines(p.Activity, pal) {
			if v != nil && l.path == v.Path && !l.closing {
				l.text += "   " + pal.bad("← "+v.Msg)
				v = nil
			}
			fmt.Fprintln(w, l.text)
		}
	}
	switch {
	case p.Err != nil && p.Activity == nil:
		fmt.Fprintln(w, pal.bad("✗ not built: "+p.Err.Error()))
	case p.Err != nil:
		fmt.Fprintln(w, pal.bad("✗ breaks a rule, convert would reject its rows: "+p.Err.Error()))
	}
	fmt.Fprintln(w)
}

// rowsLabel names the source of an activity: "orders.csv lines 2-4".
func rowsLabel(rows []transform.SourceRow) string {
	if len(rows) == 0 {
		return "no row"
	}
	first, last := rows[0], rows[len(rows)-1]
	if len(rows) == 1 {
		return fmt.Sprintf("%s line %d", first.File, first.Line)
	}
	return fmt.Sprintf("%s lines %d-%d (%d rows)", first.File, first.Line, last.Line, len(rows))
}

func sourceLine(line int, raw string) string {
	return fmt.Sprintf("%6d │ %s", line, strings.ReplaceAll(raw, "\n", "⏎"))
}

// prettyLine is a line of an indented activity and the path of the value it
// opens, as activity.Violation spells paths.
type prettyLine struct {
	text    string
	path    string
	closing bool // closes an object or a list: no violation beside it
}

// prettyLines indents an activity, two spaces a level, keys in their order;
// a list of a few scalars stays on one line.
func prettyLines(o *activity.Object, pal palette) []prettyLine {
	pr := &pretty{pal: pal}
	pr.value("", "", o, 0, "")
	return pr.lines
}

// pretty is the state of prettyLines.
type pretty struct {
	lines []prettyLine
	pal   palette
}

// value writes v at depth, after prefix (its key) and before comma.
func (pr *pretty) value(prefix, path string, v any, depth int, comma string) {
	pad := strings.Repeat("  ", depth)
	switch v := v.(type) {
	case *activity.Object:
		if v == nil || len(v.Fields) == 0 {
			pr.add(pad+prefix+"{}"+comma, path, false)
			return
		}
		pr.add(pad+prefix+"{", path, false)
		for i, f := range v.Fields {
			key := pr.pal.key(string(activity.AppendJSON(nil, f.Key))) + ": "
			pr.value(key, activity.FieldPath(path, f.Key), f.Value, depth+1, separator(i, len(v.Fields)))
		}
		pr.add(pad+"}"+comma, path, true)
	case []any:
		if inline, ok := inlineList(v); ok {
			pr.add(pad+prefix+inline+comma, path, false)
			return
		}
		pr.add(pad+prefix+"[", path, false)
		for i, e := range v {
			pr.value("", path+"["+strconv.Itoa(i)+"]", e, depth+1, separator(i, len(v)))
		}
		pr.add(pad+"]"+comma, path, true)
	default:
		pr.add(pad+prefix+string(activity.AppendJSON(nil, v))+comma, path, false)
	}
}

// add appends a line; closing is true for the line that closes an object or
// a list, which a violation is never shown beside.
func (pr *pretty) add(text, path string, closing bool) {
	pr.lines = append(pr.lines, prettyLine{text: text, path: path, closing: closing})
}

func separator(i, n int) string {
	if i < n-1 {
		return ","
	}
	return ""
}

// inlineList writes a short list of scalars on one line ([48.85, 2.35]).
func inlineList(a []any) (string, bool) {
	if len(a) == 0 {
		return "[]", true
	}
	parts := make([]string, len(a))
	for i, e := range a {
		switch e.(type) {
		case *activity.Object, []any:
			return "", false
		}
		parts[i] = string(activity.AppendJSON(nil, e))
	}
	s := "[" + strings.Join(parts, ", ") + "]"
	return s, len(s) <= 60
}

// palette colours the preview on a terminal, and leaves it plain otherwise.
type palette struct{ on bool }

// paletteFor colours w when it is a terminal and NO_COLOR is unset (or
// empty), as no-color.org asks.
func paletteFor(w io.Writer) palette {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return palette{}
	}
	return palette{on: progress.Terminal(w)}
}

func (p palette) paint(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p palette) bold(s string) string { return p.paint("1", s) }
func (p palette) dim(s string) string  { return p.paint("2", s) }
func (p palette) key(s string) string  { return p.paint("36", s) }
func (p palette) bad(s string) string  { return p.paint("1;31", s) }
func (p palette) warn(s string) string { return p.paint("33", s) }
