package mapping

import (
	"strings"
	"testing"
)

var testHeader = []string{"Order ID", "Order Date", "Customer ID", "Product ID", "Quantity", "Sales", "Discount", "Sub-Category"}

// load parses and compiles a mapping given as lines, against testHeader.
func load(t *testing.T, lines ...string) (*Program, error) {
	t.Helper()
	m, err := parse("m.yaml", []byte(strings.Join(lines, "\n")+"\n"), false)
	if err != nil {
		return nil, err
	}
	return m.Compile(testHeader)
}

func TestMappingErrors(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{
			name:  "yaml syntax",
			lines: []string{"version: 1", "activity:", "  a: [1, 2", "  b: 1"},
			want:  "m.yaml:4:3: invalid YAML: ',' or ']' must be specified\n      b: 1\n      ^",
		},
		{
			name:  "unknown top-level key",
			lines: []string{"version: 1", "wehre: ${ true }", "activity: {a: 1}"},
			want:  "m.yaml:2:1: unknown key \"wehre\" in mapping (did you mean \"where\"?)\n    wehre: ${ true }\n    ^",
		},
		{
			name:  "missing version",
			lines: []string{"activity: {a: 1}"},
			want:  "m.yaml:1:1: missing \"version: 1\" (the mapping language's version)\n    activity: {a: 1}\n    ^",
		},
		{
			name:  "wrong version",
			lines: []string{"version: 2", "activity: {a: 1}"},
			want:  "m.yaml:1:10: unsupported version 2: this csv2activity reads version 1\n    version: 2\n             ^",
		},
		{
			name:  "bad column type",
			lines: []string{"version: 1", "columns:", "  Quantity: innt", "activity: {a: 1}"},
			want:  "m.yaml:3:13: unknown column type \"innt\" (did you mean \"int\"?) (types: string, int, float, decimal, bool, time)\n      Quantity: innt\n                ^",
		},
		{
			name:  "column not in header",
			lines: []string{"version: 1", "columns:", "  Order Dat: {type: time, format: \"%Y-%m-%d\"}", "activity: {a: 1}"},
			want:  "m.yaml:3:3: column \"Order Dat\" is not in the input's header (did you mean \"Order Date\"?)\n      Order Dat: {type: time, format: \"%Y-%m-%d\"}\n      ^",
		},
		{
			name:  "bad strftime directive",
			lines: []string{"version: 1", "columns:", "  Order Date: {type: time, format: \"%Q-%m\"}", "activity: {a: 1}"},
			want:  "m.yaml:3:15: column \"Order Date\": unknown directive %Q in format \"%Q-%m\"\n      Order Date: {type: time, format: \"%Q-%m\"}\n                  ^",
		},
		{
			name:  "unknown column in expression",
			lines: []string{"version: 1", "activity:", "  $ts: ${ Order_Dat }"},
			want:  "m.yaml:3:11: activity.$ts: unknown column Order_Dat (did you mean Order_Date?)\n      $ts: ${ Order_Dat }\n              ^",
		},
		{
			name:  "unknown column in quoted interpolation",
			lines: []string{"version: 1", "activity:", "  label: 'order ${ Order_ID } by ${ Custmer_ID }'"},
			want:  "m.yaml:3:37: activity.label: unknown column Custmer_ID (did you mean Customer_ID?)\n      label: 'order ${ Order_ID } by ${ Custmer_ID }'\n                                        ^",
		},
		{
			name:  "header name suggested as row[]",
			lines: []string{"version: 1", "activity:", "  c: ${ SubCategory }"},
			want:  "m.yaml:3:9: activity.c: unknown column SubCategory (did you mean Sub_Category?)\n      c: ${ SubCategory }\n            ^",
		},
		{
			name:  "same separators",
			lines: []string{"version: 1", "columns:", "  Sales: {type: decimal, decimal_separator: \",\", thousands_separator: \",\"}", "activity: {a: 1}"},
			want:  "m.yaml:3:10: column \"Sales\": thousands_separator and decimal_separator are both \",\"\n      Sales: {type: decimal, decimal_separator: \",\", thousands_separator: \",\"}\n             ^",
		},
		{
			name:  "separator on a string column",
			lines: []string{"version: 1", "columns:", "  Customer ID: {thousands_separator: \",\"}", "activity: {a: 1}"},
			want:  "m.yaml:3:16: decimal_separator and thousands_separator are for numbers; column \"Customer ID\" is string\n      Customer ID: {thousands_separator: \",\"}\n                   ^",
		},
		{
			name:  "unknown function",
			lines: []string{"version: 1", "activity:", "  h: ${ sha265(Customer_ID) }"},
			want:  "m.yaml:3:9: activity.h: unknown function sha265 (did you mean \"sha256\"?)\n      h: ${ sha265(Customer_ID) }\n            ^",
		},
		{
			name:  "syntax error",
			lines: []string{"version: 1", "where: ${ Quantity > }", "activity: {a: 1}"},
			want:  "m.yaml:2:21: where: unexpected token EOF\n    where: ${ Quantity > }\n                        ^",
		},
		{
			name:  "type error",
			lines: []string{"version: 1", "columns:", "  Quantity: int", "activity:", "  q: ${ Quantity + \"x\" }"},
			want:  "m.yaml:5:18: activity.q: invalid operation: + (mismatched types int and string)\n      q: ${ Quantity + \"x\" }\n                     ^",
		},
		{
			name:  "where must be bool",
			lines: []string{"version: 1", "columns:", "  Quantity: int", "where: ${ Quantity + 1 }", "activity: {a: 1}"},
			want:  "m.yaml:4:10: where: expected bool, but got int\n    where: ${ Quantity + 1 }\n             ^",
		},
		{
			name:  "unclosed expression",
			lines: []string{"version: 1", "activity:", "  a: \"${ Order_ID \""},
			want:  "m.yaml:3:6: activity.a: \"${\" has no closing \"}\"\n      a: \"${ Order_ID \"\n         ^",
		},
		{
			name:  "anchors refused",
			lines: []string{"version: 1", "activity:", "  a: &x [1, 2]", "  b: *x"},
			want:  "m.yaml:3:6: YAML anchors, aliases and merge keys are not supported in mapping files\n      a: &x [1, 2]\n         ^\nm.yaml:4:6: YAML anchors, aliases and merge keys are not supported in mapping files\n      b: *x\n         ^",
		},
		{
			name:  "item outside for_each",
			lines: []string{"version: 1", "activity:", "  a: ${ item }"},
			want:  "m.yaml:3:9: activity.a: unknown column item\n      a: ${ item }\n            ^",
		},
		{
			name:  "for_each without item",
			lines: []string{"version: 1", "activity:", "  a:", "    for_each: rows"},
			want:  "m.yaml:4:5: activity.a: for_each needs item: the template of each element\n        for_each: rows\n        ^",
		},
		{
			name:  "duplicate key",
			lines: []string{"version: 1", "activity:", "  a: 1", "  a: 2"},
			want:  "m.yaml:4:3: invalid YAML: mapping key \"a\" already defined at [3:3]\n      a: 2\n      ^",
		},
		{
			name:  "header false without names",
			lines: []string{"version: 1", "input:", "  header: false", "activity: {a: 1}"},
			want:  "m.yaml:3:3: header: false needs names: [the column names, in order]\n      header: false\n      ^",
		},
		{
			name:  "unknown timezone",
			lines: []string{"version: 1", "input:", "  timezone: Europe/Pariss", "activity: {a: 1}"},
			want:  "m.yaml:3:13: unknown timezone \"Europe/Pariss\": use an IANA name such as Europe/Paris or UTC\n      timezone: Europe/Pariss\n                ^",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.lines...)
			if err == nil {
				t.Fatalf("got no error, want:\n%s", tt.want)
			}
			if !IsMappingError(err) {
				t.Errorf("got %T, want a mapping error", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
