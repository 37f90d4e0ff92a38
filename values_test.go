package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A crash's exit status, end to end: a Go runtime fatal error is not exit
// 2. It stays in Go: its input is endless, written by the test for as long
// as the child reads. The expression budget, mapping files that would choke
// the YAML parser, wide headers and SIGTERM during a long expression are
// scripts (expression_budget, deep_yaml, wide_header,
// sigterm_long_expression); statusField and cpuTime read a child's own
// numbers for them.

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

// TestFatalErrorIsNotExit2: a Go runtime fatal error (here out of memory,
// an endless row read under a 1.75 GiB address space) kills the process
// with SIGABRT; exit status 2 stays the mark of a usage or mapping error.
// The limit is as low as lets the program start and convert with room to
// spare (under 1.25 GiB, the conversion cannot start its threads): the cost
// of the test is the row it reads before memory runs out, about 0.1 s of
// CPU here where a 2 GiB limit took a second.
func TestFatalErrorIsNotExit2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m := writeFile(t, dir, "m.yaml", "version: 1\nactivity:\n  $type: TOUCH\n  $ts: 1709630100000\n  $user_account_id: ${ id }\n  n: ${ notes }\n")
	run := func(stdin io.Reader, args ...string) (*exec.Cmd, string) {
		cmd := exec.Command("sh", append([]string{"-c", `ulimit -v 1835008; exec "$0" "$@"`, binary}, args...)...)
		cmd.Dir = dir
		cmd.Stdin = stdin
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Run()
		return cmd, stderr.String()
	}
	if cmd, stderr := run(nil, "--version"); cmd.ProcessState.ExitCode() != 0 {
		t.Skipf("the binary does not start under a 1.75 GiB address space here:\n%.300s", stderr)
	}
	// An endless row: the reader holds it whole (--max-row-size 16GiB)
	// until memory runs out.
	row := io.MultiReader(strings.NewReader("id,notes\nu1,"), endless('x'))
	cmd, stderr := run(row, "convert", "--max-row-size", "16GiB", "-m", m, "-o", "out.ndjson", "-")
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGABRT || !strings.Contains(stderr, "fatal error: out of memory") {
		t.Fatalf("exit %d (%v), want death by SIGABRT after the fatal error out of memory; stderr:\n%.500s", cmd.ProcessState.ExitCode(), ws, stderr)
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
