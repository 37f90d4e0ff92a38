package transform

import (
	"bytes"
	"testing"

	"csv2activity/activity"
	"csv2activity/mapping"
)

func partsSetup(b *testing.B) (*mapping.Program, *batch, [][]string) {
	input := benchExport(20000)
	m, _ := mapping.Parse("bench.yaml", []byte(benchPerLine))
	nl := bytes.IndexByte(input, '\n')
	header := []string{"Row ID", "Order ID", "Order Date", "Ship Date", "Ship Mode", "Customer ID", "Customer Name", "Segment", "Country", "City", "State", "Postal Code", "Region", "Product ID", "Category", "Sub-Category", "Product Name", "Sales", "Quantity", "Discount", "Profit"}
	p, err := m.Compile(header)
	if err != nil {
		b.Fatal(err)
	}
	bt := &batch{data: input[nl+1:], line: 2, comma: ','}
	var recs [][]string
	parseBatch(bt, ',', func(r *record) { recs = append(recs, append([]string(nil), r.fields...)) })
	return p, bt, recs
}

func BenchmarkPartCSV(b *testing.B) {
	_, bt, _ := partsSetup(b)
	b.ResetTimer()
	for range b.N {
		parseBatch(bt, ',', func(r *record) {})
	}
}

func BenchmarkPartScan(b *testing.B) {
	_, bt, _ := partsSetup(b)
	b.ResetTimer()
	for range b.N {
		sc := scanner{comma: ','}
		for i := 0; i >= 0 && i < len(bt.data); {
			i = sc.scan(bt.data, i)
		}
	}
}

func BenchmarkPartRow(b *testing.B) {
	p, _, recs := partsSetup(b)
	var vals []any
	b.ResetTimer()
	for range b.N {
		for _, r := range recs {
			vals, _ = p.RowInto(vals, r)
		}
	}
}

func BenchmarkPartApply(b *testing.B) {
	p, _, recs := partsSetup(b)
	ev := p.NewEvaluator()
	vals, _ := p.Row(recs[0])
	g := [][]any{vals}
	b.ResetTimer()
	for range b.N {
		for range recs {
			ev.Apply(g)
		}
	}
}

func BenchmarkPartValidate(b *testing.B) {
	p, _, recs := partsSetup(b)
	ev := p.NewEvaluator()
	vals, _ := p.Row(recs[0])
	obj, _ := ev.Apply([][]any{vals})
	b.ResetTimer()
	for range b.N {
		for range recs {
			activity.Validate(obj)
		}
	}
}

func BenchmarkPartEncode(b *testing.B) {
	p, _, recs := partsSetup(b)
	ev := p.NewEvaluator()
	vals, _ := p.Row(recs[0])
	obj, _ := ev.Apply([][]any{vals})
	buf := make([]byte, 0, 1<<20)
	b.ResetTimer()
	for range b.N {
		for range recs {
			buf = activity.AppendJSON(buf[:0], obj)
		}
	}
}
