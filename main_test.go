package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binary is the csv2activity executable built once by TestMain; the
// end-to-end tests drive it as a user would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "csv2activity-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "csv2activity")
	// The children's temporary files (spill folders) go to a folder of
	// these tests' own: their clean-up of dead runs' spill folders then
	// never meets another package's tests' running at the same time.
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("TMPDIR", tmp)
	statSources()
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build csv2activity:", err)
		os.Exit(1)
	}
	moreParallel()
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
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

// statSources looks at every Go file of the module, so that go test's cache,
// which records the files a test opens or stats, knows that these tests
// (through the binary they build) depend on all of them: a change to any
// package then runs them again instead of replaying an old result.
func statSources() {
	filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
		case d.IsDir() && path != "." && strings.HasPrefix(d.Name(), "."):
			return filepath.SkipDir
		case strings.HasSuffix(path, ".go"):
			os.Stat(path)
		}
		return nil
	})
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
