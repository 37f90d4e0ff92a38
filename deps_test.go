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
	for _, args := range [][]string{{"list", "-deps", "."}, {"list", "-deps", "-test", "."}} {
		out, err := exec.Command("go", args...).Output()
		if err != nil {
			t.Fatalf("go %s: %v", strings.Join(args, " "), err)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go %s listed %q: not the program's packages", strings.Join(args, " "), deps)
		}
		for _, p := range deps {
			if strings.HasPrefix(p, "github.com/xuri/") {
				t.Errorf("go %s: %s is linked", strings.Join(args, " "), p)
			}
		}
	}
}
