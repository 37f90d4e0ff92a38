package mapping

import (
	"reflect"
	"sort"
	"testing"

	"github.com/expr-lang/expr/parser"
)

func TestRecordUse(t *testing.T) {
	tests := []struct {
		expr  string
		whole bool
		names []string
	}{
		{`sum(rows, #.Sales)`, false, []string{"Sales"}},
		{`sum(rows, #.Sales * #.Quantity) / len(rows)`, false, []string{"Quantity", "Sales"}},
		{`any(rows, #.Discount != nil && #.Discount > 0)`, false, []string{"Discount"}},
		{`row["Order Date"]`, false, []string{"Order Date"}},
		{`map(rows, #.Product_ID)`, false, []string{"Product_ID"}},
		{`row`, true, nil},
		{`map(rows, #)`, true, nil},
		{`filter(rows, #.Quantity > 1)`, true, []string{"Quantity"}},
		{`rows[0]`, true, nil},
		{`first(rows).Sales`, true, nil},
		{`let r = row; r.Sales`, true, nil},
		{`sum(map(rows, #.Sales))`, false, []string{"Sales"}},
		{`row[Customer_ID]`, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			tree, err := parser.Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			u := recordUse{names: map[string]bool{}}
			u.visit(tree.Node)
			var names []string
			for n := range u.names {
				names = append(names, n)
			}
			sort.Strings(names)
			if u.whole != tt.whole || (!tt.whole && !reflect.DeepEqual(names, tt.names)) {
				t.Errorf("got whole=%v names=%v, want whole=%v names=%v", u.whole, names, tt.whole, tt.names)
			}
		})
	}
}
