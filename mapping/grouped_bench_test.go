package mapping

import (
	"testing"

	"csv2activity/activity"
)

// BenchmarkAppendGroup is the stage that turns a typed order of three lines
// into its ndjson line (the grouped benchmark's mapping, groupedMappings[0]):
// through the grouped template (template), the same from its stored rows,
// typing what the template reads (stored: AppendStoredGroup), and through
// the general path it shortcuts (general: Apply, Validate, AppendJSON).
func BenchmarkAppendGroup(b *testing.B) {
	p := compileGroupedMapping(b, 0)
	var group [][]any
	var rows []StoredRow
	for i, r := range [][]string{row1, row2, row3} {
		vals, err := p.Row(r)
		if err != nil {
			b.Fatal(err)
		}
		cells, ok := p.AppendCells(nil, vals)
		if !ok {
			b.Fatalf("row %d has no binary form", i)
		}
		group = append(group, vals)
		rows = append(rows, StoredRow{Fields: r, Cells: cells})
	}
	b.Run("template", func(b *testing.B) {
		ev := p.NewEvaluator()
		var dst []byte
		for b.Loop() {
			var err error
			if dst, err = ev.AppendGroup(dst[:0], group); err != nil || len(dst) == 0 {
				b.Fatalf("AppendGroup: %q, %v", dst, err)
			}
		}
		if !p.GroupTemplated(len(group)) {
			b.Fatal("the group did not go through its template")
		}
	})
	b.Run("stored", func(b *testing.B) {
		ev := p.NewEvaluator()
		var dst []byte
		for b.Loop() {
			var err error
			if dst, err = ev.AppendStoredGroup(dst[:0], rows); err != nil || len(dst) == 0 {
				b.Fatalf("AppendStoredGroup: %q, %v", dst, err)
			}
		}
	})
	b.Run("general", func(b *testing.B) {
		ev := p.NewEvaluator()
		var dst []byte
		for b.Loop() {
			obj, err := ev.Apply(group)
			if err == nil {
				err = p.Rules.Validate(obj)
			}
			if err != nil {
				b.Fatal(err)
			}
			dst = append(activity.AppendJSON(dst[:0], obj), '\n')
		}
	})
}
