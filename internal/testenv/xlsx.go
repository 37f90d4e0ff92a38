package testenv

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// A Sheet is one sheet of a workbook WriteWorkbook writes: its name and its
// rows of cells, each a string (a text cell), an int or a float64 (a number
// cell) or a time.Time (a date cell, in Excel's m/d/yyyy display format).
type Sheet struct {
	Name string
	Rows [][]any
	// Shared puts the sheet's text in the workbook's shared strings, as
	// Excel writes it; else each text cell holds its own (an inline string,
	// as streaming writers write it).
	Shared bool
}

// WriteWorkbook writes an Excel workbook (.xlsx) of sheets, in their order,
// to path: the few parts Excel needs, each sheet's text as inline strings
// or, with Shared, in the workbook's shared strings. It is the
// end-to-end tests' writer of workbooks, so that the program they start
// (this test executable) does not carry a spreadsheet library's start-up
// cost; input's tests hold the program's reader to such a library's.
func WriteWorkbook(path string, sheets []Sheet) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	z := zip.NewWriter(f)
	var types, names, rels strings.Builder
	for i, s := range sheets {
		n := i + 1
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&names, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, escapeXML(s.Name), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
	}
	styles := len(sheets) + 1
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, styles)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, styles+1)
	types.WriteString(`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
	parts := []struct{ name, text string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
			types.String() + `</Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets>` + names.String() + `</sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`},
		// Style 1 displays a date: built-in number format 14 (m/d/yyyy).
		{"xl/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
			`<fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
			`<borders count="1"><border/></borders>` +
			`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
			`<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
			`<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
			`</styleSheet>`},
	}
	for _, p := range parts {
		w, err := z.Create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, p.text); err != nil {
			return err
		}
	}
	shared := &sharedStrings{index: map[string]int{}}
	for i, s := range sheets {
		w, err := z.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1))
		if err != nil {
			return err
		}
		strs := shared
		if !s.Shared {
			strs = nil
		}
		if err := writeSheet(w, s.Rows, strs); err != nil {
			return fmt.Errorf("sheet %s: %w", s.Name, err)
		}
	}
	w, err := z.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, shared.part()); err != nil {
		return err
	}
	return z.Close()
}

// sharedStrings is a workbook's shared strings: each text once, in the
// order first written.
type sharedStrings struct {
	index map[string]int
	texts []string
}

// add returns the index of text, added if new.
func (s *sharedStrings) add(text string) int {
	i, ok := s.index[text]
	if !ok {
		i = len(s.texts)
		s.index[text] = i
		s.texts = append(s.texts, text)
	}
	return i
}

// part is the shared strings part.
func (s *sharedStrings) part() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(s.texts), len(s.texts))
	for _, t := range s.texts {
		fmt.Fprintf(&b, `<si><t xml:space="preserve">%s</t></si>`, escapeXML(t))
	}
	b.WriteString(`</sst>`)
	return b.String()
}

// writeSheet writes a worksheet part of rows, their text in shared when
// set.
func writeSheet(w io.Writer, rows [][]any, shared *sharedStrings) error {
	b := bufio.NewWriter(w)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, row := range rows {
		fmt.Fprintf(b, `<row r="%d">`, i+1)
		for j, v := range row {
			ref := columnName(j) + strconv.Itoa(i+1)
			switch v := v.(type) {
			case string:
				if shared != nil {
					fmt.Fprintf(b, `<c r="%s" t="s"><v>%d</v></c>`, ref, shared.add(v))
					continue
				}
				fmt.Fprintf(b, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, escapeXML(v))
			case int:
				fmt.Fprintf(b, `<c r="%s"><v>%d</v></c>`, ref, v)
			case float64:
				fmt.Fprintf(b, `<c r="%s"><v>%s</v></c>`, ref, strconv.FormatFloat(v, 'g', -1, 64))
			case time.Time:
				fmt.Fprintf(b, `<c r="%s" s="1"><v>%s</v></c>`, ref, strconv.FormatFloat(excelSerial(v), 'f', -1, 64))
			default:
				return fmt.Errorf("row %d: a cell of type %T", i+1, v)
			}
		}
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.Flush()
}

// columnName is a column's letters: A for 0, Z for 25, AA for 26.
func columnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// excelSerial is t as Excel holds a date: days since 1899-12-30 (true from
// 1900-03-01 on), the time of day as a fraction.
func excelSerial(t time.Time) float64 {
	return float64(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, t.Location()))) / float64(24*time.Hour)
}

// escapeXML is s as XML text or an attribute's value.
func escapeXML(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
