package transform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"csv2activity/mapping"
	"csv2activity/output"
)

// TestSplitSize writes parts that, put together, are the whole output, each
// within the size and cut between lines; a rerun with fewer parts removes
// the previous run's extra ones.
func TestSplitSize(t *testing.T) {
	t.Parallel()
	input := ordersCSV(3000, 5)
	want, _, _ := convertString(t, orderMapping, input, 2)
	m, err := mapping.Parse("m.yaml", []byte(orderMapping))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, input, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.ndjson")
	for _, size := range []int64{8 << 10, 64 << 10} {
		o := Options{Config: Config{Mapping: m, MaxErrors: -1}, Inputs: []string{in}, Output: out, SplitSize: size}
		sum, err := Convert(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		for n := 1; n <= sum.Parts; n++ {
			b, err := os.ReadFile(output.PartName(out, n))
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(b)) > size || len(b) == 0 || b[len(b)-1] != '\n' {
				t.Errorf("part %d: %d bytes, want 1 to %d ending with a line break", n, len(b), size)
			}
			got.Write(b)
		}
		if got.String() != want {
			t.Errorf("size %d: the parts put together differ from the output", size)
		}
		if _, err := os.Stat(output.PartName(out, sum.Parts+1)); err == nil {
			t.Errorf("size %d: a part after the last is left", size)
		}
	}
	o := Options{Config: Config{Mapping: m, MaxErrors: -1}, Inputs: []string{in}, Output: out, SplitSize: 100}
	if _, err := Convert(context.Background(), o); !errors.Is(err, output.ErrLineTooLong) {
		t.Errorf("got %v, want ErrLineTooLong", err)
	}
}

// TestInterruptedRejectsAreNotConverted: rows rejected before a stop went to
// a rejects file that the stop removes, so the summary counts them as not
// converted, never as rejected rows that no file holds.
func TestInterruptedRejectsAreNotConverted(t *testing.T) {
	t.Parallel()
	m, err := mapping.Parse("m.yaml", []byte(orderMapping))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	input := ordersCSV(3000, 5)
	header, rest, _ := strings.Cut(string(input), "\n")
	bad := header + "\n" + strings.Repeat("a,b\n", 3) + rest // rows of two fields: rejected as soon as read
	if err := os.WriteFile(in, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(dir, "out.ndjson")
	o := Options{Config: Config{Mapping: m, MaxErrors: -1, Rejected: func(*Reject) { cancel() }}, Inputs: []string{in}, Output: out}
	sum, err := Convert(ctx, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the run interrupted", err)
	}
	if sum.Rejected != 0 || sum.Read == 0 || sum.InActivities+sum.Filtered+sum.Unconverted != sum.Read {
		t.Errorf("summary %+v: want every row read counted as not converted, none as rejected", sum)
	}
	for _, p := range []string{out, filepath.Join(dir, "out.rejects.ndjson")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left after the stop", p)
		}
	}
}
