package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binary is the csv2activity the end-to-end tests drive as a user would: a
// link named csv2activity to this test executable, which runs the program's
// main when it is started under that name. The program is so built once, by
// go test itself, instead of compiled and linked again by TestMain (a link
// of several seconds before any test could start); what runs is the same
// main, the same packages.
var binary string

func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "csv2activity" {
		main()
	}
	dir, err := os.MkdirTemp("", "csv2activity-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := runTests(m, dir)
	os.RemoveAll(dir)
	os.Exit(code)
}

// runTests links binary to this executable in dir, points the children's
// temporary files at a folder of dir, and runs the tests.
func runTests(m *testing.M, dir string) int {
	self, err := os.Executable()
	if err == nil {
		binary = filepath.Join(dir, "csv2activity")
		err = os.Symlink(self, binary)
	}
	// The children's temporary files (spill folders) go to a folder of
	// these tests' own: their clean-up of dead runs' spill folders then
	// never meets another package's tests' running at the same time.
	tmp := filepath.Join(dir, "tmp")
	if err == nil {
		err = os.Mkdir(tmp, 0o700)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "csv2activity for the tests:", err)
		return 1
	}
	os.Setenv("TMPDIR", tmp)
	moreParallel()
	return m.Run()
}

// moreParallel lets four tests run at once unless -parallel says otherwise:
// most of these tests wait on a child (a sandbox's latency, a poll, a
// pipe), so the default of one per CPU leaves the CPUs idle.
func moreParallel() {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "4")
	}
}

// cliResult is what one run of the binary did.
type cliResult struct {
	stdout, stderr string
	code           int
}

// runCLI runs the binary with args in dir (the repository root when ""), with
// stdin and extra environment variables.
func runCLI(t testing.TB, dir string, stdin io.Reader, env []string, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := cliResult{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run csv2activity %s: %v", strings.Join(args, " "), err)
	}
	if strings.Contains(res.stderr, "panic:") || strings.Contains(res.stderr, "goroutine ") {
		t.Fatalf("csv2activity %s panicked:\n%s", strings.Join(args, " "), res.stderr)
	}
	return res
}

// writeFile writes a test file under dir and returns its path.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readLines reads an ndjson file's lines (none when it does not exist).
func readLines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}
