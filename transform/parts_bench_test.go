package transform

import (
	"bytes"
	"context"
	"testing"

	"csv2activity/activity"
	"csv2activity/mapping"
)

// BenchmarkStages times each stage of the per-line hot path on the same
// 20,000 rows, one goroutine (divide ns/op by 20,000 for ns per row): where
// a change helps or hurts shows here before it shows end to end.
func BenchmarkStages(b *testing.B) {
	input := benchExport(20000)
	accented := bytes.ReplaceAll(input, []byte("Claire Gute"), []byte("Clémence Gute"))
	nl := bytes.IndexByte(input, '\n')
	m, err := mapping.Parse("bench.yaml", []byte(benchPerLine))
	if err != nil {
		b.Fatal(err)
	}
	header := bytes.Split(input[:nl], []byte(","))
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = string(h)
	}
	p, err := m.Compile(names)
	if err != nil {
		b.Fatal(err)
	}
	bt := &batch{data: input[nl+1:], line: 2, comma: ','}
	var recs [][]string
	parseBatch(bt, ',', func(r *record) { recs = append(recs, append([]string(nil), r.fields...)) })
	ev := p.NewEvaluator()
	vals, _ := p.Row(recs[0])
	obj, _ := ev.Apply([][]any{vals})
	buf := make([]byte, 0, 1<<20)
	stages := []struct {
		name string
		run  func()
	}{
		{"scan", func() {
			sc := scanner{comma: ','}
			for i := 0; i >= 0 && i < len(bt.data); i = sc.scan(bt.data, i) {
			}
		}},
		// The reader goroutine's share: decoding (encoding: auto, the export
		// holding UTF-8 accents) and cutting batches of whole records.
		{"read", func() {
			dec, _ := decode(bytes.NewReader(accented), "auto")
			src := newSource(context.Background(), "bench", dec.r, DefaultMaxRowSize)
			src.sc = scanner{comma: ','}
			for b, _ := src.next(batchSize); b != nil; b, _ = src.next(batchSize) {
				putBuf(b.data)
			}
		}},
		{"csv", func() { parseBatch(bt, ',', func(*record) {}) }},
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
