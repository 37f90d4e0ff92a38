package mapping

import (
	"strings"
	"testing"

	"csv2activity/activity"
)

// TestFastPathsMatchVM evaluates every fast-path expression both ways, on
// rows that exercise decimals, ints, strings, times and nil, and compares
// the JSON of the results (or the error messages).
func TestFastPathsMatchVM(t *testing.T) {
	exprs := []string{
		"Sales", "Quantity", "Order_Date", "Discount", "Customer_ID",
		"Sales / Quantity", "Sales * Quantity", "Sales + 1", "Sales - 0.5", "Sales % 2", "Quantity / 2", "Quantity * 3",
		"Quantity + Quantity", "Customer_ID + Product_ID", "Customer_ID + \"x\"", "1 + 2",
		"Quantity > 2", "Sales >= 731.94", "Sales < Quantity", "Quantity <= 3", "Sales == 0.1", "Quantity != 2",
		"Customer_ID == \"C-042\"", "Discount > 0", "Discount == nil", "Discount * 2", "Sales / (Quantity - 3)", "Sales / 0",
		"Order_Date > Order_Date", "Quantity == 3.0", "true == (Quantity > 1)",
	}
	rows := [][]string{row1, row2, row3, {"CA-2", "2016-11-09", "C-9", "P-9", "0", "-12.5", "1.25", "x"}}
	for _, src := range exprs {
		t.Run(src, func(t *testing.T) {
			p, e := compileExpr(t, "", src)
			if e.fast.kind == slow && !strings.Contains(src, "(") {
				t.Fatalf("%s has no fast path", src)
			}
			slowEv, fastEv := p.NewEvaluator(), p.NewEvaluator()
			for _, r := range rows {
				vals, err := p.Row(r)
				if err != nil {
					t.Fatal(err)
				}
				fast := e.fast
				want, wantErr := viaVM(slowEv, p, e, vals)
				e.fast = fast
				got, gotErr := fastEv.run(e, fastEv.bind(vals, [][]any{vals}))
				if describeResult(got, gotErr) != describeResult(want, wantErr) {
					t.Errorf("row %v: fast path gives %s, the VM %s", r, describeResult(got, gotErr), describeResult(want, wantErr))
				}
			}
		})
	}
}

// viaVM evaluates e on the VM, its fast path switched off.
func viaVM(ev *Evaluator, p *Program, e *Expr, vals []any) (any, error) {
	saved := p.used
	p.used = nil
	for id, col := range p.idents {
		p.used = append(p.used, binding{id, col})
	}
	defer func() { p.used = saved }()
	e.fast = fastPath{}
	return ev.run(e, ev.bind(vals, [][]any{vals}))
}

func describeResult(v any, err error) string {
	if err != nil {
		return "error " + err.Error()
	}
	p := &Program{}
	nv, nerr := p.value(v, 0)
	if nerr != nil {
		return "error " + nerr.Error()
	}
	return string(activity.AppendJSON(nil, nv))
}

// TestGroupSumMatchesVM compares the group aggregates on their fast path
// (sum(rows, #.Field), len(rows), first(rows).Field, last(rows).Field) with
// the VM, on groups of one to four rows: exact decimals, nils skipped, ints,
// and the errors of adding what does not add.
func TestGroupSumMatchesVM(t *testing.T) {
	exprs := map[string]bool{ // the expression, and whether it has the fast path
		"sum(rows, #.Sales)": true, "sum(rows, .Quantity)": true, `sum(rows, #["Sales"])`: true,
		"sum(rows, #.Discount)": true, "sum(rows, #.Customer_ID)": true, "sum(rows, #.Order_Date)": true,
		`sum(rows, #["Order ID"])`: true, "sum(rows, #.Nope)": false, "sum(rows, #.Sales * 2)": false,
		"len(rows)": true, "first(rows).Sales": true, "last(rows).Order_Date": true, `last(rows)["Order ID"]`: true,
		"first(rows).Discount": true, "first(rows)?.Sales": false, "first(rows).Nope": false, "len(rows) + 1": false,
	}
	row4 := []string{"CA-2", "2016-11-09", "C-9", "P-9", "7", "-12.5", "1.25", "x"}
	groups := [][][]string{{row1}, {row1, row2}, {row1, row2, row3}, {row3, row4, row2, row1}}
	for src, hasFast := range exprs {
		t.Run(src, func(t *testing.T) {
			p, e := compileExpr(t, "group_by: ${ Order_ID }\n", src)
			if (e.fast.kind != slow) != hasFast {
				t.Fatalf("fast path: %v, want %v", e.fast.kind != slow, hasFast)
			}
			if !hasFast {
				return
			}
			fast := e.fast
			for _, rows := range groups {
				var group [][]any
				for _, r := range rows {
					vals, err := p.Row(r)
					if err != nil {
						t.Fatal(err)
					}
					group = append(group, vals)
				}
				slowEv := p.NewEvaluator()
				ids := make([]string, len(p.Header))
				for i, h := range p.Header {
					ids[i] = Ident(h)
				}
				p.rows, p.recKeys = true, p.recordKeys(&recordUse{whole: true}, ids)
				e.fast = fastPath{}
				want, wantErr := slowEv.run(e, slowEv.bind(group[0], group))
				p.rows, e.fast = false, fast
				fastEv := p.NewEvaluator()
				got, gotErr := fastEv.run(e, fastEv.bind(group[0], group))
				if describeResult(got, gotErr) != describeResult(want, wantErr) {
					t.Errorf("%d rows: fast path gives %s, the VM %s", len(rows), describeResult(got, gotErr), describeResult(want, wantErr))
				}
			}
		})
	}
}

// compileExpr compiles a mapping of typedColumns, more (top-level keys) and
// an activity whose one value is ${ src }, and returns that expression.
func compileExpr(t *testing.T, more, src string) (*Program, *Expr) {
	t.Helper()
	m, err := parse("m.yaml", []byte("version: 1\n"+typedColumns+more+"activity:\n  v: '${ "+src+" }'\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Compile(testHeader)
	if err != nil {
		t.Fatal(err)
	}
	return p, p.Activity.Values[0].Expr
}
