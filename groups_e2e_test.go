package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// An export with broken lines inside multi-line orders, through the binary:
// no activity for those orders, every other order byte-identical to a clean
// run, every line of a broken order in the rejects file.

// brokenExport is an export (its lines, header first, without line breaks)
// with some lines broken, and what a clean run must see.
type brokenExport struct {
	lines     []string
	fallen    map[string][]int // order -> its lines (1-based), when a bad cell makes it fall
	malformed []int            // lines rejected alone (a record without a reliable order id)
}

// breakExport breaks cells in some multi-line orders of an export: every
// 40th order of two lines or more gets a bad cell (on one line, by
// breakCell), and every 97th a record with a field missing. The
// order id is field orderField of a line split by sep.
func breakExport(text, sep string, orderField int, breakCell func(line string, i int) string) *brokenExport {
	e := &brokenExport{lines: strings.Split(strings.TrimRight(text, "\r\n"), "\n"), fallen: map[string][]int{}}
	byOrder := map[string][]int{}
	var orders []string
	for i, l := range e.lines[1:] {
		o := strings.Split(l, sep)[orderField]
		if byOrder[o] == nil {
			orders = append(orders, o)
		}
		byOrder[o] = append(byOrder[o], i+2)
	}
	n := 0
	for _, o := range orders {
		lines := byOrder[o]
		if len(lines) < 2 {
			continue
		}
		switch n++; {
		case n%40 == 4:
			at := lines[n%len(lines)]
			e.lines[at-1] = breakCell(e.lines[at-1], n)
			e.fallen[o] = lines
		case n%97 == 7:
			at := lines[len(lines)-1]
			l := e.lines[at-1]
			e.lines[at-1] = l[:strings.LastIndex(l, sep)] // one field short: rejected alone
			e.malformed = append(e.malformed, at)
		}
	}
	return e
}

// clean is the export without the fallen orders and the malformed lines.
func (e *brokenExport) clean() string {
	drop := map[int]bool{}
	for _, lines := range e.fallen {
		for _, l := range lines {
			drop[l] = true
		}
	}
	for _, l := range e.malformed {
		drop[l] = true
	}
	var keep []string
	for i, l := range e.lines {
		if !drop[i+1] {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n") + "\n"
}

func (e *brokenExport) String() string { return strings.Join(e.lines, "\n") + "\n" }

// checkRejects checks a rejects file against the broken export: every line of
// a fallen order with its order named, the malformed lines alone, nothing
// else.
func (e *brokenExport) checkRejects(t *testing.T, path string) {
	t.Helper()
	want := map[int]string{}
	for o, lines := range e.fallen {
		for _, l := range lines {
			want[l] = fmt.Sprintf("group %q rejected whole", o)
		}
	}
	for _, l := range e.malformed {
		want[l] = "fields, the header has"
	}
	got := map[int]string{}
	for _, l := range readLines(t, path) {
		var r struct {
			Line   int    `json:"line"`
			Reason string `json:"reason"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%s: %q: %v", path, l, err)
		}
		got[r.Line] = r.Reason
	}
	if len(got) != len(want) {
		t.Errorf("%d lines rejected, want %d", len(got), len(want))
	}
	for l, w := range want {
		if !strings.Contains(got[l], w) || (w == "fields, the header has" && strings.Contains(got[l], "rejected whole")) {
			t.Errorf("line %d: reason %q, want it to name %q", l, got[l], w)
		}
	}
}

// usBroken breaks an American export's quantity or order date.
func usBroken(lines []orderLine) *brokenExport {
	return breakExport(usExport(lines), ",", 1, func(l string, i int) string {
		if i%2 == 0 {
			return l[:strings.LastIndex(l, ",")] + ",two"
		}
		f := strings.SplitN(l, ",", 4)
		f[2] = "13/45/2016"
		return strings.Join(f, ",")
	})
}

// frBroken breaks a French till export's quantity, date or amount.
func frBroken(t *testing.T, lines []orderLine) (*brokenExport, func(string) string) {
	text, err := charmap.Windows1252.NewDecoder().String(frExport(t, lines))
	if err != nil {
		t.Fatal(err)
	}
	e := breakExport(strings.ReplaceAll(text, "\r\n", "\n"), ";", 0, func(l string, i int) string {
		f := strings.Split(l, ";")
		switch i % 3 {
		case 0:
			f[7] = "deux"
		case 1:
			f[1] = "31/02/2024"
		default:
			f[6] = "12,5,0"
		}
		return strings.Join(f, ";")
	})
	encode := func(s string) string {
		b, err := charmap.Windows1252.NewEncoder().String(strings.ReplaceAll(s, "\n", "\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return e, encode
}

func TestWholeOrdersE2E(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(21))
	asExported := genOrders(12000, rng)
	shuffled := slices.Clone(asExported)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	us := usBroken(asExported)
	fr, encode := frBroken(t, shuffled)
	identity := func(s string) string { return s }
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	exports := []struct {
		name, mapping string
		export        *brokenExport
		encode        func(string) string
		modes         [][]string
	}{
		{"american", usMapping, us, identity, [][]string{{"--workers", "1"}, {"--workers", "3"}, {"--sorted"}, {"--max-memory", "1MiB"}}},
		{"french windows-1252 shuffled", frMapping, fr, encode, [][]string{{"--workers", "1"}, {"--workers", "3"}, {"--max-memory", "1MiB"}}},
	}
	for _, ex := range exports {
		if len(ex.export.fallen) < 50 || len(ex.export.malformed) < 10 {
			t.Fatalf("%s: %d orders broken, %d lines malformed: too few", ex.name, len(ex.export.fallen), len(ex.export.malformed))
		}
		m := writeFile(t, dir, ex.name+".yaml", ex.mapping)
		in := writeFile(t, dir, ex.name+".csv", ex.encode(ex.export.String()))
		clean := writeFile(t, dir, ex.name+".clean.csv", ex.encode(ex.export.clean()))
		want := runCLI(t, "", nil, nil, "convert", "-m", m, clean)
		if want.code != 0 || strings.Count(want.stdout, "\n") < 3000 {
			t.Fatalf("%s, clean: exit %d, %d activities\n%s", ex.name, want.code, strings.Count(want.stdout, "\n"), want.stderr)
		}
		for _, mode := range ex.modes {
			t.Run(ex.name+" "+strings.Join(mode, " "), func(t *testing.T) {
				out := filepath.Join(dir, "out.ndjson")
				args := append(append([]string{"convert", "-m", m, "-o", out}, mode...), in)
				res := runCLI(t, "", nil, []string{"TMPDIR=" + tmp}, args...)
				if res.code != 3 {
					t.Fatalf("exit %d, want 3\n%s", res.code, res.stderr)
				}
				if got, _ := os.ReadFile(out); string(got) != want.stdout {
					t.Errorf("activities differ from the clean export's")
				}
				rejects := strings.TrimSuffix(out, ".ndjson") + ".rejects.ndjson"
				ex.export.checkRejects(t, rejects)
				groups := fmt.Sprintf("(%d groups rejected whole); rejects in %s;", len(ex.export.fallen), rejects)
				if !strings.Contains(res.stderr, groups) {
					t.Errorf("summary does not say %q:\n%s", groups, res.stderr)
				}
				summaryAddsUp(t, res.stderr)
				if left, _ := os.ReadDir(tmp); len(left) != 0 {
					t.Errorf("left in TMPDIR: %v", left)
				}
			})
		}
	}
	t.Run("american through import", func(t *testing.T) {
		sb := startSandbox(t, "--quiet")
		m := filepath.Join(dir, "american.yaml")
		want := runCLI(t, "", nil, nil, "convert", "-m", m, filepath.Join(dir, "american.clean.csv"))
		rejects := filepath.Join(dir, "import.rejects.ndjson")
		res := runCLI(t, "", nil, sb.env("7"), "import", "-m", m, "--chunk-size", "256KB", "--state", filepath.Join(dir, "state.json"),
			"--rejects", rejects, filepath.Join(dir, "american.csv"))
		if res.code != 3 {
			t.Fatalf("import: exit %d, want 3\n%s", res.code, res.stderr)
		}
		assertOnce(t, sb.stored(t, "7"), strings.Split(strings.TrimSuffix(want.stdout, "\n"), "\n"))
		us.checkRejects(t, rejects)
		if !strings.Contains(res.stderr, "rejects in "+rejects) {
			t.Errorf("the summary does not name the rejects file:\n%s", res.stderr)
		}
	})
}

// summaryAddsUp finds the summary line in a run's standard error and checks
// that its counts add up: read = in activities + filtered + rejected (+ not
// converted, when the run stopped). It returns the counts.
func summaryAddsUp(t *testing.T, stderr string) map[string]int {
	t.Helper()
	re := regexp.MustCompile(`(\d+) rows read: (\d+) in (\d+) activities[^,]*, (\d+) filtered by where, (\d+) rejected[^,;]*(?:, (\d+) not converted because the run stopped)?;`)
	m := re.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no summary in:\n%s", stderr)
	}
	n := map[string]int{}
	for i, name := range []string{"read", "in", "activities", "filtered", "rejected", "unconverted"} {
		n[name], _ = strconv.Atoi(m[i+1])
	}
	if n["read"] != n["in"]+n["filtered"]+n["rejected"]+n["unconverted"] {
		t.Errorf("the summary does not add up: %s", m[0])
	}
	return n
}

// TestBigGroupMemoryE2E: --max-memory bounds one big group too. A group of
// 300,000 rows under a 64MB budget is rejected whole (its rows streamed to
// the rejects file, never built into one activity), the other orders are
// written, and the child's peak memory, read from its own /proc/PID/status
// at the end of its run, stays near the budget.
func TestBigGroupMemoryE2E(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Written straight to the file: a test process that grows would
	// distort other tests' children (rusage counts the parent's peak).
	in := filepath.Join(dir, "big.csv")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("order,customer,sku,qty,price\n")
	// A small order every 100,000 rows of the big one (past its budget
	// already, so --sorted rejects it whole before the first break).
	const big, every = 300_000, 100_000
	for i := range big {
		if i%every == 0 {
			fmt.Fprintf(w, "T%d,C2,SKU-1,1,2.50\nT%d,C2,SKU-2,3,1.25\n", i, i)
		}
		fmt.Fprintf(w, "BIG,C1,SKU-%d,1,2.50\n", i)
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		t.Fatal(err)
	}
	m := writeFile(t, dir, "m.yaml", `version: 1
columns:
  qty: int
  price: decimal
group_by: ${ order }
activity:
  $type: TOUCH
  $ts: 1700000000000
  $user_account_id: ${ customer }
  total: '${ sum(rows, #.price * #.qty) }'
  items:
    for_each: rows
    item: {sku: '${ sku }', qty: '${ qty }'}
`)
	out := filepath.Join(dir, "out.ndjson")
	rejects := filepath.Join(dir, "out.rejects.ndjson")
	for _, mode := range []string{"--workers=2", "--sorted"} {
		t.Run(mode, func(t *testing.T) {
			res, peak := peakAtEnd(t, rejects, "convert", mode, "--max-memory", "64MB", "--max-errors", "-1", "-m", m, "-o", out, in)
			if res.code != 3 {
				t.Fatalf("exit %d, want 3\n%s", res.code, res.stderr)
			}
			if n := summaryAddsUp(t, res.stderr); n["rejected"] != big || n["activities"] != big/every || !strings.Contains(res.stderr, "(1 group rejected whole)") {
				t.Errorf("summary %v, want the big group's %d rows rejected and the %d small orders written:\n%s", n, big, big/every, res.stderr)
			}
			first := firstLine(t, rejects)
			if !strings.Contains(first, `"reason":"group \"BIG\" rejected whole: its rows take more than 3.8MiB`) {
				t.Errorf("first reject: %s", first)
			}
			if peak > 200<<20 {
				t.Errorf("peak resident memory %d MiB with --max-memory 64MB, want it bounded near the budget", peak>>20)
			}
			t.Logf("%s: peak resident memory %d MiB", mode, peak>>20)
			os.Remove(rejects)
		})
	}
}

// firstLine reads the first line of a file.
func firstLine(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return line
}

// peakAtEnd runs the binary with args until it has written the file done,
// and returns what it did and its peak resident memory (VmHWM), read from
// its own /proc/PID/status while it still runs. Its standard error is a pipe
// filled beforehand, so that its last word (the summary, printed after
// every file is in place) blocks it until the test has read its memory:
// nothing depends on timing.
func peakAtEnd(t *testing.T, done string, args ...string) (cliResult, int64) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	filled := fillPipe(t, w)
	cmd := exec.Command(binary, args...)
	cmd.Stderr = w
	var stdout lockedBuffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	deadline := time.Now().Add(3 * time.Minute) // a bound for a stuck run, not a timing assumption
	for _, err := os.Stat(done); err != nil; _, err = os.Stat(done) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("%s never appeared", done)
		}
		time.Sleep(20 * time.Millisecond)
	}
	peak := vmHWM(t, cmd.Process.Pid)
	stderr, _ := io.ReadAll(r) // unblocks the child; ends when it exits
	cmd.Wait()
	res := cliResult{stdout: stdout.String(), stderr: string(stderr[filled:]), code: cmd.ProcessState.ExitCode()}
	return res, peak
}

// fillPipe writes into the pipe w until it is full, and returns how many
// bytes it took; w is left blocking.
func fillPipe(t *testing.T, w *os.File) int {
	t.Helper()
	fd := int(w.Fd())
	if err := syscall.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, size := range []int{4096, 1} {
		chunk := []byte(strings.Repeat("#", size))
		for {
			k, err := syscall.Write(fd, chunk)
			if err == syscall.EAGAIN {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			n += k
		}
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLineOverChunkE2E: import refuses at conversion time an activity longer
// than its --chunk-size (no execution could hold it): the order's rows are
// rejected, every other order is uploaded.
func TestLineOverChunkE2E(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, "--quiet")
	dir := t.TempDir()
	lines := genOrders(300, rand.New(rand.NewSource(5)))
	for i := range 60 {
		l := lines[10]
		l.order, l.product = "CA-2017-999999", fmt.Sprintf("OFF-PA-%08d", i)
		lines = append(lines, l)
	}
	in := writeFile(t, dir, "big-order.csv", usExport(lines))
	m := writeFile(t, dir, "us.yaml", usMapping)
	want := runCLI(t, "", nil, nil, "convert", "-m", m, in)
	var kept []string
	for _, l := range strings.Split(strings.TrimSuffix(want.stdout, "\n"), "\n") {
		if len(l)+1 > 4000 {
			if !strings.Contains(l, `"order_id":"CA-2017-999999"`) {
				t.Fatalf("an activity other than the big order's is over 4KB: %.200s", l)
			}
			continue
		}
		kept = append(kept, l)
	}
	if want.code != 0 || len(kept) != strings.Count(want.stdout, "\n")-1 {
		t.Fatalf("convert: exit %d, %d activities kept; want the big order's alone over 4KB", want.code, len(kept))
	}
	rejects := filepath.Join(dir, "rejects.ndjson")
	res := runCLI(t, "", nil, sb.env("8"), "import", "-m", m, "--chunk-size", "4KB", "--state", filepath.Join(dir, "state.json"), "--rejects", rejects, in)
	if res.code != 3 {
		t.Fatalf("import: exit %d, want 3\n%s", res.code, res.stderr)
	}
	assertOnce(t, sb.stored(t, "8"), kept)
	got := readLines(t, rejects)
	if len(got) != 60 || !strings.Contains(got[0], `rejected whole: the activity is`) || !strings.Contains(got[0], "bytes, more than the 4,000 bytes an upload execution may hold") {
		t.Errorf("%d rejects, first %s; want the 60 rows of the big order, for its length", len(got), got[0])
	}
}
