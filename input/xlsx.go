package input

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// An Excel workbook (.xlsx) is a zip archive of XML parts. xlsxBook reads
// the few it needs with the standard library, once: the sheets' names and
// parts (xl/workbook.xml and its relationships), which cell styles show
// dates (xl/styles.xml) and the shared strings (xl/sharedStrings.xml); the
// sheet itself is then streamed a row at a time (workbook.go). Elements are
// matched by their local names, so that Strict OOXML's namespaces read as
// the transitional ones. Reference: TestXLSXMatchesExcelize.

// xlsxBook is an opened workbook.
type xlsxBook struct {
	zr       *zip.Reader
	sheets   []xlsxSheet
	date1904 bool
	dates    []bool // by cell style (cellXfs index): it shows a date or time
}

// xlsxSheet is a sheet: its name and its part in the archive.
type xlsxSheet struct {
	name, part string
}

// Parts of a workbook, where Excel and every other writer put them.
const (
	workbookPart = "xl/workbook.xml"
	relsPart     = "xl/_rels/workbook.xml.rels"
	stylesPart   = "xl/styles.xml"
	stringsPart  = "xl/sharedStrings.xml"
)

// openXLSX reads the workbook in ra (size bytes): its sheets and styles.
func openXLSX(ra io.ReaderAt, size int64) (*xlsxBook, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, err
	}
	b := &xlsxBook{zr: zr}
	targets := map[string]string{}
	if err := b.each(relsPart, false, func(e xml.StartElement) {
		if e.Name.Local == "Relationship" {
			targets[attr(e, "Id")] = attr(e, "Target")
		}
	}); err != nil {
		return nil, err
	}
	if err := b.each(workbookPart, true, func(e xml.StartElement) {
		switch e.Name.Local {
		case "workbookPr":
			v := attr(e, "date1904")
			b.date1904 = v == "1" || v == "true"
		case "sheet":
			b.sheets = append(b.sheets, xlsxSheet{name: attr(e, "name"), part: partOf(targets[attr(e, "id")])})
		}
	}); err != nil {
		return nil, err
	}
	return b, b.readStyles()
}

// partOf is the part a relationship of the workbook targets: relative to
// xl/, or absolute from the archive's root.
func partOf(target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return path.Join("xl", target)
}

// readStyles finds the cell styles that show dates: a built-in date format,
// or a custom format with a date or time part.
func (b *xlsxBook) readStyles() error {
	custom := map[int]string{}
	var xfs []int // each cell style's format, -1 when it has none
	inXfs := false
	err := b.each(stylesPart, false, func(e xml.StartElement) {
		switch e.Name.Local {
		case "numFmt":
			if id, err := strconv.Atoi(attr(e, "numFmtId")); err == nil {
				custom[id] = attr(e, "formatCode")
			}
		case "cellXfs":
			inXfs = true
		case "cellStyleXfs", "dxfs", "cellStyles":
			inXfs = false
		case "xf":
			if inXfs {
				id, err := strconv.Atoi(attr(e, "numFmtId"))
				if err != nil {
					id = -1
				}
				xfs = append(xfs, id)
			}
		}
	})
	b.dates = make([]bool, len(xfs))
	for i, id := range xfs {
		code, ok := custom[id]
		switch {
		case id < 0:
		case builtInFormat(id):
			b.dates[i] = isDateID(id)
		case ok:
			b.dates[i] = isDateCode(code)
		}
	}
	return err
}

// readStrings reads the workbook's shared strings into a table: each <si>'s
// text (richText), its _xHHHH_ escapes decoded.
func (b *xlsxBook) readStrings() (*stringTable, error) {
	t := &stringTable{}
	r, err := b.open(stringsPart)
	if errors.Is(err, errNoPart) {
		return t, nil
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if err := t.read(newXMLScan(r)); err != nil {
		t.Close()
		return nil, fmt.Errorf("%s: %w", stringsPart, err)
	}
	return t, nil
}

// read adds the strings of a shared strings part to t.
func (t *stringTable) read(x *xmlScan) error {
	var text []byte
	for {
		tag, err := x.next()
		switch {
		case err == io.EOF:
			return t.done()
		case err != nil:
			return err
		case string(tag.local) != "si" || tag.end:
			continue
		case !tag.empty:
			if text, err = x.richText(text[:0], "si"); err != nil {
				return err
			}
		default:
			text = text[:0]
		}
		s := text
		if bytes.Contains(text, []byte("_x")) { // else as it is, not copied twice
			s = []byte(unescapeText(string(text)))
		}
		if err := t.add(s); err != nil {
			return err
		}
	}
}

// each calls f on each start element of part; a part that is not in the
// archive is an error when needed, else nothing.
func (b *xlsxBook) each(part string, needed bool, f func(xml.StartElement)) error {
	r, err := b.open(part)
	if errors.Is(err, errNoPart) && !needed {
		return nil
	}
	if err != nil {
		return err
	}
	defer r.Close()
	d := xml.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", part, err)
		}
		if e, ok := tok.(xml.StartElement); ok {
			f(e)
		}
	}
}

var errNoPart = errors.New("not in the workbook")

// open opens a part of the archive.
func (b *xlsxBook) open(part string) (io.ReadCloser, error) {
	for _, f := range b.zr.File {
		if f.Name == part {
			return f.Open()
		}
	}
	return nil, fmt.Errorf("%s: %w", part, errNoPart)
}

// attr is the value of e's attribute of that local name, or "".
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// unexpectedEOF is err, an end of a part inside an element, as an error.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// builtInFormat reports whether id is one of the number formats that Excel
// does not write in a workbook's styles (excelize's builtInNumFmt and its
// language formats): these ids mean their built-in format even when the
// styles define them.
func builtInFormat(id int) bool {
	return id >= 0 && id <= 4 || id >= 9 && id <= 22 || id >= 27 && id <= 62 || id >= 67 && id <= 81
}

// isDateID reports whether the built-in number format id shows a date or a
// time.
func isDateID(id int) bool {
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)
}

// isDateCode reports whether a custom number format shows a date or a time:
// its first section has a date part (d, m, y, h or s outside quotes,
// brackets and escapes).
func isDateCode(code string) bool {
	if i := strings.IndexByte(code, ';'); i >= 0 {
		code = code[:i]
	}
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '[':
			bracket = true
		case c == ']':
			bracket = false
		case bracket:
		case c == '\\' || c == '_' || c == '*':
			i++
		case strings.IndexByte("dmyhsDMYHS", c) >= 0:
			return true
		}
	}
	return false
}
