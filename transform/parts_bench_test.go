package transform

import (
	"testing"

	"csv2activity/activity"
	"csv2activity/input"
)

// BenchmarkStages times each stage of the per-line hot path after reading
// (input's BenchmarkStages times scanning, reading and splitting) on the same
// 20,000 rows, one goroutine (divide ns/op by 20,000 for ns per row): where
// a change helps or hurts shows here before it shows end to end.
func BenchmarkStages(b *testing.B) {
	p, export := benchProgram(b, benchPerLine)
	var recs [][]string
	input.Parse(export, 2, ',', func(r *input.Record) { recs = append(recs, append([]string(nil), r.Fields...)) })
	ev := p.NewEvaluator()
	vals, _ := p.Row(recs[0])
	obj, _ := ev.Apply([][]any{vals})
	buf := make([]byte, 0, 1<<20)
	stages := []struct {
		name string
		run  func()
	}{
		{"type", func() {
			for _, r := range recs {
				vals, _ = p.Row(r)
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
		// AppendRow does type+where+apply+validate+encode's work, through
		// the compiled template for mappings without group_by and for_each
		// (mapping/template.go).
		{"row", func() {
			for _, r := range recs {
				buf, _, _ = ev.AppendRow(buf[:0], r)
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
