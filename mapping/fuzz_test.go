package mapping

import (
	"os"
	"strings"
	"testing"
)

// FuzzCompile feeds arbitrary mapping files to Parse and Compile, seeded from
// the error table and the shipped mappings: whatever the text, they return a
// Program or a mapping error, never panic, and a Program applies to a row
// without panicking; AppendGroup (through a grouped template when the
// mapping has one) gives the general path's line or reason.
func FuzzCompile(f *testing.F) {
	for _, name := range []string{"../mappings.example.yaml", "../samples/fr-caisse.yaml", "../samples/loyalty.yaml"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("version: 1\n" + typedColumns + "activity:\n  p: ${ Sales / Quantity }\n  i:\n    for_each: rows\n    item: ${ item }\n")
	f.Add("version: 1\nactivity:\n  a: &x [1]\n  b: *x\n")
	f.Add("version: 1\nwhere: ${ Quantity > }\nactivity: {a: '${ {\"}\": 1} }'}\n")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := Parse("f.yaml", []byte(text))
		if err != nil {
			if !IsMappingError(err) {
				t.Fatalf("Parse error %T is not a mapping error: %v", err, err)
			}
			return
		}
		p, err := m.Compile(testHeader)
		if err != nil {
			if !IsMappingError(err) {
				t.Fatalf("Compile error %T is not a mapping error: %v", err, err)
			}
			return
		}
		vals, err := p.Row(row1)
		if err != nil {
			return
		}
		ev := p.NewEvaluator()
		if ok, err := ev.where(vals); err != nil || !ok {
			return
		}
		if p.GroupBy != nil {
			if _, err := ev.keyOf(vals); err != nil {
				return
			}
		}
		obj, err := ev.Apply([][]any{vals, vals})
		if err == nil && obj == nil {
			t.Fatal("Apply returned no activity and no error")
		}
		want, wantErr := generalGroup(p.NewEvaluator(), [][]any{vals, vals})
		got, err := p.NewEvaluator().AppendGroup(nil, [][]any{vals, vals})
		if err != nil && reason(err) != wantErr || err == nil && (wantErr != "" || string(got) != want) {
			t.Fatalf("AppendGroup: %q, %v; general path: %s %s", got, err, want, wantErr)
		}
	})
}

func TestSplitTemplate(t *testing.T) {
	tests := []struct {
		in   string
		want string // parts joined by |, expressions in <>
	}{
		{"plain", "plain"},
		{"${ a }", "< a >"},
		{"x ${ a } y ${b}", "x |< a >| y |<b>"},
		{"$${ not }", "${ not }"},
		{"${ {\"a\": \"}\"} }", "< {\"a\": \"}\"} >"},
		{"${ 'x}' + `y}` }", "< 'x}' + `y}` >"},
	}
	for _, tt := range tests {
		parts, err := splitTemplate(tt.in)
		if err != nil {
			t.Errorf("splitTemplate(%q): %v", tt.in, err)
			continue
		}
		var got []string
		for _, p := range parts {
			if p.expr {
				got = append(got, "<"+p.text+">")
			} else {
				got = append(got, p.text)
			}
		}
		if g := strings.Join(got, "|"); g != tt.want {
			t.Errorf("splitTemplate(%q) = %q, want %q", tt.in, g, tt.want)
		}
	}
}
