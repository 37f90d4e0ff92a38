package input

import (
	"bytes"
	"context"
	"fmt"
	"testing"

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
