package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestProgramLinksNoExcelize holds the program to reading workbooks itself
// (input/workbook.go): excelize writes the tests' and the benchmark's
// workbooks and is the reference the reader is held to, but its package
// initialisation would cost every start of the program 21,830 allocations.
func TestProgramLinksNoExcelize(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps .: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps . listed %q: not the program's packages", deps)
	}
	for _, p := range deps {
		if strings.HasPrefix(p, "github.com/xuri/") {
			t.Errorf("the program links %s", p)
		}
	}
}
