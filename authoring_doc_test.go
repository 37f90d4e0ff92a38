package main

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// docStep is a command of the README and what the page says it
// prints.
type docStep struct {
	args   []string
	output string // stdout to this file, when the command ends in "> FILE"
	want   []string
	code   int
}

// docSteps reads the "$ " commands of the page's sh blocks, the lines after
// each (up to the next command) being what it prints; a block after an
// <!-- exit N --> comment exits N. A yaml block after an
// <!-- output of: COMMAND --> comment is lines that COMMAND prints.
func docSteps(t *testing.T, path string) []docStep {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var steps []docStep
	var cur *docStep
	comment, inBlock, code := "", false, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !inBlock && strings.HasPrefix(line, "<!--"):
			comment = line
		case !inBlock && strings.HasPrefix(line, "```"):
			inBlock, code, cur = true, exitComment(comment), nil
			if of, ok := outputOf(comment); ok && line == "```yaml" {
				steps = append(steps, docStep{args: of})
				cur = &steps[len(steps)-1]
			}
			comment = ""
		case inBlock && line == "```":
			inBlock, cur = false, nil
		case inBlock && strings.HasPrefix(line, "$ go test"):
			cur = nil // what runs this
		case inBlock && strings.HasPrefix(line, "$ "):
			steps = append(steps, newDocStep(strings.TrimPrefix(line, "$ "), code))
			cur = &steps[len(steps)-1]
		case inBlock && cur != nil && strings.TrimSpace(line) != "":
			cur.want = append(cur.want, line)
		}
	}
	return steps
}

var (
	exitRe     = regexp.MustCompile(`<!-- exit (\d) -->`)
	outputOfRe = regexp.MustCompile(`<!-- output of: csv2activity (.+) -->`)
)

func exitComment(c string) int {
	if m := exitRe.FindStringSubmatch(c); m != nil {
		return int(m[1][0] - '0')
	}
	return 0
}

func outputOf(c string) ([]string, bool) {
	m := outputOfRe.FindStringSubmatch(c)
	if m == nil {
		return nil, false
	}
	return strings.Fields(m[1]), true
}

func newDocStep(cmd string, code int) docStep {
	cmd = strings.TrimPrefix(strings.TrimPrefix(cmd, "go run ."), "csv2activity")
	args := strings.Fields(cmd)
	s := docStep{code: code}
	if i := len(args) - 2; i > 0 && args[i] == ">" {
		s.output, args = args[i+1], args[:i]
	}
	s.args = args
	return s
}

// containsLine reports whether a line of out starts like line, where "…" in
// line stands for anything.
func containsLine(out, line string) bool {
	parts := strings.Split(line, "…")
	for _, l := range strings.Split(out, "\n") {
		rest, ok := l, true
		for i, p := range parts {
			j := strings.Index(rest, p)
			if j < 0 || (i == 0 && j != 0) {
				ok = false
				break
			}
			rest = rest[j+len(p):]
		}
		if ok {
			return true
		}
	}
	return false
}

// TestReadmeCommands runs every command of the README's sh blocks, in
// order, in a folder holding the samples (go run . is the built binary; go
// test is what runs this), and checks that each prints what the README shows
// and exits as it says.
func TestReadmeCommands(t *testing.T) {
	runDoc(t, "README.md")
}

// runDoc runs the commands of a page (see docSteps) in a folder holding the
// samples and the broken exports.
func runDoc(t *testing.T, page string) {
	t.Helper()
	dir := readmeDir(t)
	steps := docSteps(t, page)
	if len(steps) < 6 {
		t.Fatalf("found %d commands in %s, want at least 6", len(steps), page)
	}
	for _, s := range steps {
		res := runCLI(t, dir, nil, nil, s.args...)
		name := strings.Join(s.args, " ")
		if res.code != s.code {
			t.Fatalf("%s: exit %d, want %d\n%s%s", name, res.code, s.code, res.stdout, res.stderr)
		}
		if s.output != "" {
			writeFile(t, dir, s.output, res.stdout)
		}
		for _, w := range s.want {
			if !containsLine(res.stdout+res.stderr, w) {
				t.Errorf("%s does not print\n%s\nit prints:\n%s%s", name, w, res.stdout, res.stderr)
			}
		}
	}
}
