package input

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestCloseStopsReadAhead: an input closed after its header (as the check
// of every input's header does) stops its goroutines of reading ahead (the
// file's and the decompressor's, or the workbook's rows and its sheet's
// inflating), however much of it is left, instead of keeping their blocks
// until the run ends.
func TestCloseStopsReadAhead(t *testing.T) {
	dir := t.TempDir()
	rows := "Order ID,Quantity\n" + strings.Repeat("A-1,2\n", 1_000_000) // 6 MB: more than the read-ahead holds
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(rows))
	w.Close()
	gzPath := filepath.Join(dir, "orders.csv.gz")
	if err := os.WriteFile(gzPath, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	bookPath := filepath.Join(dir, "orders.xlsx")
	writeBook(t, bookPath, 50000) // 4 MB of XML: more than the sheet's read-ahead holds

	for _, path := range []string{gzPath, bookPath} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel() // only once the test is over
			rd, err := Open(ctx, path, Options{Header: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rd.Header(), ","); got != "Order ID,Quantity" {
				t.Fatalf("got header %q, want Order ID,Quantity", got)
			}
			aheads := readAheads(rd.closer)
			if len(aheads) == 0 {
				t.Fatal("got no read-ahead to stop, want at least one")
			}
			closed := make(chan struct{})
			go func() { rd.Close(); close(closed) }()
			timeout := time.After(10 * time.Second)
			for _, c := range append(aheads, &cancelReader{exited: closed}) {
				select {
				case <-c.exited:
				case <-timeout:
					t.Fatal("Close, or a read-ahead goroutine, still runs 10s after Close was called")
				}
			}
		})
	}
}

// readAheads are the read-aheads among an input's closers.
func readAheads(c any) []*cancelReader {
	switch c := c.(type) {
	case *cancelReader:
		return []*cancelReader{c}
	case waited:
		return []*cancelReader{c.c}
	case *workbook:
		return []*cancelReader{c.ahead}
	case closers:
		var all []*cancelReader
		for _, x := range c {
			all = append(all, readAheads(x)...)
		}
		return all
	}
	return nil
}

// writeBook writes a workbook of n rows under the header Order ID,Quantity.
func writeBook(t *testing.T, path string, n int) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"Order ID", "Quantity"}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= n+1; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		if err := sw.SetRow(cell, []any{"A-1", 2}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}
