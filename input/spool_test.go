package input

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"strings"
	"testing"
)

// TestSpoolBound: a gzip'd zip archive is copied to a temporary file up to
// maxSpool bytes; one byte more refuses the input, naming the bound, and
// no copy is left in the temporary folder either way.
func TestSpoolBound(t *testing.T) {
	var archive bytes.Buffer
	zw := zip.NewWriter(&archive)
	w, err := zw.Create("orders.csv")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("Order ID,Quantity\n" + strings.Repeat("A-1,2\n", 1000)))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(archive.Bytes())
	gw.Close()

	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	defer func(n int64) { maxSpool = n }(maxSpool)
	size := int64(archive.Len())
	tests := []struct {
		name    string
		limit   int64
		wantErr string
	}{
		{"at the bound", size, ""},
		{"one byte past it", size - 1, "the gzip'd zip archive is larger than "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			maxSpool = tt.limit
			rd, err := Open(context.Background(), "-", Options{Header: true, Stdin: bytes.NewReader(gz.Bytes())})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("got %v, want no error", err)
			case tt.wantErr == "":
				if got := strings.Join(rd.Header(), ","); got != "Order ID,Quantity" {
					t.Errorf("got header %q, want Order ID,Quantity", got)
				}
				rd.Close()
			case err == nil:
				rd.Close()
				t.Fatalf("got no error, want %q", tt.wantErr)
			case !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("got %v, want %q", err, tt.wantErr)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("got %s left in the temporary folder, want nothing", left[0].Name())
			}
		})
	}
}
