package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestInstallVersion installs the program as the README says (go install .
// in a git clone: here, this checkout) and checks that --version prints the
// module version and the commit it was built from, and says whether the tree
// had uncommitted changes, as git says. The build reuses the packages the
// test build compiled: it costs a link. TestOf (in internal/buildinfo) checks the
// wording of every case from made-up build information.
func TestInstallVersion(t *testing.T) {
	t.Parallel() // a link: the other tests run meanwhile instead of waiting for it
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	git := func(args ...string) (string, error) {
		out, err := exec.Command("git", args...).Output()
		return strings.TrimSpace(string(out)), err
	}
	rev, err := git("rev-parse", "HEAD")
	if err != nil {
		t.Skip("not a git checkout: the build has no revision to print")
	}
	if fi, err := os.Stat(".git"); err != nil || !fi.IsDir() {
		// go build looks for a .git folder: in a worktree or a submodule
		// (.git is a file) it stamps no VCS information.
		t.Skip("a git worktree or submodule: go build stamps no revision in one")
	}
	status, err := git("status", "--porcelain")
	if err != nil {
		t.Fatalf("git status: %v", err)
	}

	bin := t.TempDir()
	// Without the symbol table and DWARF (-s -w), which --version does not
	// read: a link of a third less CPU. The go command stamps the module's
	// version and the revision all the same.
	install := exec.Command("go", "install", "-ldflags=-s -w", ".")
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
	got := strings.TrimSpace(string(out))
	// The checkout is the developer's: a file saved or a commit made while
	// go install ran leaves unknown what the build saw.
	revAfter, _ := git("rev-parse", "HEAD")
	statusAfter, _ := git("status", "--porcelain")
	if revAfter != rev || statusAfter != status {
		t.Skip("the checkout changed while go install ran")
	}
	modified := ""
	if status != "" { // what go build stamps as vcs.modified
		modified = ", modified"
	}
	want := "csv2activity version v0.0.0-"
	if !strings.HasPrefix(got, want) || !strings.Contains(got, "(revision "+rev+", ") ||
		!strings.HasSuffix(got, modified+"), "+runtime.Version()) {
		t.Errorf("--version printed %q, want %q…, a pseudo-version, then (revision %s, DATE%s), %s",
			got, want, rev, modified, runtime.Version())
	}
}
