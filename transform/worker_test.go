package transform

import (
	"strings"
	"testing"

	"csv2activity/input"
	"csv2activity/mapping"
)

// TestPanicRejectsRow checks that a bug that panics on a row (here, a
// worker missing its evaluator) rejects that row, naming it, instead of
// crashing the run.
func TestPanicRejectsRow(t *testing.T) {
	t.Parallel()
	m, err := mapping.Parse("m.yaml", []byte(orderMapping))
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Compile([]string{"order", "customer", "sku", "qty", "price"})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorker(p)
	w.ev = nil
	res := w.batch(&batch{Batch: &input.Batch{Data: []byte("O1,C1,S1,1,2.50\n"), Line: 7, Comma: ',', File: "in.csv"}})
	if res.read != 1 || len(res.rows) != 1 || res.rows[0].why == nil {
		t.Fatalf("got %d read, rows %v; want the row rejected", res.read, res.rows)
	}
	if r := res.rows[0]; r.line != 7 || r.key != "" || r.why.Kind != RejectInternal ||
		!strings.HasPrefix(r.why.Reason, "internal error on this row (please report it)") {
		t.Errorf("got %+v, want line 7 rejected alone", r)
	}
}
