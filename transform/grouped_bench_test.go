package transform

import (
	"bytes"
	"testing"

	"csv2activity/input"
	"csv2activity/mapping"
)

// BenchmarkGroupedStages times each stage of the grouped path on the 20,000
// rows of BenchmarkStages (two per order), one goroutine: keying a row and
// writing its stored record with its typed values (key: KeyCells), the
// store taking the records and handing the groups back in memory (store),
// reading a record's typed values back in full (retype), and the activity
// of each order through the grouped template from its stored records, as
// the worker builds it (group).
func BenchmarkGroupedStages(b *testing.B) {
	p, export := benchProgram(b, benchGrouped)
	w := newWorker(p)
	type keyed struct {
		key string
		rec []byte
	}
	var rows []keyed
	var raws [][]byte
	var fields [][]string
	input.Parse(export, 2, ',', func(r *input.Record) {
		raws = append(raws, bytes.Clone(r.Raw))
		fields = append(fields, append([]string(nil), r.Fields...))
	})
	var recs []byte
	var groups []storedGroup // two rows each
	stages := []struct {
		name string
		run  func(b *testing.B)
	}{
		{"key", func(b *testing.B) {
			rows = rows[:0]
			recs = recs[:0]
			for i, f := range fields {
				start := len(recs)
				var key string
				var pass bool
				var err error
				if recs, key, pass, err = w.ev.KeyCells(w.records.append(recs, raws[i], f, ','), f); err != nil || !pass {
					b.Fatalf("row %d: %v", i, err)
				}
				rows = append(rows, keyed{key, recs[start:]})
			}
		}},
		{"store", func(b *testing.B) {
			g := newGroupStore(DefaultMaxMemory)
			for i, r := range rows {
				if err := g.add(r.key, keyHash(r.key), 0, i+2, r.rec); err != nil {
					b.Fatal(err)
				}
			}
			if err := g.groups(func([]storedGroup) bool { return true }); err != nil {
				b.Fatal(err)
			}
		}},
		{"retype", func(b *testing.B) {
			for _, r := range rows {
				var cells []byte
				w.fields, cells = recordFields(w.fields[:0], r.rec)
				if _, err := w.storedVals(mapping.StoredRow{Fields: w.fields, Cells: cells}); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"group", func(b *testing.B) {
			if groups == nil { // made once, as the store hands them out
				b.StopTimer()
				for i := 0; i+1 < len(rows); i += 2 {
					groups = append(groups, storedGroup{rows: []storedRow{{n: len(rows[i].rec)}, {off: len(rows[i].rec), n: len(rows[i+1].rec)}},
						data: append(append([]byte(nil), rows[i].rec...), rows[i+1].rec...)})
				}
				b.StartTimer()
			}
			res := &result{}
			for i := range groups {
				res.out = res.out[:0]
				if y := w.stored(&groups[i], res); y != nil {
					b.Fatal(y.Reason)
				}
			}
		}},
	}
	for _, s := range stages {
		b.Run(s.name, func(b *testing.B) {
			for range b.N {
				s.run(b)
			}
		})
	}
}

// benchProgram compiles a mapping for the header of benchExport(20000),
// and returns it with the export's records (the header left out).
func benchProgram(b *testing.B, text string) (*mapping.Program, []byte) {
	export := benchExport(20000)
	nl := bytes.IndexByte(export, '\n')
	m, err := mapping.Parse("bench.yaml", []byte(text))
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	for _, h := range bytes.Split(export[:nl], []byte(",")) {
		names = append(names, string(h))
	}
	p, err := m.Compile(names)
	if err != nil {
		b.Fatal(err)
	}
	return p, export[nl+1:]
}
