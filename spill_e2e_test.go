package main

import (
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSpillEndToEnd runs group_by through the binary with a memory budget
// far below the input, so that rows are spilled to temporary files: the
// output is byte-identical to the in-memory run's, the spill files are gone
// afterwards, after an error, and after Ctrl-C, and the summary of a stopped
// run adds up.
func TestSpillEndToEnd(t *testing.T) {
	t.Parallel()
	lines := genOrders(60000, rand.New(rand.NewSource(3)))
	shuffled := append([]orderLine(nil), lines...)
	rand.New(rand.NewSource(4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	dir := t.TempDir()
	m := writeFile(t, dir, "us.yaml", usMapping)
	in := writeFile(t, dir, "us.csv", usExport(shuffled))
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"TMPDIR=" + tmp}
	noSpillFiles := func(when string) {
		t.Helper()
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Errorf("%s: left in TMPDIR: %v", when, left)
		}
	}

	// A budget of 1 MiB against a 4 MB export: the same bytes as in memory.
	want := runCLI(t, "", nil, env, "convert", "-m", m, in)
	got := runCLI(t, "", nil, env, "convert", "--max-memory", "1MiB", "-m", m, in)
	if want.code != 0 || got.code != 0 || got.stdout != want.stdout || strings.Count(got.stdout, "\n") < 20000 {
		t.Fatalf("spilled run: exit %d, in memory: exit %d; outputs equal: %v\n%s", got.code, want.code, got.stdout == want.stdout, got.stderr)
	}
	noSpillFiles("after a spilled run")

	// Too many rejects late in the input stop the run after it has spilled.
	broken := writeFile(t, dir, "broken.csv", usExport(shuffled)+strings.Repeat("9,CA-X,1/2/2016,CG-1,P-1,Furniture,Chair,1.00,zero\n", 20))
	res := runCLI(t, "", nil, env, "convert", "--max-memory", "1MiB", "--max-errors", "5", "-m", m, "-o", filepath.Join(dir, "out.ndjson"), broken)
	if res.code != 1 || !strings.Contains(res.stderr, "more than 5 rows rejected") {
		t.Fatalf("too many rejects: exit %d\n%s", res.code, res.stderr)
	}
	// The summary adds up: the rows spilled, waiting for the end of the
	// input, were not converted because the run stopped.
	if n := summaryAddsUp(t, res.stderr); n["rejected"] != 6 || n["unconverted"] < 20000 || !strings.Contains(res.stderr, "rejects in "+filepath.Join(dir, "out.rejects.ndjson")) {
		t.Errorf("too many rejects: summary %v, want 6 rejected, the spilled rows not converted, and the rejects file named:\n%s", n, res.stderr)
	}
	noSpillFiles("after too many rejects")

	// Ctrl-C while rows are being spilled.
	cmd, stdin, stderr := startPiped(t, env, "convert", "--max-memory", "1MiB", "-m", m, "-o", filepath.Join(dir, "interrupted.ndjson"), "-")
	defer stdin.Close()                          // open until the end: the run waits for more rows
	go io.WriteString(stdin, usExport(shuffled)) // the rest is refused once the run is stopped
	waitFor(t, func() bool {
		runs, _ := filepath.Glob(filepath.Join(tmp, "csv2activity-spill-*", "*"))
		return len(runs) > 0
	})
	stopWith(t, cmd, syscall.SIGINT, 5*time.Second)
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "interrupted after") {
		t.Errorf("Ctrl-C: exit %d\n%s", code, stderr.String())
	}
	if n := summaryAddsUp(t, stderr.String()); n["read"] == 0 || n["unconverted"] != n["read"] {
		t.Errorf("Ctrl-C: summary %v, want every row read not converted", n)
	}
	noSpillFiles("after Ctrl-C")
	if _, err := os.Stat(filepath.Join(dir, "interrupted.ndjson")); err == nil {
		t.Error("Ctrl-C left an output file")
	}
}
