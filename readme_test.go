package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeBlocks returns the fenced blocks of README.md with their language and
// the HTML comment just before them, if any.
type readmeBlock struct {
	lang, comment, body string
}

func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	f, err := os.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []readmeBlock
	var cur *readmeBlock
	comment := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			cur = &readmeBlock{lang: strings.TrimPrefix(trimmed, "```"), comment: comment}
			comment = ""
		case cur != nil && trimmed == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.body += line + "\n"
		case strings.HasPrefix(trimmed, "<!--"):
			comment = trimmed
		}
	}
	return blocks
}

// readmeDir makes a folder holding what the README's commands read.
func readmeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"mappings.example.yaml", "samples/us-orders.csv", "samples/fr-caisse.csv", "samples/fr-caisse.yaml",
		"samples/loyalty.csv", "samples/loyalty.yaml", "testdata/broken/us-orders.csv", "testdata/broken/fr-caisse.csv",
		"testdata/exports/online-retail.csv"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, name, string(b))
	}
	return dir
}

var exampleComment = regexp.MustCompile(`<!-- example input=(\S+) lines=(\d+) -->`)

// TestReadmeExamples converts each annotated mapping example of the README
// and compares the output with the json block that follows it.
func TestReadmeExamples(t *testing.T) {
	dir := readmeDir(t)
	blocks := readmeBlocks(t)
	n := 0
	for i, b := range blocks {
		m := exampleComment.FindStringSubmatch(b.comment)
		if m == nil || b.lang != "yaml" {
			continue
		}
		n++
		if i+1 >= len(blocks) || blocks[i+1].lang != "json" {
			t.Fatalf("example %d has no json block after it", n)
		}
		want := strings.Split(strings.TrimSpace(blocks[i+1].body), "\n")
		t.Run(m[1], func(t *testing.T) {
			mapping := writeFile(t, dir, filepath.Join("examples", m[1]+".yaml"), b.body)
			res := runCLI(t, dir, nil, nil, "convert", "-m", mapping, m[1])
			if res.code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
			}
			got := strings.Split(res.stdout, "\n")[:len(want)]
			for j := range want {
				if got[j] != want[j] {
					t.Errorf("line %d:\ngot  %s\nwant %s", j+1, got[j], want[j])
				}
			}
		})
	}
	if n < 2 {
		t.Fatalf("found %d README examples, want at least 2", n)
	}
}
