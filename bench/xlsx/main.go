// Command xlsx writes a CSV export (bench/gen's) as an Excel workbook, the
// way a spreadsheet holds it, for the workbook benchmark (bench/workbook.sh):
// one sheet, the header row as text, integers and decimals as number cells,
// yyyy-mm-dd dates as date cells, the rest as text. It streams: rows are
// read one at a time and written with excelize's StreamWriter, so that a
// 1,000,000-row workbook is made in flat memory.
//
//	go run ./bench/xlsx -o lines.xlsx lines.csv
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

func main() {
	out := flag.String("o", "", "the workbook to write")
	sheet := flag.String("sheet", "Sheet1", "the sheet's name")
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: xlsx [-sheet NAME] -o OUT.xlsx IN.csv")
		os.Exit(2)
	}
	if err := convert(flag.Arg(0), *out, *sheet); err != nil {
		fmt.Fprintln(os.Stderr, "xlsx:", err)
		os.Exit(1)
	}
}

// convert writes the CSV file in as the workbook out.
func convert(in, out, sheet string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	wb := excelize.NewFile()
	defer wb.Close()
	if err := wb.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	date, err := wb.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	sw, err := wb.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for row := 1; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", in, err)
		}
		cells := make([]any, len(rec))
		for i, s := range rec {
			cells[i] = s
			if row > 1 {
				cells[i] = cell(s, date)
			}
		}
		name, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		if err := sw.SetRow(name, cells); err != nil {
			return fmt.Errorf("row %d: %w", row, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return wb.SaveAs(out)
}

// cell is a CSV cell as a spreadsheet holds it: an integer or a decimal whose
// shortest form is the text as a number, a yyyy-mm-dd date as a date cell
// (style date), anything else as text.
func cell(s string, date int) any {
	if i, err := strconv.Atoi(s); err == nil && strconv.Itoa(i) == s {
		return i
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && strconv.FormatFloat(f, 'f', -1, 64) == s {
		return f
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return excelize.Cell{StyleID: date, Value: t}
	}
	return s
}
