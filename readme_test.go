package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestReadme checks the README's commands as documented, the one harness
// for the page: the "$ " commands of its sh blocks with what they print and
// exit (readmeCommands), its annotated mapping examples with the json shown
// after each (readmeExamples), and its upload section's sh blocks without
// prompts, run as one bash script against the sandbox (readmeUpload).
func TestReadme(t *testing.T) {
	t.Parallel()
	t.Run("commands", func(t *testing.T) { t.Parallel(); runDoc(t, "README.md") })
	t.Run("examples", func(t *testing.T) { t.Parallel(); readmeExamples(t) })
	t.Run("upload", func(t *testing.T) { t.Parallel(); readmeUpload(t) })
}

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
		"testdata/exports/online-retail.csv", "samples/loyalty-customers.csv", "samples/loyalty-customers.yaml",
		"samples/vip-list.csv", "samples/card-emails.csv", "samples/optins.csv", "samples/erasures.csv",
		"samples/us-orders.csv.gz", "samples/us-orders.xlsx", "samples/us-orders.parquet"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, name, string(b))
	}
	return dir
}

var exampleComment = regexp.MustCompile(`<!-- example input=(\S+) lines=(\d+) -->`)

// readmeExamples converts each annotated mapping example of the README
// and compares the output with the json block that follows it.
func readmeExamples(t *testing.T) {
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

// readmeUpload runs the ```sh blocks of the README's upload section, in order,
// as one bash script in a folder holding the mapping and the samples, the
// built binary first on PATH and the sandbox on a listener the test opens
// and keeps open, handed over as descriptor 3 (--addr fd:3): no port is
// chosen, released and hoped still free.
func readmeUpload(t *testing.T) {
	doc, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	script.WriteString("set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n")
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
		if !strings.HasPrefix(strings.TrimSpace(m[1]), "$ ") { // blocks with prompts are run by readmeCommands
			script.WriteString(m[1])
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lnFile, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer lnFile.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	text := strings.ReplaceAll(script.String(), "--addr 127.0.0.1:8089", "--addr fd:3")
	text = strings.ReplaceAll(text, "127.0.0.1:8089", "127.0.0.1:"+port)
	// Test settings only: the socket listens before the script starts, the
	// sandbox keeps an execution 20ms in each status (instead of 200ms), and
	// uploads retry after 10ms, give a killed run's chunks 200ms to show and
	// look at executions every 50ms at first (instead of 500ms, 5s and 1s),
	// so that the rehearsal is quick.
	text = strings.ReplaceAll(text, "--quiet &\nsleep 1\n", "--quiet &\n")
	text = strings.ReplaceAll(text, "csv2activity sandbox ", "csv2activity sandbox --step 20ms ")
	text = strings.ReplaceAll(text, "csv2activity status ", "csv2activity status --poll-interval 50ms ")
	for _, c := range []string{"upload", "import"} {
		text = strings.ReplaceAll(text, "csv2activity "+c+" ", "csv2activity "+c+" "+strings.Join(fastUpload, " ")+" ")
	}
	dir := t.TempDir()
	for _, f := range []string{"mappings.example.yaml", "samples/us-orders.csv", "samples/vip-list.csv", "samples/vip-list.yaml",
		"samples/loyalty-customers.csv", "samples/loyalty-customers.yaml"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, f, string(b))
	}
	cmd := exec.Command("bash", "-c", text)
	cmd.Dir = dir
	cmd.ExtraFiles = []*os.File{lnFile}
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README upload commands: %v\n%s", err, out)
	}
	for _, want := range []string{"dry run: nothing sent", "datamart 2 holds every line exactly once", "datamart 3 holds every line exactly once", "datamart 5 holds every profile exactly once"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("README upload commands: output lacks %q\n%s", want, out)
		}
	}
}
