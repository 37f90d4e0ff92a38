package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The values a mapping computes, end to end: expressions that would take
// gigabytes or hours, mapping files that would choke the YAML parser, wide
// headers, and what a crash exits with. Each runs the built binary, and
// measures it from its own /proc/PID/status while it runs.

// peakMemory follows the peak resident memory (VmHWM) of a running process
// until stop is called, which returns it in bytes.
func peakMemory(pid int) (stop func() int64) {
	var mu sync.Mutex
	var peak int64
	done := make(chan struct{})
	go func() {
		for {
			if kb := statusField(pid, "VmHWM:"); kb > 0 {
				mu.Lock()
				peak = max(peak, kb<<10)
				mu.Unlock()
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() int64 {
		close(done)
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// statusField reads a "Name: N kB" field of /proc/PID/status, 0 if gone.
func statusField(pid int, name string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// cpuTime is the CPU time a running process has used, from /proc/PID/stat.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name (which may hold spaces) in parens.
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// measured is one run of the binary, with its peak memory and duration.
type measured struct {
	cliResult
	peak    int64
	elapsed time.Duration
}

// runLimited runs the binary with its address space limited to 4 GiB
// (ulimit -v), a net under a regression that would eat the machine, and
// measures it.
func runLimited(t *testing.T, dir string, stdin io.Reader, args ...string) measured {
	t.Helper()
	cmd := exec.Command("sh", append([]string{"-c", `ulimit -v 4194304; exec "$0" "$@"`, binary}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := peakMemory(cmd.Process.Pid)
	err := cmd.Wait()
	m := measured{cliResult: cliResult{stdout: out.String(), stderr: errb.String()}, peak: stop(), elapsed: time.Since(start)}
	m.code = cmd.ProcessState.ExitCode()
	if err != nil && m.code < 0 {
		t.Fatalf("csv2activity %s: %v\n%s", strings.Join(args, " "), err, m.stderr)
	}
	if strings.Contains(m.stderr, "goroutine ") || strings.Contains(m.stderr, "fatal error") {
		t.Fatalf("csv2activity %s crashed:\n%.2000s", strings.Join(args, " "), m.stderr)
	}
	return m
}

// budgetExport is a two-row loyalty export: the attacks below cost their
// full price on each row.
const budgetExport = loyaltyHeader +
	"LY100200,marie.dupont@example.fr,purchase,120,54.20,S01,2024-03-05T10:15:00+01:00\n" +
	"LY100203,sophie.leroy@example.org,purchase,80,31.50,S07,2024-03-06T09:00:00+01:00\n"

// TestExpressionBudgetEndToEnd: expressions that would build terabytes or
// run for hours reject their rows with the reason, in bounded memory and
// time, and the run finishes (exit 3) with nothing wrong written.
func TestExpressionBudgetEndToEnd(t *testing.T) {
	t.Parallel()
	attacks := []struct{ name, expr, reason string }{
		{"nested repeat", `repeat(repeat("x", 100000), 1000000)`, "repeat would build a string of 100000000000 bytes"},
		{"doubling a string", `reduce(1..40, #acc + #acc, "x")`, "#acc + #acc: expression budget exceeded"},
		{"joining copies", `join(map(1..100000, repeat(email, 1000)))`, "built more than 64 MiB"},
		{"a long string written many times", `let s = repeat(email, 20000); map(1..100000, s)`, "built more than 64 MiB"},
		{"a huge range", `len(1..1000000000)`, "lists and maps of more than 1000000 elements"},
		{"too many steps", `let r = 1..999; count(r, count(r, count(r, # > 5) == 0) == 999)`, "more than 10000000 steps"},
	}
	for _, tt := range attacks {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := writeFile(t, dir, "loyalty.csv", budgetExport)
			m := writeFile(t, dir, "m.yaml", "version: 1\nactivity:\n  $type: TOUCH\n  $ts: 1709630100000\n  $user_account_id: ${ member_id }\n  v: '${ "+tt.expr+" }'\n")
			out := filepath.Join(dir, "out.ndjson")
			res := runLimited(t, dir, nil, "convert", "-m", m, "-o", out, in)
			if res.code != 3 {
				t.Fatalf("exit %d, want 3 (rows rejected); stderr:\n%s", res.code, res.stderr)
			}
			rejects := readLines(t, filepath.Join(dir, "out.rejects.ndjson"))
			if len(rejects) != 2 {
				t.Fatalf("%d rejected rows, want 2: %v", len(rejects), rejects)
			}
			for _, r := range rejects {
				if !strings.Contains(r, tt.reason) || !strings.Contains(r, "expression budget exceeded") {
					t.Errorf("reject %.300s does not say %q", r, tt.reason)
				}
			}
			if b, err := os.ReadFile(out); err == nil && len(b) > 0 {
				t.Errorf("wrote %.200s, want no activity", b)
			}
			if res.peak > 400<<20 {
				t.Errorf("peak memory %d MiB, want it bounded (at most 400 MiB)", res.peak>>20)
			}
			if res.elapsed > 60*time.Second {
				t.Errorf("took %v", res.elapsed)
			}
			t.Logf("%v, peak %d MiB", res.elapsed.Round(time.Millisecond), res.peak>>20)
		})
	}
}

// TestDeepYAMLRefused: mapping files built to choke the YAML parser are
// refused before it runs, at once, in little memory, with a short error
// naming the line and column; nothing is read.
func TestDeepYAMLRefused(t *testing.T) {
	t.Parallel()
	var keys strings.Builder
	keys.WriteString("version: 1\nactivity:\n")
	for i := range 5001 {
		fmt.Fprintf(&keys, "  k%d: 1\n", i)
	}
	tests := []struct{ name, text, want string }{
		{"200 KB of nested flow lists", "version: 1\nactivity:\n  a: " + strings.Repeat("[", 200<<10) + "\n", "m.yaml:3:77: the YAML is nested more than 72 levels deep"},
		{"nested flow maps", "version: 1\nactivity: " + strings.Repeat("{a: ", 50<<10) + "\n", "m.yaml:2:"},
		{"empty entries the parser nests", "version: 1\nactivity:\n" + strings.Repeat("0:\n-\n", 40000), "nested more than 72 levels deep"},
		{"a map of 5001 keys", keys.String(), "m.yaml:5003:3: a map of more than 5000 keys"},
		{"a file over 256 KiB", "version: 1\n# " + strings.Repeat("x", 300<<10) + "\n", "mapping file is more than the 262144 bytes allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "m.yaml", tt.text)
			in := writeFile(t, dir, "loyalty.csv", budgetExport)
			res := runLimited(t, dir, nil, "convert", "-m", "m.yaml", "-o", "out.ndjson", in)
			if res.code != 2 || !strings.Contains(res.stderr, tt.want) {
				t.Fatalf("exit %d, want 2 and %q; stderr:\n%.1000s", res.code, tt.want, res.stderr)
			}
			if len(res.stderr) > 1000 {
				t.Errorf("an error of %d bytes: %.300s…", len(res.stderr), res.stderr)
			}
			if res.elapsed > 10*time.Second || res.peak > 200<<20 {
				t.Errorf("took %v and %d MiB to refuse", res.elapsed, res.peak>>20)
			}
			if _, err := os.Stat(filepath.Join(dir, "out.ndjson")); err == nil {
				t.Error("an output was written")
			}
		})
	}
}

// TestWideHeader: an export of 480,000 columns is converted in seconds, the
// expressions reading the few columns they name.
func TestWideHeader(t *testing.T) {
	t.Parallel()
	const n = 480000
	dir := t.TempDir()
	var b bytes.Buffer
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "c%d", i)
	}
	b.WriteByte('\n')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i))
	}
	b.WriteByte('\n')
	in := filepath.Join(dir, "wide.csv")
	if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	m := writeFile(t, dir, "m.yaml", "version: 1\ncolumns:\n  c479998: int\nactivity:\n  $type: TOUCH\n  $ts: 1709630100000\n"+
		"  $user_account_id: ${ c1 }\n  a: ${ c479998 * 2 }\n  b: '${ c7 + \"x\" }'\n  c: '${ len(c12345) }'\n")
	res := runLimited(t, dir, nil, "convert", "-m", m, in)
	if res.code != 0 {
		t.Fatalf("exit %d; stderr:\n%.1000s", res.code, res.stderr)
	}
	if want := `{"$type":"TOUCH","$ts":1709630100000,"$user_account_id":"1","a":959996,"b":"7x","c":5}` + "\n"; res.stdout != want {
		t.Errorf("got %s, want %s", res.stdout, want)
	}
	if res.elapsed > 30*time.Second {
		t.Errorf("took %v for one row of %d columns", res.elapsed, n)
	}
}

// TestSIGTERMStopsALongExpression: SIGTERM during an expression that would
// run for many minutes (a million regular-expression matches on a 64 KiB
// string, within every budget) stops the run within seconds, exit 1,
// nothing written.
func TestSIGTERMStopsALongExpression(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := writeFile(t, dir, "loyalty.csv", budgetExport)
	m := writeFile(t, dir, "m.yaml", "version: 1\nactivity:\n  $type: TOUCH\n  $ts: 1709630100000\n  $user_account_id: ${ member_id }\n"+
		`  v: '${ let s = email + repeat("x", 65536); let r = 1..999; count(r, count(r, s matches "(x|y)+z") == 0) }'`+"\n")
	out := filepath.Join(dir, "out.ndjson")
	cmd := exec.Command(binary, "convert", "-m", m, "-o", out, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until it has computed for a second: the expression is running.
	deadline := time.Now().Add(60 * time.Second)
	for cpuTime(cmd.Process.Pid) < time.Second {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the conversion did not start computing")
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := stopWith(t, cmd, syscall.SIGTERM, 5*time.Second)
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("exit %d, want 1 and \"interrupted\"; stderr:\n%s", code, stderr.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an output was written")
	}
	t.Logf("stopped %v after SIGTERM", took)
}

// TestFatalErrorIsNotExit2: a Go runtime fatal error (here out of memory,
// a row of gigabytes read under a 3 GiB address space) kills the process
// with SIGABRT; exit status 2 stays the mark of a usage or mapping error.
func TestFatalErrorIsNotExit2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m := writeFile(t, dir, "m.yaml", "version: 1\nactivity:\n  $type: TOUCH\n  $ts: 1709630100000\n  $user_account_id: ${ id }\n  n: ${ notes }\n")
	run := func(stdin io.Reader, args ...string) (*exec.Cmd, string) {
		cmd := exec.Command("sh", append([]string{"-c", `ulimit -v 3145728; exec "$0" "$@"`, binary}, args...)...)
		cmd.Dir = dir
		cmd.Stdin = stdin
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Run()
		return cmd, stderr.String()
	}
	if cmd, stderr := run(nil, "--version"); cmd.ProcessState.ExitCode() != 0 {
		t.Skipf("the binary does not start under a 3 GiB address space here:\n%.300s", stderr)
	}
	// An endless row: the reader holds it whole (--max-row-size 16GiB)
	// until memory runs out.
	row := io.MultiReader(strings.NewReader("id,notes\nu1,"), endless('x'))
	cmd, stderr := run(row, "convert", "--max-row-size", "16GiB", "-m", m, "-o", "out.ndjson", "-")
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGABRT || !strings.Contains(stderr, "fatal error") {
		t.Fatalf("exit %d (%v), want death by SIGABRT after a fatal error; stderr:\n%.500s", cmd.ProcessState.ExitCode(), ws, stderr)
	}
}

// endless is a reader of the byte c, forever.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}
