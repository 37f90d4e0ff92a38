package mapping

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"csv2activity/activity"
)

// TestHeaderNames: a header whose names do not tell the columns apart is a
// mapping error naming them, unless input.names names the columns; an
// identifier several columns make is an error only where it is used.
func TestHeaderNames(t *testing.T) {
	tests := []struct {
		name    string
		mapping string
		header  []string
		want    []string // in the error; none: it compiles
	}{
		{"duplicate", "activity: {e: '${ email }'}", []string{"id", "email", "email"},
			[]string{`m.yaml:1:1: the input's header has 2 columns named "email" (columns 2 and 3)`, `names: ["id", "email", "email_2"]`}},
		{"duplicate, unused", "activity: {e: '${ id }'}", []string{"id", "email", "email", "email"},
			[]string{`3 columns named "email" (columns 2, 3 and 4)`}},
		{"empty names", "input: {delimiter: \",\"}\nactivity: {e: '${ id }'}", []string{"id", "", "x", ""},
			[]string{`m.yaml:2:1: the input's header has no name for columns 2 and 4`, `names: ["id", "column_2", "x", "column_4"]`}},
		{"empty name after its own suggestion", "activity: {e: '${ id }'}", []string{"column_2", "", "id"},
			[]string{`no name for column 2`, `names: ["column_2", "column_2_2", "id"]`}},
		{"names replace the header line", "input: {names: [id, email, email_2]}\nactivity: {e: '${ email_2 }'}", []string{"id", "email", "email"}, nil},
		{"names of another width", "input: {names: [id, email]}\nactivity: {e: '${ email }'}", []string{"id", "email", "email"},
			[]string{"m.yaml:2:1: input.names gives 2 names, the header line has 3 columns"}},
		{"shared identifier used", "activity: {d: '${ Order_Date }'}", []string{"Order Date", "Order-Date", "Order_Date"},
			[]string{`activity.d: Order_Date is the name of 3 columns: write row["Order Date"] or row["Order-Date"] or row["Order_Date"]`}},
		{"shared identifier unused", "activity: {d: '${ row[\"Order-Date\"] }'}", []string{"Order Date", "Order-Date"}, nil},
		{"shared identifier as a field", "activity: {d: '${ map(rows, #.Order_Date) }'}", []string{"Order Date", "Order-Date"},
			[]string{`activity.d: Order_Date is the name of 2 columns`}},
		{"shared identifier of row", "activity: {d: '${ row.Order_Date }'}", []string{"Order Date", "Order-Date"},
			[]string{`activity.d: Order_Date is the name of 2 columns`}},
		{"a field that is a header name", "activity: {d: '${ map(rows, #.Order_Date) }'}", []string{"Order Date", "Order_Date"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parse("m.yaml", []byte("version: 1\n"+tt.mapping+"\n"), false)
			if err != nil {
				t.Fatal(err)
			}
			p, err := m.Compile(tt.header)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("got %v, want it to compile", err)
				}
				if names := m.Input.Names; len(names) > 0 && (!slices.Equal(p.Header, names) || !slices.Equal(p.InputHeader, tt.header)) {
					t.Errorf("header %v (input header %v), want %v (%v)", p.Header, p.InputHeader, names, tt.header)
				}
				return
			}
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("got %v, want a mapping error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got:\n%v\nwant it to hold %s", err, w)
				}
			}
		})
	}
}

// TestHeaderNamesRead: with input.names over a header line, the columns are
// read by position under their new names.
func TestHeaderNamesRead(t *testing.T) {
	m, err := parse("m.yaml", []byte("version: 1\ninput: {names: [id, email, email_2]}\nactivity: {a: '${ email }', b: '${ email_2 }', r: '${ row }'}\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Compile([]string{"id", "email", "email"})
	if err != nil {
		t.Fatal(err)
	}
	vals, err := p.Row([]string{"1", "a@b.fr", "c@d.fr"})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := p.NewEvaluator().Apply([][]any{vals})
	if err != nil {
		t.Fatal(err)
	}
	got := string(activity.AppendJSON(nil, obj))
	if want := `{"a":"a@b.fr","b":"c@d.fr","r":{"id":"1","email":"a@b.fr","email_2":"c@d.fr"}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// BenchmarkCompileWideHeader compiles a mapping against a header of 200,000
// columns whose names are not identifiers ("col 1"…), so that each
// identifier is a new string: Compile makes it once a column.
func BenchmarkCompileWideHeader(b *testing.B) {
	header := make([]string, 200_000)
	for i := range header {
		header[i] = "col " + strconv.Itoa(i)
	}
	m, err := parse("m.yaml", []byte("version: 1\ngroup_by: ${ col_1 }\nactivity:\n  $type: TOUCH\n  $ts: 1700000000000\n  $user_account_id: ${ col_1 }\n"), false)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := m.Compile(header); err != nil {
			b.Fatal(err)
		}
	}
}
