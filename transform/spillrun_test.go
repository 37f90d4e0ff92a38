package transform

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestSpillRunsMerge spills rows of interleaved groups to two runs, keeps
// some in memory, and merges them back: whole groups in order of first
// appearance, each row's record (text, fields, typed values) as stored. A
// run cut short is an error that names its file.
func TestSpillRunsMerge(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var w recordWriter
	g := newGroupStore(1 << 30)
	defer g.close()
	type row struct {
		key    string
		fields []string
	}
	var rows []row
	for i := range 30 {
		key := []string{"A", "B", "C"}[i%3]
		rows = append(rows, row{key, []string{key, strings.Repeat("x", i), `say "hi"`}})
	}
	for i, r := range rows {
		raw := r.fields[0] + "," + r.fields[1] + `,"say ""hi"""`
		rec := append(w.append(nil, []byte(raw), r.fields, ','), 1, byte(i))
		if err := g.add(r.key, keyHash(r.key), 0, i+2, rec); err != nil {
			t.Fatal(err)
		}
		if i == 9 || i == 19 {
			if err := g.spillRows(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(g.runs) != 2 {
		t.Fatalf("%d runs, want 2", len(g.runs))
	}
	var lines []int
	err := g.groups(func(unit []storedGroup) bool {
		for _, sg := range unit {
			for _, r := range sg.rows {
				want := rows[r.line-2]
				fields, cells := recordFields(nil, sg.rec(r))
				if !slices.Equal(fields, want.fields) || len(cells) != 1 || int(cells[0]) != r.line-2 || r.seq != uint32((r.line-2)%3) {
					t.Errorf("line %d: group %d, fields %q, cells %v; want %q", r.line, r.seq, fields, cells, want.fields)
				}
				lines = append(lines, r.line)
			}
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for k := range 3 {
		for i := k; i < 30; i += 3 {
			want = append(want, i+2)
		}
	}
	if !slices.Equal(lines, want) {
		t.Errorf("lines merged in the order %v, want %v", lines, want)
	}

	d, err := newSpillDir()
	if err != nil {
		t.Fatal(err)
	}
	defer d.remove()
	run, err := d.write([]storedRow{{n: 3}}, func(storedRow) []byte { return []byte{0, 0, 0} })
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(run.path, 3); err != nil {
		t.Fatal(err)
	}
	_, err = newMerger([]*spillRun{run}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), run.path) {
		t.Errorf("a run cut short: %v, want an error naming %s", err, run.path)
	}
}
