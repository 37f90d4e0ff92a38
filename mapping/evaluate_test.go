package mapping

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"csv2activity/activity"
)

// apply compiles a mapping against testHeader and builds the activity of the
// given rows (one group), returning its JSON.
func apply(t *testing.T, mapping string, rows ...[]string) (string, error) {
	t.Helper()
	m, err := parse("m.yaml", []byte("version: 1\n"+mapping), false)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p, err := m.Compile(testHeader)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	var group [][]any
	for _, r := range rows {
		vals, err := p.Row(r)
		if err != nil {
			return "", err
		}
		group = append(group, vals)
	}
	obj, err := p.NewEvaluator().Apply(group)
	if err != nil {
		return "", err
	}
	return string(activity.AppendJSON(nil, obj)), nil
}

var (
	row1 = []string{"CA-1", "2016-11-08", "C-042", "P-1", "3", "731.94", "", "Chairs"}
	row2 = []string{"CA-1", "2016-11-08", "C-042", "P-2", "2", "0.10", "0.2", "Labels"}
	row3 = []string{"CA-1", "2016-11-08", "C-042", "P-3", "1", "0.20", "", "Phones"}
)

const typedColumns = `input: {timezone: Europe/Paris}
columns:
  Order Date: {type: time, format: "%Y-%m-%d"}
  Quantity: int
  Sales: decimal
  Discount: {type: decimal, optional: true}
`

func TestApply(t *testing.T) {
	tests := []struct {
		name    string
		mapping string
		rows    [][]string
		want    string
	}{
		{"exact decimal division", "activity:\n  p: ${ Sales / Quantity }", [][]string{row1}, `{"p":243.98}`},
		{"exact decimal sum", "activity:\n  t: '${ sum(rows, #.Sales) }'", [][]string{row2, row3}, `{"t":0.3}`},
		{"decimal times float literal stays exact", "activity:\n  t: ${ Sales * 0.1 }", [][]string{row3}, `{"t":0.02}`},
		{"decimal comparison", "activity:\n  b: ${ Sales > 700 }", [][]string{row1}, `{"b":true}`},
		{"decimal equality ignores scale", "activity:\n  b: ${ Sales == 0.1 }", [][]string{row2}, `{"b":true}`},
		{"round half up", "activity:\n  r: ${ round(Sales / 7, 2) }", [][]string{row1}, `{"r":104.56}`},
		{"time to epoch ms in timezone", "activity:\n  ts: ${ Order_Date }", [][]string{row1}, `{"ts":1478559600000}`},
		{"millis", "activity:\n  ts: ${ millis(Order_Date) + 1 }", [][]string{row1}, `{"ts":1478559600001}`},
		{"nil drops the key", "activity:\n  d: ${ Discount }\n  q: ${ Quantity }", [][]string{row1}, `{"q":3}`},
		{"optional present", "activity:\n  d: ${ Discount }", [][]string{row2}, `{"d":0.2}`},
		{"nil-safe conditional", "activity:\n  d: '${ Discount != nil && Discount > 0 ? Discount : nil }'", [][]string{row1}, `{}`},
		{"interpolation", "activity:\n  l: 'order ${ Order_ID } x${ Quantity }'", [][]string{row1}, `{"l":"order CA-1 x3"}`},
		{"constants keep YAML types", "activity:\n  a: 1\n  b: 2.5\n  c: true\n  d: \"1\"\n  e: null", [][]string{row1}, `{"a":1,"b":2.5,"c":true,"d":"1"}`},
		{"literal dollar brace", "activity:\n  a: 'cost $${ 3 }'", [][]string{row1}, `{"a":"cost ${ 3 }"}`},
		{"row by header name", "activity:\n  c: ${ row[\"Sub-Category\"] }", [][]string{row1}, `{"c":"Chairs"}`},
		{"identifier of a header with a dash", "activity:\n  c: ${ Sub_Category }", [][]string{row1}, `{"c":"Chairs"}`},
		{"whole row in header order", "activity:\n  f: ${ row }", [][]string{row2},
			`{"f":{"Order ID":"CA-1","Order Date":1478559600000,"Customer ID":"C-042","Product ID":"P-2","Quantity":2,"Sales":0.1,"Discount":0.2,"Sub-Category":"Labels"}}`},
		{"for_each rows in input order", "activity:\n  i:\n    for_each: rows\n    item:\n      $id: ${ Product_ID }\n      n: ${ index }", [][]string{row1, row2, row3},
			`{"i":[{"$id":"P-1","n":0},{"$id":"P-2","n":1},{"$id":"P-3","n":2}]}`},
		{"bare names read the first row", "activity:\n  id: ${ Product_ID }\n  n: ${ len(rows) }", [][]string{row2, row3}, `{"id":"P-2","n":2}`},
		{"for_each over an expression", "activity:\n  i:\n    for_each: ${ split(\"a|b\", \"|\") }\n    item: ${ upper(item) }", [][]string{row1}, `{"i":["A","B"]}`},
		{"nested lists and maps", "activity:\n  e:\n    - n: 1\n      p: {x: [1, 'y${ Quantity }']}", [][]string{row1}, `{"e":[{"n":1,"p":{"x":[1,"y3"]}}]}`},
		{"map literal sorted", "activity:\n  m: '${ {\"b\": 1, \"a\": Quantity} }'", [][]string{row1}, `{"m":{"a":3,"b":1}}`},
		{"sha256 of normalized email", "activity:\n  h: ${ sha256(normalize_email(\"  Jane.Doe@Example.COM \")) }", [][]string{row1},
			`{"h":"` + "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d" + `"}`},
		{"md5", "activity:\n  h: ${ md5(Customer_ID) }", [][]string{row1}, `{"h":"3d502343b805039305cef9ef92955312"}`},
		{"coalesce skips nil and empty", "activity:\n  c: ${ coalesce(Discount, \"\", Sales) }", [][]string{row1}, `{"c":731.94}`},
		{"time with a format", "activity:\n  t: ${ time(\"08/11/2016 14:30\", \"%d/%m/%Y %H:%M\") }", [][]string{row1}, `{"t":1478611800000}`},
		{"decimal() of a comma string", "activity:\n  d: ${ decimal(\"12,50\") + 1 }", [][]string{row1}, `{"d":13.5}`},
		{"int of a decimal", "activity:\n  i: ${ int(Sales) }", [][]string{row1}, `{"i":731}`},
		{"max of decimals", "activity:\n  m: '${ max(map(rows, #.Sales)) }'", [][]string{row1, row2}, `{"m":731.94}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := apply(t, typedColumns+tt.mapping, tt.rows...)
			if err != nil {
				t.Fatalf("got error %v, want %s", err, tt.want)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestApplyErrors(t *testing.T) {
	tests := []struct {
		name    string
		mapping string
		row     []string
		want    string
	}{
		{"nil arithmetic", "activity:\n  d: ${ Discount * 2 }", row1,
			"activity.d (mapping line 9): Discount * 2: invalid operation: nil * int (an optional column is empty? test it with != nil first)"},
		{"division by zero", "activity:\n  d: ${ Sales / (Quantity - 3) }", row1,
			"activity.d (mapping line 9): Sales / (Quantity - 3): computing [731.94 / 0]: division by zero"},
		{"for_each of a string", "activity:\n  i:\n    for_each: ${ Order_ID }\n    item: 1", row1,
			"activity.i.for_each (mapping line 10): for_each wants a list, got string"},
		{"bad cell", "activity: {a: 1}", []string{"CA-1", "2016-13-08", "C", "P", "3", "1", "", "x"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := apply(t, typedColumns+tt.mapping, tt.row)
			if err == nil {
				t.Fatalf("got no error, want %s", tt.want)
			}
			var ce *CellError
			if tt.want == "" {
				if !errors.As(err, &ce) || ce.Column != "Order Date" {
					t.Errorf("got %v, want a CellError on Order Date", err)
				}
				return
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCellErrors(t *testing.T) {
	tests := []struct {
		col  Column
		in   string
		want string
	}{
		{Column{Type: Int, DecimalSeparator: '.'}, "3.5", `"3.5" is not an integer`},
		{Column{Type: Decimal, DecimalSeparator: '.'}, "12,50", `"12,50" is not a decimal number (for a decimal comma add decimal_separator: ",")`},
		{Column{Type: Decimal, DecimalSeparator: ','}, "12.50", `"12.50" is not a decimal number`},
		{Column{Type: Float, DecimalSeparator: '.'}, "abc", `"abc" is not a number`},
		{Column{Type: Bool}, "maybe", `"maybe" is not a boolean (true/false, yes/no, 1/0)`},
		{Column{Type: Int, DecimalSeparator: '.'}, "  ", errEmpty.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := tt.col.parse(tt.in)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
}

func TestCellValues(t *testing.T) {
	tests := []struct {
		col  Column
		in   string
		want string
	}{
		{Column{Type: String}, "007", `"007"`},
		{Column{Type: String, Optional: true}, "", `null`},
		{Column{Type: Int, DecimalSeparator: '.', ThousandsSeparator: ","}, "1,234", `1234`},
		{Column{Type: Decimal, DecimalSeparator: ',', ThousandsSeparator: " "}, "1\u00a0234,50", `1234.5`},
		{Column{Type: Float, DecimalSeparator: ','}, "-0,25", `-0.25`},
		{Column{Type: Bool}, "Oui", `true`},
		{Column{Type: Decimal, Optional: true, DecimalSeparator: '.'}, " ", `null`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v, err := tt.col.parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			p := &Program{}
			nv, _ := p.value(v, 0)
			got := string(activity.AppendJSON(nil, nv))
			if strings.TrimSpace(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestKeyRow: reading a row for where and group_by types what they read
// and checks every cell, but boxes no other text.
func TestKeyRow(t *testing.T) {
	p, err := load(t,
		"version: 1",
		"columns:",
		"  Quantity: int",
		`where: ${ Sub_Category != "Labels" }`,
		"group_by: ${ Order_ID }",
		"activity:",
		"  $type: TOUCH",
		"  $ts: 1700000000000",
		"  $user_account_id: ${ Customer_ID }",
	)
	if err != nil {
		t.Fatal(err)
	}
	key, vals, pass, err := p.NewEvaluator().KeyRow(row1, false)
	if err != nil || !pass || key != "CA-1" {
		t.Fatalf("KeyRow: key %q, pass %v, error %v; want CA-1, true, nil", key, pass, err)
	}
	if vals[0] != "CA-1" || vals[7] != "Chairs" || vals[4] != 3 {
		t.Errorf("KeyRow left out what where and group_by read: %v", vals)
	}
	if vals[2] != nil {
		t.Errorf("KeyRow typed Customer ID, which only the activity reads: %v", vals)
	}
	bad := slices.Clone(row1)
	bad[4] = "three"
	if _, _, _, err := p.NewEvaluator().KeyRow(bad, false); err == nil {
		t.Error("KeyRow accepted a Quantity of three")
	}
	full, err := p.Row(row1)
	if err != nil || full[2] != "C-042" {
		t.Errorf("Row: %v, %v", full, err)
	}
}
