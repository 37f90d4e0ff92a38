package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestInstallVersion installs the program as the README says, from a git
// clone (here, the module's sources committed to a fresh repository), and
// checks that --version prints the module version and the commit it was
// built from, read from the build information.
func TestInstallVersion(t *testing.T) {
	t.Parallel() // a build: the other tests run meanwhile instead of waiting for it
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	if testing.Short() {
		t.Skip("builds the program again (-short)")
	}
	clone := filepath.Join(t.TempDir(), "csv2activity")
	copySources(t, clone)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = clone
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "sources")
	rev := git("rev-parse", "HEAD")

	got := installedVersion(t, clone)
	want := "csv2activity version v0.0.0-"
	if !strings.HasPrefix(got, want) || !strings.Contains(got, "(revision "+rev+", ") || strings.Contains(got, "modified") {
		t.Errorf("--version printed %q, want %q…, a pseudo-version, and (revision %s, DATE)", got, want, rev)
	}

	// A change not committed is said.
	if err := os.WriteFile(filepath.Join(clone, "notes.txt"), []byte("not committed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := installedVersion(t, clone); !strings.Contains(got, "(revision "+rev+", ") || !strings.HasSuffix(got, ", modified), "+runtime.Version()) {
		t.Errorf("--version printed %q, want (revision %s, DATE, modified), %s", got, rev, runtime.Version())
	}
}

// installedVersion runs go install . in the clone, and then the program's
// --version. The clone's folder is new, so its packages cannot come from
// the build cache: they are compiled without optimisations and linked
// without DWARF tables (-gcflags -N -l for the module's own packages only,
// -ldflags -w), which takes a quarter to a third off the test's CPU time and
// changes nothing of the build information --version reads (the module, the
// VCS settings, the Go version). The dependencies, compiled as usual, come
// from the cache.
func installedVersion(t *testing.T, clone string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bin")
	install := exec.Command("go", "install", "-gcflags=csv2activity/...=-N -l", "-ldflags=-w", ".")
	install.Dir = clone
	// GOFLAGS as a user has it: the default VCS stamping, whatever this
	// machine's go env says.
	install.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=-buildvcs=auto")
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install .: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(bin, "csv2activity"), "--version").Output()
	if err != nil {
		t.Fatalf("csv2activity --version: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// copySources copies what building the program needs: go.mod, go.sum and
// every non-test Go file.
func copySources(t *testing.T, to string) {
	t.Helper()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata"):
			return filepath.SkipDir
		case d.IsDir(), strings.HasSuffix(path, "_test.go"):
			return nil
		case strings.HasSuffix(path, ".go"), path == "go.mod", path == "go.sum":
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			dst := filepath.Join(to, path)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			return os.WriteFile(dst, b, 0o644)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
