package starter

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"csv2activity/input"
	"csv2activity/internal/progress"
)

// randomExport writes an export of n rows whose columns keep init guessing
// far down the file: dates in two orders, numbers with separators, blanks,
// a repeated order id, two columns of the same name, and every so often a
// row convert refuses (a broken quote, a missing or an extra field).
func randomExport(t testing.TB, n int, seed int64) string {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	var b strings.Builder
	b.WriteString("Order ID,Date,Quantity,Sales,Discount,Amount,Code,Code,Note\n")
	for i := range n {
		switch r.Intn(400) {
		case 0:
			fmt.Fprintf(&b, "X%d,\"broken,1\n", i)
			continue
		case 1:
			fmt.Fprintf(&b, "X%d,2024-01-01\n", i)
			continue
		case 2:
			fmt.Fprintf(&b, "X%d,a,b,c,d,e,f,g,h,i\n", i)
			continue
		}
		date := fmt.Sprintf("%02d/%02d/2024", 1+r.Intn(12), 1+r.Intn(28))
		if i > n/2 && r.Intn(50) == 0 {
			date = "2024-03-05"
		}
		qty := []string{"1", "2", "-1", "0", " 3 ", "", "1 000"}[r.Intn(7)]
		sales := []string{"12.50", "1,234.50", "12,5", "-3.00", "1e3", "0.00", "7"}[r.Intn(7)]
		disc := []string{"", "0.1", "0,2", "5"}[r.Intn(4)]
		note := []string{"yes", "no", `"a, b"`, "x\u00a0y", "0042"}[r.Intn(5)]
		fmt.Fprintf(&b, "%s%d,%s,%s,\"%s\",\"%s\",%d.%02d,%05d,%d,%s\n", []string{"", "C"}[r.Intn(2)], i/3, date, qty, sales, disc,
			r.Intn(100), r.Intn(100), r.Intn(100000), r.Intn(9), note)
	}
	path := filepath.Join(t.TempDir(), "export.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReadAllIsAddInOrder reads exports of many batches through readAll and
// through Profile.Add row after row, and wants the same profile and the
// same malformed lines: the lanes change the speed, never the result.
func TestReadAllIsAddInOrder(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		path := randomExport(t, 6000, seed)
		ctx := context.Background()
		sample, err := input.ReadSample(ctx, path, input.Options{Encoding: "auto", Header: true}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var src Source
		got, err := readAll(ctx, path, sample, &src, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, wantSrc := addInOrder(t, path)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("seed %d: readAll's profile differs from Add's (rows: got %d, want %d)", seed, got.Rows, want.Rows)
		}
		if src.Malformed != wantSrc.Malformed || !reflect.DeepEqual(src.MalformedLines, wantSrc.MalformedLines) {
			t.Errorf("seed %d: got %d malformed rows (lines %v), want %d (lines %v)", seed, src.Malformed, src.MalformedLines, wantSrc.Malformed, wantSrc.MalformedLines)
		}
		if src.Malformed == 0 || got.Rows < 5000 {
			t.Errorf("seed %d: the export has %d malformed rows and %d profiled: want some of both", seed, src.Malformed, got.Rows)
		}
	}
}

// addInOrder profiles every row of path one after the other, on one
// goroutine, as init --quick profiles its sample (sampled), and returns the
// profile and the rows refused.
func addInOrder(t *testing.T, path string) (*Profile, Source) {
	t.Helper()
	all, err := input.ReadSample(context.Background(), path, input.Options{Encoding: "auto", Header: true}, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var src Source
	return sampled(all, &src, 1<<30), src
}

// TestReadProgress wants the meter to have counted, once the file is read,
// every byte of the file and every row after the header (malformed lines
// included).
func TestReadProgress(t *testing.T) {
	path := randomExport(t, 6000, 4)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := new(progress.Meter)
	if _, _, err := Read(context.Background(), path, Options{Progress: m}); err != nil {
		t.Fatal(err)
	}
	rows, n := m.Counts()
	if n != int64(len(data)) || rows != 6000 {
		t.Fatalf("got %d rows and %d bytes counted, want 6000 rows and %d bytes", rows, n, len(data))
	}
}

// TestReadKeptMemory checks that Read tells Options.KeptMemory, once, of
// what its profile keeps for the header's columns, whether it reads the
// whole file or its sample.
func TestReadKeptMemory(t *testing.T) {
	path := randomExport(t, 50, 5)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(data), "\n")
	cols := int64(len(strings.Split(header, ",")))
	for _, quick := range []bool{false, true} {
		var told []int64
		if _, _, err := Read(context.Background(), path, Options{Quick: quick, KeptMemory: func(n int64) { told = append(told, n) }}); err != nil {
			t.Fatal(err)
		}
		if want := cols * columnBytes; len(told) != 1 || told[0] != want {
			t.Errorf("quick %v: told %v, want [%d] (%d columns)", quick, told, want, cols)
		}
	}
}

// numberCells are cells the number fast paths must read as the general
// code does: plain numbers at the edge of 18 digits, separators of every
// kind, signs, exponents, blanks.
var numberCells = []string{"0", "-0", "+7", "007", "12", "-12", "261.96", "-0.50", ".5", "5.", "1.2.3", "--1", "+-1",
	"123456789012345678", "1234567890123456789", "12345678901234567.8", "123456789012345678.9", "9223372036854775807",
	"9223372036854775808", "1,234.50", "1.234,50", "12,5", "1 234,50", "1\u00a0234", "1\u202f234,5", "1e3", "1E-2", "NaN",
	"Inf", "0x1F", "1_000", "", " ", "-", ".", "0,00", "0.0", "0 0", "٣", "1 000 000", "1,2,3", "12,345,678.9"}

// FuzzNumberFastPaths checks the number readers' fast paths against the
// general code: numberFormat.reads (a cell shared by every format in turn)
// against accepts, parseNumber against parseAnyNumber, isZero against
// isZeroAny.
func FuzzNumberFastPaths(f *testing.F) {
	for _, c := range numberCells {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, v string) {
		c := newNumberCell(v)
		for _, nf := range numberFormats {
			if got, want := nf.reads(&c), nf.accepts(v); got != want {
				t.Errorf("%+v reads %q: got %v, want %v", nf, v, got, want)
			}
		}
		gn, gok := parseNumber(v)
		wn, wok := parseAnyNumber(v)
		if gok != wok || gn != wn {
			t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", v, gn, gok, wn, wok)
		}
		if got, want := isZero(v), isZeroAny(v); got != want {
			t.Errorf("isZero(%q) = %v, want %v", v, got, want)
		}
	})
}

// BenchmarkRead profiles a whole export of 20,000 rows as init does.
func BenchmarkRead(b *testing.B) {
	path := randomExport(b, 20000, 5)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	for b.Loop() {
		if _, _, err := Read(context.Background(), path, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDraftWide drafts the mapping of a profiled export of 5,000
// columns, where typing the columns (each name read for every role) is
// most of the work.
func BenchmarkDraftWide(b *testing.B) {
	const cols = 5000
	var sb strings.Builder
	for i := range cols {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "Field %d Amount", i)
	}
	for row := range 5 {
		sb.WriteByte('\n')
		for i := range cols {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "%d", (row*cols+i)%997)
		}
	}
	path := filepath.Join(b.TempDir(), "wide.csv")
	if err := os.WriteFile(path, []byte(sb.String()+"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	p, src, err := Read(context.Background(), path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if d := p.Draft(src); len(d.Columns) != cols {
			b.Fatalf("%d columns drafted, want %d", len(d.Columns), cols)
		}
	}
}
