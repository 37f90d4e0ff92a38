package transform

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"csv2activity/mapping"
)

// TestOriginsNameEveryActivitysRows checks that Config.Origins gets, for
// each activity written and in output order, the lines of its rows: one row
// per activity, a group's rows (gathered, or --sorted), across two inputs.
func TestOriginsNameEveryActivitysRows(t *testing.T) {
	t.Parallel()
	first := "order,customer,sku,qty,price\nB,c1,b1,1,1\nA,c2,a1,zero,1\nB,c1,b2,2,1\nC,c3,c1,1,1\n"
	second := "order,customer,sku,qty,price\nC,c3,c2,1,1\nD,c4,d1,1,1\n"
	dir := t.TempDir()
	inputs := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")}
	for i, text := range []string{first, second} {
		if err := os.WriteFile(inputs[i], []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, mapping string
		sorted        bool
		want          string
	}{
		{"one row each", rowMapping, false, "0:2 0:3 0:4 0:5 1:2 1:3"},
		{"groups", orderMapping, false, "0:2+0:4 0:5+1:2 1:3"},
		// --sorted: the rejected row of order A (line 3) still names its
		// order, which closes B; B's line 4 then breaks the promise and is
		// rejected, so B is written from line 2 alone.
		{"sorted groups", orderMapping, true, "0:2 0:5+1:2 1:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := mapping.Parse("m.yaml", []byte(tt.mapping))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var out, rej bytes.Buffer
			cfg := Config{Mapping: m, MaxErrors: -1, Workers: 2, Sorted: tt.sorted, Origins: func(rows []RowRef) error {
				var parts []string
				for _, r := range rows {
					parts = append(parts, fmt.Sprintf("%d:%d", r.Input, r.Line))
				}
				got = append(got, strings.Join(parts, "+"))
				return nil
			}}
			if _, err := Run(context.Background(), cfg, inputs, &out, &rej); err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, " ") != tt.want || len(got) != strings.Count(out.String(), "\n") {
				t.Errorf("got %q for %d activities, want %q\n%s", got, strings.Count(out.String(), "\n"), tt.want, out.String())
			}
		})
	}
}
