package transform

import (
	"bytes"
	"testing"

	"csv2activity/activity"
	"csv2activity/input"
	"csv2activity/mapping"
)

// BenchmarkStages times each stage of the per-line hot path after reading
// (input's BenchmarkStages times scanning, reading and splitting) on the same
// 20,000 rows, one goroutine (divide ns/op by 20,000 for ns per row): where
// a change helps or hurts shows here before it shows end to end.
func BenchmarkStages(b *testing.B) {
	export := benchExport(20000)
	nl := bytes.IndexByte(export, '\n')
	m, err := mapping.Parse("bench.yaml", []byte(benchPerLine))
	if err != nil {
		b.Fatal(err)
	}
	header := bytes.Split(export[:nl], []byte(","))
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = string(h)
	}
	p, err := m.Compile(names)
	if err != nil {
		b.Fatal(err)
	}
	var recs [][]string
	input.Parse(export[nl+1:], 2, ',', func(r *input.Record) { recs = append(recs, append([]string(nil), r.Fields...)) })
	ev := p.NewEvaluator()
	vals, _ := p.Row(recs[0])
	obj, _ := ev.Apply([][]any{vals})
	buf := make([]byte, 0, 1<<20)
	var dvals []any
	stages := []struct {
		name string
		run  func()
	}{
		{"type", func() {
			for _, r := range recs {
				vals, _ = p.RowInto(vals, r)
			}
		}},
		{"apply", func() {
			for range recs {
				ev.Apply([][]any{vals})
			}
		}},
		{"validate", func() {
			for range recs {
				activity.Validate(obj)
			}
		}},
		{"encode", func() {
			for range recs {
				buf = activity.AppendJSON(buf[:0], obj)
			}
		}},
		// The compiled template does type+apply+validate+encode's work for
		// mappings without group_by and for_each (mapping/direct.go).
		{"template-type", func() {
			for _, r := range recs {
				dvals, _ = p.DirectRowInto(dvals, r)
			}
		}},
		{"template", func() {
			for _, r := range recs {
				dvals, _ = p.DirectRowInto(dvals, r)
				buf, _, _ = ev.AppendLine(buf[:0], dvals, r, true)
			}
		}},
	}
	for _, s := range stages {
		b.Run(s.name, func(b *testing.B) {
			for range b.N {
				s.run()
			}
		})
	}
}
