package mapping

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// TestNestingRefusedBeforeParsing: deeply nested YAML is refused on its
// bytes, at once, naming the line and column; text that only looks nested
// (quoted, block scalars, comments, plain scalars) is not.
func TestNestingRefusedBeforeParsing(t *testing.T) {
	t.Parallel() // seconds of CPU: beside the package's other tests
	deepIndent := "version: 1\nactivity:\n"
	for i := range 80 {
		deepIndent += strings.Repeat(" ", 2*i+2) + "k:\n"
	}
	tests := []struct {
		name, text string
		line, col  int // 0: accepted by the scan
	}{
		{"200 KB of [", "version: 1\nactivity:\n  a: " + strings.Repeat("[", 200<<10), 3, 77},
		{"250 KB of [", strings.Repeat("[", 250<<10), 1, 73},
		{"braces", "activity: " + strings.Repeat("{a: ", 100), 1, 299},
		{"dashes", "activity:\n  a:\n" + strings.Repeat("- ", 100), 3, 143},
		{"indentation", deepIndent, 73, 145},
		{"chained values", "a: " + strings.Repeat("b: ", 100), 1, 216},
		{"empty entries taking the next line", strings.Repeat("0:\n-\n", 20000), 49, 1},
		{"quoted brackets in flow", "a: " + strings.Repeat(`["]", `, 100), 1, 424},
		{"a quote inside a plain scalar", "a: [x 'y, " + strings.Repeat("[", 100), 1, 82},
		{"brackets in quoted scalars", strings.Repeat("a: '"+strings.Repeat("[", 60)+"'\nb: \""+strings.Repeat("{\\\"", 30)+"\"\n", 10), 0, 0},
		{"brackets in a block scalar", "a: |\n" + strings.Repeat("  "+strings.Repeat("[", 60)+"\n", 10) + "  x\nb: 1", 0, 0},
		{"brackets in a folded scalar of a list", "a:\n  - >-\n" + strings.Repeat("    "+strings.Repeat("{", 60)+"\n", 10) + "b: 1", 0, 0},
		{"brackets in comments", strings.Repeat("a: 1 # "+strings.Repeat("[", 60)+"\n# "+strings.Repeat("{", 60)+"\n", 10), 0, 0},
		{"brackets in plain scalars", strings.Repeat("a: ${ x } "+strings.Repeat("[", 60)+"\n", 10), 0, 0},
		{"a quoted scalar over lines", "a: \"x\n" + strings.Repeat(strings.Repeat("[", 60)+"\n", 10) + "\"\nb: [1]", 0, 0},
		{"brackets in text, too many on one line", "a: '" + strings.Repeat("[", 1000) + "'", 1, 77},
		{"a map of too many keys", manyKeys(MaxKeys + 1), MaxKeys + 2, 3},
		{"maps of many keys", manyKeys(MaxKeys) + "other:\n" + manyKeys(MaxKeys), 0, 0},
		{"a control character", "version: 1\nactivity:\n  a: \"x\x00\"\n", 3, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("m.yaml", []byte(tt.text))
			var line, col int
			if es, ok := err.(Errors); ok && (strings.Contains(es[0].Msg, "nested more than") || strings.Contains(es[0].Msg, "control character") || strings.Contains(es[0].Msg, "keys")) {
				line, col = es[0].Line, es[0].Col
				if len(es[0].Error()) > 200 {
					t.Errorf("error of %d bytes: %.200s…", len(es[0].Error()), es[0].Error())
				}
			}
			if line != tt.line || col != tt.col {
				t.Errorf("got a nesting error at %d:%d (%v), want %d:%d", line, col, err, tt.line, tt.col)
			}
		})
	}
}

// TestNestingOfShippedMappings: the shipped mappings, and an activity as
// deep as MaxDepth allows, pass the scan.
func TestNestingOfShippedMappings(t *testing.T) {
	var deep strings.Builder
	deep.WriteString("version: 1\nactivity:\n")
	for i := range MaxDepth {
		deep.WriteString(strings.Repeat("  ", i+1) + "k:\n")
	}
	deep.WriteString(strings.Repeat("  ", MaxDepth+1) + "v: 1\n")
	texts := map[string]string{"deep": deep.String()}
	for _, name := range []string{"../mappings.example.yaml", "../samples/fr-caisse.yaml", "../samples/loyalty.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		texts[name] = string(b)
	}
	for name, text := range texts {
		if !nestingError(newSource(name, nil), []byte(text)) {
			t.Errorf("%s: refused by the nesting scan", name)
		}
	}
}

// FuzzNesting checks that the scan never counts less nesting than the YAML
// parser builds, on texts the parser reads.
func FuzzNesting(f *testing.F) {
	for _, s := range []string{"a: [b, {c: d}]\n", "- - - x\n", "a:\n  - b: |\n      [x\n    c: [1]\n", "a: 'x''[y'\nb: \"[\\\"\"\n",
		"? [a]\n: b\n", "a: {b: [c, d], e: 'f'}\n", "k:\n  - [a, [b]]\n  - {c: {d: e}}\n", "a: >\n  {{\nb: [[1]]\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4096 || controlChar([]byte(text)) >= 0 {
			return
		}
		file, err := parser.ParseBytes([]byte(text), 0)
		if err != nil {
			return
		}
		s := &nestScanner{text: []byte(text)}
		s.run()
		for _, doc := range file.Docs {
			if d := yamlDepth(doc.Body, false); d > s.deepest && d <= MaxNesting {
				t.Fatalf("the scan counts %d levels, the parser built %d", s.deepest, d)
			}
		}
	})
}

// yamlDepth is the nesting of maps and lists under n; inMap says whether n
// is an entry of a map already counted.
func yamlDepth(n ast.Node, inMap bool) int {
	switch v := n.(type) {
	case *ast.MappingNode:
		d := 0
		for _, kv := range v.Values {
			d = max(d, yamlDepth(kv, true))
		}
		return d + 1
	case *ast.MappingValueNode:
		d := max(yamlDepth(v.Key, false), yamlDepth(v.Value, false))
		if inMap {
			return d
		}
		return d + 1
	case *ast.SequenceNode:
		d := 0
		for _, e := range v.Values {
			d = max(d, yamlDepth(e, false))
		}
		return d + 1
	case *ast.TagNode:
		return yamlDepth(v.Value, inMap)
	case *ast.AnchorNode:
		return yamlDepth(v.Value, inMap)
	case *ast.MappingKeyNode:
		return yamlDepth(v.Value, false)
	}
	return 0
}

// manyKeys is a map of n keys under "m:".
func manyKeys(n int) string {
	var b strings.Builder
	b.WriteString("m:\n")
	for i := range n {
		fmt.Fprintf(&b, "  k%d: v\n", i)
	}
	return b.String()
}

// BenchmarkNestingRefused measures the refusal of 200 KB of "[" on its
// bytes, before any YAML parsing. (The test above checks the refusal; how
// fast it is belongs here, not in a timed test.)
func BenchmarkNestingRefused(b *testing.B) {
	text := []byte("version: 1\nactivity:\n  a: " + strings.Repeat("[", 200<<10))
	for b.Loop() {
		if _, err := Parse("m.yaml", text); err == nil {
			b.Fatal("accepted")
		}
	}
}
