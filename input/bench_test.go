package input

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"csv2activity/internal/bufpool"
)

// BenchmarkStages times the reading stages of the per-line hot path on
// 20,000 Superstore-like rows, one goroutine (divide ns/op by 20,000 for ns
// per row); transform's BenchmarkStages times the stages after them.
func BenchmarkStages(b *testing.B) {
	export := superstore(20000)
	accented := bytes.ReplaceAll(export, []byte("Claire Gute"), []byte("Clémence Gute"))
	records := export[bytes.IndexByte(export, '\n')+1:]
	stages := []struct {
		name string
		run  func()
	}{
		{"scan", func() {
			sc := scanner{comma: ','}
			for i := 0; i >= 0 && i < len(records); i = sc.scan(records, i) {
			}
		}},
		// The reader goroutine's share: decoding (encoding: auto, the export
		// holding UTF-8 accents) and cutting batches of whole records.
		{"read", func() {
			dec, _ := decode(bytes.NewReader(accented), "auto")
			src := newSource(context.Background(), "bench", dec.r, DefaultMaxRowSize)
			src.sc = scanner{comma: ','}
			for b, _ := src.next(batchTarget); b != nil; b, _ = src.next(batchTarget) {
				bufpool.Put(b.Data)
			}
		}},
		{"csv", func() { Parse(records, 2, ',', func(*Record) {}) }},
	}
	for _, s := range stages {
		b.Run(s.name, func(b *testing.B) {
			for range b.N {
				s.run()
			}
		})
	}
}

// superstore makes n line items of a Superstore-like export, header first.
func superstore(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Row ID,Order ID,Order Date,Customer ID,Customer Name,Product ID,Category,Product Name,Sales,Quantity\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,CA-2016-%d,2016-%02d-%02d,CG-%d,Claire Gute,FUR-BO-%d,Furniture,\"Bush Somerset Collection Bookcase, Large\",%d.%02d,%d\n",
			i+1, 100000+i/2, 1+i%12, 1+i%28, 10000+i%7000, 10001798+i%1000, 100+i%9000, i%100, 1+i%5)
	}
	return b.Bytes()
}

// BenchmarkWorkbook reads a workbook of 20,000 Superstore-like rows written
// by excelize's stream writer (inline strings, numbers, dates in a date
// style) as CSV text, as Open hands it out (divide ns/op by 20,000 for ns
// per row); bench/workbook.sh measures the whole program on 1M rows.
//
// Its shared case is the same rows written as Excel writes text, in the
// workbook's shared strings.
func BenchmarkWorkbook(b *testing.B) {
	for _, shared := range []bool{false, true} {
		name := "inline"
		if shared {
			name = "shared"
		}
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "orders.xlsx")
			writeBenchBook(b, path, superstore(20000), shared)
			b.ResetTimer()
			readBenchBook(b, path)
		})
	}
}

// readBenchBook reads the workbook at path b.N times.
func readBenchBook(b *testing.B, path string) {
	for range b.N {
		in, err := Open(context.Background(), path, Options{Header: true})
		if err != nil {
			b.Fatal(err)
		}
		for {
			batch, err := in.Next(batchTarget)
			if err != nil {
				b.Fatal(err)
			}
			if batch == nil {
				break
			}
			bufpool.Put(batch.Data)
		}
		in.Close()
	}
}

// writeBenchBook writes the CSV export as a workbook at path, its numbers
// as number cells and its dates as date cells, its text inline (as
// excelize's stream writer writes it) or in the shared strings.
func writeBenchBook(b *testing.B, path string, export []byte, shared bool) {
	rows, err := csv.NewReader(bytes.NewReader(export)).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		b.Fatal(err)
	}
	var sw *excelize.StreamWriter
	if !shared {
		if sw, err = f.NewStreamWriter("Sheet1"); err != nil {
			b.Fatal(err)
		}
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, s := range row {
			cells[j] = s
			if n, err := strconv.ParseFloat(s, 64); err == nil && i > 0 {
				cells[j] = n
			} else if t, err := time.Parse(time.DateOnly, s); err == nil {
				cells[j] = excelize.Cell{StyleID: date, Value: t}
			}
		}
		if err := writeBenchRow(f, sw, i+1, cells); err != nil {
			b.Fatal(err)
		}
	}
	if sw != nil {
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

// writeBenchRow writes the cells of row n with sw, or, without one, cell by
// cell into the sheet, whose text excelize puts in the shared strings.
func writeBenchRow(f *excelize.File, sw *excelize.StreamWriter, n int, cells []any) error {
	if sw != nil {
		return sw.SetRow("A"+strconv.Itoa(n), cells)
	}
	for j, v := range cells {
		ref, err := excelize.CoordinatesToCellName(j+1, n)
		if err != nil {
			return err
		}
		style := 0
		if c, ok := v.(excelize.Cell); ok {
			v, style = c.Value, c.StyleID
		}
		if err := f.SetCellValue("Sheet1", ref, v); err != nil {
			return err
		}
		if style != 0 {
			if err := f.SetCellStyle("Sheet1", ref, ref, style); err != nil {
				return err
			}
		}
	}
	return nil
}
