package input

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// TestParquetFlatOnly: a nested or repeated column is refused, naming it.
func TestParquetFlatOnly(t *testing.T) {
	type address struct{ City string }
	type nested struct {
		ID      int64
		Address address
	}
	type repeated struct {
		ID   int64
		Tags []string
	}
	tests := []struct {
		name  string
		write func(path string) error
		want  string
	}{
		{"nested", func(p string) error { return parquet.WriteFile(p, []nested{{1, address{"Lyon"}}}) }, `parquet column "Address.City" is nested or repeated`},
		{"repeated", func(p string) error { return parquet.WriteFile(p, []repeated{{1, []string{"a"}}}) }, `parquet column "Tags" is nested or repeated`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "export.parquet")
			if err := tt.write(path); err != nil {
				t.Fatal(err)
			}
			r, err := Open(context.Background(), path, Options{Header: true})
			if err == nil {
				r.Close()
				t.Fatalf("got no error, want one with %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("got %q, want it to name %s and say %q", err, path, tt.want)
			}
		})
	}
}
