package main

import (
	"archive/zip"
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"

	"csv2activity/internal/testenv"
	"github.com/rogpeppe/go-internal/testscript"
)

// The script commands that make the other kinds of an export from a CSV
// file, with the libraries that read them, so that scripts can check that
// every kind gives the same activities.
func init() {
	scriptCmds["compress"] = compressCmd
	scriptCmds["xlsx"] = xlsxCmd
	scriptCmds["parquet"] = parquetCmd
}

// compressCmd is "compress gzip|zstd|zip SRC DST [MEMBER...]": DST is SRC
// compressed; a zip archive holds SRC under each MEMBER name (default SRC's),
// or FILE under a MEMBER written NAME=FILE (a workbook's parts, one by one).
func compressCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: compress gzip|zstd|zip SRC DST [MEMBER[=FILE]...]")
	}
	src, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	out, err := os.Create(ts.MkAbs(args[2]))
	ts.Check(err)
	defer func() { ts.Check(out.Close()) }()
	var w io.WriteCloser
	switch args[0] {
	case "gzip":
		w = gzip.NewWriter(out)
	case "zstd":
		w, err = zstd.NewWriter(out)
		ts.Check(err)
	case "zip":
		zw := zip.NewWriter(out)
		members := args[3:]
		if len(members) == 0 {
			members = args[1:2]
		}
		for _, m := range members {
			content := src
			if name, file, ok := strings.Cut(m, "="); ok {
				m, content = name, []byte(ts.ReadFile(file))
			}
			f, err := zw.Create(m)
			ts.Check(err)
			_, err = f.Write(content)
			ts.Check(err)
		}
		ts.Check(zw.Close())
		return
	default:
		ts.Fatalf("compress: unknown kind %q", args[0])
	}
	_, err = w.Write(src)
	ts.Check(err)
	ts.Check(w.Close())
}

// typedCell is a CSV cell as a spreadsheet would hold it: an integer, a
// number whose shortest form is the text, a m/d/yyyy date, or the text. A
// cell that starts with an apostrophe is text without it, as Excel types
// '1.234 ("1.234" as text).
func typedCell(s string) any {
	if text, ok := strings.CutPrefix(s, "'"); ok {
		return text
	}
	if i, err := strconv.Atoi(s); err == nil && strconv.Itoa(i) == s {
		return i
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && strconv.FormatFloat(f, 'f', -1, 64) == s {
		return f
	}
	if t, err := time.Parse("1/2/2006", s); err == nil {
		return t
	}
	return s
}

// readCSV reads a UTF-8 CSV file whole.
func readCSV(ts *testscript.TestScript, path string) [][]string {
	f, err := os.Open(ts.MkAbs(path))
	ts.Check(err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	ts.Check(err)
	return rows
}

// xlsxCmd is "xlsx [-shared] SRC.csv DST.xlsx [SHEET [OTHER]]": DST is a
// workbook whose sheet SHEET (default Sheet1) holds SRC's rows, typed by
// typedCell (dates in a m/d/yyyy display format; '1.234 is the text 1.234),
// its text in inline strings or, with -shared, in the shared strings as
// Excel writes it; OTHER names a sheet put before it, holding one unrelated
// row. Written by testenv.WriteWorkbook.
func xlsxCmd(ts *testscript.TestScript, neg bool, args []string) {
	shared := len(args) > 0 && args[0] == "-shared"
	if shared {
		args = args[1:]
	}
	if neg || len(args) < 2 || len(args) > 4 {
		ts.Fatalf("usage: xlsx [-shared] SRC.csv DST.xlsx [SHEET [OTHER]]")
	}
	rows := readCSV(ts, args[0])
	sheet := testenv.Sheet{Name: "Sheet1", Rows: make([][]any, len(rows)), Shared: shared}
	if len(args) > 2 {
		sheet.Name = args[2]
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, s := range row {
			cells[j] = typedCell(s)
			if i == 0 {
				cells[j] = s
			}
		}
		sheet.Rows[i] = cells
	}
	sheets := []testenv.Sheet{sheet}
	if len(args) > 3 {
		sheets = []testenv.Sheet{{Name: args[3], Rows: [][]any{{"not this sheet"}}}, sheet}
	}
	ts.Check(testenv.WriteWorkbook(ts.MkAbs(args[1]), sheets))
}

// parquetCmd is "parquet SRC.csv DST.parquet": DST holds SRC's rows in
// optional columns typed from their cells (see columnNode); an empty cell
// is null.
func parquetCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: parquet SRC.csv DST.parquet")
	}
	rows := readCSV(ts, args[0])
	group := parquet.Group{}
	for j, name := range rows[0] {
		group[name] = parquet.Optional(columnNode(rows[1:], j))
	}
	schema := parquet.NewSchema("export", group)
	index, kinds := map[string]int{}, map[string]parquet.Kind{}
	for i, path := range schema.Columns() {
		leaf, _ := schema.Lookup(path...)
		index[path[0]], kinds[path[0]] = i, leaf.Node.Type().Kind()
	}
	out, err := os.Create(ts.MkAbs(args[1]))
	ts.Check(err)
	w := parquet.NewWriter(out, schema)
	for _, row := range rows[1:] {
		values := make(parquet.Row, len(row))
		for j, s := range row {
			c := index[rows[0][j]]
			values[c] = parquet.NullValue().Level(0, 0, c)
			if s != "" {
				values[c] = cellValue(s, kinds[rows[0][j]]).Level(0, 1, c)
			}
		}
		slices.SortFunc(values, func(a, b parquet.Value) int { return a.Column() - b.Column() })
		_, err := w.WriteRows([]parquet.Row{values})
		ts.Check(err)
	}
	ts.Check(w.Close())
	ts.Check(out.Close())
}

// columnNode is the type of column j: INT64 when every cell is an integer,
// DOUBLE when every cell is a number, DATE when every cell is a date, else
// a string (empty cells aside; a cell starting with an apostrophe is text).
func columnNode(rows [][]string, j int) parquet.Node {
	kinds := map[string]bool{}
	for _, row := range rows {
		if row[j] == "" {
			continue
		}
		switch typedCell(row[j]).(type) {
		case int:
			kinds["int"] = true
		case float64:
			kinds["float"] = true
		case time.Time:
			kinds["date"] = true
		default:
			kinds["text"] = true
		}
	}
	switch {
	case kinds["text"] || (kinds["date"] && len(kinds) > 1):
		return parquet.String()
	case kinds["date"]:
		return parquet.Date()
	case kinds["float"]:
		return parquet.Leaf(parquet.DoubleType)
	}
	return parquet.Leaf(parquet.Int64Type)
}

// cellValue is a cell as a parquet value of its column's kind.
func cellValue(s string, kind parquet.Kind) parquet.Value {
	if kind == parquet.ByteArray {
		return parquet.ByteArrayValue([]byte(strings.TrimPrefix(s, "'")))
	}
	switch v := typedCell(s).(type) {
	case int:
		if kind == parquet.Double {
			return parquet.DoubleValue(float64(v))
		}
		return parquet.Int64Value(int64(v))
	case float64:
		return parquet.DoubleValue(v)
	case time.Time:
		return parquet.Int32Value(int32(v.Unix() / 86400))
	}
	return parquet.ByteArrayValue([]byte(s))
}
