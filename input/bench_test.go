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
func BenchmarkWorkbook(b *testing.B) {
	path := filepath.Join(b.TempDir(), "orders.xlsx")
	writeBenchBook(b, path, superstore(20000))
	b.ResetTimer()
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
// as number cells and its dates as date cells.
func writeBenchBook(b *testing.B, path string, export []byte) {
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
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
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
		if err := sw.SetRow("A"+strconv.Itoa(i+1), cells); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}
