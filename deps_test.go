package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestProgramLinksNoExcelize holds the program to reading workbooks itself
// (input/workbook.go): excelize writes the benchmark's workbooks and is the
// reference the reader is held to, but its package initialisation would cost
// every start of the program 21,830 allocations. This package's test
// executable is held to it too: it is the csv2activity the end-to-end tests
// start hundreds of times (see binary), so its scripts write their workbooks
// with testenv.WriteWorkbook.
func TestProgramLinksNoExcelize(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	// -test lists the program's packages and its tests' together: one list
	// holds both to it.
	out, err := exec.Command("go", "list", "-deps", "-test", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps -test .: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps -test . listed %q: not the program's packages", deps)
	}
	for _, p := range deps {
		if strings.HasPrefix(p, "github.com/xuri/") {
			t.Errorf("%s is linked", p)
		}
	}
}
